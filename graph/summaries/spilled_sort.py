"""Sorting more rows than memory should hold: sorted runs spilled to a temporary file, then merged.

Why: the whole-corpus queries that corpus_rows.py sorts again after reading the plans' rows
(`coverage`, `target_comparison`: 147k rows of 18 cells at 10k plans) held every row of the corpus
to sort it, so the corpus tables' write grew with the corpus (issue #24, "peak memory bounded
whatever the corpus size"). Here, past SORT_RUN_ROWS rows, the rows are sorted in runs of that
many, each run written to one temporary file in blocks of SPILL_BLOCK_ROWS (pickled: the file is
ours and lives as long as the merge), and the runs merged with `heapq.merge`: memory holds one run
while sorting and one block per run while merging, whatever the corpus. Up to SORT_RUN_ROWS rows
(1k-2k plans) nothing is spilled and the rows are sorted in memory as before.

Same order as one stable sort of every row: each run is sorted by the query's own stable sort,
and the merge compares the same ORDER BY keys (`order`, which must be a total order consistent
with that sort) and takes equal rows from the earlier run first (`heapq.merge` is stable over its
inputs' order), so rows the ORDER BY ties keep the order they came in.
tests/graph/test_summary_bounded.py (runs of a few rows, tables identical).
"""
from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice

from .table_codec import _collector_paused

SORT_RUN_ROWS = 50000
SPILL_BLOCK_ROWS = 2000

Row = list  # a query's row: str | None cells


def sorted_in_runs(rows: Iterable[Row], sort_run: Callable[[list[Row]], list[Row]],
                   order: Callable[[Row], tuple]) -> Iterator[Row]:
    """`rows` in the order `sort_run` (a stable sort of a list of rows) would give them all,
    holding at most SORT_RUN_ROWS of them at once; `order(row)` is that sort's key."""
    rows = iter(rows)
    with _collector_paused():  # every row is a list the collector would go over again and again
        run = list(islice(rows, SORT_RUN_ROWS))
        following = list(islice(rows, 1))
    if not following:  # one run: sorted in memory
        with _collector_paused():
            run = sort_run(run)
        yield from run
        return
    rows = chain(following, rows)
    with tempfile.TemporaryFile(prefix="policykg-sort-") as spool:
        runs: list[tuple[int, int]] = []  # each run's offset in the file and its number of blocks
        while run:
            with _collector_paused():
                run = sort_run(run)
                start = spool.tell()
                for begin in range(0, len(run), SPILL_BLOCK_ROWS):
                    pickle.dump(run[begin:begin + SPILL_BLOCK_ROWS], spool, protocol=pickle.HIGHEST_PROTOCOL)
                runs.append((start, -(-len(run) // SPILL_BLOCK_ROWS)))
                run = list(islice(rows, SORT_RUN_ROWS))

        def spilled(offset: int, blocks: int) -> Iterator[Row]:
            for _ in range(blocks):
                spool.seek(offset)
                block = pickle.load(spool)
                offset = spool.tell()
                yield from block

        yield from heapq.merge(*(spilled(offset, blocks) for offset, blocks in runs), key=order)
