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


def answer_array(answer, name: str, shape: tuple[int, ...]):
    """The reader's answer as a float array of ``shape``, or a ``CheckResult`` saying what is
    wrong with it (still None, not numbers, complex, wrong shape, not finite). Never raises."""
    import numpy as np

    if answer is None:
        return not_yet(f"{name} is still None: replace it with your answer.")
    try:
        raw = np.asarray(answer)
        if raw.dtype == object:
            return not_yet(f"{name} should be numbers, got {answer!r}")
        if np.iscomplexobj(raw):
            return not_yet(f"{name} should be real numbers, got {answer!r}")
        array = raw.astype(np.float64)
    except (TypeError, ValueError):
        return not_yet(f"{name} should be numbers, got {answer!r}")
    if array.shape != shape:
        return not_yet(f"{name} should have shape {shape}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        return not_yet(f"{name} should be finite numbers, got {array.tolist()}")
    return array
