"""Build: files and folders -> ExtractionResults -> one named graph per document in the store.

Extraction runs in worker processes (`workers`; in-process for a few files) and is kept apart
from writing: the parent is the one writer (graph/writer.py: one transaction per document, or the
bulk loader for a store without documents), so a file that fails is reported and skipped and the
store never holds half a document. Workers send back the document's graph as N-Quads bytes
(serialised by Oxigraph, cheap to pickle, parsed by Oxigraph in the writer); at most a few chunks
are in flight, so memory stays bounded whatever the corpus size (issue #10, docs/scale.md).
Partners: extract/ (`extract_path`), graph/rdf.py (`result_to_nquads`), graph/writer.py.
"""
from __future__ import annotations

import glob
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING


from policykg.errors import PolicyKGError, UnreadableDocument
from policykg.extract.load import readable_name

from .store import Store
from .writer import Prepared

if TYPE_CHECKING:
    from policykg.extract.corrections import Correction
    from policykg.extract.result import ExtractionResult

    from .search_index import BuildIndexer, SearchRows

# Files a folder walk picks up; a file named explicitly is always tried.
PLAN_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".pdf", ".docx"})
_GLOB_CHARS = frozenset("*?[")

# Below this many files a build extracts in-process: starting workers (each loads spaCy) costs more.
PARALLEL_MIN_FILES = 8
# A build of at least this many files into a store without documents uses the bulk loader.
BULK_MIN_FILES = 32
# Files per task sent to a worker, and tasks in flight per worker (bounds memory and IPC). A
# worker summarises a task's plans together (graph/summaries/plan_summaries.py `summaries_nquads`: 77 -> 62 ms a
# plan with 4, 51 with 8, 55 with 16, same run), so tasks are of 8 unless the build is small.
CHUNK_FILES = 8
IN_FLIGHT_PER_WORKER = 2

# Loader warnings that the build report repeats (all are kept in the plan's graph as pk:warning):
# those that mean the text may differ from what the author wrote.
REPORTED_WARNINGS = ("mixed encodings", "replaced ")

# progress(path, done, total): called after each file, whatever happened to it.
Progress = Callable[[Path, int, int], None]


@dataclass
class BuildReport:
    ingested: list[str] = field(default_factory=list)              # paths written to the store
    failed: list[tuple[str, str]] = field(default_factory=list)    # (path, one-line problem)
    warnings: list[str] = field(default_factory=list)              # one line each
    coverage: list[str] = field(default_factory=list)              # per plan: cues that produced nothing
    quads_written: int = 0  # quads of the documents written (not counted by len(store): at 10k plans that is ~10 s)
    bulk: bool = False  # whether the documents went through the bulk loader (graph/writer.py)
    summaries_refreshed: int = 0  # plans not rebuilt whose stale summaries were rewritten (graph/summaries/)
    corpus_tables: int = 0  # whole-corpus tables of summarised queries written (graph/summaries/)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class Extracted:
    """One item of `extract_results`: a result, or the one-line reason there is none."""

    path: Path
    result: "ExtractionResult | None" = None
    problem: str | None = None


@dataclass(frozen=True)
class PlanFile:
    """One file to build and the plan it becomes.

    source: the plan's identity and `source` label (graph/rdf.py derives the named graph
    `id:doc/{source}` and the plan IRI from it): the file's path relative to the folder given on
    the command line (`a/方案.txt`), or its bare name for a file given directly or lying directly
    in the folder given. So two `方案.txt` in different subfolders of one folder are two plans,
    and building the same folder again replaces each plan by its own new version.
    """

    path: Path
    source: str


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to build from `paths` (see `expand_plan_files`, which also names each plan)."""
    plans, problems = expand_plan_files(paths)
    return [plan.path for plan in plans], problems


def expand_plan_files(paths: Iterable[str | Path]) -> tuple[list[PlanFile], list[tuple[str, str]]]:
    """Files to build from `paths`, each with its plan's `source` (see PlanFile): folders walked
    recursively (sorted; dotfiles, dot-folders and files without a plan suffix skipped), globs
    expanded (sorted; sources relative to the pattern's folder part), files kept as given.
    The same file reached twice is built once. Two files that would become the same plan (e.g.
    `x/方案.txt` and `y/方案.txt` given as two files) are never merged: the later is refused.
    RETURNS: (plan files, problems) where problems are (argument or file, one-line message).
    """
    plans: list[PlanFile] = []
    problems: list[tuple[str, str]] = []
    seen: set[Path] = set()
    by_source: dict[str, Path] = {}

    def add(path: Path, source: str) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        source = readable_name(source)
        if source in by_source:
            problems.append((readable_name(str(path)), (
                f"would be the same plan {source!r} as {readable_name(str(by_source[source]))}; "
                "build the folder that holds both (each plan is then named by its path in it) "
                "or rename one")))
            return
        by_source[source] = path
        plans.append(PlanFile(path, source))

    for arg in paths:
        path = Path(arg)
        shown = readable_name(str(arg))
        if path.is_dir():
            found = _walk(path, problems)
            if not found and not _unreadable(path, problems):
                problems.append((shown, "no plan files in this folder "
                                 f"(looked for {', '.join(sorted(PLAN_SUFFIXES))})"))
            for f in found:
                add(f, f.relative_to(path).as_posix())
        elif path.is_file():
            add(path, path.name)
        elif _GLOB_CHARS & set(str(arg)):
            base = _glob_base(str(arg))
            matches = sorted(Path(m) for m in glob.glob(str(arg), recursive=True))
            plan_files = [m for m in matches if m.is_file() and _is_plan_file(m)]
            for m in matches:
                if m.is_dir():
                    plan_files.extend(_walk(m, problems))
            if not plan_files:
                problems.append((shown, "no plan files match this pattern"))
            for f in plan_files:
                add(f, _relative_source(f, base))
        else:
            problems.append((shown, _missing(path)))
    return plans, problems


def _glob_base(pattern: str) -> Path:
    """The folder part of a glob pattern before its first wildcard (`data/**/*.txt` -> data)."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts[:-1]:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _relative_source(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _missing(path: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be built."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "a symlink loop (the link points, through other links, back to itself)"
        except OSError:
            return "a broken symlink (its target does not exist)"
    try:
        path.stat()
    except PermissionError:
        return "permission denied"
    except OSError:
        pass
    return "no such file or folder"


def _walk(folder: Path, problems: list[tuple[str, str]]) -> list[Path]:
    """Plan files under `folder` (symlinked folders are not followed, so no symlink loop);
    a subfolder that cannot be read is reported in `problems`, never skipped silently."""
    found = []

    def unreadable(error: OSError) -> None:
        if Path(error.filename or "") != folder:  # the folder itself: see _unreadable
            problems.append((readable_name(str(error.filename)), _os_problem(error)))

    for root, folders, names in os.walk(folder, onerror=unreadable):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in names:
            path = Path(root, name)
            if _is_plan_file(path) and path.is_file():
                found.append(path)
    return sorted(found)


def _unreadable(folder: Path, problems: list[tuple[str, str]]) -> bool:
    """Report a folder that cannot be listed; RETURNS whether it was one."""
    try:
        with os.scandir(folder):
            return False
    except OSError as error:
        problems.append((readable_name(str(folder)), _os_problem(error)))
        return True


def _os_problem(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied (cannot list this folder)"
    return f"cannot read this folder ({error.strerror or error})"


def _is_plan_file(path: Path) -> bool:
    return path.suffix.lower() in PLAN_SUFFIXES and not path.name.startswith(".")


def extract_results(files: Iterable[Path | PlanFile]) -> Iterator[Extracted]:
    """Extract each file in turn (a bare Path is named by its file name); never raises for one
    bad file (its problem is reported)."""
    from policykg.extract import extract_path

    for file in files:
        path, source = (file.path, file.source) if isinstance(file, PlanFile) else (file, None)
        try:
            yield Extracted(path, result=extract_path(path, source))
        except UnreadableDocument as e:
            yield Extracted(path, problem=_one_line(e.problem))
        except PolicyKGError as e:
            yield Extracted(path, problem=_one_line(str(e)))
        except Exception as e:  # a bug in extract/ must not stop the other files
            yield Extracted(path, problem=_internal(e))


def default_workers(n_files: int) -> int:
    """Worker processes for `n_files`: one per CPU when there are more than a few files."""
    if n_files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, n_files))


def build(paths: Sequence[str | Path], store: Store, *, progress: Progress | None = None,
          vocabulary: bool = True, workers: int | None = None, batch: int = 1,
          bulk: bool | None = None, corrections: "Sequence[Correction] | None" = None) -> BuildReport:
    """Ingest plan files and folders into `store`: one named graph per document, each replaced
    in one transaction, so building twice gives the same store.

    paths (list): files, folders (walked recursively) and glob patterns.
    store (Store): an open, writable store.
    progress (callable): `progress(path, done, total)` after each file, in input order.
    vocabulary (bool): (re)load the ontology and SKOS graphs first.
    workers (int): extraction processes; None = `default_workers(number of files)`; 1 = in this
        process. Documents are written in input order whatever the number of workers.
    batch (int): new documents per write transaction (1 = one transaction per document). A
        larger batch pays the commit once for several documents; a document is still never
        half-written, and when a batch fails its documents are retried one by one, so errors
        stay per file.
    bulk (bool | None): stream the documents into Oxigraph's bulk loader (~2.5x faster, not
        crash-safe; graph/writer.py). None = bulk when the store holds no documents yet and there
        are at least BULK_MIN_FILES files; True = bulk (refused if the store holds documents);
        False = transactions only.
    corrections (list | None): researchers' corrections (extract/corrections.py) applied to each
        document after extraction; None = those of `corrections.csv` in each folder given
        (docs/corrections.md); [] = none. A stale one (its target is gone) is a report warning.
    RETURNS (BuildReport): what was ingested, what failed and why, quads written.
    """
    from .writer import BackgroundWriter, DocumentWriter, store_has_documents

    report = BuildReport()
    written: list[str] = []  # document graphs written, for the search index (graph/search_index.py)
    refused: list[str] = []  # document graphs the store refused (their index rows must go)
    files, problems = expand_plan_files(paths)
    report.failed.extend(problems)
    from policykg.extract.corrections import EVERY_PLAN

    if corrections is None:
        corrections = folder_corrections(paths)
    by_plan: dict[str, list[Correction]] = {}
    every_plan = [row for row in corrections if row.plan == EVERY_PLAN]
    for row in corrections:
        if row.plan != EVERY_PLAN:
            by_plan.setdefault(row.plan, []).append(row)
    built = {plan.source for plan in files}
    for source, rows in by_plan.items():
        if source not in built:
            report.warnings.append(f"{Path(rows[0].file).name or 'corrections'}: {len(rows)} correction(s) "
                                   f"name plan {source!r}, which is not in this build (renamed or removed?)")
    if every_plan:  # merge_agency rows for every plan, in file order among the plan's own rows
        for source in built:
            by_plan[source] = sorted(by_plan.get(source, []) + every_plan, key=lambda r: (r.file, r.line))
    if store.read_only:
        raise PolicyKGError(f"the store at {store.path} is open read-only")
    total = len(files)
    if bulk is None:
        bulk = total >= BULK_MIN_FILES and not store_has_documents(store)
    count = default_workers(total) if workers is None else max(1, int(workers))
    done = 0

    def finished(item: Prepared, problem: str | None) -> None:
        nonlocal done
        done += 1
        if problem is None:
            report.ingested.append(readable_name(str(item.path)))
            written.append(item.graph)
            report.quads_written += item.quads
            report.warnings.extend(f"{readable_name(str(item.path))}: {w}" for w in item.warnings)
            if item.uncovered:
                kinds = ", ".join(f"{n} {k}" for k, n in sorted(Counter(item.uncovered).items()))
                report.coverage.append(f"{readable_name(str(item.path))}: {len(item.uncovered)} lines with cues "
                                       f"produced nothing ({kinds}); see policykg extract FILE --explain")
        else:
            report.failed.append((readable_name(str(item.path)), problem))
            if item.graph:
                refused.append(item.graph)
        if progress is not None:
            progress(item.path, done, total)

    writer = DocumentWriter(store, finished, batch=batch, bulk=bulk)
    if vocabulary:
        store.ensure_vocabulary()
    prepared = _prepare_serial(files, by_plan) if count == 1 else _prepare_parallel(files, count, by_plan)
    indexer = _search_indexer(store, fresh=bulk)
    background = BackgroundWriter(writer)
    try:
        try:
            for item in prepared:
                rows, item.search_rows = item.search_rows, None  # never held by the writer
                if indexer is not None and rows is not None and item.problem is None:
                    indexer = _index_rows(indexer, item.graph, rows)
                background.add(item)
            # the writer loads what it holds (bulk: the whole stream) while this thread makes the
            # index's full-text table; after the load only short work is left before the store
            # closes, so RocksDB's compaction of the new files is left to later opens as it is
            # for `oxigraph load` (issue #24: ~10 CPU-s of compaction fell into the build at 1k)
            background.stop()
            if indexer is not None:
                indexer = _index_full_text(indexer)
        finally:
            background.close()
    except BaseException:
        if indexer is not None:
            indexer.abort()
        raise
    report.bulk = bulk
    # plans not rebuilt keep summaries of an older vocabulary or query text: rewrite those
    # (graph/summaries/plan_summaries.py; the queries read no stale summary meanwhile)
    from .summaries.corpus_rows import write_corpus_tables
    from .summaries.plan_summaries import refresh_stale_summaries

    report.summaries_refreshed = refresh_stale_summaries(store.raw)
    # the whole-corpus rows of each summarised query, kept whole (graph/summaries/corpus_tables.py;
    # the plans' writes above removed the old ones)
    report.corpus_tables = write_corpus_tables(store.raw)
    _refresh_search_index(store, written, report, indexer, refused)
    if every_plan:
        report.warnings.extend(_unused_every_plan_rows(store, every_plan))
    return report


def _search_indexer(store: Store, *, fresh: bool) -> "BuildIndexer | None":
    """The writer of the rows the workers send (graph/search_index.py), for a store folder;
    `fresh` (a bulk build: the store holds no plans) writes a new index file, swapped in at the end.
    None when there is no folder, or the index cannot be opened (then the index is refreshed
    from the store after the build, as before)."""
    import sqlite3

    from .search_index import BuildIndexer

    if store.path is None:
        return None
    try:
        return BuildIndexer(store, fresh=fresh)
    except (sqlite3.Error, OSError):
        return None


def _index_rows(indexer: "BuildIndexer", graph: str, rows: "SearchRows") -> "BuildIndexer | None":
    """Write one document's rows; on a failure drop the indexer (RETURNS None): the index is
    then refreshed from the store after the build."""
    import sqlite3

    try:
        indexer.add(graph, rows)
    except (sqlite3.Error, OSError):
        indexer.abort()
        return None
    return indexer


def _index_full_text(indexer: "BuildIndexer") -> "BuildIndexer | None":
    """Make a new index file's full-text table now (see `BuildIndexer.make_full_text`); on a
    failure drop the indexer (RETURNS None): the index is then refreshed from the store."""
    import sqlite3

    try:
        indexer.make_full_text()
    except (sqlite3.Error, OSError):
        indexer.abort()
        return None
    return indexer


def _refresh_search_index(store: Store, written: list[str], report: BuildReport,
                          indexer: "BuildIndexer | None" = None, refused: Sequence[str] = ()) -> None:
    """Keep the full-text index beside the store in step with the plans just written (a store
    folder only): finish the rows the workers sent, or (no indexer) read the plans from the store.
    A failure is a warning, never a failed build: the store itself is complete."""
    import sqlite3

    from .search_index import refresh_after_build

    if store.path is None:
        return
    try:
        if indexer is not None:
            try:
                indexer.finish(store, written, refused)
                return
            except (sqlite3.Error, OSError):
                indexer.abort()  # then from the store, below
        refresh_after_build(store, written)
    except (sqlite3.Error, OSError) as e:
        report.warnings.append(f"the search index was not updated ({_one_line(e)}); "
                               "run `policykg search --reindex`")


_APPLIED_MERGES = """
PREFIX pk: <https://w3id.org/policykg/ns#>
SELECT DISTINCT ?target ?line WHERE { GRAPH ?g {
  ?fix a pk:Correction ; pk:correctionOp "merge_agency" ; pk:correctionStatus "applied" ;
       pk:correctionTarget ?target ; pk:correctionLine ?line } }"""


def _unused_every_plan_rows(store: Store, rows: list["Correction"]) -> list[str]:
    """A `*` merge_agency row that no plan of the store applied: reported, not dropped."""
    used = {(r["target"].value, r["line"].value) for r in store.raw.query(_APPLIED_MERGES)}
    return [f"{Path(row.file).name or 'corrections'}: stale correction (line {row.line}: merge_agency * "
            f"{row.target}): no plan in the store names {row.target!r}; fix or delete the row"
            for row in rows if (row.target, str(row.line)) not in used]


def folder_corrections(paths: Iterable[str | Path]) -> list["Correction"]:
    """The rows of `corrections.csv` in each folder of `paths` (docs/corrections.md); raises
    CorrectionsError naming every bad line, so a build never half-applies a broken file."""
    from policykg.extract.corrections import DEFAULT_FILE_NAME, load_corrections

    rows: list[Correction] = []
    for arg in paths:
        candidate = Path(arg) / DEFAULT_FILE_NAME
        if Path(arg).is_dir() and candidate.is_file():
            rows.extend(load_corrections(candidate))
    return rows


def prepare_document(item: Extracted, corrections: "Sequence[Correction]" = ()) -> Prepared:
    """An extracted document -> its graph as N-Quads, ready for graph/writer.py; never raises for
    one bad document. Runs in the workers: the parent only writes. `corrections` are applied to
    the result first (extract/corrections.py); a stale one becomes a warning of the report."""
    return prepare_documents([(item, corrections)])[0]


def prepare_documents(items: "Sequence[tuple[Extracted, Sequence[Correction]]]") -> list[Prepared]:
    """`prepare_document` of a worker's chunk: each document's graph, then the plans' rows for
    whole-corpus queries (graph/summaries/, written in the same transaction) for the chunk at once,
    which plans each query once for the chunk instead of once per plan (~30 % of a worker's
    summary time). If that fails, each plan is summarised alone, so only a bad one fails."""
    from policykg.graph.summaries.plan_summaries import summaries_nquads, summary_nquads

    prepared = [_document_nquads(item, corrections) for item, corrections in items]
    ready = [i for i, p in enumerate(prepared) if p.problem is None]
    try:
        summaries = summaries_nquads([(prepared[i].graph, prepared[i].nquads) for i in ready])
    except Exception:  # found again below, plan by plan
        summaries = None
    for k, i in enumerate(ready):
        try:
            prepared[i].nquads += summaries[k] if summaries is not None else \
                summary_nquads(prepared[i].graph, prepared[i].nquads)
        except PolicyKGError as e:
            prepared[i] = Prepared(prepared[i].path, problem=_one_line(str(e)))
        except Exception as e:  # a bug must not stop the other files
            prepared[i] = Prepared(prepared[i].path, problem=_internal(e))
    return prepared


def _document_nquads(item: Extracted, corrections: "Sequence[Correction]") -> Prepared:
    from policykg.extract.corrections import apply_corrections, stale_message
    from policykg.graph.rdf import result_to_nquads

    if item.result is None:
        return Prepared(item.path, problem=item.problem or "unknown problem")
    stale = []
    try:
        if corrections:
            stale = [stale_message(c, Path(corrections[0].file).name or "corrections")
                     for c in apply_corrections(item.result, list(corrections))]
        # written as N-Quads lines, every one in the document's graph (no Quad object per quad)
        graph, data, count = result_to_nquads(item.result)
        search_rows = _search_rows(graph.value, data)
    except PolicyKGError as e:
        return Prepared(item.path, problem=_one_line(str(e)))
    except Exception as e:  # a bug in rdf.py must not stop the other files
        return Prepared(item.path, problem=_internal(e))
    shown = [w for w in item.result.warnings if w.startswith(REPORTED_WARNINGS)] + stale
    return Prepared(item.path, graph.value, data, count, warnings=shown,
                    sha256=item.result.sha256, title=item.result.plan.title or "",
                    uncovered=tuple(u.kind for u in item.result.uncovered), search_rows=search_rows)


def _search_rows(graph: str, nquads: bytes) -> "SearchRows | None":
    """The document's full-text index rows, made here in the worker from its N-Quads
    (graph/search_index.py); None if that fails: the parent then reads them from the store."""
    from policykg.graph.search_index import document_search_rows

    try:
        return document_search_rows(graph, nquads)
    except Exception:  # the index is a convenience: never fail a document for it
        return None


def _prepare_serial(files: list[PlanFile], corrections: "dict[str, list[Correction]] | None" = None
                    ) -> Iterator[Prepared]:
    corrections = corrections or {}
    results = zip(files, extract_results(files))
    while chunk := list(islice(results, CHUNK_FILES)):
        yield from prepare_documents([(item, corrections.get(plan.source, ())) for plan, item in chunk])


def _prepare_chunk(files: list[tuple[str, str]],
                   corrections: "dict[str, list[Correction]] | None" = None) -> list[Prepared]:
    """Runs in a worker process: extract and serialise a few (path, source) files, applying the
    corrections of each (by source)."""
    corrections = corrections or {}
    plans = [PlanFile(Path(path), source) for path, source in files]
    return prepare_documents([(item, corrections.get(plan.source, ()))
                              for plan, item in zip(plans, extract_results(plans))])


def _prepare_parallel(files: list[PlanFile], workers: int,
                      corrections: "dict[str, list[Correction]] | None" = None) -> Iterator[Prepared]:
    """Prepared documents in input order, extracted by `workers` processes with a bounded number
    of chunks in flight. Workers are spawned, not forked: the parent holds the store's threads."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(CHUNK_FILES, -(-len(files) // (workers * IN_FLIGHT_PER_WORKER))))  # every worker busy
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    window = workers * IN_FLIGHT_PER_WORKER
    context = multiprocessing.get_context("spawn")
    died = "internal error: an extraction worker died"
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[tuple[list[PlanFile], Future[list[Prepared]]]] = deque()
        next_chunk = 0
        broken = False
        try:
            while pending or next_chunk < len(chunks):
                while not broken and next_chunk < len(chunks) and len(pending) < window:
                    chunk = chunks[next_chunk]
                    try:
                        future = pool.submit(_prepare_chunk, [(str(p.path), p.source) for p in chunk],
                                             {p.source: (corrections or {})[p.source] for p in chunk
                                              if p.source in (corrections or {})})
                    except BrokenProcessPool:
                        broken = True
                        break
                    pending.append((chunk, future))
                    next_chunk += 1
                if not pending:  # the pool broke before the rest could be submitted
                    for chunk in chunks[next_chunk:]:
                        yield from (Prepared(plan.path, problem=died) for plan in chunk)
                    return
                chunk, future = pending.popleft()
                try:
                    prepared = future.result()
                except BrokenProcessPool:
                    broken = True
                    prepared = [Prepared(p.path, problem=died) for p in chunk]
                except Exception as e:  # pickling or a worker-side failure outside one file
                    prepared = [Prepared(p.path, problem=_internal(e)) for p in chunk]
                for item, plan in zip(prepared, chunk):
                    item.path = plan.path  # the caller's Path object, as given
                    yield item
        finally:
            for _, future in pending:
                future.cancel()


def _internal(error: BaseException) -> str:
    return f"internal error: {type(error).__name__}: {_one_line(error)}"


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
