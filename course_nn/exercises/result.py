"""The verdict every exercise checker returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """Whether an answer is right (``ok``) and a sentence saying why (``message``)."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("Correct: " if self.ok else "Not yet: ") + self.message


def correct(message: str) -> CheckResult:
    return CheckResult(True, message)


def not_yet(message: str) -> CheckResult:
    return CheckResult(False, message)
