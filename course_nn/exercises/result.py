"""The verdict every exercise checker returns, and the answer parsing all checkers share.

Checkers never raise and never accept a non-numeric answer. A number may come in any numeric
form a reader is likely to produce: a Python ``int``, ``float`` or ``Fraction``, a NumPy
scalar of any precision, a one-element array or list, a torch tensor (even one that requires
gradients or lives on a GPU). Answers asked "to 3 significant figures" are compared with a
relative tolerance of 0.5%, and an answer within a few per cent is told to give more digits.

A **correct** verdict never restates the answer: solution cells print it, and the website shows
their output only when the reader opens the solution.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Relative tolerance for an answer the text asks for to 3 significant figures.
THREE_FIGURES = 5e-3
#: Within this relative distance (but outside the tolerance) the reader is told "close".
NEAR = 5e-2


@dataclass(frozen=True)
class CheckResult:
    """Whether an answer is right (``ok``) and a sentence saying why (``message``)."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            return "Correct." + (f" {self.message}" if self.message else "")
        return "Not yet: " + self.message


def correct(message: str = "") -> CheckResult:
    """A right answer; ``message`` may say why it is right but must not restate the answer."""
    return CheckResult(True, message)


def not_yet(message: str) -> CheckResult:
    return CheckResult(False, message)


def never_raises(checker: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
    """Wrap a checker so that any unexpected error becomes a "Not yet" verdict, not a traceback."""

    @functools.wraps(checker)
    def wrapped(*args, **kwargs) -> CheckResult:
        try:
            return checker(*args, **kwargs)
        except Exception as error:  # the reader's answer may be anything at all
            return not_yet(
                f"the checker could not use this answer ({type(error).__name__}: {error})."
            )

    return wrapped


def _to_numpy(answer):
    """NumPy view of an answer, or a string saying why it is not numbers (never raises)."""
    if answer is None:
        return "is still None: replace it with your answer."
    if isinstance(answer, str | bytes):
        return f"should be a number, not the text {answer!r}."
    if isinstance(answer, bool | np.bool_):
        return f"should be a number, not {answer!r}."
    if hasattr(answer, "detach") and hasattr(answer, "cpu"):  # a torch tensor
        answer = answer.detach().cpu().numpy()
    if isinstance(answer, numbers.Real) and not isinstance(answer, np.generic):
        return np.asarray(float(answer))  # int, float, Fraction, Decimal-like
    try:
        raw = np.asarray(answer)
    except (TypeError, ValueError):
        return f"should be numbers, got {answer!r}."
    if raw.dtype == object:
        try:
            raw = np.asarray(
                [float(x) if isinstance(x, numbers.Real) and not isinstance(x, bool) else x
                 for x in raw.ravel()]
            ).reshape(raw.shape)
        except (TypeError, ValueError):
            return f"should be numbers, got {answer!r}."
    if raw.dtype == bool or not (np.issubdtype(raw.dtype, np.integer)
                                 or np.issubdtype(raw.dtype, np.floating)):
        if np.iscomplexobj(raw):
            return f"should be real numbers, got {answer!r}."
        return f"should be numbers, got {answer!r}."
    return raw.astype(np.float64)


def answer_array(answer, name: str, shape: tuple[int, ...]):
    """The reader's answer as a float64 array of ``shape``, or a ``CheckResult`` saying what is
    wrong with it (still None, text, not numbers, wrong shape, not finite). Never raises.

    Extra length-1 dimensions are forgiven: ``[[0.5, 1.0]]`` is accepted for shape ``(2,)`` and
    ``np.array([0.16])`` for a single number ``()``.
    """
    array = _to_numpy(answer)
    if isinstance(array, str):
        return not_yet(f"{name} {array}")
    if array.shape != tuple(shape) and array.size == int(np.prod(shape, dtype=int)):
        if np.squeeze(array).shape == tuple(d for d in shape if d != 1):
            array = array.reshape(shape)
    if array.shape != tuple(shape):
        return not_yet(f"{name} should have shape {tuple(shape)}, got {array.shape}.")
    if not np.all(np.isfinite(array)):
        return not_yet(f"{name} should be finite numbers, got {array.tolist()}.")
    return array


def answer_number(answer, name: str):
    """The reader's answer as a Python float, or a ``CheckResult`` saying what is wrong."""
    value = answer_array(answer, name, ())
    return value if isinstance(value, CheckResult) else float(value)


def closeness(value, want, rtol: float = THREE_FIGURES) -> str:
    """``"right"`` within ``rtol`` (relative), ``"near"`` within ``NEAR``, else ``"wrong"``.

    Works entry-wise on arrays (all entries must qualify). A target of 0 is compared with an
    absolute tolerance of ``rtol`` instead.
    """
    value = np.asarray(value, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    scale = np.where(want == 0, 1.0, np.abs(want))
    gap = np.abs(value - want) / scale
    if np.all(gap <= rtol):
        return "right"
    if np.all(gap <= max(NEAR, 10 * rtol)):
        return "near"
    return "wrong"


def near_message(name: str) -> CheckResult:
    return not_yet(f"close: {name} is within a few per cent; give more digits "
                   "(at least 3 significant figures) or check the rounding.")
