"""ExtractionResult: everything extract/ learns about one document, as plain dataclasses.

This is the only thing that crosses from extract/ to graph/ (DESIGN.md "Data flow"): graph/
never reads raw text, extract/ never knows RDF. Every item carries its evidence as a character
span (`start`, `end`) into `ExtractionResult.text`, the cleaned, simplified text.
`to_dict()` / `from_dict()` give the JSON shown by `policykg extract FILE --json`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# Bump when extraction output changes shape or meaning; recorded as provenance on each graph.
EXTRACTOR_VERSION = "0.1.0"


@dataclass
class Evidence:
    """A span of the cleaned text: `text[start:end]`."""

    start: int
    end: int


@dataclass
class PlanMeta:
    title: str | None = None
    title_span: Evidence | None = None
    jurisdiction: str | None = None      # 衡阳市, 四川省 ...
    place_code: str | None = None        # its GB/T 2260 code in extract/gazetteer.py: "430400"
    province: str | None = None          # 湖南省; the province itself for a provincial plan
    level: str | None = None             # "province" | "city" | "county" | "district"
    doc_number: str | None = None        # 发文字号 of the issuing notice
    issuer: str | None = None            # who issued the notice or plan
    issued: str | None = None            # ISO date of the notice (成文 / 印发)
    period_start: int | None = None
    period_end: int | None = None
    valid_from: str | None = None        # ISO date, only when 施行 / 有效期 is printed
    valid_until: str | None = None
    addressees: list[str] = field(default_factory=list)
    notice_title: str | None = None      # "关于印发X的通知" when the plan is wrapped in a notice
    plan_leads: list[str] = field(default_factory=list)  # "由X负责牵头组织实施"
    evidence: dict[str, Evidence] = field(default_factory=dict)  # field name -> span


@dataclass
class Section:
    """A heading of the outline: 一、 / (一) / 1. / (1)."""

    id: str                  # stable within the document: "s1", "s1.2", ...
    level: int               # 1 for 一、, 2 for (一), 3 for 1., 4 for (1)
    marker: str              # the printed number: "一", "(一)", "1", "(1)"
    title: str               # heading text without the marker
    kind: str                # "preamble" | "goals" | "tasks" | "safeguards" | "projects" | "steps" | "annex" | "other"
    parent: str | None
    start: int
    end: int                 # end of the heading's whole block


@dataclass
class Measure:
    id: str                  # "m1", "m2", ... in document order
    no: str                  # "1", "12", "保障(一)", "工程(二)"
    title: str               # short heading before the first 。
    section: str | None      # nearest enclosing heading, printed form: "(一)聚焦顶层设计,..."
    section_id: str | None
    kind: str                # "task" | "safeguard" | "project"
    body: str                # the measure's text (heading + body + its responsibility block)
    start: int
    end: int


@dataclass
class Responsibility:
    measure_id: str
    agency: str              # as printed (abbreviations kept): "市市场监管局(知识产权局)"
    role: str                # "lead" | "support"
    rank: int                # 1-based position in the printed list
    start: int
    end: int
    rule: str = ""           # which clause produced it: "bracket", "label", "sentence", "duty_sentence", "task_table", "+first_is_lead"


@dataclass
class Agency:
    """One agency as named in this document, resolved within the plan's jurisdiction."""

    name: str                # printed form
    canonical: str           # full form within the jurisdiction: "衡阳市市场监督管理局"
    jurisdiction: str | None
    type: str | None = None  # agency-type concept notation (ontology/agency_types.ttl)
    aliases: list[str] = field(default_factory=list)
    collective: bool = False  # 各县(市)区人民政府, 领导小组成员单位
    name_en: str | None = None   # "Hengyang market regulation administration"
    category: str | None = None  # party | government | judicial | regulator | institution | enterprise | collective


@dataclass
class Citation:
    title: str               # inside 《》, simplified, as printed
    doc_number: str | None
    framework: str | None    # canonical title of the document it denotes
    kind: str                # plan | law | regulation | opinion | notice | standard | strategy | other
    issuer: str | None
    start: int
    end: int
    in_preamble: bool = False  # cited in the 根据 / 贯彻 / 落实 clause: the plan applies it
    wraps: str | None = None   # for "关于印发〈X〉的通知": X
    framework_id: str | None = None  # the framework-registry entry (ontology/frameworks.ttl) it resolves to
    level: str | None = None   # central | ministerial | provincial, from the registry


@dataclass
class Target:
    indicator: str
    value: float
    value_max: float | None
    unit: str | None
    year: int | None
    kind: str                # level | cumulative | growth | count | ratio
    comparator: str          # ">=" | "=" | "<=" | "range"
    text: str                # the clause it came from
    start: int
    end: int
    year_inferred: bool = False
    measure_id: str | None = None
    indicator_id: str | None = None   # notation of the indicator concept (ontology/indicators.ttl)
    annual: bool = False     # stated per year (每年): not comparable with a level or cumulative figure
    rule: str = ""           # why: "clause:<trigger>;year:<source>" or "table:<column kind>"


@dataclass
class Incentive:
    """Money a plan grants (subsidy, reward, grant, interest subsidy): not a target (issue 19)."""
    amount: float | None          # the sum granted, in `unit` (the maximum when `cap`)
    amount_max: float | None      # upper bound of a printed range "10-50万元"
    rate: float | None            # a percentage "按投资额的5%" (5.0), unit "%" when no amount
    unit: str | None              # 万元, 亿元, 元, %
    cap: bool                     # the amount is a ceiling: 最高, 不超过, 封顶
    kind: str | None              # the printed kind word: 资助, 奖励, 补贴, 补助, 贴息, 扶持 ...
    beneficiary: str | None       # who receives it: the noun after 对 ... 的
    condition: str | None         # on which condition: the words before that 的, a prize level
    text: str                     # the sentence it came from
    start: int
    end: int
    measure_id: str | None = None
    rule: str = ""                # amount | capped_amount | rate | rate_with_cap


@dataclass
class Person:
    name: str | None
    role: str                # 组长, 副组长, 召集人, 成员, 办公室主任 ...
    post: str | None
    group: str | None        # the leading group's name
    start: int
    end: int
    post_agency: str | None = None   # the unit the post belongs to, as printed: "市委宣传部"
    post_title: str | None = None    # the title within it: "副部长"


@dataclass
class PlaceMention:
    """A place named inside a measure (docs/places.md): a county or district, or a development
    zone, linked to a gazetteer unit (`code`) when it resolves; a zone resolves to the unit its
    name starts with (银川经济技术开发区 -> 银川市)."""

    name: str                # as printed: "雁峰区", "银川经济技术开发区"
    kind: str                # "admin" (a gazetteer unit) | "zone" (development zone, park)
    code: str | None         # GB/T 2260 code of the unit it resolves to
    resolved: str | None     # that unit's full name
    level: str | None        # province | city | county | district
    measure_id: str | None
    start: int
    end: int


@dataclass
class Decision:
    """Why a span became (or did not become) a heading, measure or metadata field: the trail that
    `policykg extract FILE --explain` shows (extract/outline.py, components/measures.py, plan_meta.py)."""

    start: int
    end: int
    what: str                # "heading", "not-heading", "annex", "title", "measure", "not-measure", "meta:<field>" ...
    reason: str


@dataclass
class UncoveredCue:
    """A line that carries a cue (a responsibility label, a number with a unit, 附件, a 发文字号)
    but produced nothing of that kind: where to look on a plan the rules do not yet read
    (extract/coverage.py; cues in extract/patterns/cues.json)."""

    kind: str                # "responsibility" | "quantity" | "annex" | "doc_number"
    line: int                # 1-based line number in the cleaned text
    start: int
    end: int
    text: str                # the line, cut to 120 characters


@dataclass
class AppliedCorrection:
    """One row of the corpus's corrections file as applied to this document (extract/corrections.py,
    docs/corrections.md): the researcher's fix, the value the rules extracted before it, and whether
    it still found its target (`status` "applied") or not ("stale": the text or the rules changed)."""

    op: str                  # add_unit | remove_unit | set_lead | unset_lead | set_target | merge_agency | ...
    target: str              # the readable key: measure number, agency, indicator@year, plan field, person
    value: str               # the row's value as written
    who: str
    when: str                # ISO date
    why: str
    original: str = ""       # what the extraction had ("" when the correction adds something)
    corrected: str = ""      # what it has now
    status: str = "stale"    # "applied" | "stale"
    note: str = ""           # why it is stale
    item: str = ""           # the corrected item: "plan", "measure:m3", "responsibility:4", "target:0" ...
    line: int = 0            # its line in the corrections file


@dataclass
class ExtractionResult:
    source: str              # the file's name (the `source` column of every query)
    path: str                # where it was read from
    sha256: str              # of the raw bytes
    encoding: str            # detected input encoding
    format: str              # "txt" | "html" | "pdf" | "docx"
    text: str                # the cleaned, simplified text all spans point into
    plan: PlanMeta = field(default_factory=PlanMeta)
    sections: list[Section] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    incentives: list[Incentive] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    uncovered: list[UncoveredCue] = field(default_factory=list)
    corrections: list[AppliedCorrection] = field(default_factory=list)  # researchers' fixes applied
    extractor_version: str = EXTRACTOR_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExtractionResult":
        def build(klass, value):
            return klass(**value) if isinstance(value, dict) else value

        plan = dict(data.get("plan") or {})
        if plan.get("title_span"):
            plan["title_span"] = Evidence(**plan["title_span"])
        plan["evidence"] = {k: Evidence(**v) for k, v in (plan.get("evidence") or {}).items()}
        kwargs = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        kwargs["plan"] = PlanMeta(**plan)
        for name, klass in [("sections", Section), ("measures", Measure),
                            ("responsibilities", Responsibility), ("agencies", Agency),
                            ("citations", Citation), ("targets", Target), ("incentives", Incentive), ("people", Person),
                            ("places", PlaceMention), ("decisions", Decision), ("uncovered", UncoveredCue),
                            ("corrections", AppliedCorrection)]:
            kwargs[name] = [build(klass, x) for x in data.get(name, [])]
        return cls(**kwargs)
