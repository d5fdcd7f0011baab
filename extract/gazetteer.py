"""China's administrative divisions (GB/T 2260 codes) for resolving a plan's jurisdiction.

The data is not typed in here: it is the official code list with coordinates shipped as
`resources/adcodes.csv` by the `cpca` package on PyPI (3,511 province-, prefecture- and
county-level units), read as data (importing `cpca` itself is not needed). Short names (衡阳 for
衡阳市, 宁夏 for 宁夏回族自治区) are derived by rule; provinces' one-character 简称 (湘, 浙 ...)
come from extract/patterns/province_abbreviations.csv. graph/places.py turns this into RDF.
DOCS: docs/places.md
"""
from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

_SUFFIXES = ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "县", "区", "盟", "旗", "州"]
PATTERNS = Path(__file__).resolve().parent / "patterns"
ABBREVIATIONS_FILE = PATTERNS / "province_abbreviations.csv"
NAME_DATA_FILE = PATTERNS / "place_names.json"
# statistical placeholders of the code list, not places: 430401 市辖区, 429000 省直辖县级行政区划
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# the characters of a 发文字号 that follow the issuer's abbreviation: 衡政办发, 川府发, 湘知发, 银政发
_DOC_NUMBER_PREFIX = re.compile(r"^\s*([\u4e00-\u9fff]{1,2}?)(?:政|府|办|委|知|市监|发|函)")


@dataclass(frozen=True)
class Place:
    code: str            # 6-digit GB/T 2260 code
    name: str            # 衡阳市
    short: str           # 衡阳
    level: str           # gazetteer tier: "province" | "city" | "county"
    province_code: str
    lon: float | None
    lat: float | None

    @property
    def parent_code(self) -> str | None:
        """The containing unit's code: a county's prefecture, or its province when the
        prefecture has no entry (直辖市 districts, 省直辖县级市)."""
        if self.level == "province":
            return None
        if self.level == "city":
            return self.province_code
        prefecture = self.code[:4] + "00"
        return prefecture if prefecture in _by_code() else self.province_code

    @property
    def admin_level(self) -> str:
        """The level a plan records: province, city, county, or district for a 市辖区 (…区)."""
        if self.level == "county" and self.name.endswith("区"):
            return "district"
        return self.level

    def contains(self, other: "Place") -> bool:
        """True when `other` is this unit or lies inside it."""
        if other.code == self.code:
            return True
        if self.level == "province":
            return other.province_code == self.code
        if self.level == "city":
            return other.level == "county" and other.code[:4] == self.code[:4]
        return False


def _adcodes_path() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def name_data() -> dict:
    """extract/patterns/place_names.json: ethnic group names, place-name pinyin readings."""
    return json.loads(NAME_DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _ethnic_tail() -> re.Pattern[str]:
    names = sorted(name_data()["ethnic_groups"], key=len, reverse=True)
    longer = "|".join(re.escape(n) for n in names if len(n) > 1)
    single = "|".join(re.escape(n) for n in names if len(n) == 1)
    # 维吾尔自治区 prints no 族; a one-character ethnonym (回, 水, 白) only counts with 族
    return re.compile(f"(?:(?:{longer})族?|(?:{single})族)$")


def strip_ethnic(base: str) -> str:
    """延边朝鲜族 -> 延边, 湘西土家族苗族 -> 湘西; a name that is only an ethnonym stays whole."""
    while True:
        m = _ethnic_tail().search(base)
        if not m or m.start() < 2:
            return base
        base = base[:m.start()]


def _short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            base = name[: -len(suffix)]
            base = strip_ethnic(base) if suffix.startswith("自治") else base
            return base if len(base) >= 2 else name
    return name


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every unit of the code list, in the file's order, without its placeholders (empty when
    cpca is not installed)."""
    path = _adcodes_path()
    if path is None:
        return ()
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["name"] in _PLACEHOLDERS:
                continue
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


def by_code(code: str | None) -> Place | None:
    return _by_code().get(code or "")


def province_of(place: Place) -> Place | None:
    return by_code(place.province_code)


def parent_of(place: Place) -> Place | None:
    return by_code(place.parent_code)


def places_named(name: str) -> list[Place]:
    """Every unit whose full name is `name` (朝阳区 is two districts)."""
    return list(_name_index().get(name, []))


@lru_cache(maxsize=1)
def province_abbreviations() -> dict[str, list[str]]:
    """Province code -> its one-character 简称 (湘, 川 and 蜀 ...), from the data table."""
    out: dict[str, list[str]] = {}
    with ABBREVIATIONS_FILE.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            out.setdefault(row["code"], []).append(row["abbreviation"])
    return out


def short_names(place: Place) -> list[str]:
    """Names other than the full one: the rule-made short name, and a province's 简称."""
    names = [place.short] if place.short != place.name else []
    if place.level == "province":
        names += [a for a in province_abbreviations().get(place.code, []) if a not in names]
    return names


@lru_cache(maxsize=1)
def prefix_index() -> dict[str, list[Place]]:
    """Abbreviation used in 发文字号 -> candidate units: the province 简称 (湘 -> 湖南省) and the
    first character of each prefecture's short name (衡 -> 衡阳市, 衡水市)."""
    index: dict[str, list[Place]] = {}
    for code, abbreviations in province_abbreviations().items():
        place = by_code(code)
        for abbreviation in abbreviations:
            if place is not None:
                index.setdefault(abbreviation, []).append(place)
    for p in places():
        if p.level == "city" and p.short != p.name:
            index.setdefault(p.short[0], []).append(p)
            if len(p.short) >= 3:  # 哈尔滨 -> 哈, and 呼和浩特 -> 呼 (two-character forms are rare)
                index.setdefault(p.short[:2], []).append(p)
    return index


def doc_number_candidates(doc_number: str | None) -> list[Place]:
    """The units a 发文字号's issuer prefix may stand for: 衡政办发〔2024〕9号 -> [衡阳市, 衡水市]."""
    m = _DOC_NUMBER_PREFIX.match(doc_number or "")
    if not m:
        return []
    return list(prefix_index().get(m.group(1), []))


def count_mentions(place: Place, text: str) -> int:
    """How often `text` names the unit or a unit inside it (full names; short names for
    provinces and prefectures): the evidence used to choose between candidates."""
    count = text.count(place.name)
    if place.short != place.name and len(place.short) >= 2:
        count += text.count(place.short) - text.count(place.name) * (place.name.startswith(place.short))
    for child in _children().get(place.code, []):
        if len(child.name) >= 3:
            count += text.count(child.name)
    return count


@lru_cache(maxsize=1)
def _children() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for p in places():
        if p.parent_code:
            index.setdefault(p.parent_code, []).append(p)
    return index


def children_of(place: Place) -> list[Place]:
    return list(_children().get(place.code, []))


def choose_by_evidence(candidates: list[Place], *texts: str | None) -> Place | None:
    """The candidate the texts name most (the issuer first, then the rest); None on a tie
    between two or more, or without any mention, unless there is only one candidate."""
    unique = list(dict.fromkeys(candidates))
    if len(unique) == 1:
        return unique[0]
    for text in texts:
        if not text:
            continue
        scores = Counter({p: count_mentions(p, text) for p in unique})
        ranked = scores.most_common(2)
        if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
    return None


_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


@lru_cache(maxsize=65536)   # pure; agency names and unit lists ask it of the same strings often
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


@lru_cache(maxsize=1)
def _lengths_by_head() -> dict[str, tuple[int, ...]]:
    """First two characters of any full or short name -> the name lengths starting so, longest
    first: one dictionary miss settles most positions of a text."""
    lengths: dict[str, set[int]] = {}
    for index in (_name_index(), _short_index()):
        for name in index:
            if len(name) >= 2:
                lengths.setdefault(name[:2], set()).add(len(name))
    return {head: tuple(sorted(ns, reverse=True)) for head, ns in lengths.items()}


@lru_cache(maxsize=1)
def _maybe_name_start() -> re.Pattern:
    """A position whose two characters could begin a name (any first character of a name, then
    any second character): a superset of the positions `match_name_at` matches at, found in C.
    About one position in eight passes it, against one in three for the first character alone.
    The first character is matched, not looked ahead at: a pattern opening on a character class
    lets the regex engine skip to those characters (one opening on a lookahead is tried at every
    position); the match starts at the same place."""
    heads = _lengths_by_head()
    firsts = "".join(sorted({head[0] for head in heads}))
    seconds = "".join(sorted({head[1] for head in heads}))
    return re.compile(f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])")


def name_starts(text: str) -> Iterator[int]:
    """Every position where `match_name_at` may find a name, in order, in one scan (a search
    from each position in turn cost a call and a restart per position)."""
    return (m.start() for m in _maybe_name_start().finditer(text))


def match_name_at(text: str, start: int) -> tuple[list[Place], int] | None:
    """The longest full or short (province/prefecture) name beginning at `text[start]`:
    (candidates, end), or None."""
    for n in _lengths_by_head().get(text[start:start + 2], ()):
        piece = text[start:start + n]
        if len(piece) < n:
            continue
        cands = _name_index().get(piece) or _short_index().get(piece)
        if cands:
            return list(cands), start + n
    return None


def lookup(name: str) -> Place | None:
    cands = _name_index().get(name) or _short_index().get(name)
    if not cands:
        return None
    return sorted(cands, key=lambda p: (_LEVEL_RANK[p.level], p.code))[0]
