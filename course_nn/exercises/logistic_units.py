"""Checkers for notebook 02's exercises (logistic units)."""

from __future__ import annotations

import numpy as np

from course_nn.exercises.result import CheckResult, answer_array, correct, not_yet
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


def check_sigmoid_slope(slope) -> CheckResult:
    """Exercise 1: do/dnet of a logistic unit whose output is ``SLOPE_OUTPUT`` (within 1e-3)."""
    s = answer_array(slope, "slope", ())
    if isinstance(s, CheckResult):
        return s
    o = SLOPE_OUTPUT
    want = o * (1.0 - o)
    value = float(s)
    if abs(value - want) <= 1e-3:
        return correct(f"do/dnet = o (1 - o) = {o} x {1 - o:.1f} = {want:.2f}.")
    if abs(value - o) <= 1e-3:
        return not_yet("that is the output o itself; the slope is written with o, not equal to it.")
    if abs(value - (1.0 - o)) <= 1e-3:
        return not_yet("that is 1 - o; the slope is the product of o and 1 - o.")
    if abs(value + want) <= 1e-3:
        return not_yet("the sign is off: the sigmoid only ever increases, so its slope is > 0.")
    return not_yet(f"{value:.4g} is not o (1 - o) at o = {o}.")


def stack_exercise_layers() -> list[tuple[np.ndarray, np.ndarray]]:
    """Exercise 2's two linear layers ``x -> x @ W + b``, as ``[(W1, b1), (W2, b2)]``.

    W1: (3, 4), b1: (4,), W2: (4, 2), b2: (2,), all small integers.
    """
    W1 = np.array([[1.0, 0.0, -1.0, 2.0], [0.0, 1.0, 1.0, -1.0], [2.0, -1.0, 0.0, 1.0]])
    b1 = np.array([1.0, -2.0, 0.0, 1.0])
    W2 = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 1.0], [-1.0, 3.0]])
    b2 = np.array([0.5, -0.5])
    return [(W1, b1), (W2, b2)]


def check_collapsed_linear(weight, bias) -> CheckResult:
    """Exercise 2: one layer ``x @ weight + bias`` equal to the two of ``stack_exercise_layers``."""
    (W1, b1), (W2, b2) = stack_exercise_layers()
    W = answer_array(weight, "weight", (W1.shape[0], W2.shape[1]))
    if isinstance(W, CheckResult):
        if W.message.endswith("got (2, 3)"):
            return not_yet("weight has shape (2, 3), the transpose: with x @ W a weight "
                           "matrix has one row per input and one column per output, (3, 2).")
        return W
    b = answer_array(bias, "bias", (W2.shape[1],))
    if isinstance(b, CheckResult):
        return b
    want_W, want_b = W1 @ W2, b1 @ W2 + b2
    W_ok = np.allclose(W, want_W, atol=1e-9)
    b_ok = np.allclose(b, want_b, atol=1e-9)
    if W_ok and b_ok:
        return correct(f"W = W1 W2 and b = b1 W2 + b2 = {want_b.tolist()}: the stack is one "
                       "linear (affine) map.")
    if not W_ok:
        return not_yet("weight is not the product of the two weight matrices (in the order the "
                       "input meets them).")
    if np.allclose(b, b2) or np.allclose(b, b1[: len(b2)] + b2):
        return not_yet("weight is right; the bias must also carry the first layer's bias "
                       "through the second layer's weights: b1 W2 + b2.")
    return not_yet("weight is right, but bias is not what x = 0 produces: b1 W2 + b2.")


def _one_step(loss: str) -> tuple[np.ndarray, float]:
    p = CROSS_ENTROPY_STEP
    _, grad_w, grad_T = logistic_loss_and_grad(
        np.array([p["x"]]), np.array([p["t"]]), p["w"], p["T"], loss=loss
    )
    rate = p["learning_rate"]
    return np.asarray(p["w"]) - rate * grad_w, p["T"] - rate * grad_T


def check_cross_entropy_step(new_weights, new_threshold) -> CheckResult:
    """Exercise 3: weights and threshold after one cross-entropy step on ``CROSS_ENTROPY_STEP``."""
    w_new = answer_array(new_weights, "new_weights", (2,))
    if isinstance(w_new, CheckResult):
        return w_new
    T_new = answer_array(new_threshold, "new_threshold", ())
    if isinstance(T_new, CheckResult):
        return T_new
    want_w, want_T = _one_step("cross_entropy")
    p = CROSS_ENTROPY_STEP
    w0, x = np.asarray(p["w"]), np.asarray(p["x"])
    w_ok = np.allclose(w_new, want_w, atol=1e-6)
    T_ok = abs(float(T_new) - want_T) <= 1e-6
    if w_ok and T_ok:
        return correct(f"o = 0.5 but t = 0, so delta = o - t = 0.5: the weights move by "
                       f"-R delta x to {want_w.tolist()} and the threshold rises to {want_T}.")
    move = want_T - p["T"]  # = R (o - t), how far the threshold rises
    if np.allclose(w_new, _one_step("squared")[0], atol=1e-6):
        return not_yet("that is the squared-error step, with its extra factor o (1 - o); the "
                       "cross-entropy's delta is just o - t.")
    if w_ok:
        if abs(float(T_new) - (p["T"] - move)) <= 1e-6:
            return not_yet("the weights are right, but the threshold moved the wrong way: it "
                           "is subtracted from net, so dE/dT = -delta and T rises when the "
                           "output is too high.")
        return not_yet("the weights are right; now move the threshold by -R dE/dT with "
                       "dE/dT = -(o - t).")
    if np.allclose(w_new, w0 + move * x, atol=1e-6):
        return not_yet("the weights moved the wrong way: the output is too high, so weights on "
                       "positive inputs must shrink.")
    if np.allclose(w_new, w0, atol=1e-12):
        return not_yet("the weights did not change, but o = 0.5 and t = 0 differ.")
    return not_yet(f"{w_new.tolist()} is not w - R (o - t) x.")


def check_steepness_and_threshold(steepness, threshold) -> CheckResult:
    """Exercise 4: k and T with ``1 / (1 + exp(-k (x - T)))`` = 0.5 at x = 2 and 0.9 at x = 3."""
    k = answer_array(steepness, "steepness", ())
    if isinstance(k, CheckResult):
        return k
    T = answer_array(threshold, "threshold", ())
    if isinstance(T, CheckResult):
        return T
    k, T = float(k), float(T)
    (x_half, _), (x_high, y_high) = STEEPNESS_TARGETS
    if abs(T - x_half) > 1e-3:
        if abs(T + x_half) <= 1e-3:
            return not_yet("T has the wrong sign: the curve crosses 0.5 where x - T = 0.")
        return not_yet(f"with T = {T:g} the curve crosses 0.5 at x = {T:g}, not at {x_half:g}.")
    want_k = np.log(y_high / (1.0 - y_high))
    value = 1.0 / (1.0 + np.exp(-k * (x_high - T)))
    if abs(value - y_high) <= 1e-3:
        return correct(f"T = {x_half:g} puts the midpoint at x = {x_half:g}, and "
                       f"k = ln 9 = {want_k:.4f} makes exp(-k) = 1/9, so the output at "
                       f"x = {x_high:g} is 1 / (1 + 1/9) = 0.9.")
    if abs(k - 9.0) <= 1e-3:
        return not_yet("close: you need exp(k) = 9, so k is the logarithm of 9.")
    return not_yet(f"T is right; with k = {k:g} the output at x = {x_high:g} is {value:.4f}, "
                   f"not {y_high}.")
