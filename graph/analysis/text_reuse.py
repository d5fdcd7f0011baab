"""Measure-level text reuse: which passages a plan shares with another plan or a national framework.

Texts are normalised (CJK, letters and digits only, with a map back to the original offsets) and
cut into clauses; MinHash LSH over character n-gram shingles of the clauses (datasketch) proposes
candidate pairs of texts, and `difflib.SequenceMatcher` aligns each candidate pair to find the
shared spans and a score. Framework texts are split into their numbered items here too.
Partner: analysis_graph.py writes the links into the graph. DOCS: docs/analysis.md#text-reuse
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from datasketch import MinHash, MinHashLSH

SHINGLE_SIZE = 4        # characters per shingle (over normalised text)
LSH_THRESHOLD = 0.5     # Jaccard of two clauses' shingle sets for them to become candidates
NUM_PERM = 64           # MinHash permutations
MIN_CLAUSE = 8          # normalised characters; shorter clauses are not indexed
MIN_BLOCK = 8           # an aligned block shorter than this is chance, not reuse
MIN_LONGEST = 16        # a link needs one shared span this long ...
MIN_SCORE = 0.3         # ... or this share of the shorter text in blocks of MIN_BLOCK or more

_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
_CLAUSE_END = re.compile(r"[。；;！？!?，,：:\n]")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ITEM = re.compile(r"^[ \t\u3000]*[（(]([一二三四五六七八九十]+)[）)]", re.M)
_PART = re.compile(r"^[ \t\u3000]*[一二三四五六七八九十]+、[^\n]*", re.M)
_TITLE = re.compile(r"《([^《》]{4,80})》")


@dataclass(frozen=True)
class Normalised:
    """`text` with punctuation and spaces removed; `index[i]` is where `text[i]` was."""

    text: str
    index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text covering normalised characters [start, end)."""
        return self.index[start], self.index[end - 1] + 1


def normalise(text: str) -> Normalised:
    kept = [(i, ch) for i, ch in enumerate(text) if _KEEP.match(ch)]
    return Normalised("".join(ch for _, ch in kept), tuple(i for i, _ in kept))


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Character n-grams of an already normalised text (the whole text if it is shorter)."""
    if len(text) <= size:
        return {text} if text else set()
    return {text[i:i + size] for i in range(len(text) - size + 1)}


def clauses(text: str) -> list[str]:
    """The normalised clauses of `text` (cut at 。；，： and line ends), long enough to index."""
    parts = (normalise(part).text for part in _CLAUSE_END.split(text))
    return [part for part in parts if len(part) >= MIN_CLAUSE]


@dataclass(frozen=True)
class Unit:
    """A text that can reuse or be reused: a measure or a framework item.

    key: its IRI; group: texts of one group are never compared (one plan, one framework);
    rank: when two measures share text, the one with the higher rank is the reuser (a later plan).
    """

    key: str
    group: str
    text: str
    rank: tuple = ()


@dataclass(frozen=True)
class Alignment:
    """The shared blocks of two texts (normalised offsets), and what they add up to."""

    blocks: tuple[tuple[int, int, int], ...]  # (start in a, start in b, size), size >= MIN_BLOCK
    shared: int                               # characters in blocks
    longest: int
    score: float                              # shared / length of the shorter normalised text


def align(a: Normalised, b: Normalised, min_block: int = MIN_BLOCK) -> Alignment:
    """Align two normalised texts with difflib (no junk heuristic: CJK repeats are meaningful)."""
    matcher = SequenceMatcher(None, a.text, b.text, autojunk=False)
    blocks = tuple((m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size >= min_block)
    shared = sum(size for _, _, size in blocks)
    shorter = min(len(a.text), len(b.text)) or 1
    return Alignment(blocks, shared, max((s for _, _, s in blocks), default=0), shared / shorter)


def is_reuse(alignment: Alignment) -> bool:
    return alignment.longest >= MIN_LONGEST or (alignment.score >= MIN_SCORE and alignment.shared > 0)


@dataclass(frozen=True)
class ReuseLink:
    """`source` reuses text of `target`. Spans are offsets into each unit's original text and
    cover the longest shared block; `exact_*` quote it."""

    source: str
    target: str
    score: float
    shared: int
    longest: int
    source_span: tuple[int, int]
    target_span: tuple[int, int]
    source_exact: str
    target_exact: str


def candidate_pairs(units: list[Unit], *, threshold: float = LSH_THRESHOLD,
                    num_perm: int = NUM_PERM) -> set[tuple[int, int]]:
    """Index pairs (i < j) of units in different groups that share at least one similar clause."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    owner: dict[str, int] = {}
    keys: list[str] = []
    shingle_sets: list[list[bytes]] = []
    for i, unit in enumerate(units):
        for n, clause in enumerate(clauses(unit.text)):
            key = f"{i}:{n}"
            owner[key] = i
            keys.append(key)
            shingle_sets.append([s.encode("utf-8") for s in sorted(shingles(clause))])
    # MinHash.bulk shares one set of permutations (building them per clause dominated the time)
    signatures = list(zip(keys, MinHash.bulk(shingle_sets, num_perm=num_perm, seed=1)))
    for key, minhash in signatures:
        lsh.insert(key, minhash)
    pairs: set[tuple[int, int]] = set()
    for key, minhash in signatures:
        i = owner[key]
        for other in lsh.query(minhash):
            j = owner[other]
            if i != j and units[i].group != units[j].group:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def find_reuse(units: Iterable[Unit]) -> list[ReuseLink]:
    """Every pair of units from different groups that share text, as ReuseLinks.

    A framework item (rank ()) is always the target; between two measures the higher rank is the
    source (the later plan reuses the earlier one)."""
    units = list(units)
    normalised = [normalise(u.text) for u in units]
    links = []
    for i, j in sorted(candidate_pairs(units)):
        alignment = align(normalised[i], normalised[j])
        if not is_reuse(alignment):
            continue
        a, b, size = max(alignment.blocks, key=lambda blk: blk[2])
        span_i = normalised[i].original_span(a, a + size)
        span_j = normalised[j].original_span(b, b + size)
        if units[i].rank >= units[j].rank:
            src, tgt, src_span, tgt_span = i, j, span_i, span_j
        else:
            src, tgt, src_span, tgt_span = j, i, span_j, span_i
        links.append(ReuseLink(
            source=units[src].key, target=units[tgt].key, score=round(alignment.score, 4),
            shared=alignment.shared, longest=alignment.longest,
            source_span=src_span, target_span=tgt_span,
            source_exact=units[src].text[src_span[0]:src_span[1]],
            target_exact=units[tgt].text[tgt_span[0]:tgt_span[1]]))
    return sorted(links, key=lambda link: (link.source, -link.score, link.target))


# ---------------------------------------------------------------- national framework texts
@dataclass(frozen=True)
class FrameworkItem:
    """A numbered item (一)…(二十四) of a framework: `text` from its marker to the next item or part."""

    no: int
    marker: str
    title: str
    part: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Framework:
    slug: str           # the file's stem: the IRI segment
    title: str          # the first 《…》 title in the file (or the slug)
    text: str
    items: tuple[FrameworkItem, ...] = field(default_factory=tuple)


def chinese_number(text: str) -> int:
    """一 … 九十九 -> int."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def split_items(text: str) -> list[FrameworkItem]:
    """The （N） items of a framework text, each ending where the next item or part starts."""
    parts = [(m.start(), m.group(0).strip()) for m in _PART.finditer(text)]
    starts = [m for m in _ITEM.finditer(text)]
    boundaries = sorted({m.start() for m in starts} | {p for p, _ in parts} | {len(text)})
    items = []
    for m in starts:
        end = next(b for b in boundaries if b > m.start())
        body = text[m.start():end].strip()
        marker = m.group(0).strip()
        rest = body[len(marker):]
        title = re.split(r"[。\n]", rest, maxsplit=1)[0].strip()
        part = next((label for pos, label in reversed(parts) if pos < m.start()), "")
        item_start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        items.append(FrameworkItem(chinese_number(m.group(1)), marker, title, part, body,
                                   item_start, item_start + len(body)))
    return items


def load_framework(path: Path) -> Framework:
    text = path.read_text(encoding="utf-8")
    title = _TITLE.search(text)
    return Framework(path.stem, title.group(1) if title else path.stem, text, tuple(split_items(text)))


def load_frameworks(folder: Path) -> list[Framework]:
    """Every `*.txt` framework in `folder`, sorted by file name."""
    return [load_framework(p) for p in sorted(Path(folder).glob("*.txt"))]


__all__ = ["Alignment", "Framework", "FrameworkItem", "Normalised", "ReuseLink", "Unit", "align",
           "candidate_pairs", "chinese_number", "clauses", "find_reuse", "is_reuse", "load_framework",
           "load_frameworks", "normalise", "shingles", "split_items"]
