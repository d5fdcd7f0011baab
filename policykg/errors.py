"""Every error a user can trigger, in one place, each with a message that names the thing and the fix.

The CLI turns these into one line on stderr and exit code 1 (never a traceback); the Python API
raises them as they are. Partner: policykg/cli/_util.py (how they are shown).
"""
from __future__ import annotations


class PolicyKGError(Exception):
    """Base class: the message is complete and fit to show a user as it is."""


class UnreadableDocument(PolicyKGError):
    """A file that cannot be read or decoded as a plan."""

    def __init__(self, path: str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class QueryNotFound(PolicyKGError):
    def __init__(self, name: str, available: list[str]):
        self.name = name
        self.available = available
        super().__init__(f"no query named {name!r}; available: {', '.join(sorted(available))}")


class MissingParameter(PolicyKGError):
    def __init__(self, query: str, param: str):
        super().__init__(f"query {query!r} needs --param {param}=VALUE")


class UnknownParameter(PolicyKGError):
    def __init__(self, query: str, param: str, declared: list[str]):
        listed = ", ".join(declared) if declared else "none"
        super().__init__(f"query {query!r} has no parameter {param!r} (declared: {listed})")


class BadQueryFile(PolicyKGError):
    """A .rq file whose header or SPARQL is not usable."""


class StoreNotFound(PolicyKGError):
    def __init__(self, path: str):
        super().__init__(f"no store at {path}: build one first with `policykg build --store {path} data/`")


class StoreLocked(PolicyKGError):
    def __init__(self, path: str):
        super().__init__(f"the store at {path} is locked by another policykg process that has it open for "
                         "writing (a build, restore, query or other command still running; `policykg serve` "
                         "opens stores read-only and never takes this lock): wait for it to finish")


class StoreDamaged(PolicyKGError):
    """The database files of a store cannot be read (a disk fault, a copy cut short)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"the store at {path} is damaged ({problem}); rebuild it with "
                         f"`policykg build --store NEW PLANS` or `policykg restore DUMP --store NEW`")


class QueryFailed(PolicyKGError):
    """The SPARQL engine rejected or failed a query."""


class NothingSelected(PolicyKGError):
    """An export selector (--plan, --city, --agency, ...) that matches nothing in the store."""

    def __init__(self, selector: str, value: str, hint: str = ""):
        self.selector = selector
        self.value = value
        super().__init__(f"{selector} {value!r} matches nothing in the store" + (f"; {hint}" if hint else ""))


class DocumentNotFound(PolicyKGError):
    """A document (source file name) that is not in the store, or whose file cannot be found."""
