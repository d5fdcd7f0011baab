"""ExtractionResult -> RDF quads: one named graph per document (DESIGN.md "Data flow").

Input: extract/result.py `ExtractionResult`. Output: N-Quads text (`result_to_nquads`, what a build
writes: each line written directly, no Python `Quad` object per quad, issue #24) or pyoxigraph
`Quad`s parsed from it (`result_to_quads`), all in the document's graph
`<id/doc/{source}>`, whose provenance is stated inside that graph: replacing the graph on re-ingest
replaces the provenance with it. Shared things (agencies, cited documents, places, people) get IRIs
from their names, so plans meet on them; each graph carries their labels as seen in its document.
No blank nodes and no None values: re-ingesting the same result gives the same quads.
Compact (issue #24), each removal derivable from what stays:
- a type is our own class only (superclasses such as eli:LegalResource or org:Organization are
  stated once, by rdfs:subClassOf in the ontology graph);
- a fact's evidence is pk:start / pk:end on the fact itself, offsets into the plan's
  pk:cleanedText: no selector node, types or quoted copy (the W3C Web Annotation form is
  produced on export when asked, graph/export/exporters.py `web_annotation_quads`);
- no pk:plan on facts: the named graph says which plan (`GRAPH ?g { ?g pk:plan ?plan }`), and
  exports to triple formats write the link back (graph/export/exporters.py);
- pk:order only where the spans do not give document order (`order_not_in_spans`);
- no rdfs:label repeating an agency's skos:prefLabel or a person's foaf:name: both are
  sub-properties of rdfs:label (SKOS, FOAF; stated in the ontology graph too).
IRI scheme and terms: docs/ontology.md, ontology/policykg.ttl.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from ..extract.result import Agency, Evidence, ExtractionResult
from ..ontology import (DCTERMS, ELI, FOAF, ID, OA, ORG, PK, PROV, RDF, RDFS, SCHEMA, SKOS, XSD,
                        ontology_file)
from ..ontology.vocab import agency_type_iri, classify_agency
from .places import gazetteer_code, place_entity_iri

ONTOLOGY_GRAPH = NamedNode(ID + "graph/ontology")
AGENCY_TYPES_GRAPH = NamedNode(ID + "graph/agency-types")
FRAMEWORKS_GRAPH = NamedNode(ID + "graph/frameworks")
VOCABULARY_GRAPHS = {"policykg.ttl": ONTOLOGY_GRAPH, "agency_types.ttl": AGENCY_TYPES_GRAPH,
                     "frameworks.ttl": FRAMEWORKS_GRAPH,
                     "indicators.ttl": NamedNode(ID + "graph/indicators"),
                     # SKOS schemes of graph/analysis/keyword_classifier.py (issue #11)
                     "pillars.ttl": NamedNode(ID + "graph/pillars"),
                     "instruments.ttl": NamedNode(ID + "graph/instruments")}
# `policykg analyze`'s derived graph (graph/analysis/analysis_graph.py writes it; the analysis
# tables of graph/summaries/ are dropped with every write of it): here, so both name it without
# importing each other
ANALYSIS_GRAPH = NamedNode(ID + "graph/analysis")

EXACT_MAX_CHARS = 500  # oa:exact keeps at most this many characters of a span (export, on request)

_ROLES = {"lead": NamedNode(PK + "LeadRole"), "support": NamedNode(PK + "SupportRole")}


@lru_cache(maxsize=None)  # a few hundred vocabulary terms, each made ~100x per plan
def _n(ns: str, local: str) -> NamedNode:
    return NamedNode(ns + local)


@lru_cache(maxsize=None)
def _pk(local: str) -> NamedNode:
    return NamedNode(PK + local)


A = _n(RDF, "type")
LABEL = _n(RDFS, "label")
RDFS_COMMENT = _n(RDFS, "comment")
PREF, ALT = _n(SKOS, "prefLabel"), _n(SKOS, "altLabel")
D_SOURCE, D_TITLE, D_PART = _n(DCTERMS, "source"), _n(DCTERMS, "title"), _n(DCTERMS, "isPartOf")
XSD_STRING, XSD_INTEGER, XSD_DECIMAL = _n(XSD, "string"), _n(XSD, "integer"), _n(XSD, "decimal")
XSD_BOOLEAN, XSD_DATE, XSD_DATETIME = _n(XSD, "boolean"), _n(XSD, "date"), _n(XSD, "dateTime")


# ------------------------------------------------------------------ IRIs
def _is_iri_char(ch: str) -> bool:
    """RFC 3987 iunreserved (ucschar included) or a sub-delim/':'/'@' allowed in a path segment."""
    if ch.isascii():
        return ch.isalnum() or ch in "-._~!$&'()*+,;=:@"
    cp = ord(ch)
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    if cp >= 0x10000:
        low = cp & 0xFFFF
        return low <= 0xFFFD and not (0xE0000 <= cp <= 0xE0FFF) and cp <= 0xEFFFD
    return False


def iri_segment(text: str) -> str:
    """`text` as one IRI path segment: Chinese stays readable, anything an IRI forbids
    (space, '/', '?', '#', '%', '<>"{}|^`', controls, private use) is percent-encoded (UTF-8).
    Injective: two different texts never give the same segment."""
    return "".join(ch if _is_iri_char(ch) else
                   "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in text)


def document_graph(source: str) -> NamedNode:
    """The named graph of a document: `ID doc/{source}`. Keyed by the file name only (not the path
    or the sha), so re-ingesting a changed file replaces the same graph."""
    return NamedNode(ID + "doc/" + iri_segment(source))


def plan_iri(source: str) -> NamedNode:
    return NamedNode(ID + "plan/" + iri_segment(source))


def place_iri(name: str) -> NamedNode:
    return NamedNode(ID + "place/" + iri_segment(name))


def agency_iri(canonical: str, jurisdiction: str | None) -> NamedNode:
    """One agency per (jurisdiction, full name); `_` when the jurisdiction is unknown."""
    return NamedNode(ID + "agency/" + iri_segment(jurisdiction or "_") + "/" + iri_segment(canonical))


def person_iri(name: str, jurisdiction: str | None) -> NamedNode:
    return NamedNode(ID + "person/" + iri_segment(jurisdiction or "_") + "/" + iri_segment(name))


_TITLE_DROP = re.compile(r"[\s《》〈〉<>“”‘’\"'「」『』]")
_TITLE_MAP = str.maketrans({"—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "‒": "-", "－": "-",
                            "〔": "[", "〕": "]", "［": "[", "］": "]", "【": "[", "】": "]",
                            "（": "(", "）": ")"})


def normalise_title(title: str) -> str:
    """The merge key of a cited document: NFKC, no 《》〈〉 quotes or whitespace, one dash, ASCII
    brackets. 《知识产权强国建设纲要（2021—2035年）》 and 知识产权强国建设纲要(2021-2035年) agree."""
    text = unicodedata.normalize("NFKC", title or "").translate(_TITLE_MAP)
    text = _TITLE_DROP.sub("", text)
    return re.sub(r"-+", "-", text)


def cited_document_iri(title: str) -> NamedNode:
    """One node per normalised title (callers pass the framework title when there is one)."""
    return NamedNode(ID + "doc-cited/" + iri_segment(normalise_title(title)))


# ------------------------------------------------------------------ literals
# Literals are written as N-Quads term text (a `str`), not pyoxigraph objects: the writer joins
# them into lines (see _Graph). Escaping as canonical N-Triples: the two quoting characters, the
# line ends and every other C0 control and DEL (\uXXXX, or its short escape), nothing else.
_NQ_ESCAPES = {cp: f"\\u{cp:04X}" for cp in [*range(0x20), 0x7F]}
_NQ_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
                    ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"})
_TYPED = '"{}"^^<{}>'


_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')  # exactly the characters of _NQ_ESCAPES
_ESCAPE_OF = {chr(cp): escape for cp, escape in _NQ_ESCAPES.items()}.__getitem__


def nquads_string(text: str) -> str:
    """`text` as an N-Quads string literal, quotes included (escaped per the N-Quads grammar).
    Most texts need no escape: a regex search is much cheaper than translating CJK text. Those
    that do (a plan's cleaned text, with its line ends) are escaped match by match: `str.translate`
    looks every character up in the table (0.9 ms for a 4,300-character text, against 0.14)."""
    if _NEEDS_ESCAPE.search(text) is None:
        return '"' + text + '"'
    return '"' + _NEEDS_ESCAPE.sub(lambda match: _ESCAPE_OF(match.group()), text) + '"'


def _zh(text: str | None) -> str | None:
    return nquads_string(text) + "@zh" if text else None


def _str(text: str | None) -> str | None:
    return nquads_string(text) if text else None


def _int(value: int | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return _TYPED.format(int(value), XSD + "integer")


def _bool(value: bool | None) -> str | None:
    return None if value is None else _TYPED.format("true" if value else "false", XSD + "boolean")


def decimal_lexical(value: float | int | str | Decimal | None) -> str | None:
    """Plain decimal text without float noise: 2.0 -> "2", 6.5 -> "6.5", 83.41 -> "83.41"
    (a float goes through repr(), its shortest round-trip form). None for None, NaN, inf."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(
            repr(float(value)) if isinstance(value, float) else str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _dec(value) -> str | None:
    text = decimal_lexical(value)
    return None if text is None else _TYPED.format(text, XSD + "decimal")


def _date(text: str | None) -> Literal | str | None:
    """ISO date -> xsd:date; YYYY-MM -> xsd:gYearMonth; YYYY -> xsd:gYear; anything else stays a
    string (and SHACL reports it) rather than being dropped."""
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            date.fromisoformat(text)
            return Literal(text, datatype=XSD_DATE)
        except ValueError:
            return Literal(text)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return Literal(text, datatype=_n(XSD, "gYearMonth"))
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=_n(XSD, "gYear"))
    return Literal(text)


_SCALES = [("万亿", Decimal(10) ** 12), ("千亿", Decimal(10) ** 11), ("百亿", Decimal(10) ** 10),
           ("千万", Decimal(10) ** 7), ("百万", Decimal(10) ** 6), ("亿", Decimal(10) ** 8),
           ("万", Decimal(10) ** 4)]   # longest first: 万亿元 is 10^12 元, not 10^4 亿元


def base_value(value, unit: str | None) -> tuple[str | None, str | None]:
    """(value in base units, base unit): 80 亿元 -> ("8000000000", "元"); 2 件 -> ("2", "件")."""
    text = decimal_lexical(value)
    if text is None:
        return None, None
    number = Decimal(text)
    unit = (unit or "").strip()
    for mark, factor in _SCALES:
        if unit.startswith(mark) and len(unit) > len(mark):
            return decimal_lexical(number * factor), unit[len(mark):]
    return text, unit or None


# ------------------------------------------------------------------ building
class _Graph:
    """Collects the quads of one document graph as N-Quads lines, skipping None objects and
    duplicates. IRIs stay pyoxigraph `NamedNode`s (their constructor checks them); an object is a
    term or the N-Quads text of a literal (the helpers above)."""

    def __init__(self, graph: NamedNode, text: str):
        self.graph = graph
        self.text = text
        self.tail = f" {graph} .\n"
        self.lines: dict[str, None] = {}
        # each term's N-Quads text, made once: a plan states ~2,400 quads about a few hundred
        # subjects with a few dozen predicates, and `str(NamedNode)` (0.5 us) costs 3x a lookup
        self.terms: dict = {}

    def add(self, subject: NamedNode, predicate: NamedNode, obj) -> None:
        if obj is not None:
            terms = self.terms
            s = terms.get(subject)
            if s is None:
                s = terms[subject] = str(subject)
            p = terms.get(predicate)
            if p is None:
                p = terms[predicate] = str(predicate)
            if obj.__class__ is not str:
                o = terms.get(obj)
                if o is None:
                    o = terms[obj] = str(obj)
                obj = o
            self.lines[f"{s} {p} {obj}{self.tail}"] = None

    def nquads(self) -> bytes:
        return "".join(self.lines).encode("utf-8")

    def add_all(self, subject: NamedNode, predicate: NamedNode, objects: Iterable) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def types(self, subject: NamedNode, *classes: NamedNode) -> None:
        for cls in classes:
            self.add(subject, A, cls)

    def span(self, item: NamedNode, start: int | None, end: int | None) -> None:
        """An extracted fact's evidence: pk:start / pk:end, character offsets into the plan's
        pk:cleanedText, stated on the fact itself (compact, issue #24: no selector node, no
        selector types, no oa:exact copy of text the plan already stores). `policykg export
        --web-annotation` writes the full W3C Web Annotation selectors from them
        (graph/export/exporters.py `web_annotation_quads`)."""
        if start is None or end is None:
            return
        self.add(item, _pk("start"), _int(start))
        self.add(item, _pk("end"), _int(end))

    def evidence(self, item: NamedNode, start: int | None, end: int | None,
                 selector: NamedNode, field: str) -> None:
        """A plan metadata field's evidence (title, issued ...): item pk:evidence <selector>
        with the span's oa:start / oa:end and the pk:field it supports; a plan has several, so
        each is its own node (a fact has one span: `span`)."""
        if start is None or end is None:
            return
        self.add(item, _pk("evidence"), selector)
        self.add(selector, _n(OA, "start"), _int(start))
        self.add(selector, _n(OA, "end"), _int(end))
        self.add(selector, _pk("field"), _str(field))


def order_not_in_spans(items) -> bool:
    """True when the spans of one kind of fact do not give their document order: some item has
    no span, or two starts tie or run backwards. Only then does each item carry pk:order
    (compact, issue #24); otherwise document order is the order of pk:start, and queries sort
    by ?order ?span_start (pk:order, when stated, is on every item of that kind in the plan, so
    that sort is the document order either way)."""
    starts = [x.start for x in items]
    if any(x.start is None or x.end is None for x in items):
        return True
    return any(a >= b for a, b in zip(starts, starts[1:]))


def _unique(base: str, used: set[str]) -> str:
    iri, n = base, 1
    while iri in used:
        n += 1
        iri = f"{base}~{n}"
    used.add(iri)
    return iri


def _section_label(marker: str, title: str, level: int) -> str:
    """A display label close to the printed heading: 一、X / (一)X / 1.X / (1)X."""
    marker = marker or ""
    if marker and marker[-1] not in "、.．)）" and level in (1, 3):
        marker += "、" if level == 1 else "."
    return f"{marker}{title or ''}"


def _add_base_value(g, node, value, unit) -> None:
    """pk:baseValue / pk:baseUnit: the value with its scale (万, 亿 …) taken out of the unit."""
    scaled, base_unit = base_value(value, unit)
    g.add(node, _pk("baseValue"), None if scaled is None else _TYPED.format(scaled, XSD + "decimal"))
    g.add(node, _pk("baseUnit"), _str(base_unit))


def result_to_nquads(result: ExtractionResult, *, now: datetime | None = None
                     ) -> tuple[NamedNode, bytes, int]:
    """Every quad of one document as N-Quads (UTF-8), all in the document's named graph, written
    line by line without a `Quad` object per quad (what a build stores, graph/build.py).

    result (ExtractionResult): what extract/ read from one file.
    now (datetime | None): recorded as prov:generatedAtTime; pass it for deterministic output
        (default: the current UTC time, to the second).
    RETURNS (tuple[NamedNode, bytes, int]): the graph name, its N-Quads in a stable order, and
        the number of quads (lines).
    DOCS: docs/ontology.md
    """
    graph, g = _document_quads(result, now)
    return graph, g.nquads(), len(g.lines)


def result_to_quads(result: ExtractionResult, *, now: datetime | None = None
                    ) -> tuple[NamedNode, list[Quad]]:
    """The quads of `result_to_nquads` as pyoxigraph `Quad`s (for tests and in-memory use).
    RETURNS (tuple[NamedNode, list[Quad]]): the graph name and its quads, in a stable order."""
    graph, data, _ = result_to_nquads(result, now=now)
    return graph, list(parse(data, format=RdfFormat.N_QUADS))


def _document_quads(result: ExtractionResult, now: datetime | None) -> tuple[NamedNode, _Graph]:
    graph = document_graph(result.source)
    plan = plan_iri(result.source)
    meta = result.plan
    g = _Graph(graph, result.text or "")

    # ---- provenance, inside the document's own graph
    moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    stamp = Literal(moment.isoformat(), datatype=XSD_DATETIME)
    source_file = NamedNode(graph.value + "/file")
    activity = NamedNode(graph.value + "/extraction")
    agent = NamedNode(ID + "agent/policykg-extractor/" + iri_segment(result.extractor_version or "_"))
    g.types(graph, _pk("DocumentGraph"))
    g.add(graph, D_SOURCE, _str(result.source))
    g.add(graph, _pk("plan"), plan)
    g.add(graph, _pk("sha256"), _str(result.sha256))
    g.add(graph, _pk("extractorVersion"), _str(result.extractor_version))
    g.add(graph, _n(PROV, "generatedAtTime"), stamp)
    g.add(graph, _n(PROV, "wasGeneratedBy"), activity)
    g.add(graph, _n(PROV, "wasDerivedFrom"), source_file)
    g.add_all(graph, _pk("warning"), (_str(w) for w in result.warnings))
    g.add_all(graph, _pk("uncoveredCue"), (_str(f"{u.kind} L{u.line}: {u.text}") for u in result.uncovered))
    g.types(source_file, _pk("SourceFile"))
    g.add(source_file, D_TITLE, _str(result.source))
    g.add(source_file, _pk("sha256"), _str(result.sha256))
    g.add(source_file, _pk("encoding"), _str(result.encoding))
    g.add(source_file, _pk("sourceFormat"), _str(result.format))
    g.types(activity, _pk("Extraction"))
    g.add(activity, _n(PROV, "used"), source_file)
    g.add(activity, _n(PROV, "endedAtTime"), stamp)
    g.add(activity, _n(PROV, "wasAssociatedWith"), agent)
    g.add(activity, _pk("extractorVersion"), _str(result.extractor_version))
    g.types(agent, _n(PROV, "SoftwareAgent"))
    g.add(agent, LABEL, Literal(f"policykg extractor {result.extractor_version}", language="en"))

    # ---- places: a gazetteer unit is id:place/{code} (graph/places.py, docs/places.md); a name
    # that does not resolve keeps id:place/{name}. rdfs:label stays the name as the plan gives it.
    def place(name: str | None) -> NamedNode | None:
        if not name:
            return None
        code = meta.place_code if name == meta.jurisdiction and meta.place_code else \
            gazetteer_code(name, meta.place_code)
        node = place_entity_iri(code) if code else place_iri(name)
        g.types(node, _pk("Jurisdiction"), _n(SCHEMA, "AdministrativeArea"))
        g.add(node, LABEL, _zh(name))
        return node

    jurisdiction, province = place(meta.jurisdiction), place(meta.province)
    if jurisdiction is not None and province is not None and jurisdiction != province:
        g.add(jurisdiction, _n(SCHEMA, "containedInPlace"), province)

    # ---- agencies: the result's own list first, then names only seen in responsibilities
    by_name: dict[str, NamedNode] = {}

    def add_agency(agency: Agency) -> NamedNode:
        canonical = agency.canonical or agency.name
        node = agency_iri(canonical, agency.jurisdiction)
        g.types(node, _pk("Agency"))
        if agency.collective:
            g.types(node, _pk("CollectiveUnit"))
        g.add(node, PREF, _zh(canonical))  # no rdfs:label repeating it: skos:prefLabel is one (SKOS)
        if agency.name_en:
            g.add(node, PREF, Literal(agency.name_en, language="en"))
        g.add(node, _pk("agencyCategory"), _str(agency.category))
        g.add_all(node, ALT, (_zh(v) for v in [agency.name, *agency.aliases] if v and v != canonical))
        g.add(node, _n(SCHEMA, "areaServed"), place(agency.jurisdiction))
        notation = agency.type
        if not notation:
            found = classify_agency(canonical) or classify_agency(agency.name)
            notation = found["notation"] if found else None
        if notation:
            g.add(node, _n(ORG, "classification"), NamedNode(agency_type_iri(iri_segment(notation))))
        for key in [agency.name, canonical, *agency.aliases]:
            if key:
                by_name.setdefault(key, node)
        return node

    for agency in result.agencies:
        add_agency(agency)

    def resolve_agency(name: str | None) -> NamedNode | None:
        if not name:
            return None
        if name not in by_name:
            add_agency(Agency(name=name, canonical=name, jurisdiction=meta.jurisdiction,
                              collective=name.startswith("各")))
        return by_name[name]

    # ---- the plan
    g.types(plan, _pk("Plan"))
    g.add(plan, D_SOURCE, _str(result.source))
    g.add(plan, _n(ELI, "title"), _zh(meta.title))
    g.add(plan, LABEL, _zh(meta.title))
    g.add(plan, _pk("jurisdiction"), jurisdiction)
    g.add(plan, _pk("province"), province)
    g.add(plan, _pk("level"), _str(meta.level))
    g.add(plan, _n(ELI, "id_local"), _str(meta.doc_number))
    g.add(plan, _pk("issuerName"), _zh(meta.issuer))
    g.add(plan, _n(ELI, "passed_by"), resolve_agency(meta.issuer))
    g.add(plan, _n(ELI, "date_document"), _date(meta.issued))
    g.add(plan, _pk("periodStart"), _int(meta.period_start))
    g.add(plan, _pk("periodEnd"), _int(meta.period_end))
    g.add(plan, _n(ELI, "first_date_entry_in_force"), _date(meta.valid_from))
    g.add(plan, _n(ELI, "date_no_longer_in_force"), _date(meta.valid_until))
    g.add_all(plan, _pk("addressee"), (_zh(a) for a in meta.addressees))
    g.add(plan, _pk("noticeTitle"), _zh(meta.notice_title))
    g.add_all(plan, _pk("planLead"), (resolve_agency(a) for a in meta.plan_leads))
    g.add(plan, _pk("cleanedText"), _zh(result.text))
    spans: dict[str, Evidence] = dict(meta.evidence)
    if meta.title_span is not None:
        spans.setdefault("title", meta.title_span)
    for field_name in sorted(spans):
        span = spans[field_name]
        g.evidence(plan, span.start, span.end, field=field_name,
                   selector=NamedNode(plan.value + "/evidence/" + iri_segment(field_name)))
    if meta.notice_title:
        notice = NamedNode(plan.value + "/notice")
        g.types(notice, _pk("Notice"))
        g.add(notice, _n(ELI, "title"), _zh(meta.notice_title))
        g.add(notice, LABEL, _zh(meta.notice_title))
        g.add(notice, _pk("wraps"), plan)
        g.add(notice, _n(ELI, "cites"), plan)
        g.add(notice, _n(ELI, "id_local"), _str(meta.doc_number))
        g.add(notice, _n(ELI, "date_document"), _date(meta.issued))
        g.add(notice, _n(ELI, "passed_by"), resolve_agency(meta.issuer))

    # ---- outline
    used: set[str] = set()
    section_nodes: dict[str, NamedNode] = {}
    for section in result.sections:
        section_nodes[section.id] = NamedNode(
            _unique(plan.value + "/section/" + iri_segment(section.id), used))
    keep_order = order_not_in_spans(result.sections)
    for order, section in enumerate(result.sections, 1):
        node = section_nodes[section.id]
        g.types(node, _pk("Section"))
        g.add(node, D_PART, section_nodes.get(section.parent) if section.parent else plan)
        g.add(node, _pk("marker"), _str(section.marker))
        g.add(node, D_TITLE, _zh(section.title))
        g.add(node, LABEL, _zh(_section_label(section.marker, section.title, section.level)))
        g.add(node, _pk("depth"), _int(section.level))
        g.add(node, _pk("sectionKind"), _str(section.kind))
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, section.start, section.end)

    # ---- measures: IRI from the printed number; a number printed twice gets the measure id too
    repeated = {no for no, n in Counter(m.no for m in result.measures).items() if n > 1}
    measure_nodes: dict[str, NamedNode] = {}
    keep_order = order_not_in_spans(result.measures)
    for order, measure in enumerate(result.measures, 1):
        local = iri_segment(measure.no or measure.id)
        if measure.no in repeated or not measure.no:
            local += "~" + iri_segment(measure.id)
        node = NamedNode(_unique(plan.value + "/measure/" + local, used))
        measure_nodes.setdefault(measure.id, node)
        g.types(node, _pk("Measure"))
        g.add(node, D_PART, plan)
        g.add(node, _pk("measureNo"), _str(measure.no))
        g.add(node, D_TITLE, _zh(measure.title))
        g.add(node, LABEL, _zh(measure.title))
        g.add(node, _pk("section"), section_nodes.get(measure.section_id) if measure.section_id else None)
        g.add(node, _pk("sectionLabel"), _zh(measure.section))
        g.add(node, _pk("measureKind"), _str(measure.kind))
        g.add(node, _pk("body"), _zh(measure.body))
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, measure.start, measure.end)

    # ---- assignments (n-ary: measure, agency, role, rank)
    per_measure: Counter[str] = Counter()
    assignment_nodes: list[NamedNode] = []  # by index in result.responsibilities (for corrections)
    keep_order = order_not_in_spans(result.responsibilities)
    for order, resp in enumerate(result.responsibilities, 1):
        measure = measure_nodes.get(resp.measure_id)
        if measure is not None:
            per_measure[resp.measure_id] += 1
            node = NamedNode(_unique(f"{measure.value}/assignment/{per_measure[resp.measure_id]}", used))
        else:
            node = NamedNode(_unique(f"{plan.value}/assignment/{order}", used))
        assignment_nodes.append(node)
        g.types(node, _pk("Assignment"))
        g.add(node, _pk("measure"), measure)
        g.add(node, _pk("agency"), resolve_agency(resp.agency))
        g.add(node, _pk("agencyName"), _zh(resp.agency))
        g.add(node, _pk("role"), _ROLES.get(resp.role))
        g.add(node, _pk("rank"), _int(resp.rank))
        g.add(node, _pk("rule"), _str(resp.rule))
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, resp.start, resp.end)

    # ---- citations: a mention node per citation, a shared node per cited document
    def cited_document(title: str, framework: str | None, framework_id: str | None = None) -> NamedNode | None:
        key_title = framework or title
        if not normalise_title(key_title or ""):
            return None
        node = NamedNode(ID + "framework/" + framework_id) if framework_id else cited_document_iri(key_title)
        g.types(node, _pk("CitedDocument"))
        g.add(node, LABEL, _zh(title))
        g.add(node, _n(ELI, "title"), _zh(framework or title))
        g.add(node, _pk("framework"), _zh(framework))
        return node

    keep_order = order_not_in_spans(result.citations)
    for order, citation in enumerate(result.citations, 1):
        node = NamedNode(f"{plan.value}/citation/{order}")
        # a notice that wraps X is its own node (keyed on the notice's title); X is linked below
        doc = (cited_document(citation.title, None) if citation.wraps
               else cited_document(citation.title, citation.framework, citation.framework_id))
        g.types(node, _pk("Citation"))
        g.add(node, _pk("citedTitle"), _zh(citation.title))
        g.add(node, _pk("docNumber"), _str(citation.doc_number))
        g.add(node, _pk("framework"), _zh(citation.framework))
        g.add(node, _pk("docKind"), _str(citation.kind))
        g.add(node, _pk("issuerName"), _zh(citation.issuer))
        g.add(node, _pk("inPreamble"), _bool(citation.in_preamble))
        g.add(node, _pk("refersTo"), doc)
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, citation.start, citation.end)
        if doc is None:
            continue
        g.add(doc, _n(ELI, "id_local"), _str(citation.doc_number))
        g.add(doc, _pk("docKind"), _str(citation.kind))
        g.add(doc, _pk("issuerName"), _zh(citation.issuer))
        g.add(plan, _n(ELI, "cites"), doc)
        if citation.in_preamble:
            g.add(plan, _n(ELI, "applies"), doc)
        if citation.framework_id:
            g.add(node, _pk("frameworkEntry"), NamedNode(ID + "framework/" + citation.framework_id))
        if citation.wraps:
            wrapped = cited_document(citation.framework or citation.wraps, None, citation.framework_id)
            if wrapped is not None and wrapped != doc:
                g.add(doc, _pk("wraps"), wrapped)
                g.add(doc, _n(ELI, "cites"), wrapped)
                g.add(plan, _n(ELI, "cites"), wrapped)          # the plan also links to X
                if citation.in_preamble:
                    g.add(plan, _n(ELI, "applies"), wrapped)

    # ---- place mentions inside measures (extract/components/places.py)
    keep_order = order_not_in_spans(result.places)
    for order, mention in enumerate(result.places, 1):
        node = NamedNode(f"{plan.value}/place-mention/{order}")
        g.types(node, _pk("PlaceMention"))
        g.add(node, _pk("placeName"), _zh(mention.name))
        g.add(node, LABEL, _zh(mention.name))
        g.add(node, _pk("mentionKind"), _str(mention.kind))
        if mention.code:
            unit = place_entity_iri(mention.code)
            g.types(unit, _pk("Jurisdiction"), _n(SCHEMA, "AdministrativeArea"))
            g.add(unit, LABEL, _zh(mention.resolved))
            g.add(node, _pk("mentionedPlace"), unit)
        g.add(node, D_PART, measure_nodes.get(mention.measure_id) if mention.measure_id else None)
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, mention.start, mention.end)

    # ---- targets
    keep_order = order_not_in_spans(result.targets)
    for order, target in enumerate(result.targets, 1):
        node = NamedNode(f"{plan.value}/target/{order}")
        g.types(node, _pk("Target"))
        g.add(node, _pk("indicatorLabel"), _zh(target.indicator))
        if target.indicator_id:
            g.add(node, _pk("indicator"), NamedNode(ID + "indicator/" + iri_segment(target.indicator_id)))
        g.add(node, LABEL, _zh(target.indicator))
        g.add(node, _pk("value"), _dec(target.value))
        g.add(node, _pk("valueMax"), _dec(target.value_max))
        g.add(node, _pk("unit"), _str(target.unit))
        _add_base_value(g, node, target.value, target.unit)
        g.add(node, _pk("deadlineYear"), _int(target.year))
        g.add(node, _pk("yearInferred"), _bool(target.year_inferred))
        g.add(node, _pk("targetKind"), _str(target.kind))
        g.add(node, _pk("comparator"), _str(target.comparator))
        g.add(node, _pk("text"), _zh(target.text))
        g.add(node, _pk("inMeasure"), measure_nodes.get(target.measure_id) if target.measure_id else None)
        g.add(node, _pk("annual"), _bool(True) if target.annual else None)
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, target.start, target.end)

    # ---- incentives: money the plan grants (extract/components/incentives.py), not targets
    keep_order = order_not_in_spans(result.incentives)
    for order, incentive in enumerate(result.incentives, 1):
        node = NamedNode(f"{plan.value}/incentive/{order}")
        g.types(node, _pk("Incentive"))
        g.add(node, LABEL, _zh(" ".join(x for x in (incentive.kind, incentive.beneficiary) if x) or incentive.kind))
        g.add(node, _pk("amount"), _dec(incentive.amount))
        g.add(node, _pk("amountMax"), _dec(incentive.amount_max))
        g.add(node, _pk("rate"), _dec(incentive.rate))
        g.add(node, _pk("unit"), _str(incentive.unit))
        if incentive.amount is not None and incentive.unit != "%":
            _add_base_value(g, node, incentive.amount, incentive.unit)
        g.add(node, _pk("cap"), _bool(incentive.cap))
        g.add(node, _pk("incentiveKind"), _zh(incentive.kind))
        g.add(node, _pk("beneficiary"), _zh(incentive.beneficiary))
        g.add(node, _pk("condition"), _zh(incentive.condition))
        g.add(node, _pk("text"), _zh(incentive.text))
        g.add(node, _pk("inMeasure"), measure_nodes.get(incentive.measure_id) if incentive.measure_id else None)
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, incentive.start, incentive.end)

    # ---- leading groups and their members
    groups: dict[str, NamedNode] = {}
    keep_order = order_not_in_spans(result.people)
    for order, person in enumerate(result.people, 1):
        key = person.group or ""
        if key not in groups:
            suffix = "/group" if not groups else f"/group/{len(groups) + 1}"
            groups[key] = NamedNode(plan.value + suffix)
            g.types(groups[key], _pk("LeadingGroup"))
            g.add(groups[key], LABEL, _zh(person.group))
        group = groups[key]
        if person.name:
            member = person_iri(person.name, meta.jurisdiction)
            g.add(member, _n(FOAF, "name"), _zh(person.name))  # a sub-property of rdfs:label (FOAF)
        else:
            member = NamedNode(f"{plan.value}/person/{order}")
        g.types(member, _n(FOAF, "Person"), _n(SCHEMA, "Person"))
        g.add(member, _n(ORG, "memberOf"), group)
        node = NamedNode(f"{plan.value}/membership/{order}")
        g.types(node, _pk("GroupMembership"), _n(ORG, "Membership"))
        g.add(node, _n(ORG, "member"), member)
        g.add(node, _n(ORG, "organization"), group)
        if person.role:
            role = NamedNode(ID + "group-role/" + iri_segment(person.role))
            g.types(role, _n(ORG, "Role"))
            g.add(role, LABEL, _zh(person.role))
            g.add(node, _n(ORG, "role"), role)
        g.add(node, _pk("post"), _zh(person.post))
        if person.post:
            post = NamedNode(f"{node.value}/post")
            g.types(post, _n(ORG, "Post"))
            g.add(post, LABEL, _zh(person.post))
            g.add(post, _pk("postTitle"), _zh(person.post_title))
            g.add(post, _n(ORG, "heldBy"), member)
            g.add(member, _n(ORG, "holds"), post)
            g.add(post, _n(ORG, "postIn"), resolve_agency(person.post_agency))
            g.add(node, _pk("heldPost"), post)
        g.add(node, _pk("order"), _int(order) if keep_order else None)
        g.span(node, person.start, person.end)

    # ---- researchers' corrections (extract/corrections.py, docs/corrections.md)
    items: dict[str, NamedNode] = {"plan": plan}
    items.update((f"measure:{mid}", node) for mid, node in measure_nodes.items())
    items.update((f"responsibility:{i}", node) for i, node in enumerate(assignment_nodes))
    items.update((f"target:{i}", NamedNode(f"{plan.value}/target/{i + 1}")) for i in range(len(result.targets)))
    items.update((f"person:{i}", NamedNode(f"{plan.value}/membership/{i + 1}")) for i in range(len(result.people)))
    items.update((f"agency:{i}", agency_iri(a.canonical or a.name, a.jurisdiction))
                 for i, a in enumerate(result.agencies))
    for order, fix in enumerate(result.corrections, 1):
        node = NamedNode(f"{graph.value}/correction/{order}")
        g.types(node, _pk("Correction"))
        g.add(node, _pk("correctionOp"), _str(fix.op))
        g.add(node, _pk("correctionTarget"), _str(fix.target))
        g.add(node, _pk("correctionValue"), _str(fix.value))
        g.add(node, _pk("originalValue"), _str(fix.original))
        g.add(node, _pk("correctedValue"), _str(fix.corrected))
        g.add(node, _pk("correctionStatus"), _str(fix.status))
        g.add(node, _pk("staleReason"), _str(fix.note))
        g.add(node, _pk("correctionLine"), _int(fix.line) if fix.line else None)
        g.add(node, RDFS_COMMENT, _str(fix.why))
        g.add(node, _n(DCTERMS, "date"), _date(fix.when))
        if fix.who:
            curator = NamedNode(ID + "agent/curator/" + iri_segment(fix.who))
            g.types(curator, _n(PROV, "Agent"))
            g.add(curator, LABEL, _str(fix.who))
            g.add(node, _n(PROV, "wasAssociatedWith"), curator)
        corrected = items.get(fix.item) if fix.status == "applied" else None
        if corrected is not None:
            g.add(corrected, _pk("correctedBy"), node)
            g.add(node, _pk("corrects"), corrected)
        if fix.status == "applied":
            g.add(graph, _pk("correctedBy"), node)

    return graph, g


def vocabulary_quads() -> list[Quad]:
    """ontology/policykg.ttl and ontology/agency_types.ttl, each in its own named graph
    (`ID graph/ontology`, `ID graph/agency-types`). SHACL shapes are not loaded: they are
    for graph/validate.py, not for queries."""
    quads: list[Quad] = []
    for name, graph in VOCABULARY_GRAPHS.items():
        for quad in parse(path=ontology_file(name), format=RdfFormat.TURTLE):
            quads.append(Quad(quad.subject, quad.predicate, quad.object, graph))
    return quads


__all__ = [
    "AGENCY_TYPES_GRAPH", "ONTOLOGY_GRAPH", "VOCABULARY_GRAPHS", "agency_iri", "base_value",
    "cited_document_iri", "decimal_lexical", "document_graph", "iri_segment", "normalise_title",
    "nquads_string", "person_iri", "place_iri", "plan_iri", "result_to_nquads", "result_to_quads",
    "vocabulary_quads",
]
