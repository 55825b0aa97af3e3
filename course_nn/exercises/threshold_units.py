"""Checkers for notebook 01's exercises (threshold units and linear learning rules).

Every checker returns a ``CheckResult``, never raises, accepts any numeric form of a right
answer (see ``course_nn.exercises.result``) and never restates the answer when it is right.
"""

from __future__ import annotations

import numpy as np

from course_nn.data import logic_function
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    THREE_FIGURES,
    CheckResult,
    answer_array,
    answer_number,
    closeness,
    correct,
    near_message,
    never_raises,
    not_yet,
)
from course_nn.linear_rules import sgd_step
from course_nn.threshold_units import threshold_unit

#: Exercise 3: one example (bias entry first) for one incremental Widrow-Hoff step.
LMS_EXAMPLE = (1.0, 0.5, 1.5)


def _wrong_rows(X: np.ndarray, got: np.ndarray, want: np.ndarray) -> str:
    rows = [f"{tuple(int(v) for v in x)} -> {int(g)} (want {int(w)})"
            for x, g, w in zip(X, got, want, strict=True) if g != w]
    return "; ".join(rows)


# --- exercise 1: NAND -------------------------------------------------------------------------


@never_raises
def check_nand_unit(weights, threshold) -> CheckResult:
    """Exercise 1: weights (2,) and a threshold making one threshold unit compute NAND."""
    w = answer_array(weights, "weights", (2,))
    if isinstance(w, CheckResult):
        return w
    T = answer_number(threshold, "threshold")
    if isinstance(T, CheckResult):
        return T
    X, want = logic_function("nand")
    got = threshold_unit(X, w, T)
    if np.array_equal(got, want):
        return correct("The unit computes NAND on all four rows.")
    return not_yet("wrong on " + _wrong_rows(X, got, want) + ".")


# --- exercise 2 (coding): the perceptron criterion's SGD step ---------------------------------


def perceptron_criterion_reference(w, x, y, learning_rate):
    """The reference for exercise 2: ``sgd_step`` on the perceptron criterion."""
    return sgd_step(w, x, y, learning_rate, loss="perceptron")


def perceptron_criterion_cases() -> tuple[list[tuple], list[tuple]]:
    """Exercise 2's test cases: examples off the boundary, then examples on it (w . x = 0)."""
    rng = np.random.default_rng(2024)
    off = []
    for _ in range(12):
        w, x = rng.standard_normal(3), rng.standard_normal(3)
        off.append((w, x, float(rng.choice([-1.0, 1.0])), float(rng.choice([0.1, 0.5, 2.0]))))
    x = np.array([1.0, 2.0, -1.0])
    w_orthogonal = np.array([1.0, 0.0, 1.0])  # w . x = 0
    on = [(np.zeros(3), x, 1.0, 0.5), (np.zeros(3), x, -1.0, 0.5),
          (w_orthogonal, x, 1.0, 1.0), (w_orthogonal, x, -1.0, 1.0)]
    return off, on


@never_raises
def check_perceptron_criterion_step(candidate) -> CheckResult:
    """Exercise 2: ``candidate(w, x, y, learning_rate)`` must return the new weights (d,)."""
    off, on = perceptron_criterion_cases()
    result = check_function(
        candidate, "perceptron_criterion_step", perceptron_criterion_reference, off,
        hint="Step only on a mistake (y w . x < 0), and then by + learning_rate * y * x.",
    )
    if not result:
        return result
    result = check_function(
        candidate, "perceptron_criterion_step", perceptron_criterion_reference, on,
        hint="These examples lie on the boundary, w . x = 0, where the unit outputs +1: a +1 "
             "example is right there, a -1 example is a mistake.",
    )
    if not result:
        return result
    return correct("Your step agrees with the package's on every test case, boundary included.")


# --- exercise 3: the largest safe rate for one LMS step ---------------------------------------


def lms_single_example_rate() -> float:
    """The rate above which one Widrow-Hoff step on ``LMS_EXAMPLE`` increases its error."""
    x = np.asarray(LMS_EXAMPLE)
    return float(2.0 / (x @ x))


@never_raises
def check_lms_single_example_rate(rate) -> CheckResult:
    """Exercise 3: the largest R for which one LMS step does not increase the error on
    ``LMS_EXAMPLE`` (3 significant figures)."""
    value = answer_number(rate, "rate")
    if isinstance(value, CheckResult):
        return value
    want = lms_single_example_rate()
    verdict = closeness(value, want, THREE_FIGURES)
    if verdict == "right":
        return correct("Beyond it the step overshoots the target by more than the error it "
                       "started with.")
    if closeness(value, want / 2, THREE_FIGURES) == "right":
        return not_yet("that rate lands the output exactly on the target; the error only grows "
                       "once the step overshoots by more than it started with.")
    x = np.asarray(LMS_EXAMPLE)
    if closeness(value, 2.0 / (x[1:] @ x[1:]), THREE_FIGURES) == "right":
        return not_yet("the bias input is part of x too: include its 1 in the squared length.")
    if verdict == "near":
        return near_message("rate")
    hint = "too small" if value < want else "too large"
    return not_yet(f"that is {hint}. Write the error after the step as a multiple of the error "
                   "before it and ask when that multiple has size at most 1.")
