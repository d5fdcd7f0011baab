"""Long plans (issue #20): text over spaCy's default 1,000,000 characters (error E088) is
extracted whole, as the 50 MiB size limit of extract/load.py promises."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import plan_text  # noqa: E402

from policykg.extract import extract_path  # noqa: E402
from policykg.extract.load import MAX_BYTES  # noqa: E402
from policykg.extract.pipeline import make_nlp  # noqa: E402


def test_long_text_pipeline_accepts_whatever_the_loader_accepts():
    assert make_nlp().max_length >= MAX_BYTES


def test_long_text_of_1_2_million_characters_is_extracted_to_its_end(tmp_path: Path):
    annex = "\n".join(f"附件{i}：第{i}批知识产权保护重点企业名单，由市市场监管局会同各区县组织实施。"
                      for i in range(1, 40_000))
    text = plan_text() + "\n" + annex
    text = text[: text.rfind("\n", 0, 1_200_000)] + "\n附件末尾：本方案自印发之日起施行。\n"
    assert len(text) > 1_100_000
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    result = extract_path(path)
    assert result.text.endswith("附件末尾：本方案自印发之日起施行。")
    assert result.measures  # the plan at the start was read as usual
