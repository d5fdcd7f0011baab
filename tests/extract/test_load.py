"""extract/load.py: encodings, line ends, refusals with the file name, the seed plans end to end."""
from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import pytest

from policykg.errors import UnreadableDocument
from policykg.extract.load import LoadedText, decode_bytes, load_bytes, load_path

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"

SIMPLIFIED = (
    "关于印发知识产权强市建设工作方案的通知\n"
    "各区县人民政府，市直各单位：\n"
    "现将《工作方案》印发给你们，请认真贯彻执行。\n"
    "到2025年，每万人口高价值发明专利拥有量达到12件。\n"
)
TRADITIONAL = (
    "關於印發知識產權強市建設工作方案的通知\n"
    "各區縣人民政府，市直各單位：\n"
    "現將《工作方案》印發給你們，請認真貫徹執行。\n"
    "到2025年，每萬人口高價值發明專利擁有量達到12件。\n"
)
EXPECTED = SIMPLIFIED.rstrip("\n")


@pytest.mark.parametrize(
    "data,encoding",
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED.encode("utf-8-sig"), "utf-8-sig"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (TRADITIONAL.encode("gbk"), "gb18030"),
        (TRADITIONAL.encode("big5"), "big5"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
        (SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
        (SIMPLIFIED.encode("utf-32"), "utf-32"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "gbk-traditional", "big5", "utf16-bom-le", "utf16-bom-be",
         "utf16le-no-bom", "utf16be-no-bom", "utf32-bom"],
)
def test_load_decodes_each_encoding(tmp_path, data, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    loaded = load_path(path)
    assert isinstance(loaded, LoadedText)
    assert loaded.encoding == encoding
    assert loaded.text == EXPECTED
    assert (loaded.source, loaded.path, loaded.format) == ("plan.txt", str(path), "txt")
    assert loaded.sha256 == hashlib.sha256(data).hexdigest()
    assert len(loaded.offsets) == len(loaded.text)


@pytest.mark.parametrize(
    "text,codec,expected",
    [
        (TRADITIONAL, "big5", "big5"),
        (TRADITIONAL, "gbk", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        ("知識產權\n", "big5", "big5"),
        ("知识产权\n", "gbk", "gb18030"),
        ("國\n", "big5", "big5"),
        ("市\n", "gbk", "gb18030"),
    ],
)
def test_load_tells_big5_from_gb18030(text, codec, expected):
    # most Big5 byte strings also decode as GB18030 (to nonsense); the choice must be right
    decoded, encoding = decode_bytes(text.encode(codec))
    assert encoding == expected
    assert decoded == text


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
@pytest.mark.parametrize("codec", ["utf-8", "gbk", "utf-16"])
def test_load_line_endings(newline, codec):
    data = SIMPLIFIED.replace("\n", newline).encode(codec)
    loaded = load_bytes(data, "plan.txt")
    assert loaded.text == EXPECTED
    raw, _ = decode_bytes(data)
    assert all(raw[o] == c for o, c in zip(loaded.offsets, loaded.text) if c != "\n")


@pytest.mark.parametrize(
    "data,problem",
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "empty file"),
        (bytes(range(256)) * 16, "binary data, not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(1, 200)) * 8, "binary data, not text"),
        (bytes(range(1, 32)) * 40, "binary data, not text"),
        (b"Intellectual property plan\nNo Chinese here.\n", "no Chinese text found"),
        ("Café résumé naïve déjà vu\n".encode("latin-1") * 5, "no Chinese text found"),
        ("扫一扫在手机打开当前页\n".encode(), "no Chinese text found"),
    ],
    ids=["empty", "whitespace", "all-bytes", "png", "controls", "ascii", "latin1", "only-boilerplate"],
)
def test_load_refuses_unreadable_files(tmp_path, data, problem):
    path = tmp_path / "notice.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableDocument) as caught:
        load_path(path)
    assert caught.value.problem == problem
    assert str(caught.value) == f"{path}: {problem}"


def test_load_refuses_too_large_file_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no 51 MB written
        handle.truncate(51 * 1024 * 1024)
    with pytest.raises(UnreadableDocument) as caught:
        load_path(path)
    assert str(caught.value) == f"{path}: file too large (51.0 MiB; the limit is 50 MiB)"


@pytest.mark.parametrize("over, shown", [(1, "50 MiB + 1 byte"), (4096, "50 MiB + 4,096 bytes"),
                                         (300 * 1024, "50.3 MiB")])
def test_load_too_large_says_how_much_too_large(tmp_path, over, shown):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + over)
    with pytest.raises(UnreadableDocument) as caught:
        load_path(path)
    assert caught.value.problem == f"file too large ({shown}; the limit is 50 MiB)"



@pytest.mark.parametrize("suffix", ["html", "htm", "pdf", "docx", "PDF"])
def test_load_reads_plain_text_by_content_whatever_the_name(tmp_path, suffix):
    # the format comes from the content (issue 6; tests/extract/test_formats.py); the name only warns
    path = tmp_path / f"plan.{suffix}"
    path.write_bytes(SIMPLIFIED.encode())
    loaded = load_path(path)
    assert (loaded.text, loaded.format) == (EXPECTED, "txt")


@pytest.mark.parametrize("name", ["plan.text", "plan", "plan.dat", "plan.TXT"])
def test_load_reads_text_under_other_names(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(SIMPLIFIED.encode("gbk"))
    loaded = load_path(path)
    assert (loaded.text, loaded.format, loaded.source) == (EXPECTED, "txt", name)


def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(UnreadableDocument, match=r"nothere\.txt: no such file"):
        load_path(tmp_path / "nothere.txt")


def test_load_warns_about_replaced_bytes():
    data = SIMPLIFIED.encode("utf-8") + b"\xff" + "附件\n".encode("utf-8")  # one broken byte
    loaded = load_bytes(data, "plan.txt")
    assert loaded.encoding == "utf-8"
    assert loaded.text == EXPECTED + "\n\ufffd附件"
    assert any(w.startswith("replaced 1 undecodable byte sequence") for w in loaded.warnings)


def test_load_seed_001_end_to_end():
    path = SEEDS / "001_1eab838177af062e.txt"
    loaded = load_path(path)
    assert loaded.encoding == "utf-8"
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "杭州市国家知识产权强市建设示范城市创建工作方案" in loaded.text
    assert "(一)强化要素配置,形成高质量创造导向。" in loaded.text
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]", loaded.text)
    assert not any(line.startswith("?") for line in loaded.text.split("\n"))
    assert loaded.warnings[:1] == ["repaired 3 mojibake lines"]
    assert "converted traditional to simplified" in loaded.warnings


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_load_every_seed(seed):
    loaded = load_path(seed)
    assert loaded.source == seed.name
    assert not re.search("[\ue000-\uf8ff\ufffd]", loaded.text)
    assert "扫一扫" not in loaded.text and "当前位置" not in loaded.text
    assert loaded.offsets == sorted(loaded.offsets)
    assert loaded.text.split("\n")[0].strip() == loaded.text.split("\n")[0]


# -- mixed encodings (issue #20): decoded line by line, never wholly as one codec ----------------


@pytest.mark.parametrize("codec, name", [("gbk", "gb18030"), ("gb18030", "gb18030")])
@pytest.mark.parametrize("pattern", ["UUGG", "UGUG", "GUUU", "UGGG"])
def test_load_mixed_utf8_and_gbk_lines_are_decoded_line_by_line(codec: str, name: str, pattern: str):
    lines = SIMPLIFIED.splitlines() * 3
    data = b"\n".join(line.encode("utf-8" if pattern[i % 4] == "U" else codec) for i, line in enumerate(lines))
    loaded = load_bytes(data, "mixed.txt")
    assert loaded.text.splitlines() == lines  # no line is mojibake
    assert loaded.encoding == f"utf-8+{name}"
    assert any(w.startswith("mixed encodings, decoded line by line") for w in loaded.warnings)


@pytest.mark.parametrize("data, encoding", [
    (SIMPLIFIED.encode("gb18030"), "gb18030"),
    (SIMPLIFIED.encode("utf-8"), "utf-8"),
    (SIMPLIFIED.encode("utf-8")[:-20] + b"\xff" + SIMPLIFIED.encode("utf-8")[-20:], "utf-8"),  # a broken byte
])
def test_load_one_encoding_is_not_reported_as_mixed(data: bytes, encoding: str):
    loaded = load_bytes(data, "one.txt")
    assert loaded.encoding == encoding
    assert not any("mixed" in w for w in loaded.warnings)


def test_load_symlink_loop_and_unreadable_file_say_so(tmp_path, monkeypatch):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    with pytest.raises(UnreadableDocument, match="a symlink loop"):
        load_path(tmp_path / "a.txt")
    locked = tmp_path / "locked.txt"
    locked.write_text(SIMPLIFIED, encoding="utf-8")

    def denied(self):  # tests may run as root, whom chmod 000 does not stop
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(UnreadableDocument) as caught:
        load_path(locked)
    assert caught.value.problem == "permission denied"
