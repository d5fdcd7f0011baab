"""Hostile input: every bad file gives one clear line (UnreadableDocument) or a clean result,
never a traceback, and a rejected file leaves the store exactly as it was. Property-based
tests (hypothesis) push arbitrary text and bytes through the loaders, the extractor and the
RDF mapping. The 10,000-input run is bench/fuzz_loaders.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for seed_formats.py
from seed_formats import to_docx, to_html, to_pdf  # noqa: E402

from policykg.errors import UnreadableDocument  # noqa: E402
from policykg.extract import extract_path, extract_text  # noqa: E402
from policykg.extract.load import load_bytes  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.rdf import result_to_quads  # noqa: E402
from policykg.graph.store import Store  # noqa: E402

SEED = (Path(__file__).resolve().parents[2] / "data" / "seeds" / "003_ad288fc7cf756697.txt").read_text(encoding="utf-8")
SMALL_PLAN = "\n".join(SEED.splitlines()[:60])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store holding one real plan, so 'unchanged' means something."""
    folder = tmp_path_factory.mktemp("hostile")
    plan = folder / "plan.txt"
    plan.write_text(SMALL_PLAN, encoding="utf-8")
    with Store.open(folder / "store", create=True) as opened:
        assert build([plan], opened).ok
        yield opened


def _snapshot(store: Store) -> tuple[int, list[str]]:
    return len(store), sorted(store.named_graphs())


def _rejected_cases() -> list[tuple[str, bytes, str]]:
    pdf, docx = to_pdf(SMALL_PLAN), to_docx(SMALL_PLAN)
    return [
        ("empty.txt", b"", "empty file"),
        ("empty.pdf", b"", "empty file"),
        ("blank.html", b"  \n\t ", "empty file"),
        ("junk.bin", bytes(range(256)) * 64, "binary data, not text"),
        ("junk.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(7, 250)) * 40, "binary data, not text"),
        ("cut.docx", docx[: len(docx) // 2], "damaged or truncated DOCX"),
        ("cut.pdf", pdf[: len(pdf) // 2], "damaged or truncated PDF"),
        ("english.html", b"<html><body><p>No Chinese here.</p></body></html>", "no Chinese text found"),
        ("script-only.html", "<html><body><script>var 方案='x';</script></body></html>".encode(), "no Chinese text found"),
    ]


@pytest.mark.parametrize("name, data, problem", _rejected_cases(), ids=lambda x: x if isinstance(x, str) and "." in x else "")
def test_hostile_files_are_rejected_in_one_line_and_leave_the_store_alone(tmp_path, store, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableDocument) as caught:
        extract_path(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message
    before = _snapshot(store)
    report = build([path], store, vocabulary=False)
    assert [p for p, _ in report.failed] == [str(path)] and report.ingested == []
    assert _snapshot(store) == before


def test_hostile_file_over_the_size_limit_is_refused_unread(tmp_path, store):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:  # sparse: nothing written
        handle.truncate(51 * 1024 * 1024)
    before = _snapshot(store)
    report = build([path], store, vocabulary=False)
    assert report.failed == [(str(path), "file too large (51.0 MiB; the limit is 50 MiB)")]
    assert _snapshot(store) == before


@pytest.mark.parametrize("name, data", [
    ("handlers.html", ('<html><body onload="x()"><script>alert("恶意")</script><a href="javascript:evil()" '
                       'onmouseover="evil()">链接</a><p onclick="evil()">' + SMALL_PLAN.replace("\n", "</p><p>")
                       + "</p></body></html>").encode()),
    ("unclosed.txt", ("《关于印发某方案的通知\n" + SMALL_PLAN + "\n根据《知识产权强国建设纲要").encode()),
    ("no-outline.txt", "本市将继续加强知识产权保护工作，推动高质量发展，具体事项另行通知。".encode()),
    ("one-char.txt", "方".encode()),
])
def test_hostile_odd_but_readable_files_give_a_clean_result(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    result = extract_path(path)
    assert "alert" not in result.text and "evil" not in result.text and "恶意" not in result.text
    graph, quads = result_to_quads(result)
    assert quads and all(q.graph_name == graph for q in quads)


# -- property-based: nothing but UnreadableDocument escapes -----------------------------------

_NAMES = st.sampled_from(["x.txt", "x.html", "x.pdf", "x.docx", "x", "x.doc"])
# Lone surrogates (category Cs) are left out: no loader can produce them (decoding replaces bad
# bytes), and spaCy's tokenizer raises UnicodeEncodeError on them if extract_text is called directly.
_CJK_TEXT = st.text(alphabet=st.sampled_from(list("一二三、(（)）1.。；：《》〈〉牵头单位责任市局年到达件%亿万\n |"))
                    | st.characters(blacklist_categories=("Cs",)), max_size=300)
_SEED_BYTES = {fmt: convert(SMALL_PLAN) for fmt, convert in (("html", to_html), ("docx", to_docx), ("pdf", to_pdf))}


def _mutate(data: bytes, positions: list[int], junk: bytes) -> bytes:
    out = bytearray(data)
    for p in positions:
        out[p % len(out)] ^= junk[p % len(junk)] if junk else 0xFF
    return bytes(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), _NAMES)
def test_hostile_property_load_bytes_raises_only_unreadable(data, name):
    try:
        loaded = load_bytes(data, name)
    except UnreadableDocument as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(loaded.text, str)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_SEED_BYTES)), st.lists(st.integers(min_value=0), min_size=1, max_size=8),
       st.binary(min_size=1, max_size=8), st.floats(min_value=0.0, max_value=1.0))
def test_hostile_property_mutated_seed_files_raise_only_unreadable(fmt, positions, junk, cut):
    data = _SEED_BYTES[fmt]
    data = _mutate(data[: max(1, int(len(data) * cut))], positions, junk)
    try:
        load_bytes(data, f"x.{fmt}")
    except UnreadableDocument as error:
        assert "\n" not in str(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CJK_TEXT)
def test_hostile_property_extract_and_map_any_text(text):
    result = extract_text(text, source="fuzz.txt")
    graph, quads = result_to_quads(result)
    assert all(q.graph_name == graph for q in quads)
    for item in [*result.measures, *result.citations, *result.targets, *result.agencies]:
        assert 0 <= item.start <= item.end <= len(result.text)
