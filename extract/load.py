"""File or bytes -> LoadedText: decoded, cleaned, simplified text plus provenance.

Decoding: BOM, then BOM-less UTF-16 (NUL bytes), then strict UTF-8, then GB18030 or the Big5
family, ranked by how much the result looks like Chinese (cleaning.plausibility), with
charset-normalizer's guess breaking ties; a file mixing UTF-8 lines with GBK or Big5 lines is
decoded line by line (`_decode_mixed`).
Cost (issue #24): codecs are ranked on a sample (a large file: its first, middle and last
`_SAMPLE_PART` bytes, cut at line ends), and a sample is scored by two regex passes
(`_plausibility`, the same value as cleaning.plausibility), not once per character per codec.
The format comes from the content (extract/formats: %PDF-, a ZIP holding word/, an HTML start),
the name only breaking ties; each format's loader yields raw text for the same clean_text.
Cleaning and the offset map: extract/cleaning.py. Errors: policykg.errors.UnreadableDocument.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policykg.errors import UnreadableDocument

from .cleaning import _COMMON_PUNCT, _EDGE_WS, _char_score, _common_hanzi, clean_text, has_chinese
from .formats import sniff_format
from .textutil import runs_of

MAX_BYTES = 50 * 1024 * 1024
_MB = 1024 * 1024

# fmt: off
_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"), (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
# Codecs tried for non-UTF-8 text. GBK and GB2312 are subsets of GB18030; Big5 is a subset of
# cp950 and Big5-HKSCS (listed narrowest first, so the narrowest that decodes is reported).
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")
_NORMALISER_NAMES = {"gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "big5": "big5",
                     "cp950": "cp950", "big5hkscs": "big5hkscs"}
# fmt: on
_SAMPLE_PART = 64 * 1024  # ranking codecs needs a sample, not the whole file: 3 parts of this
_MIN_PLAUSIBILITY = -0.5  # below this mean char score, the best decoding is still junk
_MAX_BAD_SHARE = 0.05  # control or replacement chars in decoded text
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# bytes of a file name that were not UTF-8 (os.fsdecode's surrogateescape: U+DC80..U+DCFF)
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


@dataclass
class LoadedText:
    """A document's text as every extraction step sees it.

    `text` is what all evidence spans point into; `offsets[i]` is the index of `text[i]` in the
    decoded text before cleaning (so a span can be traced back to the file).
    """

    text: str
    source: str
    path: str
    sha256: str
    encoding: str
    format: str
    warnings: list[str]
    offsets: list[int]


def load_path(path: str | Path, source: str | None = None) -> LoadedText:
    """Read and clean one file.

    path (str | Path): a text, HTML, PDF or .docx file (by content; any extension).
    source (str): the plan's name (default: the file's name, as `readable_name` shows it).
    RETURNS (LoadedText): the cleaned text; raises UnreadableDocument naming the file.
    """
    file = Path(path)
    where = readable_name(str(path))
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise UnreadableDocument(where, "is a directory, not a file")
        _check_size(size, where)
        data = file.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(where, "no such file") from None
    except PermissionError:
        raise UnreadableDocument(where, "permission denied") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableDocument(where, "a symlink loop (the link points, through other links, "
                                     "back to itself)") from None
        raise UnreadableDocument(where, f"cannot read file ({error.strerror or error})") from None
    return load_bytes(data, source or readable_name(file.name), where)


def readable_name(name: str) -> str:
    """A file name or path as text. A name whose bytes are not UTF-8 (GBK names, common in zips
    from Chinese Windows machines) reaches Python with surrogate escapes, which cannot be written
    to a terminal or an IRI: its bytes are decoded as best they can be (GB18030, then Big5, then
    UTF-8 with U+FFFD for what is left), one path component at a time."""
    if not _ESCAPED_BYTES.search(name):
        return name
    return "/".join(_decode_name_bytes(part.encode("utf-8", "surrogateescape"))
                    if _ESCAPED_BYTES.search(part) else part for part in name.split("/"))


def _decode_name_bytes(raw: bytes) -> str:
    for codec in ("gb18030", "big5"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def load_bytes(data: bytes, source: str, path: str = "") -> LoadedText:
    """Decode and clean a document given as bytes.

    data (bytes): the raw file content.
    source (str): the file name; the content picks the loader, the extension breaks ties.
    path (str): where the bytes came from, for messages and provenance.
    RETURNS (LoadedText): raises UnreadableDocument naming `path` (or `source`).
    """
    where = path or source
    _check_size(len(data), where)
    if not data:
        raise UnreadableDocument(where, "empty file")
    fmt = sniff_format(data, source, where)
    raw, encoding, warnings = _LOADERS[fmt](data, where)
    suffix = Path(source).suffix.lower().lstrip(".")
    if suffix in _NAMED_FORMATS and _NAMED_FORMATS[suffix] != fmt:
        warnings = [f"named .{suffix} but holds {fmt}; read as {fmt}", *warnings]
    text, offsets, clean_warnings = clean_text(raw)
    if not has_chinese(text):
        raise UnreadableDocument(where, "no Chinese text found")
    return LoadedText(
        text=text,
        source=source,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        format=fmt,
        warnings=warnings + clean_warnings,
        offsets=offsets,
    )


def decode_bytes(data: bytes, *, path: str = "") -> tuple[str, str]:
    """Decode the bytes of a text file: (text, encoding name), e.g. (..., "gb18030").

    Raises UnreadableDocument (naming `path`) for empty, binary or non-Chinese content.
    """
    text, encoding, _ = _decode(data, path or "<bytes>")
    return text, encoding


def _check_size(size: int, where: str) -> None:
    if size > MAX_BYTES:
        raise UnreadableDocument(where, f"file too large ({size_text(size)}; the limit is "
                                 f"{MAX_BYTES // _MB} MiB)")


def size_text(size: int) -> str:
    """A size just over the limit as "50 MiB + 1 byte" (rounding would show the limit itself),
    any other as "51.3 MiB"."""
    over = size - MAX_BYTES
    if 0 < over < _MB // 10:
        return f"{MAX_BYTES // _MB} MiB + {over:,} byte{'' if over == 1 else 's'}"
    return f"{size / _MB:.1f} MiB"


def _load_txt(data: bytes, where: str) -> tuple[str, str, list[str]]:
    return _decode(data, where)


def _load_html(data: bytes, where: str) -> tuple[str, str, list[str]]:
    from .formats.html import load_html

    return load_html(data, where)


def _load_pdf(data: bytes, where: str) -> tuple[str, str, list[str]]:
    from .formats.pdf import load_pdf

    return load_pdf(data, where)


def _load_docx(data: bytes, where: str) -> tuple[str, str, list[str]]:
    from .formats.docx import load_docx

    return load_docx(data, where)


# format -> loader(data, where) -> (raw text, encoding, warnings); the text goes to clean_text
_LOADERS = {"txt": _load_txt, "html": _load_html, "pdf": _load_pdf, "docx": _load_docx}
# extensions that name a format, for the "named .x but holds y" warning
_NAMED_FORMATS = {"txt": "txt", "html": "html", "htm": "html", "pdf": "pdf", "docx": "docx"}


def _decode(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings); raises UnreadableDocument for content that is not Chinese text."""
    if not data:
        raise UnreadableDocument(where, "empty file")
    decoded = None
    warnings: list[str] = []
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            decoded = _decode_with(data, codec, name)
            break
    if decoded is None and b"\x00" in data:
        decoded = _sniff_utf16(data)
        if decoded is None:
            raise UnreadableDocument(where, "binary data, not text")
    if decoded is None:
        try:
            decoded = data.decode("utf-8"), "utf-8", False
        except UnicodeDecodeError:
            mixed = _decode_mixed(data)
            if mixed is None:
                decoded = _decode_cjk(data)
            else:
                decoded, note = mixed
                warnings.append(note)
    text, encoding, lossy = decoded
    _validate(text, where)
    if lossy:
        replaced = text.count("\ufffd")
        warnings.append(f"replaced {replaced} undecodable byte sequence{'' if replaced == 1 else 's'} ({encoding})")
    return text, encoding, warnings


def _decode_with(data: bytes, codec: str, name: str) -> tuple[str, str, bool]:
    """(text, name, lossy): strict if possible, else with replacement chars."""
    try:
        return data.decode(codec), name, False
    except UnicodeDecodeError:
        return data.decode(codec, errors="replace"), name, True


def _sniff_utf16(data: bytes) -> tuple[str, str, bool] | None:
    """BOM-less UTF-16: the NUL high bytes of ASCII chars (newlines, digits) sit on one side."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 9 * even:
        codec = "utf-16-le"
    elif even >= 9 * odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec), codec, False
    except UnicodeDecodeError:
        return None


def _decode_cjk(data: bytes) -> tuple[str, str, bool]:
    """Decode bytes that are not valid UTF-8 with the codec whose sample output looks most like Chinese.

    charset-normalizer's first guess breaks ties; within the Big5 family the narrowest codec
    that decodes wins, so plain Big5 is reported as "big5".

    Each codec's sample is scored in a fixed order (GB18030 first, the usual winner), and a
    codec that surely scores below the best so far gets a bound, not its figure (#24). The
    guess is asked for only when it can change the outcome: a tie between GB18030 and a Big5
    codec (~0.7 ms a file; utf-8 comes last and the Big5 codecs keep their order either way).
    """
    sample = _sample_bytes(data)
    scored: dict[str, tuple[float, bool]] = {}   # codec -> (-plausibility to 2 places, lossy)
    best = None
    for codec in ("gb18030", *_BIG5_FAMILY, "utf-8"):
        decoded, _, lossy = _decode_with(sample, codec, codec)
        score = round(_plausibility(decoded, beat=best), 2)
        scored[codec] = (-score, lossy)
        best = score if best is None else max(best, score)
    top = min(scored.values())
    leaders = {codec for codec, key in scored.items() if key == top}
    guesses = _proposed_codecs(sample) if "gb18030" in leaders and leaders.intersection(_BIG5_FAMILY) else []
    if guesses and guesses[0] in _BIG5_FAMILY:
        candidates = [*_BIG5_FAMILY, "gb18030"]
    else:
        candidates = ["gb18030", *_BIG5_FAMILY]
    candidates.append("utf-8")  # UTF-8 with a few broken bytes (a cut download, a bad paste)
    *_, codec = min((*scored[codec], order, codec) for order, codec in enumerate(candidates))
    return _decode_with(data, codec, codec)


def _sample_bytes(data: bytes) -> bytes:
    """The whole of a small file; of a larger one its first, middle and last `_SAMPLE_PART`
    bytes, each cut at line ends (GBK, Big5 and UTF-8 trail bytes are never 0x0A, so a cut after
    \n is clean; a part without a line end is cut where it falls: it only makes a few chars odd)."""
    if len(data) <= 3 * _SAMPLE_PART:
        return data
    parts = []
    for at in (0, (len(data) - _SAMPLE_PART) // 2, len(data) - _SAMPLE_PART):
        part = data[at:at + _SAMPLE_PART]
        if at > 0:
            first = part.find(b"\n")
            part = part[first + 1:] if first >= 0 else part
        if at + _SAMPLE_PART < len(data):
            last = part.rfind(b"\n")
            part = part[:last + 1] if last >= 0 else part
        parts.append(part)
    return b"".join(parts)


def _sample_text(text: str) -> str:
    """The same three parts of a decoded text, in characters."""
    if len(text) <= 3 * _SAMPLE_PART:
        return text
    middle = (len(text) - _SAMPLE_PART) // 2
    return text[:_SAMPLE_PART] + text[middle:middle + _SAMPLE_PART] + text[-_SAMPLE_PART:]


def _plausibility(text: str, beat: float | None = None) -> float:
    """cleaning.plausibility (the mean char score of the non-ASCII chars), the same value: the
    scores are integers and the mean is one division, so counts of chars per score are enough.
    Each count is the length of the runs one regex class finds (in C): chars ignored (ASCII,
    edge whitespace), chars that score below 1 (not a common hanzi or punctuation mark), and of
    those the rare ideographs (-1) and the junk (-3); the rest score -2. Counting every char in
    Python (a Counter) took ~1 ms per plan and ~4 ms per codec tried on a GB18030 file (#24).

    `beat`: a caller ranking codecs needs the figure only if it may round (to two places) to
    `beat` or more. Every char scoring below 1 scores -1 or less, so the mean is at most
    (count - 2 * below) / count; when that bound rounds below `beat`, the bound is returned
    (it rounds below `beat` as the figure would) and the two scans the figure needs are saved."""
    ignored, below_one, rare_ideograph, junk = _plausibility_classes()
    count = len(text) - _run_length(ignored, text)
    runs = below_one.findall(text)
    below = sum(map(len, runs))
    if below <= 256:   # Chinese text read right: the few such chars are scored one by one
        return (count - below + sum(_score_of(ch) for run in runs for ch in run)) / count if count else 0.0
    if beat is not None and count and round((count - 2 * below) / count, 2) < beat:
        return (count - 2 * below) / count
    minus1 = _run_length(rare_ideograph, text)
    minus3 = _run_length(junk, text)
    total = (count - below) - minus1 - 3 * minus3 - 2 * (below - minus1 - minus3)
    return total / count if count else 0.0


def _run_length(pattern: re.Pattern, text: str) -> int:
    """How many chars of `text` the runs of a `[...]+` pattern cover."""
    return sum(map(len, pattern.findall(text)))


def _intervals(codes) -> list[tuple[int, int]]:
    """Sorted code points -> (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def _without(intervals: list[tuple[int, int]], codes: set[int]) -> list[tuple[int, int]]:
    """The intervals with these code points cut out (without expanding the intervals to sets:
    the ideograph ranges hold ~100k code points)."""
    out = []
    for first, last in intervals:
        start = first
        for code in sorted(c for c in codes if first <= c <= last):
            if code > start:
                out.append((start, code - 1))
            start = code + 1
        if start <= last:
            out.append((start, last))
    return out


def _char_runs(intervals: list[tuple[int, int]], negate: bool = False) -> re.Pattern:
    """Runs of the chars in these code-point intervals (of any other char when `negate`), as one
    regex class."""
    ranges = [re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in intervals]
    return runs_of(("[^" if negate else "[") + "".join(ranges) + "]")


@lru_cache(maxsize=1)
def _plausibility_classes() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """Runs of: chars plausibility ignores; counted chars scoring below 1; of those, rare
    ideographs (-1) and junk (-3: C1 controls, private use, U+FFFD). The classes follow
    cleaning._char_score; tests/extract/test_load_plausibility.py holds them equal."""
    ignored = set(range(0x80)) | {ord(ch) for ch in _EDGE_WS}
    not_below = ignored | {ord(ch) for ch in _common_hanzi() | _COMMON_PUNCT}
    ideographs = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x3134F)]
    junk = {*range(0xE000, 0xF900), 0xFFFD, *range(0xA0)} - not_below
    return (_char_runs(_intervals(ignored)), _char_runs(_intervals(not_below), negate=True),
            _char_runs(_without(ideographs, not_below)), _char_runs(_intervals(junk)))


@lru_cache(maxsize=65536)   # a char's score never changes; plans share most of their chars
def _score_of(ch: str) -> int:
    return _char_score(ch, _common_hanzi())


def _decode_mixed(data: bytes) -> tuple[tuple[str, str, bool], str] | None:
    """A file whose lines are partly UTF-8 and partly GBK or Big5 (text pasted together from two
    sources), decoded line by line: a line that is valid UTF-8 and reads at least as well as
    Chinese in UTF-8 as in the other codec is UTF-8, any other line is in the codec chosen for
    the lines that are not UTF-8. Splitting at \n is safe: no GBK, Big5 or UTF-8 multi-byte
    sequence contains the byte 0x0A.
    RETURNS ((text, "utf-8+codec", lossy), warning), or None when the file is in one encoding
    (no line reads better as UTF-8, or none is UTF-8 at all)."""
    lines = data.split(b"\n")
    utf8: dict[int, str] = {}
    foreign: list[bytes] = []
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            utf8[index] = line.decode("utf-8")
        except UnicodeDecodeError:
            foreign.append(line)
    if not utf8 or not foreign:
        return None
    _, codec, _ = _decode_cjk(b"\n".join(foreign))
    if codec == "utf-8":  # UTF-8 with a few broken bytes, not a second encoding
        return None
    pieces: list[str] = []
    utf8_lines = other_lines = 0
    lossy = False
    for index, line in enumerate(lines):
        if line.isascii():
            pieces.append(line.decode("ascii"))
            continue
        as_codec, _, line_lossy = _decode_with(line, codec, codec)
        as_utf8 = utf8.get(index)
        if as_utf8 is not None and (line_lossy or _plausibility(as_utf8) >= _plausibility(as_codec)):
            pieces.append(as_utf8)
            utf8_lines += 1
        else:
            pieces.append(as_codec)
            other_lines += 1
            lossy = lossy or line_lossy
    if not utf8_lines:
        return None
    note = (f"mixed encodings, decoded line by line: {utf8_lines} lines UTF-8, "
            f"{other_lines} lines {codec}")
    return ("\n".join(pieces), f"utf-8+{codec}", lossy), note


def _proposed_codecs(sample: bytes) -> list[str]:
    """charset-normalizer's guesses, restricted to CJK codecs, best first."""
    from charset_normalizer import from_bytes

    matches = from_bytes(sample, cp_isolation=list(_NORMALISER_NAMES))
    return [_NORMALISER_NAMES[m.encoding] for m in matches if m.encoding in _NORMALISER_NAMES]


def _validate(text: str, where: str) -> None:
    if not text.strip():
        raise UnreadableDocument(where, "empty file")
    sample = _sample_text(text)
    bad = sum(1 for _ in _BAD_CHAR.finditer(sample))
    if bad > _MAX_BAD_SHARE * len(sample) or _plausibility(sample) < _MIN_PLAUSIBILITY:
        # Latin-1 or cp1252 text: ASCII words around a few undecodable or odd chars
        printable = sum(1 for ch in sample if " " <= ch < "\x7f" or ch in "\t\n\r")
        raise UnreadableDocument(
            where, "no Chinese text found" if printable > 0.7 * len(sample) else "binary data, not text"
        )
    if not has_chinese(text):
        raise UnreadableDocument(where, "no Chinese text found")
