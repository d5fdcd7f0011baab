"""How a summary literal and a corpus table chunk keep rows as text: a string table with packed
indexes for listings (`_encode_table` / `_decode_table`), a compact form for the aggregates
(`_encode_agency_load`, `_encode_co_responsibility`, added up by corpus_rows.py), the plan's own
rows as JSON for the engine-ordered queries (`encode` picks per query, summary_format.py
`ENCODINGS` names each form and is part of every fingerprint, so a text written in another form
is stale, never misread).

Decoding builds many row lists at once: `_collector_paused` keeps Python's collector from going
over them again and again while it does.
"""
from __future__ import annotations

import array
import base64
import gc
import json
import sys
from contextlib import contextmanager
from itertools import chain

from .summary_format import ENGINE_ORDERED


def encode(name: str, rows: list[list[str | None]], plans: list[str] | None = None,
           separable: bool = True) -> str:
    """The text of query `name`'s summary literal for one plan's rows (`plans`: the IRIs of the
    plan graph's plan nodes, `GRAPH ?g { ?g pk:plan ?plan }`, kept with the rows of ENGINE_ORDERED queries; `separable`:
    no label or source of the plan holds GROUP_CONCAT's separator, so plans_by_region's lists
    split back into their values)."""
    if name in ENGINE_ORDERED:
        # one plan node, or null: then the groups cannot be added up here (the SPARQL answers)
        usable = plans is not None and len(plans) == 1 and (separable or name != "plans_by_region")
        return _dumps({"plan": plans[0] if usable else None, "rows": rows})
    if name == "agency_load":
        return _encode_agency_load(rows)
    if name == "co_responsibility":
        return _encode_co_responsibility(rows)
    return _encode_table(rows)


# -- listings: a string table and packed indexes ---------------------------------------------------
# A listing's rows repeat a few strings many times (the plan's source in every row, a measure's
# title in each of its assignments, agency names, types, IRIs): `responsibilities` kept 278 MB of
# JSON at 10k plans, and decoding it (3.6 CPU-s) and reading it from the store (~1.3 CPU-s) was
# most of its whole-corpus time. A plan's table is kept as
#     "<rows>\t<columns>\t<B|H|I>\t<base64 of the row-major indexes, little-endian 8/16/32-bit>\n<strings>"
# where <strings> is the plan's distinct values in order of first appearance joined by U+001F,
# slot 0 standing for unbound (None); when a value holds U+001F itself, <strings> is instead the
# JSON list of the values after slot 0 (it then starts with "[", which a joined table, starting
# with slot 0's empty text, never does). Decoding is a split, a base64 decode and C loops (one
# numpy gather whose `tolist()` builds the rows, or for a small table, whose numpy calls would
# cost more, `map` and `zip` over the indexes): no per-cell Python work (`_decode_table`).

_TABLE_SEPARATOR = "\x1f"
_INDEX_TYPES = {"B": "u1", "H": "<u2", "I": "<u4"}
_INDEX_BYTES = {"B": 1, "H": 2, "I": 4}
# From this many cells a plan's table is decoded with numpy (~10 us a call more, ~15 ns a cell
# less): `plans` and `coverage` (one row a plan) took twice as long with numpy for every plan.
_NUMPY_CELLS = 1000


def _encode_table(rows: list[list[str | None]]) -> str:
    import numpy as np

    if not rows:
        return "0\t0\tH\t\n"
    # slots in order of first appearance, unbound at 0, numbered and looked up in C loops (a
    # Python loop per cell was most of writing the corpus tables: 771k rows x 13 at 10k plans)
    cells = list(chain.from_iterable(rows))
    strings: list = list(dict.fromkeys(chain((None,), cells)))
    slots = dict(zip(strings, range(len(strings))))
    strings[0] = ""
    kind = "B" if len(strings) <= 0x100 else "H" if len(strings) <= 0x10000 else "I"  # the narrowest
    packed = np.fromiter(map(slots.__getitem__, cells), dtype=_INDEX_TYPES[kind], count=len(cells))
    table = (_dumps(strings[1:]) if any(_TABLE_SEPARATOR in value for value in strings)
             else _TABLE_SEPARATOR.join(strings))
    return f"{len(rows)}\t{len(rows[0])}\t{kind}\t{base64.b64encode(packed.tobytes()).decode('ascii')}\n{table}"


def _decode_table(text: str) -> list[list[str | None]]:
    """A plan's rows from `_encode_table`'s text."""
    import numpy as np

    head, _, table = text.partition("\n")
    count, width, kind, packed = head.split("\t")
    if count == "0":
        return []
    if table[:1] == "[":
        strings = [None, *json.loads(table)]
    else:
        strings = table.split(_TABLE_SEPARATOR)
        strings[0] = None
    raw = base64.b64decode(packed)
    count, width = int(count), int(width)
    if count * width < _NUMPY_CELLS:
        indexes = raw if kind == "B" else array.array(kind, raw)
        if kind == "B" or (indexes.itemsize == _INDEX_BYTES[kind] and sys.byteorder == "little"):
            return list(map(list, zip(*[map(strings.__getitem__, indexes)] * width)))
    values = np.empty(len(strings), dtype=object)
    values[:] = strings
    return values[np.frombuffer(raw, dtype=_INDEX_TYPES[kind]).reshape(count, width)].tolist()


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a reader builds every row in memory (and
    enabled again after, if it was): each row is a list, which the collector tracks, so building
    150k-770k of them set off collections that went over all the rows held so far, ~0.9 us a row
    (0.7 of 1.0 CPU-s for 770k rows of 13 cells). Row lists hold strings only: no cycles to find.
    Listings stream (their consumer holds the rows, or not) and are left alone."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the aggregates' compact form ------------------------------------------------------------------
# A plan's rows of `agency_load` / `co_responsibility` are stored as two JSON lines: first the
# numbers (the plan's agency IRIs once, then flat integer counts that point into them), then the
# labels. Adding up reads the first line of every plan and the second only of a plan that brings
# an agency (pair) no earlier plan had, whose labels the corpus row then takes (as the queries'
# SAMPLE(?g) takes them from one plan graph). Encoding keeps exactly what adding up uses: each
# key's counts from its first row in the plan, and its label variants in row order.


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # escapes newlines


def _encode_agency_load(rows: list[list[str | None]]) -> str:
    # columns: agency, agency_en, agency_type, agency_category, jurisdiction, measures_led,
    #   measures_supported, measures, plans, agency_iri, city
    iris: list[str] = []
    counts: list[int] = []
    variants: list[list] = []
    index: dict[str, int] = {}
    for row in rows:
        position = index.get(row[9])
        if position is None:
            position = index[row[9]] = len(iris)
            iris.append(row[9])
            counts += (int(row[5]), int(row[6]), int(row[7]))
            variants.append([])
        if row[:5] not in variants[position]:
            variants[position].append(row[:5])
    return _dumps({"a": iris, "c": counts}) + "\n" + _dumps(variants)


def _encode_co_responsibility(rows: list[list[str | None]]) -> str:
    """Pairs as indices into the plan's agencies; labels per agency when every pair's label
    variants are the product of its two agencies' labels (they come from one plan graph), else
    per pair."""
    # columns: agency_a, agency_b, shared_measures, plans, agency_a_iri, agency_b_iri, city
    iris: list[str] = []
    index: dict[str, int] = {}
    pairs: list[int] = []
    pair_variants: list[list] = []
    pair_index: dict[tuple, int] = {}
    agency_labels: dict[int, list] = {}
    for row in rows:
        a = index.setdefault(row[4], len(index))
        if a == len(iris):
            iris.append(row[4])
        b = index.setdefault(row[5], len(index))
        if b == len(iris):
            iris.append(row[5])
        position = pair_index.get((a, b))
        if position is None:
            position = pair_index[(a, b)] = len(pair_variants)
            pairs += (a, b, int(row[2]))
            pair_variants.append([])
        if [row[0], row[1]] not in pair_variants[position]:
            pair_variants[position].append([row[0], row[1]])
        for agency, label in ((a, row[0]), (b, row[1])):
            known = agency_labels.setdefault(agency, [])
            if label not in known:
                known.append(label)
    labels = [agency_labels[k] for k in range(len(iris))]
    product = all(sorted(map(tuple, variants), key=str) ==
                  sorted(((x, y) for x in labels[pairs[3 * k]] for y in labels[pairs[3 * k + 1]]), key=str)
                  for k, variants in enumerate(pair_variants))
    tail = {"agencies": labels} if product else {"pairs": pair_variants}
    packed_pairs = array.array("i", pairs)  # 32-bit; stored little-endian, read as "<i4"
    if sys.byteorder == "big":
        packed_pairs.byteswap()
    packed = base64.b64encode(packed_pairs.tobytes()).decode("ascii")
    return _dumps({"a": iris, "p": packed}) + "\n" + _dumps(tail)


__all__ = ["encode"]
