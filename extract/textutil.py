"""Small text helpers shared by the extract/ components: lines with offsets, numerals, brackets.

Everything here works on the cleaned text (extract/cleaning.py) and accepts both half-width and
full-width punctuation, since plans print either.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence

CJK = r"\u3400-\u9fff"
LP = r"[(（]"
RP = r"[)）]"
COLON = r"[:：]"
# list separators between units; 、 is the usual one, commas and semicolons also occur
SEPARATORS = "、,，;；"


@dataclass(frozen=True)
class Line:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def runs_of(char_class: str) -> re.Pattern:
    """Runs of the characters of `char_class` ("[...]"), written "[...][...]*" rather than
    "[...]+": the same matches, but a pattern opening on a character class lets the regex engine
    skip to its characters, and one opening on a repeat is tried at every position (about three
    times slower over a plan's text, #24)."""
    return re.compile(f"{char_class}{char_class}*")


def split_cells(line: Line, separator: str) -> list[tuple[str, int]]:
    """A table row whose cells are joined by `separator` -> [(cell, offset of the cell in the text), ...]."""
    out, pos = [], 0
    for part in line.text.split(separator):
        stripped = part.strip()
        out.append((stripped, line.start + pos + (part.index(stripped) if stripped else 0)))
        pos += len(part) + len(separator)
    return out


def pipe_cells(line: Line) -> list[tuple[str, int]]:
    """A table row rendered as 'a | b | c' (how extract/formats writes HTML and DOCX tables)."""
    return split_cells(line, "|")


def iter_lines(text: str) -> Iterator[Line]:
    pos = 0
    for raw in text.split("\n"):
        yield Line(raw, pos)
        pos += len(raw) + 1


@lru_cache(maxsize=4)
def lines_of(text: str) -> tuple[Line, ...]:
    """Every line of a whole text, split once: the outline, plan metadata, task tables, targets,
    people and the coverage check all read the lines of the same text (Line is frozen)."""
    return tuple(iter_lines(text))


_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇○一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int | None:
    """十五 -> 15, 一百二十 -> 120, 两 -> 2, 二〇二五 -> 2025 (digit by digit). None if not a numeral."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    if not any(ch in _UNITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def to_halfwidth_digits(text: str) -> str:
    return text.translate({0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: 0x2E, 0xFF05: 0x25})


def split_units(text: str) -> list[tuple[str, int]]:
    """Split a printed list of units on 、,，;； outside brackets; returns (item, offset) pairs."""
    items, depth, buf_start = [], 0, 0
    for i, ch in enumerate(text + "、"):
        if ch in "(（〔﹝[［":
            depth += 1
        elif ch in ")）〕﹞]］":
            depth = max(0, depth - 1)
        elif ch in SEPARATORS and depth == 0 or i == len(text):
            raw = text[buf_start:i]
            stripped = raw.strip(" \u3000\t。.")
            if stripped:
                items.append((stripped, buf_start + raw.index(stripped)))
            buf_start = i + 1
    return items


def strip_sentence_end(text: str) -> str:
    return text.rstrip("。.;；,， \u3000")


_KEY_DROPPED = re.compile(r"[\s\"'“”‘’《》〈〉「」『』·・]")
_KEY_UNIFIED = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "—": "-", "–": "-", "―": "-", "－": "-"})
_KEY_DASHES = re.compile(r"-+")


def nfkc_key(text: str) -> str:
    """A comparison key: NFKC, no spaces or quotes, unified brackets and dashes."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _KEY_DROPPED.sub("", text)
    text = text.translate(_KEY_UNIFIED)
    return _KEY_DASHES.sub("-", text)


_GROUP_NAME = re.compile(r"[(][?]P<[A-Za-z_][A-Za-z_0-9]*>")
_BACK_REFERENCE = re.compile(r"[(][?]P=|\\[1-9]")


def unnamed(pattern: re.Pattern) -> str:
    """A pattern's text with its group names dropped, to be joined with other patterns (two
    may name a group alike). Refuses a back-reference, which would lose its group or point at
    another one (a backslash before a digit is refused even where it is an escaped backslash)."""
    if _BACK_REFERENCE.search(pattern.pattern):
        raise ValueError(f"a back-reference cannot be unnamed: {pattern.pattern!r}")
    return _GROUP_NAME.sub("(?:", pattern.pattern)


def opening_twin(patterns: re.Pattern | Sequence[re.Pattern], openings: str) -> re.Pattern:
    """A twin of `patterns` (one pattern, or several) for finding where their matches start,
    fast: it matches one character of `openings` wherever one of `patterns` matches from that
    character (the character consumed, then a lookbehind of the same width holding the patterns
    as one lookahead), so `twin.search` finds where the first match of any of them starts. A
    pattern that opens on a look-back, or on alternatives that are not all plain words, is tried
    at every character of the text; one that opens on a character class lets the regex engine
    skip to those characters. `openings` (a character class, "[...]") must hold every character
    a match of any of `patterns` can start with. Group names are dropped (`unnamed`); the
    patterns must share their flags."""
    if isinstance(patterns, re.Pattern):
        patterns = (patterns,)
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        raise ValueError("the patterns of one twin must share their flags")
    inner = "|".join(f"(?:{unnamed(p)})" for p in patterns)
    return re.compile(rf"{openings}(?<=(?={inner}){openings})", flags.pop())


try:   # the regex parser, to read which characters a pattern's matches can open on
    import re._parser as _regex_parser   # Python 3.11+
except ImportError:   # pragma: no cover - Python 3.10
    import sre_parse as _regex_parser   # type: ignore[no-redef]

_C = _regex_parser   # its opcode and category names (the same objects in both modules)
_CATEGORY_CLASSES = {str(_C.CATEGORY_DIGIT): r"\d", str(_C.CATEGORY_NOT_DIGIT): r"\D",
                     str(_C.CATEGORY_SPACE): r"\s", str(_C.CATEGORY_NOT_SPACE): r"\S",
                     str(_C.CATEGORY_WORD): r"\w", str(_C.CATEGORY_NOT_WORD): r"\W"}
_REPEATS = {str(getattr(_C, name)) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_C, name)}
_ZERO_WIDTH = {str(_C.AT), str(_C.ASSERT), str(_C.ASSERT_NOT)}


class _Unknown(Exception):
    """A pattern whose opening characters are not read here (a negated class, '.', a
    back-reference, case folding ...)."""


def _class_char(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _openings_of(items) -> tuple[list[str], bool]:
    """(class items any match of the sequence can open on, whether it can match nothing)."""
    found: list[str] = []
    for op, av in items:
        op = str(op)
        if op == str(_C.LITERAL):
            return found + [_class_char(av)], False
        if op == str(_C.IN):
            for kind, value in av:
                kind = str(kind)
                if kind == str(_C.LITERAL):
                    found.append(_class_char(value))
                elif kind == str(_C.RANGE):
                    found.append(f"{_class_char(value[0])}-{_class_char(value[1])}")
                elif kind == str(_C.CATEGORY) and str(value) in _CATEGORY_CLASSES:
                    found.append(_CATEGORY_CLASSES[str(value)])
                else:
                    raise _Unknown(kind)
            return found, False
        if op == str(_C.BRANCH):
            empty = False
            for alternative in av[1]:
                opens, can_be_empty = _openings_of(alternative)
                found += opens
                empty = empty or can_be_empty
            if not empty:
                return found, False
        elif op == str(_C.SUBPATTERN):
            _, add_flags, _, inner = av
            if add_flags & re.IGNORECASE:
                raise _Unknown("case folding")
            opens, can_be_empty = _openings_of(inner)
            found += opens
            if not can_be_empty:
                return found, False
        elif op in _REPEATS:
            low, high, inner = av
            if high == 0:
                continue
            opens, can_be_empty = _openings_of(inner)
            found += opens
            if low > 0 and not can_be_empty:
                return found, False
        elif op == str(getattr(_C, "ATOMIC_GROUP", "-")):
            opens, can_be_empty = _openings_of(av)
            found += opens
            if not can_be_empty:
                return found, False
        elif op in _ZERO_WIDTH:
            continue   # an anchor or a lookaround reads no character of the match
        else:
            raise _Unknown(op)
    return found, True


def opening_class(pattern: re.Pattern) -> str | None:
    """A character class ("[...]") holding every character a match of `pattern` can start with,
    read from the pattern's parse, or None when that is not known here (case folding, a negated
    class, '.', a back-reference, a pattern that can match nothing ...). Patterns kept as data
    (extract/patterns/) open on whatever their authors wrote; this gives their twins."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        opens, can_be_empty = _openings_of(_regex_parser.parse(pattern.pattern, pattern.flags).data)
    except _Unknown:
        return None
    return None if can_be_empty or not opens else "[" + "".join(dict.fromkeys(opens)) + "]"


def start_finder(pattern: re.Pattern) -> re.Pattern:
    """A pattern whose `search` finds a match exactly where `pattern`'s first match starts (one
    character long: for asking whether, or where, `pattern` has a match): its twin opening on
    `opening_class(pattern)`, or `pattern` itself when that is not known."""
    openings = opening_class(pattern)
    if openings is None or _BACK_REFERENCE.search(pattern.pattern):
        return pattern
    return opening_twin(pattern, openings)


def finditer_by_twin(pattern: re.Pattern, twin: re.Pattern, text: str, pos: int = 0,
                     endpos: int | None = None) -> Iterator[re.Match]:
    """The matches of `pattern.finditer(text, pos, endpos)`, found where `twin` (`opening_twin`)
    says one starts: the leftmost start at or after the end of the last match, matched there
    (the same match: the patterns' look-backs see the text before `pos` either way). For
    patterns whose matches are never empty."""
    endpos = len(text) if endpos is None else endpos
    last_end = pos
    for start in twin.finditer(text, pos, endpos):
        if start.start() < last_end:
            continue
        m = pattern.match(text, start.start(), endpos)
        yield m
        last_end = m.end()
