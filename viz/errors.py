"""The errors a user can trigger from `policykg viz`: a bad view name or parameter, a thing the
store does not hold, a machine without a CJK font. Each is a PolicyKGError with one line that
names the fix. Partner: policykg/errors.py (the base class and the store/query errors).
"""
from __future__ import annotations

from policykg.errors import PolicyKGError


class UnknownView(PolicyKGError):
    def __init__(self, name: str, available: list[str]):
        super().__init__(f"no view named {name!r}; available: {', '.join(available)}")


class MissingViewParameter(PolicyKGError):
    def __init__(self, view: str, param: str):
        super().__init__(f"view {view!r} needs --param {param}=VALUE")


class UnknownViewParameter(PolicyKGError):
    def __init__(self, view: str, param: str, declared: list[str]):
        listed = ", ".join(declared) if declared else "none"
        super().__init__(f"view {view!r} has no parameter {param!r} (declared: {listed})")


class NothingToShow(PolicyKGError):
    """The parameter names nothing the store holds (an unknown source, agency, city, indicator)."""

    def __init__(self, what: str, value: str, known: list[str]):
        shown = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
        super().__init__(f"no {what} {value!r} in the store; known: {shown or 'none'}")


class NoCJKFont(PolicyKGError):
    def __init__(self) -> None:
        super().__init__("no CJK font found for the charts: reinstall policykg (its dependency "
                         "noto-cjk-sans-otc ships one) or install one (Debian: apt-get install fonts-wqy-microhei)")
