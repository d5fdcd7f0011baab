"""Fuzz the loaders end to end: >= 10,000 generated inputs through `policykg.graph.build.build`
against a real store, counting rejections (UnreadableDocument), acceptances and uncaught
exceptions (build reports those as "internal error: ..."; there must be none), and checking
that the store is unchanged (triple count and graph set) after every rejected input.

Inputs: random bytes, random text in several encodings, random HTML, and seed plans converted to
.txt/GB18030/HTML/DOCX/PDF (tests/seed_formats.py) then cut, bit-flipped, spliced or padded.
Usage: .venv/bin/python bench/fuzz_loaders.py [--inputs 10000] [--seed 6] [--store DIR]
Needs reportlab (the test extra) for the PDF seeds.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from seed_formats import to_docx, to_gb18030, to_html, to_pdf  # noqa: E402

from policykg.graph.build import build  # noqa: E402
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


def generate(rng: random.Random, seeds: dict[str, bytes], count: int):
    """(file name, bytes) pairs: a fixed set of classic hostile files, then random ones."""
    names = list(seeds)
    yield "empty.txt", b""
    yield "empty.docx", b""
    for name in names:
        data = seeds[name]
        yield f"half-{name}", data[: len(data) // 2]
    produced = 2 + len(names)
    while produced < count:
        roll = rng.random()
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
        yield name, data
        produced += 1


def snapshot(store: Store) -> tuple[int, tuple[str, ...]]:
    return len(store), tuple(sorted(store.named_graphs()))


def run_shard(count: int, seed: int, store_path: Path | None, with_classics: bool) -> dict:
    """Build `count` generated inputs one by one into one store; the tallies as a dict."""
    rng = random.Random(seed)
    seeds = seed_files()
    counts: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    uncaught: list[str] = []
    changed: list[str] = []
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
                inputs = [("huge.txt", None), *generate(rng, seeds, count - 1)]
            else:
                inputs = list(generate(rng, seeds, count + 2 + len(seeds)))[2 + len(seeds):]
            for number, (name, data) in enumerate(inputs, start=1):
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
    return {"counts": counts, "problems": problems, "uncaught": uncaught, "changed": changed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2, help="processes, each with its own store")
    parser.add_argument("--store", type=Path, help="store folder (default: a temporary one; one worker only)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    workers = 1 if args.store else max(1, args.workers)
    shares = [args.inputs // workers + (1 if i < args.inputs % workers else 0) for i in range(workers)]
    jobs = [(share, args.seed + i, args.store, i == 0) for i, share in enumerate(shares)]
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
    total = sum(counts.values())
    print(f"inputs:                         {total}  ({workers} worker{'s' if workers > 1 else ''}, one store each)")
    print(f"rejected (UnreadableDocument):  {counts['rejected']}")
    print(f"accepted:                       {counts['accepted']}")
    print(f"uncaught exceptions:            {counts['uncaught']}")
    print(f"store unchanged after rejected: {counts['rejected'] - len(changed)}/{counts['rejected']}")
    print(f"time:                           {time.perf_counter() - started:.0f} s")
    print("rejection reasons (top 10):")
    for problem, count in problems.most_common(10):
        print(f"  {count:6d}  {problem}")
    for line in uncaught[:20]:
        print(f"UNCAUGHT {line}")
    for name in changed[:20]:
        print(f"STORE CHANGED by rejected {name}")
    return 1 if uncaught or changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
