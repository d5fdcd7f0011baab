"""Fuzz the loaders end to end: >= 10,000 generated inputs through `policykg.graph.build.build`
against a real store, counting rejections (UnreadableDocument), acceptances and uncaught
exceptions (build reports those as "internal error: ..."; there must be none), and checking
that the store is unchanged (triple count and graph set) after every rejected input.

Inputs: random bytes, random text in several encodings, random HTML, and seed plans converted to
.txt/GB18030/HTML/DOCX/PDF (tests/seed_formats.py) then cut, bit-flipped, spliced or padded; and
the classes a fault review found losing or garbling text (issue #20, `hostile_case`): pages
nested 100 to 20,000 levels deep, files mixing UTF-8 with GBK or Big5 lines, file names in GBK
bytes, and (once per run) a text over spaCy's 1,000,000-character default. Those carry an
oracle: text that must come out of the loader intact when the input is accepted ("garbled"
otherwise). Then the store is dumped and cut dumps are restored (`fuzz_dumps`): each must be
refused before anything is written.
Usage: .venv/bin/python bench/fuzz_loaders.py [--inputs 10000] [--seed 6] [--store DIR] [--dump-cuts 50]
Needs reportlab (the test extra) for the PDF seeds. tests/test_fuzz_short.py runs a short pass.
"""
from __future__ import annotations

import argparse
import html
import os
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from seed_formats import to_docx, to_gb18030, to_html, to_pdf  # noqa: E402

from policykg.errors import PolicyKGError, UnreadableDocument  # noqa: E402
from policykg.extract.load import load_path  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.bulk import dump_store, restore_dump  # noqa: E402
from policykg.graph.store import Store  # noqa: E402

_SEED_CHARS = 800  # mutate the first part of each seed: real plan text (header, outline), quick to extract
_CJK_SAMPLE = "一二三四五六七八九十、()（）。；：，《》〈〉“”牵头单位责任市局区县政府知识产权专利商标年到达件亿万%\n\n |"
_TAGS = ["p", "div", "table", "tr", "td", "th", "span", "a", "script", "style", "meta", "br", "h1", "ul", "li",
         "iframe", "svg", "form", "input", "pre", "body", "html", "head", "title"]


def seed_files() -> dict[str, bytes]:
    """Each seed plan (its first part) in every format."""
    files = {}
    for seed in sorted((ROOT / "data" / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")[:_SEED_CHARS]
        for fmt, convert in (("txt", str.encode), ("gb18030.txt", to_gb18030), ("html", to_html),
                             ("docx", to_docx), ("pdf", to_pdf)):
            files[f"{seed.stem}.{fmt}"] = convert(text)
    return files


def mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(["cut", "flip", "splice", "insert", "delete", "repeat", "zero"])
    if not data:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
    n = len(data)
    if kind == "cut":
        return data[: rng.randrange(n)]
    out = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 32)):
            out[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "splice":
        a, b = sorted(rng.randrange(n) for _ in range(2))
        out[a:a] = data[b:b + rng.randrange(1, 4096)]
    elif kind == "insert":
        at = rng.randrange(n)
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 256)))
    elif kind == "delete":
        a = rng.randrange(n)
        del out[a:a + rng.randint(1, 4096)]
    elif kind == "repeat":
        a = rng.randrange(n)
        out[a:a] = data[a:a + 512] * rng.randint(2, 20)
    else:
        a = rng.randrange(n)
        out[a:a + rng.randint(1, 2048)] = b"\x00" * min(2048, n - a)
    return bytes(out)


def random_text(rng: random.Random) -> str:
    size = rng.choice([0, 1, 5, 50, 300, 800])
    pool = _CJK_SAMPLE if rng.random() < 0.7 else "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(200))
    return "".join(rng.choice(pool) for _ in range(size))


def random_html(rng: random.Random) -> str:
    parts = [rng.choice(["<!DOCTYPE html>", "<html>", "", "<?xml version='1.0' encoding='utf-8'?>"])]
    for _ in range(rng.randint(0, 80)):
        tag = rng.choice(_TAGS)
        attrs = rng.choice(["", ' class="nav"', ' onclick="evil()"', ' colspan="99999"', ' rowspan="-3"',
                            ' id="zoom"', ' charset="gbk"', ' name="PubDate" content="2024-13-45"'])
        parts.append(rng.choice([f"<{tag}{attrs}>", f"</{tag}>", random_text(rng)[:60], "发文字号：", "索引号:"]))
    return "".join(parts)


_NESTING_TAGS = ["div", "font", "span", "section", "td", "b", "blockquote", "li"]
HOSTILE_KINDS = ("deep", "mixed", "gbk-name")
_META_LINE = re.compile(r"索\s*引\s*号|发布机构|发文机关|成文日期|发文字号|文号|名\s*称|标\s*题|发布日期|[:：|]")
_PLAIN_LINES = ["一、加强知识产权保护体系建设。", "到2025年，全市发明专利拥有量达到5000件。"]


def seed_lines(seeds: dict[str, bytes]) -> list[str]:
    """The Chinese lines of the seed plans' plain-text versions (material for hostile cases)."""
    lines = []
    for name, data in seeds.items():
        if name.endswith(".txt") and not name.endswith("gb18030.txt"):
            lines.extend(line for line in data.decode("utf-8").splitlines() if len(line.strip()) >= 8)
    return lines


def hostile_case(rng: random.Random, lines: list[str], kind: str | None = None) -> tuple[str, bytes, list[str]]:
    """(file name, bytes, lines that must survive if the file is accepted) of one class that used
    to lose or garble text silently (issue #20)."""
    kind = kind or rng.choice(HOSTILE_KINDS)
    chosen = rng.sample(lines, k=min(len(lines), rng.randint(3, 12)))
    if kind == "deep":
        # portal metadata lines (索引号:… 效力状态:…) are rewritten by design: not an oracle
        chosen = [line for line in chosen if not _META_LINE.search(line)] or [rng.choice(_PLAIN_LINES)]
        depth = rng.choice([100, 254, 255, 256, 257, 300, 1000, 2047, 2048, 5000, 20_000])
        tag = rng.choice(_NESTING_TAGS)
        body = "".join(f"<p>{html.escape(line)}</p>" for line in chosen[:-1])
        page = (f"<html><head><meta charset='utf-8'></head><body>{f'<{tag}>' * depth}{body}"
                f"{f'</{tag}>' * rng.choice([depth, 0, depth // 2])}<p>{html.escape(chosen[-1])}</p></body></html>")
        # the oracle is the nested text; the line after the nest may fall outside the main block
        # the HTML loader keeps (its readability-style choice), which is not what is tested here
        return f"deep-{depth}-{tag}.html", page.encode("utf-8"), chosen[:-1] or chosen
    if kind == "mixed":
        other = rng.choice(["gbk", "gb18030", "big5"])
        encoded, expected = [], []
        for line in chosen:
            codec = rng.choice(["utf-8", other])
            try:
                encoded.append(line.encode(codec))
            except UnicodeEncodeError:  # a simplified char Big5 lacks: keep that line UTF-8
                codec = "utf-8"
                encoded.append(line.encode(codec))
            if codec == "utf-8" or other != "big5":
                expected.append(line)  # Big5 lines come back converted to simplified chars
        return f"mixed-{other}.txt", b"\n".join(encoded), expected
    if kind == "gbk-name":
        name = os.fsdecode(rng.choice(["方案", "附件", "知识产权工作方案", "通知"]).encode("gbk") + b".txt")
        return name, "\n".join(chosen).encode("utf-8"), chosen
    raise ValueError(f"unknown hostile kind {kind!r}")


def long_case(lines: list[str], chars: int = 1_200_000) -> tuple[str, bytes, list[str]]:
    """A text over spaCy's default max_length (1,000,000 chars): its last line must survive."""
    text, parts = 0, []
    while text < chars:
        line = lines[len(parts) % len(lines)]
        parts.append(line)
        text += len(line) + 1
    last = "本方案自印发之日起施行，长文本末尾标记。"
    return "long.txt", ("\n".join(parts) + "\n" + last).encode("utf-8"), [last]


def generate(rng: random.Random, seeds: dict[str, bytes], count: int):
    """(file name, bytes, expected lines or None) triples: a fixed set of classic hostile files,
    then random ones."""
    names = list(seeds)
    lines = seed_lines(seeds)
    yield "empty.txt", b"", None
    yield "empty.docx", b"", None
    for name in names:
        data = seeds[name]
        yield f"half-{name}", data[: len(data) // 2], None
    produced = 2 + len(names)
    while produced < count:
        roll = rng.random()
        if roll < 0.10:
            yield hostile_case(rng, lines)
            produced += 1
            continue
        if roll < 0.15:
            name, data = rng.choice(["x.bin", "x.txt", "x.pdf", "x.docx", "x.html"]), rng.randbytes(rng.choice([1, 10, 500, 5000]))
        elif roll < 0.30:
            text = random_text(rng)
            encoding = rng.choice(["utf-8", "gb18030", "big5", "utf-16", "utf-8-sig"])
            name, data = "t.txt", text.encode(encoding, errors="replace")
        elif roll < 0.40:
            name, data = rng.choice(["h.html", "h.txt"]), random_html(rng).encode(rng.choice(["utf-8", "gb18030"]), errors="replace")
        else:
            source = rng.choice(names)
            data = seeds[source]
            for _ in range(rng.randint(1, 3)):
                data = mutate(data, rng)
            name = "m." + source.split(".", 1)[1]
        yield name, data, None
        produced += 1


def snapshot(store: Store) -> tuple[int, tuple[str, ...]]:
    return len(store), tuple(sorted(store.named_graphs()))


def lost_lines(path: Path, expected: list[str]) -> list[str]:
    """The expected lines (as cleaning leaves them) missing from what the loader reads of `path`."""
    from policykg.extract.cleaning import clean_text

    try:
        text = load_path(path).text
    except UnreadableDocument as error:
        return [f"(refused on re-reading: {error.problem})"]
    def flat(value: str) -> str:  # cleaning joins wrapped lines, drops spaces, narrows punctuation
        return "".join(unicodedata.normalize("NFKC", value).split())

    whole = flat(text)
    wanted = (flat(clean_text(line)[0]) for line in expected)
    return [line for line in wanted if line and line not in whole]


def fuzz_dumps(store: Store, rng: random.Random, cuts: int, work: Path) -> dict:
    """Dump `store`, then restore `cuts` damaged copies (cut at a random byte or line end, trailer
    dropped, one byte flipped), each into a new store: every one must be refused and leave its
    store empty. RETURNS {"cases": n, "restored": [...], "written": [...]} (the last two must be
    empty)."""
    dump = work / "whole.nq"
    dump_store(store, dump)
    data = dump.read_bytes()
    body_end = data.rfind(b"# policykg-dump")
    restored, written = [], []
    for number in range(cuts):
        kind = rng.choice(["byte", "line", "trailer", "flip"])
        if kind == "byte":
            damaged = data[: rng.randrange(len(data))]
        elif kind == "line":
            damaged = data[: data.rfind(b"\n", 0, rng.randrange(1, len(data))) + 1]
        elif kind == "trailer":
            damaged = data[:body_end]
        else:
            at = rng.randrange(body_end)
            damaged = data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        cut = work / f"cut-{number}.nq"
        cut.write_bytes(damaged)
        with Store.open(work / f"restored-{number}", create=True) as target:
            try:
                restore_dump(cut, target)
                restored.append(f"{kind}: {len(damaged)} of {len(data)} bytes")
            except PolicyKGError:
                pass
            if len(target):
                written.append(f"{kind}: {len(target)} quads written before the refusal")
        cut.unlink()
    return {"cases": cuts, "restored": restored, "written": written}


def run_shard(count: int, seed: int, store_path: Path | None, with_classics: bool,
              dump_cuts: int = 0, long_text: bool = True) -> dict:
    """Build `count` generated inputs one by one into one store; the tallies as a dict."""
    rng = random.Random(seed)
    seeds = seed_files()
    counts: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    uncaught: list[str] = []
    changed: list[str] = []
    garbled: list[str] = []
    dumps: dict = {"cases": 0, "restored": [], "written": []}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with Store.open(store_path or work / "store", create=True) as store:
            # one real plan, no vocabulary graphs: counting 44k vocabulary triples twice per
            # input (build's own before/after counts) would dominate the run
            baseline = work / "baseline.txt"
            baseline.write_bytes(seeds[next(iter(seeds))])
            build([baseline], store, vocabulary=False)
            big = work / "huge.txt"
            with big.open("wb") as handle:  # a 51 MB file, sparse on disk
                handle.truncate(51 * 1024 * 1024)
            after = snapshot(store)
            if with_classics:
                classics = [("huge.txt", None, None)]
                if long_text:
                    classics.append(long_case(seed_lines(seeds)))
                inputs = [*classics, *generate(rng, seeds, count - len(classics))]
            else:
                inputs = list(generate(rng, seeds, count + 2 + len(seeds)))[2 + len(seeds):]
            for number, (name, data, expected) in enumerate(inputs, start=1):
                if number % 1000 == 0:
                    print(f"  shard {seed}: {number} inputs, {time.perf_counter() - started:.0f} s", file=sys.stderr)
                path = big if data is None else work / "in" / name
                if data is not None:
                    path.parent.mkdir(exist_ok=True)
                    path.write_bytes(data)
                report = build([path], store, vocabulary=False)
                before, after = after, snapshot(store)
                if report.ingested:
                    counts["accepted"] += 1
                    lost = lost_lines(path, expected) if expected else []
                    if lost:
                        garbled.append(f"{name!a}: {len(lost)} of {len(expected)} lines lost, e.g. {lost[0][:40]}")
                    continue
                problem = report.failed[0][1] if report.failed else "no result"
                if problem.startswith("internal error"):
                    counts["uncaught"] += 1
                    uncaught.append(f"{name}: {problem}")
                    continue
                counts["rejected"] += 1
                problems[problem.split(" (")[0][:60]] += 1
                if after != before:
                    changed.append(name)
                if expected and name.startswith("deep-"):  # nesting alone is never a reason to refuse
                    garbled.append(f"{name}: refused ({problem})")
            if dump_cuts:
                dumps = fuzz_dumps(store, rng, dump_cuts, work)
    return {"counts": counts, "problems": problems, "uncaught": uncaught, "changed": changed,
            "garbled": garbled, "dumps": dumps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2, help="processes, each with its own store")
    parser.add_argument("--store", type=Path, help="store folder (default: a temporary one; one worker only)")
    parser.add_argument("--dump-cuts", type=int, default=50, help="damaged dumps to restore (first shard)")
    parser.add_argument("--no-long", action="store_true", help="skip the 1.2M-character text (~10 s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    workers = 1 if args.store else max(1, args.workers)
    shares = [args.inputs // workers + (1 if i < args.inputs % workers else 0) for i in range(workers)]
    jobs = [(share, args.seed + i, args.store, i == 0, args.dump_cuts if i == 0 else 0, not args.no_long)
            for i, share in enumerate(shares)]
    if workers == 1:
        shards = [run_shard(*jobs[0])]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            shards = list(pool.map(run_shard, *zip(*jobs)))
    counts = sum((shard["counts"] for shard in shards), Counter())
    problems = sum((shard["problems"] for shard in shards), Counter())
    uncaught = [line for shard in shards for line in shard["uncaught"]]
    changed = [name for shard in shards for name in shard["changed"]]
    garbled = [line for shard in shards for line in shard["garbled"]]
    dumps = shards[0]["dumps"]
    total = sum(counts.values())
    print(f"inputs:                         {total}  ({workers} worker{'s' if workers > 1 else ''}, one store each)")
    print(f"rejected (UnreadableDocument):  {counts['rejected']}")
    print(f"accepted:                       {counts['accepted']}")
    print(f"uncaught exceptions:            {counts['uncaught']}")
    print(f"store unchanged after rejected: {counts['rejected'] - len(changed)}/{counts['rejected']}")
    print(f"text lost or garbled:           {len(garbled)}")
    print(f"damaged dumps refused:          {dumps['cases'] - len(dumps['restored'])}/{dumps['cases']}"
          f" (store written before refusal: {len(dumps['written'])})")
    print(f"time:                           {time.perf_counter() - started:.0f} s")
    print("rejection reasons (top 10):")
    for problem, count in problems.most_common(10):
        print(f"  {count:6d}  {problem}")
    for line in uncaught[:20]:
        print(f"UNCAUGHT {line}")
    for name in changed[:20]:
        print(f"STORE CHANGED by rejected {name}")
    for line in garbled[:20]:
        print(f"GARBLED {line}")
    for line in dumps["restored"][:20] + dumps["written"][:20]:
        print(f"DUMP {line}")
    return 1 if uncaught or changed or garbled or dumps["restored"] or dumps["written"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
