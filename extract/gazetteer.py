"""China's administrative divisions (GB/T 2260 codes) for resolving a plan's jurisdiction.

The data is not typed in here: it is the official code list with coordinates shipped as
`resources/adcodes.csv` by the `cpca` package on PyPI (3,500 province-, prefecture- and
county-level units). We read the CSV only; importing `cpca` itself is not needed.
Short names (衡阳 for 衡阳市, 宁夏 for 宁夏回族自治区) are derived by rule.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_SUFFIXES = ["维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "自治州", "自治县", "自治旗",
             "地区", "省", "市", "县", "区", "盟", "旗", "州"]
_ETHNIC = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?族)+$")


@dataclass(frozen=True)
class Place:
    code: str            # 6-digit GB/T 2260 code
    name: str            # 衡阳市
    short: str           # 衡阳
    level: str           # "province" | "city" | "county"
    province_code: str
    lon: float | None
    lat: float | None

    @property
    def parent_code(self) -> str | None:
        if self.level == "province":
            return None
        if self.level == "city":
            return self.province_code
        return self.code[:4] + "00"


def _adcodes_path() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return path if path.exists() else None


def _short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            base = name[: -len(suffix)]
            base = _ETHNIC.sub("", base) if suffix.startswith(("自治", "维吾尔", "壮族", "回族")) else base
            return base if len(base) >= 2 else name
    return name


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    path = _adcodes_path()
    if path is None:
        return ()
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            lon = float(row["longitude"]) if row.get("longitude") else None
            lat = float(row["latitude"]) if row.get("latitude") else None
            out.append(Place(code, row["name"], _short_name(row["name"]), level, code[:2] + "0000", lon, lat))
    return tuple(out)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Place]:
    return {p.code: p for p in places()}


@lru_cache(maxsize=1)
def _name_index() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for p in places():
        index.setdefault(p.name, []).append(p)
    return index


@lru_cache(maxsize=1)
def _short_index() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for p in places():
        if p.short != p.name and p.level in ("province", "city"):
            index.setdefault(p.short, []).append(p)
    return index


def by_code(code: str) -> Place | None:
    return _by_code().get(code)


def province_of(place: Place) -> Place | None:
    return by_code(place.province_code)


_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


def find_place(text: str, *, allow_short: bool = True) -> tuple[Place, int, int] | None:
    """The first place named in `text` (full names first, then province/city short names).

    Returns (place, start, end). Among equal names, the higher level wins (朝阳市 the city over
    朝阳区 districts never collides since names differ; 朝阳 short resolves to the city).
    """
    if not text:
        return None
    best = None
    for index, max_len in ((_name_index(), 12), (_short_index() if allow_short else {}, 8)):
        for i in range(len(text)):
            for n in range(min(max_len, len(text) - i), 1, -1):
                cands = index.get(text[i:i + n])
                if cands:
                    place = sorted(cands, key=lambda p: (_LEVEL_RANK[p.level], p.code))[0]
                    if best is None or i < best[1]:
                        best = (place, i, i + n)
                    break
            if best is not None and best[1] <= i:
                break
        if best is not None:
            return best
    return None


def lookup(name: str) -> Place | None:
    cands = _name_index().get(name) or _short_index().get(name)
    if not cands:
        return None
    return sorted(cands, key=lambda p: (_LEVEL_RANK[p.level], p.code))[0]
