"""The blocks difflib's `SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()` finds
between two texts, those of `min_block` characters or more, computed from the texts' maximal common
runs instead of difflib's search (issue #24: text reuse aligns every candidate pair of texts, and
difflib's search of every range down to the chance matches of one character was most of its CPU).
`long_matching_blocks` says why the blocks are difflib's; tests/analysis/test_reuse_alignment.py
compares them with difflib. Partner: text_reuse.py (`align`, `reuse_links`).
"""
from __future__ import annotations

from difflib import SequenceMatcher


def gram_index(text: str, size: int) -> dict[str, list[int]]:
    """Where each `size`-gram of `text` starts (ascending)."""
    index: dict[str, list[int]] = {}
    for start in range(len(text) - size + 1):
        index.setdefault(text[start:start + size], []).append(start)
    return index


def common_runs(a: str, b: str, size: int,
                b_index: dict[str, list[int]] | None = None) -> list[tuple[int, int, int]]:
    """The maximal common substrings of `a` and `b` of `size` characters or more, as (start in a,
    start in b, length): each starts where a `size`-gram of a occurs in b and the characters
    before differ (or a text starts), and runs as far as both texts agree. `b_index`:
    gram_index(b, size), when the caller aligns b with many texts."""
    index = gram_index(b, size) if b_index is None else b_index
    get = index.get
    len_a, len_b = len(a), len(b)
    runs = []
    for i in range(len_a - size + 1):
        starts = get(a[i:i + size])
        if starts is None:
            continue
        for j in starts:
            if i and j and a[i - 1] == b[j - 1]:
                continue  # inside a run that started earlier
            length = size
            while i + length < len_a and j + length < len_b and a[i + length] == b[j + length]:
                length += 1
            runs.append((i, j, length))
    return runs


def long_matching_blocks(a: str, b: str, min_block: int,
                         b_index: dict[str, list[int]] | None = None) -> tuple[tuple[int, int, int], ...]:
    """The blocks of difflib's `SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()`
    of `min_block` characters or more, as (start in a, start in b, size), found from the common
    runs of `min_block` or more (issue #24: difflib's search of every range down to the chance
    matches of one character was most of text reuse's CPU). `b_index`: gram_index(b, min_block).

    Why they are difflib's blocks. `get_matching_blocks` asks `find_longest_match` for a longest
    block in the whole range (alo, ahi, blo, bhi); when it finds one (size > 0) it records it and
    asks again in the range left of it and the range right of it, and so on; then it sorts the
    blocks and merges adjacent ones. Without junk, `find_longest_match` returns a longest common
    substring a[i:i+k] == b[j:j+k] inside the range and, of those, the one starting earliest in a,
    then earliest in b (its documented contract).
    1. A range lies inside the range it was cut from, so a block found in it is at most as long as
       the blocks found in every range around it: a block of `min_block` or more is only found in
       a range whose every enclosing block is `min_block` or more. So it is enough to follow the
       ranges where the block found is `min_block` or more, and to stop where it is shorter (or a
       side of the range is shorter than `min_block`): the same ranges, the same blocks.
    2. In a range, a common substring of `min_block` or more lies on one maximal common run of
       `min_block` or more (common_runs), and the longest one on that run inside the range is the
       run cut to the range. So the longest block of the range, when it has `min_block` or more,
       is the longest run cut to the range; ties are broken as difflib breaks them.
    3. No merge happens: two blocks that touched (one ending where the other starts, in both
       texts) would form one longer match inside the range where the first of them was found (the
       later one lies inside it), against that block being the longest there; two blocks not
       found one inside the other's range have a block between them.
    So these are difflib's blocks, minus those shorter than `min_block` and its final dummy.
    tests/analysis/test_reuse_alignment.py checks it against difflib on random and edge-case texts."""
    if min_block < 1:  # difflib's own list, dummy included, as align always gave it
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        return tuple((m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size >= min_block)
    runs = common_runs(a, b, min_block, b_index)
    if not runs:
        return ()
    found = []
    ranges = [(0, len(a), 0, len(b))]
    while ranges:
        alo, ahi, blo, bhi = ranges.pop()
        if ahi - alo < min_block or bhi - blo < min_block:
            continue
        best_i = best_j = best_size = 0
        for i, j, size in runs:
            shift = j - i  # the run, cut to the range: a[start:end] == b[start + shift:end + shift]
            start = max(i, alo, blo - shift)
            cut = min(i + size, ahi, bhi - shift) - start
            if cut > best_size or (cut == best_size and (start, start + shift) < (best_i, best_j)):
                best_i, best_j, best_size = start, start + shift, cut
        if best_size >= min_block:
            found.append((best_i, best_j, best_size))
            ranges.append((alo, best_i, blo, best_j))
            ranges.append((best_i + best_size, ahi, best_j + best_size, bhi))
    found.sort()
    return tuple(found)
