"""Checkers for notebook 09's exercises (gradient clipping and the LSTM).

- ``check_clip_by_norm(fn)``: a coding exercise, the reader's ``clip_by_norm(grads, threshold)``
  on several sets of gradient arrays against ``clipping.clip_arrays_by_norm`` (which the tests
  check against ``torch.nn.utils.clip_grad_norm_``).
- ``check_value_clipping_angle(answer)``: by how many degrees clipping by value turns a step.
- ``check_forget_gate_backward(fn)``: a coding exercise, dE/d(forget-gate pre-activation).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_nn import clipping
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    CheckResult,
    answer_array,
    answer_number,
    closeness,
    correct,
    near_message,
    never_raises,
    not_yet,
)

# --- exercise: clipping by the global norm ------------------------------------------------------


def reference_clip_by_norm(grads, threshold):
    """Clipped copies of ``grads`` (a list of arrays) by their global norm: a tuple."""
    return clipping.clip_arrays_by_norm(grads, threshold)


def clip_by_norm_cases() -> list[tuple[list[np.ndarray], float]]:
    """The gradient sets the reader's function is tried on (each a list of >= 2 arrays):
    norm far above, just above, exactly at and below the threshold, and all zeros."""
    rng = np.random.default_rng(9)
    big = [rng.standard_normal((3, 2)) * 4, rng.standard_normal(2) * 4]
    mixed = [rng.standard_normal((2, 3)), rng.standard_normal(3) * 0.1,
             rng.standard_normal((4, 1)) * 5]
    return [
        (big, 1.0),
        (mixed, 2.5),
        ([np.array([3.0, 0.0]), np.array([[4.0]])], 5.0),            # norm exactly 5: unchanged
        ([rng.standard_normal(3) * 0.1, rng.standard_normal((2, 2)) * 0.1], 10.0),
        ([np.zeros(3), np.zeros((2, 2))], 1.0),                       # zero gradient stays zero
        ([np.array([1e200, -2e200]), np.array([3e199])], 1.0),        # no overflow in the squares
    ]


def _outputs(got, want, case_number: int):
    """The reader's result as arrays shaped like ``want``, or a CheckResult saying why not."""
    if got is None:
        return not_yet("clip_by_norm still returns None: write its body (return the clipped "
                       "arrays as a list).")
    if isinstance(got, np.ndarray) or not isinstance(got, Sequence) or len(got) != len(want):
        return not_yet(f"clip_by_norm should return a list of {len(want)} arrays, one per "
                       f"gradient (test case {case_number}), got {type(got).__name__}.")
    out = []
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        array = answer_array(g, f"array {k + 1} of the result", w.shape)
        if isinstance(array, CheckResult) and "finite" in array.message:
            what = ("all-zero gradients (divide only when clipping)" if case_number == 5 else
                    "gradients near 1e200 (the squares overflow: divide by the largest entry "
                    "first)" if case_number == 6 else f"test case {case_number}")
            return not_yet(f"clip_by_norm returned NaN or infinity on {what}.")
        if isinstance(array, CheckResult):
            return array
        out.append(array)
    return out


def _diagnose(got, grads, threshold) -> str:
    """A hint for the commonest slips, or ''."""
    def same(candidates):
        return all(np.allclose(g, c, rtol=1e-6, atol=1e-12)
                   for g, c in zip(got, candidates, strict=True))

    if all(not np.any(g) for g in got) and any(np.any(g) for g in grads):
        return ("Your result is all zeros: the sum of squares overflowed to inf (1e200 squared "
                "is beyond float64). Divide by the largest magnitude first, then multiply the "
                "norm back.")
    if same([clipping.clip_norm(g, threshold) for g in grads]):
        return ("You clipped each array by its own norm; clip by the global norm of all of "
                "them together, so that the step keeps its direction.")
    if same([clipping.clip_value(g, threshold) for g in grads]):
        return "That is clipping by value; clip by the norm: rescale, do not clamp entries."
    norm = np.sqrt(sum(np.sum(g.astype(float) ** 2) for g in grads))
    if norm > 0 and same([g * threshold / norm for g in grads]):
        return ("You rescaled every time; leave the gradients unchanged when their norm is "
                "already at most the threshold.")
    if norm > 0 and same([g * min(1.0, threshold / norm**2) for g in grads]):
        return "The norm is the square root of the sum of squares."
    return ""


@never_raises
def check_clip_by_norm(candidate) -> CheckResult:
    """``candidate(grads, threshold)``: ``grads`` a list of arrays; returns clipped copies."""
    if not callable(candidate):
        return not_yet(f"clip_by_norm should be a function, got {type(candidate).__name__}.")
    cases = clip_by_norm_cases()
    for number, (grads, threshold) in enumerate(cases, start=1):
        want = reference_clip_by_norm(grads, threshold)
        try:
            with np.errstate(all="ignore"):
                got = candidate([g.copy() for g in grads], threshold)
        except Exception as error:  # the reader's code may fail in any way
            return not_yet(f"clip_by_norm raised {type(error).__name__}: {error} "
                           f"(test case {number}).")
        got = _outputs(got, want, number)
        if isinstance(got, CheckResult):
            return got
        if not all(np.allclose(g, w, rtol=1e-6, atol=1e-12)
                   for g, w in zip(got, want, strict=True)):
            with np.errstate(all="ignore"):
                hint = _diagnose(got, grads, threshold)
            return not_yet(f"clip_by_norm gives wrong values on test case {number} (norm "
                           f"{'above' if number <= 2 or number == 6 else 'at or below'} the "
                           f"threshold).{' ' + hint if hint else ''}")
    return correct(f"clip_by_norm agrees with course_nn's clipping (itself tested against "
                   f"torch.nn.utils.clip_grad_norm_) on all {len(cases)} gradient sets, "
                   "including a zero gradient, a norm exactly at the threshold and gradients "
                   "near 1e200.")


# --- exercise: how far clipping by value turns a step ------------------------------------------

#: The gradient and the bound of the value-clipping exercise.
ANGLE_GRADIENT = np.array([4.0, 1.0])
ANGLE_BOUND = 1.0


def value_clipping_angle() -> float:
    """Degrees between ``ANGLE_GRADIENT`` and its value-clipped copy."""
    g = ANGLE_GRADIENT
    c = clipping.clip_value(g, ANGLE_BOUND)
    cosine = g @ c / (np.linalg.norm(g) * np.linalg.norm(c))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


@never_raises
def check_value_clipping_angle(answer) -> CheckResult:
    """The angle, in degrees to 3 significant figures, between g = (4, 1) and g clipped by
    value at 1."""
    value = answer_number(answer, "angle")
    if isinstance(value, CheckResult):
        return value
    want = value_clipping_angle()
    verdict = closeness(value, want)
    if verdict == "right":
        return correct("Clipping by value changed the direction of the step; clipping by norm "
                       "would have turned it by 0 degrees.")
    if closeness(value, np.radians(want)) == "right":
        return not_yet("that looks like radians; give the angle in degrees.")
    if value == 0:
        return not_yet("clipping by norm keeps the direction; clipping by value clamps each "
                       "entry separately, which does not.")
    one_axis = (45.0, float(np.degrees(np.arctan(0.25))))
    if any(closeness(value, a) == "right" for a in one_axis):
        return not_yet("that is the angle of one vector to the first axis; give the angle "
                       "between the two vectors (the difference of their angles).")
    if verdict == "near":
        return near_message("the angle")
    return not_yet(f"{value:g} is not the angle between (4, 1) and its clipped copy; clip each "
                   "entry to [-1, 1], then use cos(angle) = u.v / (|u| |v|).")


# --- exercise: the forget gate's backward -------------------------------------------------------


def reference_forget_gate_backward(dc, c_prev, f):
    """dE/da_f for ``f = sigmoid(a_f)``, ``c_t = f c_prev + i g``, given ``dc = dE/dc_t``
    (everything after the step, already summed); all (N, H)."""
    return dc * c_prev * f * (1.0 - f)


def _forget_cases():
    rng = np.random.default_rng(10)
    return [(rng.standard_normal((n, h)), rng.standard_normal((n, h)),
             rng.uniform(0.05, 0.95, size=(n, h))) for n, h in ((1, 3), (4, 2), (3, 5))]


@never_raises
def check_forget_gate_backward(candidate) -> CheckResult:
    """``candidate(dc, c_prev, f)`` must return dE/da_f (N, H)."""
    verdict = check_function(candidate, "forget_gate_backward", reference_forget_gate_backward,
                             _forget_cases())
    if verdict:
        return correct("It agrees with the forget-gate block of course_nn's LSTM backward, "
                       "itself checked against finite differences and torch.nn.LSTM.")
    if "wrong in" not in verdict.message:
        return verdict
    dc, c_prev, f = _forget_cases()[1]
    got = np.asarray(candidate(dc.copy(), c_prev.copy(), f.copy()), dtype=float)
    if got.shape == dc.shape and np.allclose(got, dc * c_prev):
        return not_yet("that is dE/df; the gate is f = sigmoid(a_f), so multiply by "
                       "sigmoid'(a_f) = f (1 - f).")
    if got.shape == dc.shape and np.allclose(got, dc * f * (1 - f)):
        return not_yet("c_t = f c_prev + ..., so dc_t/df = c_prev: multiply by c_prev too.")
    return verdict
