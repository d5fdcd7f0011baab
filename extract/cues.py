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

PATTERNS = Path(__file__).resolve().parent / "patterns"


@lru_cache(maxsize=1)
def cues() -> dict[str, re.Pattern]:
    data = json.loads((PATTERNS / "cues.json").read_text(encoding="utf-8"))
    return {k: re.compile(v, re.M) for k, v in data.items() if not k.startswith("_")}


def has_block(text: str) -> bool:
    """Does `text` carry a responsibility block (a unit label or a (…牵头/负责/配合) bracket)?"""
    return bool(cues()["responsibility"].search(text))
