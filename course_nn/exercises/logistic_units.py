"""Checkers for notebook 02's exercises (logistic units).

Every checker returns a ``CheckResult``, never raises, accepts any numeric form of a right
answer (see ``course_nn.exercises.result``) and never restates the answer when it is right.
"""

from __future__ import annotations

import numpy as np

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
from course_nn.logistic import logistic_loss_and_grad

#: Exercise 1: the output of a logistic unit at which to give the slope do/dnet.
SLOPE_OUTPUT = 0.8

#: Exercise 3: one gradient step of a logistic unit on the cross-entropy, for one example.
CROSS_ENTROPY_STEP = {
    "w": [1.0, -1.0],
    "T": 1.0,
    "x": [2.0, 1.0],
    "t": 0.0,
    "learning_rate": 0.5,
}

#: Exercise 4: the sigmoid 1 / (1 + exp(-k (x - T))) must take these values at these x.
STEEPNESS_TARGETS = ((2.0, 0.5), (3.0, 0.9))


# --- exercise 1: the slope from the output ----------------------------------------------------


@never_raises
def check_sigmoid_slope(slope) -> CheckResult:
    """Exercise 1: do/dnet of a logistic unit whose output is ``SLOPE_OUTPUT`` (3 figures)."""
    value = answer_number(slope, "slope")
    if isinstance(value, CheckResult):
        return value
    o = SLOPE_OUTPUT
    verdict = closeness(value, o * (1.0 - o), THREE_FIGURES)
    if verdict == "right":
        return correct("The slope comes from the output alone, with no exponential.")
    if closeness(value, o) == "right":
        return not_yet("that is the output o itself; the slope is written with o, not equal to it.")
    if closeness(value, 1.0 - o) == "right":
        return not_yet("that is 1 - o; the slope is the product of o and 1 - o.")
    if closeness(-value, o * (1.0 - o)) == "right":
        return not_yet("the sign is off: the sigmoid only ever increases, so its slope is > 0.")
    if verdict == "near":
        return near_message("slope")
    return not_yet(f"{value:.4g} is not o (1 - o) at o = {o}.")


# --- exercise 2 (coding): the gradients of a tanh unit ----------------------------------------


def reference_tanh_unit_loss_and_grad(X, t, w, T):
    """Exercise 2's reference: a tanh unit ``o = tanh(X @ w - T)`` on the summed squared error.

    X: (N, D); t: (N,) targets in [-1, 1]; w: (D,); T: a number. Returns
    ``(E, dE/dw of shape (D,), dE/dT)`` with ``E = 1/2 sum_n (t_n - o_n)^2``. The chain rule
    is the logistic unit's with the slope ``1 - o^2`` in place of ``o (1 - o)``:
    ``delta_n = -(t_n - o_n)(1 - o_n^2)``, ``dE/dw = X^T delta``, ``dE/dT = -sum_n delta_n``.
    """
    o = np.tanh(X @ w - T)
    delta = -(t - o) * (1.0 - o**2)
    return 0.5 * float(np.sum((t - o) ** 2)), X.T @ delta, -float(np.sum(delta))


def _tanh_cases() -> list[tuple]:
    """Fixed test cases: several shapes, targets at and inside +-1, one single example."""
    rng = np.random.default_rng(20260202)
    cases = []
    for n, d in ((5, 2), (1, 3), (8, 1), (12, 4)):
        X = rng.standard_normal((n, d))
        t = rng.choice([-1.0, 1.0], size=n) if d != 4 else rng.uniform(-1.0, 1.0, size=n)
        cases.append((X, t, rng.standard_normal(d), float(rng.standard_normal())))
    return cases


def _tanh_slips(X, t, w, T) -> dict[str, tuple]:
    """Outputs of common wrong versions on one case, with what to tell the reader."""
    o = np.tanh(X @ w - T)
    E = 0.5 * float(np.sum((t - o) ** 2))

    def grads(delta):
        return X.T @ delta, -float(np.sum(delta))

    return {
        "the slope o (1 - o) is the sigmoid's; tanh's slope is 1 - o^2.":
            (E, *grads(-(t - o) * o * (1.0 - o))),
        "the threshold is subtracted from net, so dE/dT = -sum_n delta_n.":
            (E, X.T @ (-(t - o) * (1.0 - o**2)), float(np.sum(-(t - o) * (1.0 - o**2)))),
        "the chain rule needs tanh's slope 1 - o^2 as a factor of delta.":
            (E, *grads(-(t - o))),
        "the sign of delta: dE/do = -(t - o), so delta = -(t - o)(1 - o^2).":
            (E, *grads((t - o) * (1.0 - o**2))),
        "the loss is the sum over examples, not the mean (no division by N).":
            (E / len(t), *(g / len(t) for g in grads(-(t - o) * (1.0 - o**2)))),
    }


def _matches(got, want) -> bool:
    try:
        return len(got) == len(want) and all(
            np.shape(g) == np.shape(w) and np.allclose(np.asarray(g, dtype=float), w,
                                                       rtol=1e-6, atol=1e-9)
            for g, w in zip(got, want, strict=True))
    except Exception:  # the reader's output may be anything at all
        return False


@never_raises
def check_tanh_unit(candidate) -> CheckResult:
    """Exercise 2: ``candidate(X, t, w, T) -> (E, dE/dw, dE/dT)`` for a tanh unit, summed error.

    Compared with ``reference_tanh_unit_loss_and_grad`` on fixed cases of several shapes; a
    common slip (the sigmoid's slope, the threshold's sign, the mean) is named.
    """
    cases = _tanh_cases()
    result = check_function(candidate, "tanh_unit_loss_and_grad",
                            reference_tanh_unit_loss_and_grad, cases,
                            hint="Write delta_n = dE_n/dz_n first, then dE/dw and dE/dT.")
    if result.ok or not callable(candidate):
        return result
    X, t, w, T = cases[0]
    try:
        got = candidate(X.copy(), t.copy(), w.copy(), T)
    except Exception:
        return result
    if isinstance(got, tuple | list):
        for advice, slip in _tanh_slips(X, t, w, T).items():
            if _matches(got, slip):
                return not_yet(f"the values match a common slip: {advice}")
    return result


# --- exercise 3: one cross-entropy step -------------------------------------------------------


def _one_step(loss: str) -> tuple[np.ndarray, float]:
    p = CROSS_ENTROPY_STEP
    _, grad_w, grad_T = logistic_loss_and_grad(
        np.array([p["x"]]), np.array([p["t"]]), p["w"], p["T"], loss=loss
    )
    rate = p["learning_rate"]
    return np.asarray(p["w"]) - rate * grad_w, p["T"] - rate * grad_T


@never_raises
def check_cross_entropy_step(new_weights, new_threshold) -> CheckResult:
    """Exercise 3: weights and threshold after one cross-entropy step on ``CROSS_ENTROPY_STEP``."""
    w_new = answer_array(new_weights, "new_weights", (2,))
    if isinstance(w_new, CheckResult):
        return w_new
    T_new = answer_number(new_threshold, "new_threshold")
    if isinstance(T_new, CheckResult):
        return T_new
    want_w, want_T = _one_step("cross_entropy")
    p = CROSS_ENTROPY_STEP
    w0, x = np.asarray(p["w"]), np.asarray(p["x"])
    w_verdict, T_verdict = closeness(w_new, want_w), closeness(T_new, want_T)
    if w_verdict == "right" and T_verdict == "right":
        return correct("For the cross-entropy delta is just o - t: the weights move against "
                       "the input and the threshold rises, because the output was too high.")
    move = want_T - p["T"]  # = R (o - t), how far the threshold rises
    if closeness(w_new, _one_step("squared")[0]) == "right":
        return not_yet("that is the squared-error step, with its extra factor o (1 - o); the "
                       "cross-entropy's delta is just o - t.")
    if w_verdict == "right":
        if closeness(T_new, p["T"] - move) == "right":
            return not_yet("the weights are right, but the threshold moved the wrong way: it "
                           "is subtracted from net, so dE/dT = -delta and T rises when the "
                           "output is too high.")
        if T_verdict == "near":
            return near_message("new_threshold")
        return not_yet("the weights are right; now move the threshold by -R dE/dT with "
                       "dE/dT = -(o - t).")
    if closeness(w_new, w0 + move * x) == "right":
        return not_yet("the weights moved the wrong way: the output is too high, so weights on "
                       "positive inputs must shrink.")
    if closeness(w_new, w0) == "right":
        return not_yet("the weights did not change, but o and t differ.")
    if w_verdict == "near":
        return near_message("new_weights")
    return not_yet(f"{w_new.tolist()} is not w - R (o - t) x.")


# --- exercise 4: steepness and threshold from two points --------------------------------------


@never_raises
def check_steepness_and_threshold(steepness, threshold) -> CheckResult:
    """Exercise 4: k and T (3 figures) with ``1 / (1 + exp(-k (x - T)))`` through
    ``STEEPNESS_TARGETS``: 0.5 at x = 2 and 0.9 at x = 3."""
    k = answer_number(steepness, "steepness")
    if isinstance(k, CheckResult):
        return k
    T = answer_number(threshold, "threshold")
    if isinstance(T, CheckResult):
        return T
    (x_half, _), (x_high, y_high) = STEEPNESS_TARGETS
    T_verdict = closeness(T, x_half)
    if T_verdict != "right":
        if closeness(-T, x_half) == "right":
            return not_yet("T has the wrong sign: the curve crosses 0.5 where x - T = 0.")
        if T_verdict == "near":
            return near_message("threshold")
        return not_yet(f"with T = {T:g} the curve crosses 0.5 at x = {T:g}, which is not "
                       "where the first point asks for it.")
    want_k = float(np.log(y_high / (1.0 - y_high)))
    k_verdict = closeness(k, want_k)
    if k_verdict == "right":
        return correct("The threshold puts the midpoint in place, and the steepness sets the "
                       "odds of the output at the second point.")
    if closeness(k, y_high / (1.0 - y_high)) == "right":
        return not_yet("close in spirit: that is exp(k); k is its natural logarithm.")
    if closeness(k, float(np.log10(y_high / (1.0 - y_high)))) == "right":
        return not_yet("that is a base-10 logarithm; exp needs the natural logarithm.")
    if closeness(-k, want_k) == "right":
        return not_yet("k has the wrong sign: the curve must rise from 0.5 to 0.9.")
    if k_verdict == "near":
        return near_message("steepness")
    value = 1.0 / (1.0 + np.exp(-k * (x_high - T)))
    return not_yet(f"T is right; with k = {k:g} the output at x = {x_high:g} is {value:.4f}, "
                   f"not {y_high}.")
