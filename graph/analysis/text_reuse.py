"""Measure-level text reuse: which passages a plan shares with another plan or a national framework.

Texts are normalised (CJK, letters and digits only, with a map back to the original offsets) and
cut into clauses; MinHash LSH over character n-gram shingles of the clauses (datasketch) proposes
candidate pairs of texts, and each candidate pair is aligned to find the shared spans and a score:
the blocks `difflib.SequenceMatcher` finds, those of MIN_BLOCK characters or more, computed from
the pair's common runs without difflib's search for chance matches (alignment.py says why they
are the same). Framework texts are split into their numbered items here too.

Why two passes and two caps (issue #24). "Every pair of measures that shares a clause is a link"
is quadratic in its output: when many plans carry the same stock sentence, every pair of their
measures becomes a link (at 50 generated plans, 325,966 links; ~130 M at 1,000). So, as in
near-duplicate detection (Broder's "shingles too common to be evidence"):
- Reuse of a national framework (a framework item) is found with every shingle, complete: each
  measure clause is looked up against the framework clauses, as before.
- Between measures, a shingle that occurs in the measures of more than
  `cutoff = max(boilerplate_min_plans, floor(boilerplate_share x plans))` plans is boilerplate of
  the genre and is no evidence of reuse: it is removed from each clause's shingle set before the
  clauses are indexed (a clause left with no shingle is not indexed). A passage copied by more
  plans than the cutoff is still found where it restates a framework item, not between measures.
- Each reusing measure keeps its `top_k` best measure targets (score, then shared characters,
  then the target IRI); framework links are never cut.
`ReuseResult` says what both caps removed (the cutoff, the boilerplate shingles, the links
dropped); analysis_graph.py records it in the graph and the CLI prints it. With the defaults
(cutoff at least 20 plans), a corpus of 20 plans or fewer loses nothing to the cutoff.
Partner: analysis_graph.py writes the links into the graph. DOCS: docs/analysis.md#text-reuse
"""
from __future__ import annotations

import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from .alignment import gram_index, long_matching_blocks
from .caps import BOILERPLATE_MIN_PLANS, BOILERPLATE_SHARE, TOP_K_MEASURES

SHINGLE_SIZE = 4        # characters per shingle (over normalised text)
LSH_THRESHOLD = 0.5     # Jaccard of two clauses' shingle sets for them to become candidates
NUM_PERM = 64           # MinHash permutations
MIN_CLAUSE = 8          # normalised characters; shorter clauses are not indexed
MIN_BLOCK = 8           # an aligned block shorter than this is chance, not reuse
MIN_LONGEST = 16        # a link needs one shared span this long ...
MIN_SCORE = 0.3         # ... or this share of the shorter text in blocks of MIN_BLOCK or more

_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
_KEPT_RUN = re.compile(_KEEP.pattern + "+")
_CLAUSE_END = re.compile(r"[。；;！？!?，,：:\n]")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ITEM = re.compile(r"^[ \t\u3000]*[（(]([一二三四五六七八九十]+)[）)]", re.M)
_PART = re.compile(r"^[ \t\u3000]*[一二三四五六七八九十]+、[^\n]*", re.M)
_TITLE = re.compile(r"《([^《》]{4,80})》")


@dataclass(frozen=True)
class Normalised:
    """`text` with punctuation and spaces removed; `index[i]` is where `text[i]` was (an unsigned
    int array: a tuple held a Python int per character of every text of the corpus)."""

    text: str
    index: array

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text covering normalised characters [start, end)."""
        return self.index[start], self.index[end - 1] + 1


def normalise(text: str) -> Normalised:
    # the runs of kept characters, rather than a match per character (issue #24)
    runs = [(m.start(), m.end()) for m in _KEPT_RUN.finditer(text)]
    index = array("I")
    for start, end in runs:
        index.extend(range(start, end))
    return Normalised("".join(text[start:end] for start, end in runs), index)


def normalised_text(text: str) -> str:
    """normalise(text).text, without the map back."""
    return "".join(_KEPT_RUN.findall(text))


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Character n-grams of an already normalised text (the whole text if it is shorter)."""
    if len(text) <= size:
        return {text} if text else set()
    return {text[i:i + size] for i in range(len(text) - size + 1)}


def clauses(text: str) -> list[str]:
    """The normalised clauses of `text` (cut at 。；，： and line ends), long enough to index."""
    parts = (normalised_text(part) for part in _CLAUSE_END.split(text))
    return [part for part in parts if len(part) >= MIN_CLAUSE]


@dataclass(frozen=True)
class Unit:
    """A text that can reuse or be reused: a measure or a framework item.

    key: its IRI; group: texts of one group are never compared (one plan, one framework);
    rank: when two measures share text, the one with the higher rank is the reuser (a later plan);
    framework: a framework item (matched with every shingle, never cut by top-k; always the target).
    """

    key: str
    group: str
    text: str
    rank: tuple = ()
    framework: bool = False


@dataclass(frozen=True)
class ReuseSettings:
    """The caps on reuse between measures (framework reuse is never capped)."""

    boilerplate_share: float = BOILERPLATE_SHARE
    boilerplate_min_plans: int = BOILERPLATE_MIN_PLANS
    top_k: int = TOP_K_MEASURES  # 0: keep every measure target

    def cutoff(self, plans: int) -> int:
        """A shingle in the measures of more plans than this is boilerplate."""
        return max(self.boilerplate_min_plans, math.floor(self.boilerplate_share * plans))


@dataclass(frozen=True)
class Alignment:
    """The shared blocks of two texts (normalised offsets), and what they add up to."""

    blocks: tuple[tuple[int, int, int], ...]  # (start in a, start in b, size), size >= MIN_BLOCK
    shared: int                               # characters in blocks
    longest: int
    score: float                              # shared / length of the shorter normalised text


def align(a: Normalised, b: Normalised, min_block: int = MIN_BLOCK) -> Alignment:
    """Align two normalised texts as difflib does (`SequenceMatcher(None, a, b, autojunk=False)`:
    no junk heuristic, CJK repeats are meaningful), keeping the blocks of `min_block` or more."""
    return _alignment(a.text, b.text, long_matching_blocks(a.text, b.text, min_block))


def _alignment(a: str, b: str, blocks: tuple[tuple[int, int, int], ...]) -> Alignment:
    shared = sum(size for _, _, size in blocks)
    shorter = min(len(a), len(b)) or 1
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


@dataclass
class ReuseResult:
    """The links `reuse_links` kept, and what its caps removed (recorded in the analysis graph)."""

    links: list[ReuseLink]
    settings: ReuseSettings
    plans: int = 0                  # groups of measures (plans) the shingle counts are over
    cutoff: int = 0                 # shingles in the measures of more plans than this: boilerplate
    boilerplate_shingles: int = 0   # distinct shingles over the cutoff (ignored between measures)
    unindexed_clauses: int = 0      # measure clauses made only of boilerplate shingles
    candidate_pairs: int = 0        # pairs of units aligned
    measure_links_found: int = 0    # measure-to-measure links before top-k
    measure_links_dropped: int = 0  # ... of which top-k dropped


class _Shingles:
    """The clauses' shingle sets, each as an array of shingle ids (issue #24: a set of strings per
    clause of the whole corpus was most of text reuse's memory), and each distinct shingle's hash,
    computed once with the hash MinHash uses by default (datasketch's sha1_hash32 of the UTF-8
    bytes) rather than once per occurrence.

    MinHash.update_batch hashes each value with its `hashfunc` and keeps, per permutation, the
    minimum over the values (order does not matter); so a MinHash given the precomputed hashes
    with `hashfunc=int` has the very same hash values as one given the encoded shingles."""

    def __init__(self, units: list[Unit], num_perm: int) -> None:
        ids: dict[str, int] = {}
        self.clauses: list[tuple[int, np.ndarray]] = [
            (i, np.fromiter(sorted({ids.setdefault(s, len(ids)) for s in shingles(clause)}), dtype=np.uint32))
            for i, unit in enumerate(units) for clause in clauses(unit.text)]
        self.num_perm = num_perm
        hashfunc = MinHash(num_perm=num_perm, seed=1).hashfunc  # the default: what the sets were hashed with
        self.hashes = [hashfunc(s.encode("utf-8")) for s in ids]  # by id (ids are in insertion order)
        self.count = len(ids)

    def minhashes(self, id_arrays: Iterable[np.ndarray]) -> Iterator[MinHash]:
        """The MinHash of each array of shingle ids, one at a time, in ONE MinHash object cleared
        and filled again for each (as MinHash.generator's fresh copies would be, without a copy
        per clause): use each before asking for the next (MinHashLSH's insert and query keep
        its band hashes, not the object). The MinHashes of the corpus are never held at once."""
        hashes = self.hashes
        minhash = MinHash(num_perm=self.num_perm, seed=1, hashfunc=int)
        for found in id_arrays:
            minhash.clear()
            minhash.update_batch([hashes[x] for x in found.tolist()])
            yield minhash


class _Pairs:
    """A set of index pairs (i < j) held as sorted, distinct int64 codes j * units + i (issue #24:
    a set of tuples of two ints took ~100 bytes a pair; at 2,000 plans there are 651,195 pairs, and
    they grow about fourfold when the plans double). Added pairs wait in an array and are merged
    in whenever they are as many as the pairs held (so each merge at least doubles the work done)."""

    def __init__(self, units: int, min_merge: int = 1 << 20) -> None:
        self.units = units
        self.min_merge = min_merge
        self.codes = np.empty(0, dtype=np.int64)
        self.pending = array("q")

    def add(self, i: int, j: int) -> None:
        self.pending.append(j * self.units + i if i < j else i * self.units + j)
        if len(self.pending) >= max(self.min_merge, len(self.codes)):
            self._merge()

    def _merge(self) -> None:
        if self.pending:
            self.codes = np.union1d(self.codes, np.array(self.pending, dtype=np.int64))
            self.pending = array("q")

    def sorted_codes(self) -> np.ndarray:
        """The codes, sorted and distinct (so: by j, then i)."""
        self._merge()
        return self.codes


def _framework_pairs(found: _Shingles, units: list[Unit], threshold: float, pairs: _Pairs) -> None:
    """Pairs (i < j) of units in different groups where a clause (of any unit) collides in MinHash
    LSH with a framework clause."""
    frameworks = [(i, ids) for i, ids in found.clauses if units[i].framework]
    if not frameworks or not found.clauses:
        return
    lsh = MinHashLSH(threshold=threshold, num_perm=found.num_perm)
    for key, minhash in enumerate(found.minhashes(ids for _, ids in frameworks)):
        lsh.insert(key, minhash)
    asked = found.minhashes(ids for _, ids in found.clauses)
    for (i, _), minhash in zip(found.clauses, asked):
        for key in lsh.query(minhash):
            j = frameworks[key][0]
            if i != j and units[i].group != units[j].group:
                pairs.add(i, j)


def _self_pairs(indexed: list[int], minhashes: Iterable[MinHash], units: list[Unit], num_perm: int,
                threshold: float, pairs: _Pairs) -> None:
    """Pairs (i < j) of units in different groups whose clauses collide in MinHash LSH among
    themselves. indexed[key]: the unit of the key-th clause of `minhashes`. Each clause asks
    the index with the band hashes the index stored for it (what `query` would compute again from
    its MinHash), so no MinHash is kept."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for key, minhash in enumerate(minhashes):
        lsh.insert(key, minhash)
    for key, i in enumerate(indexed):
        collided: set[int] = set()
        for band_hash, table in zip(lsh.keys[key], lsh.hashtables):
            collided.update(table.get(band_hash))
        for other in collided:
            j = indexed[other]
            if i != j and units[i].group != units[j].group:
                pairs.add(i, j)


def candidate_pairs(units: list[Unit], *, threshold: float = LSH_THRESHOLD,
                    num_perm: int = NUM_PERM, settings: ReuseSettings | None = None,
                    result: ReuseResult | None = None) -> set[tuple[int, int]]:
    """Index pairs (i < j) of units in different groups that share at least one similar clause:
    every measure (and framework) clause against the framework clauses with all its shingles; the
    measure clauses among themselves without their boilerplate shingles (module docstring)."""
    codes = _candidate_codes(units, threshold, num_perm, settings, result)
    return {(i, j) for j, i in (divmod(code, len(units)) for code in codes.tolist())}


def _candidate_codes(units: list[Unit], threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM,
                     settings: ReuseSettings | None = None, result: ReuseResult | None = None) -> np.ndarray:
    """candidate_pairs' pairs as _Pairs codes (j * len(units) + i), sorted."""
    settings = settings or ReuseSettings()
    found = _Shingles(units, num_perm)
    pairs = _Pairs(len(units))
    _framework_pairs(found, units, threshold, pairs)

    clauses_of_group: dict[str, list[np.ndarray]] = defaultdict(list)
    for i, ids in found.clauses:
        if not units[i].framework:
            clauses_of_group[units[i].group].append(ids)
    plans_with = np.zeros(found.count, dtype=np.int64)  # by shingle id: plans whose measures have it
    for group in list(clauses_of_group):
        plans_with[np.unique(np.concatenate(clauses_of_group.pop(group)))] += 1  # one group at a time
    plans = len({units[i].group for i, _ in found.clauses if not units[i].framework})
    cutoff = settings.cutoff(plans)
    boilerplate = plans_with > cutoff  # by shingle id
    del plans_with
    indexed: list[int] = []
    unindexed = 0
    for i, ids in found.clauses:
        if units[i].framework:
            continue
        if not boilerplate[ids].all():
            indexed.append(i)
        else:
            unindexed += 1

    def measure_shingles() -> Iterator[np.ndarray]:  # in the order of `indexed`
        for i, ids in found.clauses:
            if not units[i].framework:
                kept = ids[~boilerplate[ids]]
                if len(kept):
                    yield kept

    if indexed:
        _self_pairs(indexed, found.minhashes(measure_shingles()), units, num_perm, threshold, pairs)
    if result is not None:
        result.plans, result.cutoff = plans, cutoff
        result.boilerplate_shingles, result.unindexed_clauses = int(np.count_nonzero(boilerplate)), unindexed
    return pairs.sorted_codes()


def _by_second(codes: np.ndarray, units: int, chunk: int = 1 << 16) -> Iterator[tuple[int, int]]:
    """The pairs (i, j) of sorted _Pairs codes, in the order of j then i (so each j's text is
    indexed once). The links do not depend on the order (reuse_links: a total order decides what
    is kept)."""
    for start in range(0, len(codes), chunk):
        for code in codes[start:start + chunk].tolist():
            j, i = divmod(code, units)
            yield i, j


def reuse_links(units: Iterable[Unit], settings: ReuseSettings | None = None) -> ReuseResult:
    """Every pair of units from different groups that share text, as ReuseLinks, with the caps of
    `settings` (module docstring) and what they removed.

    A framework item is always the target; between two measures the higher rank is the source
    (the later plan reuses the earlier one)."""
    settings = settings or ReuseSettings()
    units = list(units)
    result = ReuseResult([], settings)
    normalised = [normalise(u.text) for u in units]
    pairs = _candidate_codes(units, settings=settings, result=result)
    result.candidate_pairs = len(pairs)
    # Bounded memory (issue #24): a found link is a small tuple, its quotes are cut only for the
    # links kept, and each source's measure links are cut to its best top_k whenever they reach
    # twice that (a link outside the best top_k of some of a source's links is outside the best
    # top_k of all of them, and the order is total: the same links as cutting once at the end).
    framework_found: list[tuple] = []
    by_source: dict[int, list[tuple]] = defaultdict(list)
    found_per_source: Counter[int] = Counter()
    top_k = settings.top_k
    second, b_index = -1, {}
    for i, j in _by_second(pairs, len(units)):
        if j != second:  # the second text's grams, once per j rather than once per pair
            second, b_index = j, gram_index(normalised[j].text, MIN_BLOCK)
        text_i, text_j = normalised[i].text, normalised[j].text
        alignment = _alignment(text_i, text_j, long_matching_blocks(text_i, text_j, MIN_BLOCK, b_index))
        if not is_reuse(alignment):
            continue
        a, b, size = max(alignment.blocks, key=lambda blk: blk[2])
        span_i = normalised[i].original_span(a, a + size)
        span_j = normalised[j].original_span(b, b + size)
        if units[i].framework != units[j].framework:  # a framework item is always the target
            i_reuses = units[j].framework
        else:  # the later plan reuses the earlier one
            i_reuses = units[i].rank >= units[j].rank
        if i_reuses:
            src, tgt, src_span, tgt_span = i, j, span_i, span_j
        else:
            src, tgt, src_span, tgt_span = j, i, span_j, span_i
        found = (-round(alignment.score, 4), -alignment.shared, units[tgt].key, alignment.longest,
                 src, tgt, src_span, tgt_span)
        if units[tgt].framework:
            framework_found.append(found)
            continue
        found_per_source[src] += 1
        kept = by_source[src]
        kept.append(found)
        if top_k > 0 and len(kept) >= 2 * top_k:
            kept.sort()
            del kept[top_k:]
    del normalised
    chosen = framework_found
    for src, kept in by_source.items():
        kept.sort()
        best = kept[:top_k] if top_k > 0 else kept
        result.measure_links_found += found_per_source[src]
        result.measure_links_dropped += found_per_source[src] - len(best)
        chosen.extend(best)
    links = [ReuseLink(source=units[src].key, target=target, score=-score, shared=-shared,
                       longest=longest, source_span=src_span, target_span=tgt_span,
                       source_exact=units[src].text[src_span[0]:src_span[1]],
                       target_exact=units[tgt].text[tgt_span[0]:tgt_span[1]])
             for score, shared, target, longest, src, tgt, src_span, tgt_span in chosen]
    result.links = sorted(links, key=lambda link: (link.source, -link.score, link.target))
    return result


def find_reuse(units: Iterable[Unit], settings: ReuseSettings | None = None) -> list[ReuseLink]:
    """The links of `reuse_links` (see there)."""
    return reuse_links(units, settings).links


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


__all__ = ["Alignment", "BOILERPLATE_MIN_PLANS", "BOILERPLATE_SHARE", "Framework", "FrameworkItem",
           "Normalised", "ReuseLink", "ReuseResult", "ReuseSettings", "TOP_K_MEASURES", "Unit", "align",
           "candidate_pairs", "chinese_number", "clauses", "find_reuse", "is_reuse", "load_framework",
           "load_frameworks", "normalise", "reuse_links", "shingles", "split_items"]
