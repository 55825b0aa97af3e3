"""Checkers for notebook 01's exercises (threshold units and linear learning rules)."""

from __future__ import annotations

import numpy as np

from course_nn.data import logic_function
from course_nn.exercises.result import CheckResult, answer_array, correct, not_yet
from course_nn.linear_rules import add_bias, perceptron_update
from course_nn.threshold_units import threshold_unit, two_layer_network

#: Exercise 3: one perceptron step, by hand. ``w`` and ``x`` carry the bias entry first.
PERCEPTRON_STEP = {"w": [0.5, -1.0, 2.0], "x": [1.0, 1.0, 0.0], "t": 1, "learning_rate": 0.5}


def _wrong_rows(X: np.ndarray, got: np.ndarray, want: np.ndarray) -> str:
    rows = [f"{tuple(int(v) for v in x)} -> {int(g)} (want {int(w)})"
            for x, g, w in zip(X, got, want, strict=True) if g != w]
    return "; ".join(rows)


def check_nand_unit(weights, threshold) -> CheckResult:
    """Exercise 1: weights (2,) and a threshold making one threshold unit compute NAND."""
    w = answer_array(weights, "weights", (2,))
    if isinstance(w, CheckResult):
        return w
    T = answer_array(threshold, "threshold", ())
    if isinstance(T, CheckResult):
        return T
    X, want = logic_function("nand")
    got = threshold_unit(X, w, float(T))
    if np.array_equal(got, want):
        return correct("the unit outputs 1, 1, 1, 0 on 00, 01, 10, 11: that is NAND.")
    return not_yet("wrong on " + _wrong_rows(X, got, want) + ".")


def check_xor_network(hidden_weights, hidden_thresholds, output_weights, output_threshold):
    """Exercise 2: a two-layer threshold network with two hidden units computing XOR."""
    W = answer_array(hidden_weights, "hidden_weights", (2, 2))
    if isinstance(W, CheckResult):
        return W
    T = answer_array(hidden_thresholds, "hidden_thresholds", (2,))
    if isinstance(T, CheckResult):
        return T
    v = answer_array(output_weights, "output_weights", (2,))
    if isinstance(v, CheckResult):
        return v
    T_out = answer_array(output_threshold, "output_threshold", ())
    if isinstance(T_out, CheckResult):
        return T_out
    X, want = logic_function("xor")
    got, _ = two_layer_network(X, W, T, v, float(T_out))
    if np.array_equal(got, want):
        return correct("the network outputs 0, 1, 1, 0 on 00, 01, 10, 11: that is XOR.")
    return not_yet("wrong on " + _wrong_rows(X, got, want) + ".")


def check_perceptron_step(new_weights) -> CheckResult:
    """Exercise 3: the weights after one perceptron update on ``PERCEPTRON_STEP``."""
    w_new = answer_array(new_weights, "new_weights", (3,))
    if isinstance(w_new, CheckResult):
        return w_new
    p = PERCEPTRON_STEP
    want = perceptron_update(p["w"], p["x"], p["t"], p["learning_rate"])
    if np.allclose(w_new, want, atol=1e-9):
        return correct(f"the unit output 0 but the target is 1, so w moves by +R x to "
                       f"{want.tolist()}.")
    if np.allclose(w_new, p["w"]):
        return not_yet("the weights did not change, but the unit's output w . x >= 0 is "
                       "wrong here: compute it first.")
    if np.allclose(w_new, np.asarray(p["w"]) - p["learning_rate"] * np.asarray(p["x"])):
        return not_yet("the sign is flipped: the output was too low, so the weights grow.")
    return not_yet(f"{w_new.tolist()} is not w + R (t - o) x.")


def lms_exercise_data() -> tuple[np.ndarray, np.ndarray]:
    """Exercise 4's data: 12 points of a noisy line, X of shape (12, 1) and t of shape (12,)."""
    x = np.linspace(-1.0, 2.0, 12)
    return x[:, None], 0.5 + 1.5 * x + 0.3 * np.sin(3.0 * x)


def lms_critical_rate() -> float:
    """The batch LMS step size above which gradient descent diverges: ``2 / lambda_max``."""
    X, _ = lms_exercise_data()
    Xb = add_bias(X)
    return float(2.0 / np.linalg.eigvalsh(Xb.T @ Xb).max())


def check_lms_critical_rate(rate) -> CheckResult:
    """Exercise 4: the learning rate at which batch Widrow-Hoff stops converging (within 1%)."""
    r = answer_array(rate, "rate", ())
    if isinstance(r, CheckResult):
        return r
    want = lms_critical_rate()
    if abs(float(r) - want) <= 0.01 * want:
        return correct(f"batch LMS converges for R < 2 / lambda_max = {want:.4f} and "
                       "diverges above it.")
    if abs(float(r) - want / 2) <= 0.01 * want:
        return not_yet("that is 1 / lambda_max, the fastest single-mode rate; the error only "
                       "grows once R passes twice that.")
    hint = "too small" if r < want else "too large"
    return not_yet(f"{float(r):.4g} is {hint}; look at the largest eigenvalue of X^T X "
                   "(with the bias column).")
