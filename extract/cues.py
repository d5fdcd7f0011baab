"""Cues: patterns that show a line should have produced something (a responsibility block, a
quantity, an annex, a 发文字号). Data in extract/patterns/cues.json; read by
components/measures.py (where responsibility blocks sit decides the measure level) and by
coverage.py (lines whose cues produced nothing).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .textutil import start_finder

PATTERNS = Path(__file__).resolve().parent / "patterns"


@lru_cache(maxsize=1)
def cues() -> dict[str, re.Pattern]:
    data = json.loads((PATTERNS / "cues.json").read_text(encoding="utf-8"))
    return {k: re.compile(v, re.M) for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def cue_starts() -> dict[str, re.Pattern]:
    """For each cue, a pattern whose `search` finds where the cue's first match starts
    (textutil.start_finder), for asking whether a line or a section holds the cue. Cues open
    on whatever their data says; the responsibility cues open on groups of alternatives,
    which the regex engine tries at every character of every section (#24)."""
    return {name: start_finder(pattern) for name, pattern in cues().items()}


def has_block(text: str) -> bool:
    """Does `text` carry a responsibility block (a unit label or a (…牵头/负责/配合) bracket)?"""
    return bool(cue_starts()["responsibility"].search(text))
