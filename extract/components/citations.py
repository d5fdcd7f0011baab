"""Citations: the documents a plan names in 《》 (with 〈〉 nested inside), their 发文字号 and kinds.

- the plan's own title is not a citation;
- "关于印发〈X〉的通知" is cited, and X is cited too (its own Citation, `wraps` on the notice);
  for "关于印发X的通知" without inner brackets, `framework` is X;
- a 发文字号 printed right after 》 in any bracket style (国发〔2021〕20号, [2021], (2021));
- an issuer printed before 《 (中办国办《…》, 国务院印发的《…》);
- the kind from the title's ending (extract/patterns/document_kinds.jsonl);
- `in_preamble`: cited in the preamble's 根据 / 贯彻 / 落实 clause, i.e. the plan applies it.
Writes `doc._.policykg["citations"]` and `doc.spans["policykg_citations"]` (label CITATION).

DOCS: docs/components.md#citations
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..outline import Outline
from ..result import Citation
from ..textutil import CJK, nfkc_key

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
_CITE = re.compile(r"《(?P<title>[^《》\n]{1,200})》")
DOC_NUMBER = re.compile(
    rf"[{CJK}]{{1,14}}\s*[〔﹝\[［【(（]\s*(?:19|20)\d\d\s*[〕﹞\]］】)）]\s*第?\s*\d{{1,4}}\s*号")
_AFTER = re.compile(rf"^\s*[(（]?\s*(?P<no>{DOC_NUMBER.pattern})\s*[)）]?")
_ISSUER = re.compile(
    r"(?P<issuer>中共中央办公厅[、 ]*国务院办公厅|中共中央[、 ]*国务院|中办[、 ]*国办|国务院办公厅|国务院|国办|"
    r"国家知识产权局|[\u4e00-\u9fff]{2,8}(?:省|自治区|市)(?:委)?(?:人民)?政府(?:办公厅|办公室)?)"
    r"\s*(?:联合)?(?:印发|发布|出台|制定)?的?\s*$")
_WRAP = re.compile(r"关于(?:印发|发布|颁布)\s*[〈<]?(?P<inner>.+?)[〉>]?\s*的\s*通知$")
_FORWARD = re.compile(r"关于转发(?P<rest>.+?)的通知$")
_NESTED = re.compile(r"[〈<](?P<title>[^〈〉<>]{2,150})[〉>]")


@lru_cache(maxsize=1)
def document_kinds() -> list[tuple[str, re.Pattern]]:
    rows = [json.loads(x) for x in (PATTERNS / "document_kinds.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    return [(r["kind"], re.compile(r["pattern"])) for r in rows]


def document_kind(title: str) -> str:
    for kind, pattern in document_kinds():
        if pattern.search(title):
            return kind
    return "other"


def wrapped_title(title: str) -> str | None:
    """The document a notice wraps: 关于印发X的通知 -> X; 关于转发A等单位X的通知 -> X."""
    m = _WRAP.search(title)
    if m:
        return m.group("inner").strip("《》〈〉<> ")
    m = _FORWARD.search(title)
    if m:
        rest = m.group("rest")
        for issuer in (r"^.*?等(?:\d+个)?(?:单位|部门)", r"^[\u4e00-\u9fff]{1,20}?(?:局|委员会|委|部|厅|办公室|政府)(?=[\u4e00-\u9fff《〈“])"):
            cut = re.match(issuer, rest)
            if cut and len(rest) - cut.end() >= 4:
                return rest[cut.end():].strip("《》〈〉<> ")
        return rest.strip("《》〈〉<> ")
    return None


_SHORT_REFERENCE = re.compile(r"^(?:上述|前述|该|本)?(?:纲要|规划|意见|方案|计划|条例|办法|通知|决定|规定|战略|行动计划|实施方案)$")


def _back_reference(key: str, earlier: list[Citation]) -> bool:
    """《纲要》 or 上述《规划》 after the full title: a reference to that citation, not a new one."""
    if not _SHORT_REFERENCE.match(key):
        return False
    short = re.sub(r"^(?:上述|前述|该|本)", "", key)

    def stem(title: str) -> str:   # 知识产权强国建设纲要(2021-2035年) -> 知识产权强国建设纲要
        return re.sub(r"[(（][^()（）]*[)）]$", "", nfkc_key(title))

    return any(stem(c.framework or c.title).endswith(short) or stem(c.title).endswith(short) for c in earlier)


def _resolve(*names):
    try:
        from policykg.ontology.vocab import resolve_framework
    except ImportError:   # registry not shipped: citations stay unresolved
        return None
    return resolve_framework(*names)


def find_citations(outline: Outline) -> list[Citation]:
    text = outline.text
    own = nfkc_key(outline.title or "")
    preamble_end = outline.headings[0].start if outline.headings else outline.body_end
    out: list[Citation] = []
    seen: set[str] = set()

    def add(title, start, end, doc_number=None, issuer=None, wraps=None):
        key = nfkc_key(title)
        if not key or key == own or key in seen or _back_reference(key, out):
            return
        seen.add(key)
        entry = _resolve(wraps, doc_number if wraps else None) if wraps else _resolve(title, doc_number)
        framework = entry["title"] if entry else (wraps or title)
        kind = document_kind(title) if wraps or not entry else entry["kind"]
        out.append(Citation(title=title, doc_number=doc_number, framework=framework, kind=kind,
                            issuer=issuer, start=start, end=end,
                            in_preamble=outline.header_end <= start < preamble_end, wraps=wraps,
                            framework_id=entry["id"] if entry else None, level=entry["level"] if entry else None))

    for m in _CITE.finditer(text):
        title = re.sub(r"\s+", lambda s: " " if _between_words(s) else "", m.group("title")).strip()
        if nfkc_key(title) == own:
            continue
        after = _AFTER.match(text[m.end():m.end() + 40])
        before = _ISSUER.search(text[max(0, m.start() - 24):m.start()])
        wraps = wrapped_title(title)
        nested = _NESTED.search(title)
        add(title, m.start("title"), m.end("title"), re.sub(r"\s+", "", after.group("no")) if after else None,
            before.group("issuer") if before else None, wraps)
        if nested:
            inner = nested.group("title").strip()
            add(inner, m.start("title") + nested.start("title"), m.start("title") + nested.end("title"))
    return out


def _between_words(match: re.Match) -> bool:
    """Keep one space between two issuers ("中共中央 国务院"), drop it inside a title ("中国制造 2025")."""
    s, e, src = match.start(), match.end(), match.string
    return 0 < s and e < len(src) and re.match(r"[\u4e00-\u9fff]", src[s - 1]) and re.match(r"[\u4e00-\u9fff]", src[e])
