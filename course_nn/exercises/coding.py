"""Checking a function the reader wrote: run it on test cases and compare with the reference.

Coding exercises give the reader a stub (``def tanh_backward(dout, out): return None``) and a
checker that calls :func:`check_function` with the package's own implementation as reference.
The verdict says what went wrong (still ``None``, an exception, a wrong shape, wrong values and
on which case) without printing the reference's numbers, and never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from course_nn.exercises.result import CheckResult, _to_numpy, correct, not_yet


def _describe(args: Sequence) -> str:
    parts = []
    for a in args:
        shape = np.shape(a)
        if shape:
            parts.append(f"shape {shape}")
        elif isinstance(a, float | np.floating):
            parts.append(f"{float(a):.3g}")
        else:
            parts.append(repr(a))
    return ", ".join(parts)


def _as_outputs(value, count: int):
    """A tuple of ``count`` NumPy arrays, or a string saying why ``value`` is not one."""
    if count == 1:
        value = (value,)
    elif not isinstance(value, tuple | list) or len(value) != count:
        return f"should return {count} values (a tuple), got {type(value).__name__}"
    out = []
    for item in value:
        array = _to_numpy(item)
        if isinstance(array, str):
            return "returned something that " + array.rstrip(".")
        out.append(array)
    return tuple(out)


def check_function(
    candidate,
    name: str,
    reference: Callable,
    cases: Sequence[Sequence],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str = "",
) -> CheckResult:
    """Compare ``candidate(*case)`` with ``reference(*case)`` for every case in ``cases``.

    ``reference`` returns one array or a tuple of arrays; the candidate must return the same
    number, each of the same shape and within ``rtol``/``atol``. Inputs are copied before each
    call, so a candidate that modifies its arguments cannot spoil the reference. ``hint`` is
    added to a wrong-values verdict (e.g. which formula to look at again).
    """
    if not callable(candidate):
        return not_yet(f"{name} should be a function, got {type(candidate).__name__}.")
    for i, case in enumerate(cases, start=1):
        want = reference(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in case])
        count = len(want) if isinstance(want, tuple) else 1
        want = want if isinstance(want, tuple) else (want,)
        try:
            got = candidate(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in case])
        except Exception as error:  # the reader's code may fail in any way
            return not_yet(f"{name}({_describe(case)}) raised {type(error).__name__}: {error}")
        if got is None:
            return not_yet(f"{name} still returns None: write its body.")
        got = _as_outputs(got, count)
        if isinstance(got, str):
            return not_yet(f"{name} {got}.")
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            label = name if count == 1 else f"{name}'s output {k + 1}"
            if g.shape != np.shape(w):
                return not_yet(f"{label} has shape {g.shape} for inputs {_describe(case)}; "
                               f"expected {np.shape(w)}.")
            if not np.allclose(g, w, rtol=rtol, atol=atol):
                wrong = int(np.sum(~np.isclose(g, w, rtol=rtol, atol=atol)))
                return not_yet(f"{label} is wrong in {wrong} of {np.size(w)} entries on test "
                               f"case {i} (inputs {_describe(case)}).{' ' + hint if hint else ''}")
    return correct(f"{name} agrees with the reference on all {len(cases)} test cases.")
