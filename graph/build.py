"""Build: files and folders -> ExtractionResults -> one named graph per document in the store.

Extraction (`extract_results`, a generator; may move to worker processes) is kept apart from
writing (`build`, one writer, one transaction per document), so a file that fails is reported
and skipped and the store never holds half a document. Partners: extract/ (`extract_path`),
graph/rdf.py (`result_to_quads`), graph/store.py (`Store.replace_document`).
"""
from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from policykg.errors import PolicyKGError, UnreadableDocument

from .store import Store

if TYPE_CHECKING:
    from policykg.extract.result import ExtractionResult

# Files a folder walk picks up; a file named explicitly is always tried.
PLAN_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".pdf", ".docx"})
_GLOB_CHARS = frozenset("*?[")

# progress(path, done, total): called after each file, whatever happened to it.
Progress = Callable[[Path, int, int], None]


@dataclass
class BuildReport:
    ingested: list[str] = field(default_factory=list)              # paths written to the store
    failed: list[tuple[str, str]] = field(default_factory=list)    # (path, one-line problem)
    warnings: list[str] = field(default_factory=list)              # one line each
    triples_before: int = 0
    triples_after: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class Extracted:
    """One item of `extract_results`: a result, or the one-line reason there is none."""

    path: Path
    result: "ExtractionResult | None" = None
    problem: str | None = None


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to build from `paths`: folders walked recursively (sorted; dotfiles, dot-folders and
    files without a plan suffix skipped), globs expanded (sorted), files kept as given.
    Duplicates (the same file reached twice) are dropped.
    RETURNS: (files, problems) where problems are (argument, one-line message).
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            found = _walk(path)
            if not found:
                problems.append((str(arg), "no plan files in this folder "
                                 f"(looked for {', '.join(sorted(PLAN_SUFFIXES))})"))
            for f in found:
                add(f)
        elif path.is_file():
            add(path)
        elif _GLOB_CHARS & set(str(arg)):
            matches = sorted(Path(m) for m in glob.glob(str(arg), recursive=True))
            plan_files = [m for m in matches if m.is_file() and _is_plan_file(m)]
            for m in matches:
                if m.is_dir():
                    plan_files.extend(_walk(m))
            if not plan_files:
                problems.append((str(arg), "no plan files match this pattern"))
            for f in plan_files:
                add(f)
        else:
            problems.append((str(arg), "no such file or folder"))
    return files, problems


def _walk(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and _is_plan_file(path):
            found.append(path)
    return found


def _is_plan_file(path: Path) -> bool:
    return path.suffix.lower() in PLAN_SUFFIXES and not path.name.startswith(".")


def extract_results(files: Iterable[Path]) -> Iterator[Extracted]:
    """Extract each file in turn; never raises for one bad file (its problem is reported)."""
    from policykg.extract import extract_path

    for path in files:
        try:
            yield Extracted(path, result=extract_path(path))
        except UnreadableDocument as e:
            yield Extracted(path, problem=_one_line(e.problem))
        except PolicyKGError as e:
            yield Extracted(path, problem=_one_line(str(e)))
        except Exception as e:  # a bug in extract/ must not stop the other files
            yield Extracted(path, problem=_internal(e))


def build(paths: Sequence[str | Path], store: Store, *, progress: Progress | None = None,
          vocabulary: bool = True) -> BuildReport:
    """Ingest plan files and folders into `store`: one named graph per document, each replaced
    in one transaction, so building twice gives the same store.

    paths (list): files, folders (walked recursively) and glob patterns.
    store (Store): an open, writable store.
    progress (callable): `progress(path, done, total)` after each file.
    vocabulary (bool): (re)load the ontology and SKOS graphs first.
    RETURNS (BuildReport): what was ingested, what failed and why, triple counts.
    """
    from policykg.graph.rdf import result_to_quads

    report = BuildReport(triples_before=len(store))
    files, problems = expand_paths(paths)
    report.failed.extend(problems)
    report.warnings.extend(_shared_names(files))
    if vocabulary:
        store.ensure_vocabulary()
    total = len(files)
    for done, item in enumerate(extract_results(files), start=1):
        if item.result is None:
            report.failed.append((str(item.path), item.problem or "unknown problem"))
        else:
            try:
                graph, quads = result_to_quads(item.result)
                store.replace_document(graph, quads)
            except PolicyKGError as e:
                report.failed.append((str(item.path), _one_line(str(e))))
            except Exception as e:  # a bug in rdf.py or a store failure: nothing was written
                report.failed.append((str(item.path), _internal(e)))
            else:
                report.ingested.append(str(item.path))
        if progress is not None:
            progress(item.path, done, total)
    report.triples_after = len(store)
    return report


def _shared_names(files: list[Path]) -> list[str]:
    """One warning per file name given by two or more files: they map to the same graph."""
    by_name: dict[str, list[Path]] = {}
    for path in files:
        by_name.setdefault(path.name, []).append(path)
    return [
        f"{len(same)} inputs share the file name {name!r} and so one graph; only the last is "
        f"kept: {', '.join(str(p) for p in same)}"
        for name, same in by_name.items() if len(same) > 1
    ]


def _internal(error: BaseException) -> str:
    return f"internal error: {type(error).__name__}: {_one_line(error)}"


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
