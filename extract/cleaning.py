"""Decoded text -> cleaned simplified text, with a map from each cleaned char back to the input.

Order (NOTES-tooling.md "Text repair"): GBK mojibake repair, pinyin strip, traditional ->
simplified (OpenCC t2s), then per line: trim whitespace, drop site boilerplate and blank lines.
Boilerplate patterns live in `patterns/boilerplate.jsonl` and are matched on the simplified
line, so they are written once, in simplified characters. Partner: extract/load.py (bytes ->
decoded text), which also uses `plausibility` to choose between CJK encodings.
"""
from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache
from pathlib import Path

from .textutil import runs_of

BOILERPLATE_PATH = Path(__file__).parent / "patterns" / "boilerplate.jsonl"

# Whitespace trimmed at both ends of a line: every str.isspace() char (U+3000, U+00A0 ...),
# plus BOM and zero-width space, which pasted web text carries at line edges.
_EDGE_WS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff\u200b"
)
# a line break; \r\n is one. Written class first (then the \n of a \r\n), not "\r\n|[...]": a pattern
# opening on a character class lets the regex engine skip to its characters
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029](?:(?<=\r)\n)?")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAS_CJK = re.compile(f"[{_CJK}]")


def has_chinese(text: str) -> bool:
    """True when `text` holds at least one CJK ideograph."""
    return _HAS_CJK.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Plausibility: how much a string looks like real Chinese text. Used to accept a mojibake
# repair and (in load.py) to choose between GB18030 and Big5 decodings of the same bytes.

_COMMON_PUNCT = set("，。、；：？！（）《》〈〉“”‘’「」『』【】〔〕—…·％　") | {chr(c) for c in range(0xFF01, 0xFF5F)}


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 (the 3755 common simplified chars) and the Big5 level-1 chars whose
    simplified form is one of them (common traditional chars, without Big5's rarer ones)."""
    gb_level1 = {
        bytes((lead, trail)).decode("gb2312") for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)
        if (lead, trail) < (0xD7, 0xFA)  # D7FA-D7FE are unassigned
    }
    big5_level1 = []  # A440-C67E; the rest of row C6 holds kana and symbols
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *(range(0xA1, 0xFF) if lead < 0xC6 else ())):
            try:
                big5_level1.append(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                continue
    simplified = _t2s().convert("\n".join(big5_level1)).split("\n")  # one char at a time
    traditional = {trad for trad, simp in zip(big5_level1, simplified) if simp in gb_level1}
    return frozenset(gb_level1 | traditional)


def _char_score(ch: str, common: frozenset[str]) -> int:
    code = ord(ch)
    if ch in _EDGE_WS or 0x20 <= code < 0x7F:
        return 0
    if code < 0x20 or code == 0x7F:
        return -3  # C0 control
    if ch in common or ch in _COMMON_PUNCT:
        return 1
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F:
        return -1  # a real but rare ideograph
    if 0xE000 <= code <= 0xF8FF or code == 0xFFFD or code < 0xA0:
        return -3  # private use, replacement char, C1 control
    return -2  # kana, bopomofo, Greek, Cyrillic, box drawing, pinyin letters ... in running text


def _score_sum(text: str, common: frozenset[str]) -> int:
    return sum(_char_score(ch, common) for ch in text)


def plausibility(text: str) -> float:
    """Mean score of the non-ASCII chars of `text`, from -3 (junk) to 1 (common Chinese).

    text (str): any decoded text; ASCII and whitespace are ignored.
    RETURNS (float): 0.0 when there is nothing but ASCII.
    """
    common = _common_hanzi()
    scored = [_char_score(ch, common) for ch in text if ord(ch) >= 0x80 and ch not in _EDGE_WS]
    return sum(scored) / len(scored) if scored else 0.0


# ---------------------------------------------------------------------------------------------
# (1) Mojibake: GBK text decoded one byte out of phase (the lead byte of a double-byte char was
# lost), so each shown char is (trail byte of char k, lead byte of char k+1) until the decoder
# meets an original trail byte < 0x80 (|, _, \ ...) or an ASCII char and falls back into phase.
# Repair: re-encode the shown chars to the bytes the faulty decoder saw, drop the first
# (orphan trail) byte, decode again up to the point where the stream is back in phase, and keep
# the rest of the line as it is.

# The faulty decoders are legacy GBK (cp936, GB18030-2000): they map 81 double-byte codes to
# private-use chars where Python's gb18030 (2005 mapping) has real chars, and GB18030-2022
# decoders map 18 codes to real chars that Python still shows as PUA. Each row: first GBK code,
# first char, count (derived from the gaps in Python's own gb18030 PUA sequence; pinned by a test).
# fmt: off
_LEGACY_GBK_RUNS = (
    (0xA2E3, 0xE76C, 1), (0xA8BF, 0xE7C8, 1), (0xA989, 0xE7E7, 13), (0xFE50, 0xE815, 1),
    (0xFE54, 0xE819, 5), (0xFE5A, 0xE81F, 7), (0xFE62, 0xE827, 4), (0xFE68, 0xE82D, 4),
    (0xFE6E, 0xE833, 8), (0xFE77, 0xE83C, 7), (0xFE80, 0xE844, 16), (0xFE92, 0xE856, 14),
    # GB18030-2022 remappings: vertical punctuation and CJK radicals/components
    (0xA6D9, 0xFE10, 1), (0xA6DA, 0xFE12, 1), (0xA6DB, 0xFE11, 1), (0xA6DC, 0xFE13, 4),
    (0xA6EC, 0xFE17, 2), (0xA6F3, 0xFE19, 1), (0xFE59, 0x9FB4, 1), (0xFE61, 0x9FB5, 1),
    (0xFE66, 0x9FB6, 2), (0xFE6D, 0x9FB8, 1), (0xFE7E, 0x9FB9, 1), (0xFE90, 0x9FBA, 1),
    (0xFEA0, 0x9FBB, 1),
)
# fmt: on
_LEGACY_GBK: dict[str, bytes] = {
    chr(first_char + i): (first_code + i).to_bytes(2, "big")
    for first_code, first_char, count in _LEGACY_GBK_RUNS
    for i in range(count)
}

_PUA = re.compile("[\ue000-\uf8ff]")
# Chars a shifted GBK decoding produces far more often than real Chinese text does: private
# use, kana, bopomofo, Greek, Cyrillic, box drawing (GBK rows A4-A9 and the user areas).
_SUSPECT = re.compile("[\ue000-\uf8ff\u3040-\u30ff\u3100-\u312f\u0391-\u03c9\u0401-\u0451\u2500-\u257f]")
# A lost-byte marker at the start of a line: " ?。ㄒ唬..." (the "?" stands for the lost lead byte).
_LEADING_MARKER = re.compile(f"^([{_EDGE_WS}]*)[?？\ufffd]+(?=[^\\x00-\\x7f])")
_MAX_STARTS = 32  # how far before its anchor (see _next_anchor) a marker-less run may begin
_GIVE_UP_AFTER = 12  # chars of shifted output after which a candidate reading badly is dropped
# Punctuation a site may have folded to ASCII; a repaired run follows the document's choice.
_FULLWIDTH_TO_ASCII = {"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "！": "!", "？": "?"}


def _faulty_bytes(ch: str) -> bytes | None:
    """The bytes a legacy GBK decoder turned into `ch`; None for chars that carry no bytes."""
    legacy = _LEGACY_GBK.get(ch)
    if legacy is not None:
        return legacy
    if ch == "\ufffd":
        return None
    try:
        return ch.encode("gb18030")
    except UnicodeEncodeError:  # lone surrogate
        return None


def _shift_decode(line: str, start: int, common: frozenset[str]) -> tuple[str, int] | None:
    """Decode line[start:] one byte later than it was decoded, until the stream is back in phase.

    Chars are re-encoded only as far as decoding gets, and a candidate whose output reads
    badly is given up early, so trying many starts on a long line stays cheap.
    RETURNS: (repaired text, end) where line[start:end] is the out-of-phase run it replaces,
    or None when line[start] cannot begin such a run.
    """
    buf = bytearray()
    char_at: dict[int, int] = {}  # byte offset where a char begins -> its index in line
    next_char, barrier = start, len(line)

    def encode_up_to(size: int) -> None:
        nonlocal next_char, barrier
        while len(buf) < size and next_char < barrier:
            encoded = _faulty_bytes(line[next_char])
            if encoded is None:  # a replacement char: the bytes under it are gone
                barrier = next_char
                break
            char_at[len(buf)] = next_char
            buf.extend(encoded)
            next_char += 1

    encode_up_to(2)
    if len(buf) < 2 or buf[0] < 0x81:
        return None
    pos, out, score = 1, [], 0
    while True:
        encode_up_to(pos + 5)  # the next char (<= 4 bytes) and the byte after it
        if pos >= len(buf):
            break
        if pos in char_at:  # back in phase: the rest of the line is already right
            return "".join(out), char_at[pos]
        lead = buf[pos]
        if lead < 0x80 or lead in (0x80, 0xFF):
            size = 1
        elif pos + 1 < len(buf) and 0x30 <= buf[pos + 1] <= 0x39:
            size = 4
        else:
            size = 2
        if pos + size > len(buf):  # a dangling byte before a barrier: that char is lost
            break
        char = bytes(buf[pos : pos + size]).decode("gb18030", errors="replace")
        out.append(char)
        score += _score_sum(char, common)
        if len(out) >= _GIVE_UP_AFTER and score < 0.3 * len(out):
            return None
        pos += size
    return "".join(out), barrier


def _best_repair(
    line: str, starts: list[int], common: frozenset[str], *, marked: bool
) -> tuple[int, int, str] | None:
    """The most plausible repair among candidate run starts: (start, end, repaired) or None.

    marked (bool): the line carries a lost-byte marker, which is evidence enough for a repair
        that reads well. Without it, the run itself must also read badly once its PUA and
        suspect chars are set aside, so a stray icon-font glyph in good text is left alone.
    """
    best, best_gain = None, (-1 if marked else 1)
    for start in starts:
        shifted = _shift_decode(line, start, common)
        if shifted is None:
            continue
        repaired, end = shifted
        run = line[start:end]
        if end <= start or len(_PUA.findall(repaired)) > len(_PUA.findall(run)):
            continue
        repaired_score = _score_sum(repaired, common)
        if repaired_score < 0.6 * len(repaired):  # mostly common chars, or nothing (a lost char)
            continue
        if not marked:
            core = _SUSPECT.sub("", _ANCHOR.sub("", run))
            if len(repaired) < 2 or len(core) < 2 or _score_sum(core, common) > 0.5 * len(core):
                continue
        gain = repaired_score - _score_sum(run, common)
        if gain > best_gain:
            best, best_gain = (start, end, repaired), gain
    return best


_ANCHOR = re.compile("[\ue000-\uf8ff\ufffd]")


def _next_anchor(line: str, pos: int) -> int | None:
    """Where an out-of-phase run may end: a PUA or replacement char, or the first of two suspects."""
    hits = [found.start() for found in (_ANCHOR.search(line, pos), _suspect_run(line, pos)) if found]
    return min(hits) if hits else None


def _suspect_run(line: str, pos: int) -> re.Match[str] | None:
    """The first suspect char from `pos`, if the line holds at least two of them."""
    found = list(itertools.islice(_SUSPECT.finditer(line, pos), 2))
    return found[0] if len(found) == 2 else None


def _repair_line(line: str, common: frozenset[str]) -> tuple[str, list[tuple[int, int, int]]] | None:
    """Repair the out-of-phase runs of one line.

    RETURNS: (new line, edits) with edits as (start, end, new_length) in the input line's
    coordinates, in order; None when nothing was repaired.
    """
    edits: list[tuple[int, int, int]] = []  # (start, end, new_len) against the original line
    pieces: list[str] = []
    done = 0  # original index up to which pieces cover the line
    marker = _LEADING_MARKER.match(line)
    if marker:
        body = marker.end()
        found = _best_repair(line, [body], common, marked=True)
        if found:
            start, end, repaired = found
            # the marker and the run are replaced together by the repaired text
            pieces += [line[: marker.end(1)], repaired]
            edits.append((marker.end(1), end, len(repaired)))
            done = end
    search_from = done
    for _ in range(8):  # a line may hold more than one run
        anchor = _next_anchor(line, search_from)
        if anchor is None:
            break
        lo = max(done, anchor - _MAX_STARTS)
        starts = [i for i in range(lo, anchor + 1) if ord(line[i]) >= 0x80]
        found = _best_repair(line, starts, common, marked=False)
        if found is None:
            search_from = anchor + 1
            continue
        start, end, repaired = found
        pieces += [line[done:start], repaired]
        edits.append((start, end, len(repaired)))
        done = search_from = end
    if not edits:
        return None
    pieces.append(line[done:])
    return "".join(pieces), edits


def repair_mojibake(line: str) -> str:
    """One line with its out-of-phase GBK runs repaired (step 1 of clean_text, alone).

    Recovered text keeps the punctuation it was written with (full-width （，）; clean_text
    then matches it to the rest of the document). Chars whose bytes the faulty decoder threw
    away stay lost: they come back as U+FFFD.
    """
    result = _repair_line(line, _common_hanzi())
    return line if result is None else result[0]


# ---------------------------------------------------------------------------------------------
# (2) Pinyin inserted after characters by some mirror sites: 創(chuàng), 區(qū). One pinyin
# syllable with a tone mark, in ASCII or full-width brackets, right after a
# CJK char; (市), (AIPPI), (2016-2020), (GB/T 29490), (Wi-Fi), (café) are not pinyin.

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ"
_TONE_MARKS = "\u0300\u0301\u0304\u030c"  # combining grave, acute, macron, caron
_VOWEL = f"(?:[{_TONED}]|[aeiouüvAEIOUÜV][{_TONE_MARKS}\u0308]?)"
_SYLLABLE = f"(?:(?:[zZcCsS][hH]|[bpmfdtnlgkhjqxrzcsywBPMFDTNLGKHJQXRZCSYW])?{_VOWEL}{{1,3}}(?:ng|n|r)?|[hH]?[ńňǹḿ]g?)"
_PINYIN = re.compile(
    f"(?<=[{_CJK}])[(（](?=[^)）]*(?:[{_TONED}ńňǹḿ]|[{_TONE_MARKS}]))"
    f"{_SYLLABLE}[)）]"
)


def strip_pinyin(text: str) -> str:
    """`text` without pinyin annotations (step 2 of clean_text, alone): 創(chuàng)造 -> 創造."""
    return _PINYIN.sub("", text)


# ---------------------------------------------------------------------------------------------
# (4) Boilerplate lines, matched on the trimmed, simplified line with all whitespace removed
# (after t2s, unlike the order, so each pattern is written once, in simplified form).


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    with BOILERPLATE_PATH.open(encoding="utf-8") as handle:
        patterns = [json.loads(row)["pattern"] for row in handle if row.strip()]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


_ALL_WS = runs_of(f"[{_EDGE_WS}]")


def is_boilerplate(line: str) -> bool:
    """True for a whole line of web-page furniture (see patterns/boilerplate.jsonl)."""
    return _boilerplate().fullmatch(_ALL_WS.sub("", line)) is not None


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # only the cleaning step needs it

    return opencc.OpenCC("t2s")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _spread(offsets: list[int], new_len: int) -> list[int]:
    """Map new_len chars proportionally onto `offsets` (a changed-length replacement)."""
    old_len = len(offsets)
    if old_len == 0:
        return []
    return [offsets[(j * old_len) // new_len] for j in range(new_len)]


def clean_text(raw: str) -> tuple[str, list[int], list[str]]:
    """Clean decoded text for extraction.

    raw (str): decoded text, any line ends.
    RETURNS (tuple): (clean, offsets, warnings): `clean` is simplified text, lines trimmed and
        joined with "\\n"; `offsets[i]` is the index in `raw` of `clean[i]` (non-decreasing; the
        "\\n" between lines points at the line break ending the earlier line); `warnings` says
        which repairs were made.
    """
    # Lines as [text, offsets or None (= consecutive from start), start, end-of-line in raw].
    lines: list[list] = []
    pos = 0
    for brk in _LINE_BREAK.finditer(raw):
        lines.append([raw[pos : brk.start()], None, pos, brk.start()])
        pos = brk.end()
    lines.append([raw[pos:], None, pos, len(raw)])
    warnings: list[str] = []

    # (1) mojibake
    repaired_lines = 0
    repaired_spans: list[tuple[list, int, int]] = []  # (line, start, end) in repaired text
    if _SUSPECT.search(raw) or "?" in raw or "？" in raw or "\ufffd" in raw:
        common = _common_hanzi()
        for line in lines:
            text = line[0]
            if not (_ANCHOR.search(text) or _SUSPECT.search(text) or _LEADING_MARKER.match(text)):
                continue
            result = _repair_line(text, common)
            if result is None:
                continue
            new_text, edits = result
            old_offsets = list(range(line[2], line[2] + len(text)))
            new_offsets: list[int] = []
            done, shift = 0, 0
            for start, end, new_len in edits:
                new_offsets += old_offsets[done:start]
                new_start = start + shift
                new_offsets += _spread(old_offsets[start:end], new_len)
                repaired_spans.append((line, new_start, new_start + new_len))
                shift += new_len - (end - start)
                done = end
            new_offsets += old_offsets[done:]
            line[0], line[1] = new_text, new_offsets
            repaired_lines += 1
        if repaired_lines:
            warnings.append(f"repaired {_plural(repaired_lines, 'mojibake line')}")
            _harmonise_punctuation(lines, repaired_spans)

    # (2) pinyin
    pinyin_count = 0
    for line in lines:
        text = line[0]
        if "(" not in text and "（" not in text:
            continue
        matches = list(_PINYIN.finditer(text))
        if not matches:
            continue
        offsets = line[1] if line[1] is not None else list(range(line[2], line[2] + len(text)))
        keep_text, keep_offsets, done = [], [], 0
        for match in matches:
            keep_text.append(text[done : match.start()])
            keep_offsets += offsets[done : match.start()]
            done = match.end()
        keep_text.append(text[done:])
        keep_offsets += offsets[done:]
        line[0], line[1] = "".join(keep_text), keep_offsets
        pinyin_count += len(matches)
    if pinyin_count:
        warnings.append(f"removed {_plural(pinyin_count, 'pinyin annotation')}")

    # (3) traditional -> simplified, one OpenCC call for the whole text
    joined = "\n".join(line[0] for line in lines)
    if _HAS_CJK.search(joined):
        converted = _t2s().convert(joined)
        if converted != joined:
            parts = converted.split("\n")
            if len(parts) != len(lines):  # never seen; convert line by line instead
                parts = [_t2s().convert(line[0]) for line in lines]
            for line, part in zip(lines, parts):
                if len(part) != len(line[0]):  # a phrase changed length: map proportionally
                    offsets = line[1] if line[1] is not None else list(range(line[2], line[2] + len(line[0])))
                    line[1] = _spread(offsets, len(part))
                line[0] = part
            warnings.append("converted traditional to simplified")

    # (4) trim, drop boilerplate and blank lines, join
    out_text: list[str] = []
    out_offsets: list[int] = []
    previous_end = None
    for text, offsets, start, end in lines:
        stripped = text.strip(_EDGE_WS)
        if not stripped or is_boilerplate(stripped):
            continue
        left = len(text) - len(text.lstrip(_EDGE_WS))
        right = left + len(stripped)
        if previous_end is not None:
            out_text.append("\n")
            out_offsets.append(previous_end)
        out_text.append(stripped)
        if offsets is None:
            out_offsets.extend(range(start + left, start + right))
        else:
            out_offsets.extend(offsets[left:right])
        previous_end = end
    return "".join(out_text), out_offsets, warnings


def _harmonise_punctuation(lines: list[list], spans: list[tuple[list, int, int]]) -> None:
    """Give repaired runs the document's punctuation style.

    A site that folds （，： to ASCII does so after decoding, so text recovered from mojibake
    still has the full-width forms; use ASCII in repaired runs when the rest of the document
    uses the ASCII form and never the full-width one. Length-preserving.
    """
    repaired_ids = {id(line) for line, _, _ in spans}
    rest = "".join(line[0] for line in lines if id(line) not in repaired_ids)
    table = str.maketrans(
        {wide: narrow for wide, narrow in _FULLWIDTH_TO_ASCII.items() if wide not in rest and narrow in rest}
    )
    if not table:
        return
    for line, start, end in spans:
        text = line[0]
        line[0] = text[:start] + text[start:end].translate(table) + text[end:]
