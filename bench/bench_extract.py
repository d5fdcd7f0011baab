"""Benchmark: extraction CPU per plan, this tree against an earlier commit (issue #24), every
figure from ONE run, and a check that both give the very same ExtractionResults.

A shared 2-core machine makes wall time noisy, so the figures are CPU seconds of each process
(time.process_time: user + system) and ratios between two processes run side by side, under the
same load. The earlier commit is taken from git (`git archive REV`) into a temporary folder;
each tree runs in its own child process, which imports `policykg` from that tree only.

1. speed: each child extracts `--warm` generated plans (not timed), then, `--rounds` times, the
   first `--plans` generated plans and `--real` passes over the real plans (seeds + dev docs):
   plans/s per core for each tree and round, the head/base ratio, the load average;
2. `--check`: the JSON of every ExtractionResult (sorted keys) of the generated plans, the real
   plans, every Chinese string literal of 30+ characters in tests/, and windows of the real plans
   with figures, brackets, Latin units, fractions and 。 between digits inserted at random
   (seeded), written by each tree and compared byte for byte.

Usage:
    .venv/bin/python bench/bench_extract.py --base 0b3106c [--corpus DIR] [--plans 200]
        [--rounds 5] [--check] [--json OUT]
"""
from __future__ import annotations

import argparse
import ast
import glob
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# the child: policykg from the tree given (its top-level folders are the subpackages, as
# pyproject's package-dir maps them), then the timing or the dump
_CHILD = r"""
import glob, json, os, sys, time
tree, mode = sys.argv[1], sys.argv[2]
with open(sys.argv[3], encoding="utf-8") as handle:
    spec = json.load(handle)
sys.path.insert(0, tree)
import policykg
policykg.__path__.append(tree)
import policykg.extract as extract
assert extract.__file__.startswith(tree), (extract.__file__, tree)
if mode == "time":
    gen, real = spec["gen"], spec["real"]
    for path in spec["warm"]:
        extract.extract_path(path)
    for round_ in range(spec["rounds"]):
        out = {"round": round_, "load": os.getloadavg()[0]}
        for name, files in (("generated", gen), ("real", real * spec["real_passes"])):
            start = time.process_time()
            for path in files:
                extract.extract_path(path)
            out[name] = len(files) / (time.process_time() - start)
        print(json.dumps(out), flush=True)
else:
    os.makedirs(spec["out"], exist_ok=True)
    for i, (kind, item) in enumerate(spec["inputs"]):
        if kind == "path":
            result = extract.extract_path(item)
        else:
            result = extract.extract_text(item, source=f"fragment-{i}")
        with open(os.path.join(spec["out"], f"{i:05d}.json"), "w", encoding="utf-8") as handle:
            handle.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True, indent=0))
"""


def tree_at(rev: str, into: Path) -> Path:
    """The files of commit `rev`, from git, in a folder of their own."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                             check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into)
    return into


def test_fragments() -> list[str]:
    """Every string literal of 30+ characters holding a Chinese character in tests/."""
    seen: dict[str, None] = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 30 \
                    and re.search(r"[\u4e00-\u9fff]", node.value):
                seen.setdefault(node.value)
    return list(seen)


_INSERTS = ["12", "3.5", "1,200", "2025年", "（其中", "）", "EFLOPS", "km", "1/3", "三分之一", "85分",
            "第一", "3。5", "万元", "%", "个百分点", "（一）", "1.", "以上", "左右", "~", "至"]


def mutated_windows(texts: list[str], per_text: int, seed: int = 24) -> list[str]:
    """Windows of the real plans with figures and marks inserted at random (seeded)."""
    rnd = random.Random(seed)
    out = []
    for text in texts:
        for _ in range(per_text):
            start = rnd.randrange(max(1, len(text) - 400))
            window = list(text[start:start + 400])
            for _ in range(rnd.randrange(3, 12)):
                window.insert(rnd.randrange(len(window) + 1), rnd.choice(_INSERTS))
            out.append("".join(window))
    return out


def run_children(trees: dict[str, Path], mode: str, specs: dict[str, dict]) -> dict[str, str]:
    """The two children started together (the same load), their output when both are done."""
    with tempfile.TemporaryDirectory(prefix="bench_extract_spec_") as folder:
        procs = {}
        for label, tree in trees.items():
            spec_path = Path(folder) / f"{label}.json"
            spec_path.write_text(json.dumps(specs[label]), encoding="utf-8")
            procs[label] = subprocess.Popen([sys.executable, "-c", _CHILD, str(tree), mode, str(spec_path)],
                                            stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
        out = {}
        for label, proc in procs.items():
            out[label] = proc.communicate()[0]
            if proc.returncode:
                raise SystemExit(f"bench_extract: the {label} child failed (exit {proc.returncode})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare with (git revision)")
    parser.add_argument("--corpus", default="/tmp/pk/lead/c1k", help="generated plans (*.txt)")
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--real-passes", type=int, default=5, help="passes over the 18 real plans a round")
    parser.add_argument("--check", action="store_true", help="compare every ExtractionResult's JSON")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()

    generated = sorted(glob.glob(os.path.join(args.corpus, "*.txt")))
    if len(generated) < args.plans + args.warm:
        raise SystemExit(f"bench_extract: {args.corpus} holds {len(generated)} plans; "
                         f"--plans {args.plans} and --warm {args.warm} need more")
    real = sorted(glob.glob(str(SHARED / "seeds" / "*"))) + sorted(glob.glob(str(SHARED / "eval/dev/docs/*")))
    with tempfile.TemporaryDirectory(prefix="bench_extract_") as scratch:
        trees = {"base": tree_at(args.base, Path(scratch) / "base"), "head": ROOT}
        figures: dict = {"base": args.base, "plans": args.plans, "real": len(real)}
        if args.check:
            inputs = [("path", p) for p in generated[:args.plans] + real]
            from policykg.extract.load import load_path   # this tree's loader, for the windows only
            real_texts = [load_path(p).text for p in real]
            inputs += [("text", t) for t in test_fragments() + mutated_windows(real_texts, 25)]
            outs = {label: Path(scratch) / f"dump_{label}" for label in trees}
            run_children(trees, "dump", {label: {"out": str(outs[label]), "inputs": inputs} for label in trees})
            differ = [name for name in sorted(os.listdir(outs["base"]))
                      if (outs["base"] / name).read_bytes() != (outs["head"] / name).read_bytes()]
            figures["check"] = {"inputs": len(inputs), "differ": len(differ)}
            print(f"check: {len(inputs)} inputs ({args.plans} generated, {len(real)} real, "
                  f"{len(inputs) - args.plans - len(real)} fragments and windows); "
                  f"{'IDENTICAL' if not differ else f'{len(differ)} DIFFER, e.g. ' + differ[0]}")
        spec = {"gen": generated[:args.plans], "real": real, "real_passes": args.real_passes,
                "warm": generated[args.plans:args.plans + args.warm], "rounds": args.rounds}
        out = run_children(trees, "time", {label: spec for label in trees})
    rounds = {label: [json.loads(line) for line in text.splitlines() if line.strip()] for label, text in out.items()}
    print(f"plans/s per core (CPU of each process), base {args.base} and head side by side")
    print("round  load   generated base / head (ratio)   real base / head (ratio)")
    for b, h in zip(rounds["base"], rounds["head"]):
        print(f"{b['round']:5d} {b['load']:5.1f}   {b['generated']:6.1f} / {h['generated']:6.1f} "
              f"({h['generated'] / b['generated']:.3f})      {b['real']:6.1f} / {h['real']:6.1f} "
              f"({h['real'] / b['real']:.3f})")
    figures["rounds"] = rounds
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
