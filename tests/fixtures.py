"""Small synthetic plans for tests: a notice header, a title, an 一、/(一)/1. outline, responsibility
lines and a quantified target, in the shape real plans have (never a seed's wording).

Import from a test with `from fixtures import ...` (tests/ is put on sys.path by the test module).
Run as a script to write the plans into a folder and build a store there:
    python tests/fixtures.py OUT_DIR
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PlanSpec:
    city: str = "临江市"
    province: str = "东海省"
    office: str = "临政办发"
    year: int = 2024
    number: int = 3
    target_value: int = 12
    measures: list[tuple[str, list[str]]] = field(default_factory=lambda: [
        ("加强高价值专利培育", ["市市场监管局", "市财政局"]),
        ("强化知识产权司法保护", ["市中级人民法院", "市公安局"]),
        ("推动知识产权质押融资", ["市金融办", "市市场监管局"]),
    ])

    @property
    def title(self) -> str:
        return f"{self.city}知识产权强市建设工作方案"

    @property
    def doc_number(self) -> str:
        return f"{self.office}〔{self.year}〕{self.number}号"


def plan_text(spec: PlanSpec | None = None, **overrides) -> str:
    """The text of a small plan; keyword arguments override PlanSpec fields."""
    spec = spec or PlanSpec(**overrides)
    lines = [
        f"{spec.city}人民政府办公室文件",
        "",
        spec.doc_number,
        "",
        f"{spec.city}人民政府办公室关于印发{spec.title}的通知",
        "",
        "各县(市、区)人民政府,市直各单位:",
        f"《{spec.title}》已经市人民政府同意,现印发给你们,请认真贯彻执行。",
        "",
        f"{spec.city}人民政府办公室",
        f"{spec.year}年3月15日",
        "",
        spec.title,
        "",
        "为深入贯彻落实《知识产权强国建设纲要(2021—2035年)》和《“十四五”国家知识产权保护和运用规划》,"
        f"全面提升{spec.city}知识产权创造、运用、保护、管理和服务水平,制定本方案。",
        "",
        "一、总体要求",
        "(一)主要目标",
        f"到2025年,每万人口高价值发明专利拥有量达到{spec.target_value}件,知识产权质押融资额累计达到10亿元。",
        "",
        "二、重点任务",
        "(一)提升知识产权创造质量",
    ]
    for no, (title, agencies) in enumerate(spec.measures, start=1):
        lines.append(f"{no}.{title}。围绕重点产业开展工作,建立健全工作机制,每年组织专项行动。")
        lines.append(f"(责任单位:{'、'.join(agencies)})")
    lines += [
        "",
        "三、保障措施",
        "(一)加强组织领导",
        f"成立{spec.city}知识产权强市建设工作领导小组,由市政府分管副市长任组长,统筹推进各项工作。",
        "",
    ]
    return "\n".join(lines)


def write_plan(folder: Path, name: str = "plan.txt", spec: PlanSpec | None = None,
               **overrides) -> Path:
    """Write one plan as UTF-8 text and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(plan_text(spec, **overrides), encoding="utf-8")
    return path


CITIES = [("临江市", "临政办发"), ("青山市", "青政办发"), ("白沙市", "白政办发")]


def write_plans(folder: Path, count: int = 2) -> list[Path]:
    """`count` different plans, `plan_1.txt`, `plan_2.txt`, ... in `folder`."""
    paths = []
    for i in range(count):
        city, office = CITIES[i % len(CITIES)]
        paths.append(write_plan(folder, f"plan_{i + 1}.txt", city=city, office=office,
                                number=i + 1, target_value=10 + i))
    return paths


def write_bad_files(folder: Path) -> dict[str, Path]:
    """Files no extractor can read: an empty file and binary junk with a plan suffix."""
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    junk = folder / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 8 + b"\x00\xff\xfe" * 100)
    return {"empty": empty, "junk": junk}


# DESIGN.md "Contracts": the columns each named query's CSV must carry first, in this order.
CONTRACT = {
    "plans": ["source", "title", "jurisdiction", "province", "level", "doc_number", "issuer",
              "issued", "period_start", "period_end"],
    "measures": ["source", "no", "title", "section"],
    "responsibilities": ["source", "measure_no", "measure_title", "agency", "role"],
    "citations": ["source", "title", "doc_number", "framework", "kind"],
    "targets": ["source", "indicator", "value", "value_max", "unit", "year", "kind", "comparator"],
    "people": ["source", "name", "role", "post"],
}


def temp_folder(prefix: str) -> Path:
    """A temporary folder removed when the test process exits (for stores built once per process)."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def make_store(folder: Path, count: int = 2) -> Path:
    """Write `count` plans under folder/plans and build them into folder/store."""
    from policykg.graph.build import build
    from policykg.graph.store import Store

    write_plans(folder / "plans", count)
    with Store.open(folder / "store", create=True) as store:
        report = build([folder / "plans"], store)
    if report.failed:
        raise RuntimeError(f"fixture plans failed to build: {report.failed}")
    return folder / "store"


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "fixture-plans")
    print(make_store(out))


def query_scopes(raw) -> list[dict[str, str]]:
    """The parameter sets a rewritten query is compared under on a store: whole corpus, every
    city and one with no plan, every source and one that names no file."""
    from policykg.queries import run_query

    columns, plans = run_query(raw, "plans")
    plans = [dict(zip(columns, row)) for row in plans]
    cities = sorted({plan["jurisdiction"] for plan in plans if plan["jurisdiction"]})
    return ([{}] + [{"city": city} for city in cities] + [{"city": "无此市"}]
            + [{"source": plan["source"]} for plan in plans] + [{"source": "no-such-file.txt"}])
