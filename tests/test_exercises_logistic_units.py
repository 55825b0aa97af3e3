"""course_nn.exercises.logistic_units: right answers pass, wrong ones get a helpful Not yet."""

import warnings

import numpy as np
import pytest
from checks import assert_correct, assert_not_yet

from course_nn.exercises.logistic_units import (
    CROSS_ENTROPY_STEP,
    SLOPE_OUTPUT,
    STEEPNESS_TARGETS,
    check_collapsed_linear,
    check_cross_entropy_step,
    check_sigmoid_slope,
    check_steepness_and_threshold,
    stack_exercise_layers,
)


def test_slope_exercise_data_is_as_documented():
    assert SLOPE_OUTPUT == 0.8


@pytest.mark.parametrize("answer", [0.16, 0.8 * (1 - 0.8), np.float64(0.1604), "0.16", [0.16][0]])
def test_slope_accepts_o_times_one_minus_o(answer):
    # o = 0.8: do/dnet = o (1 - o) = 0.8 * 0.2 = 0.16, to within 1e-3.
    assert_correct(check_sigmoid_slope(answer))


def test_slope_is_really_the_derivative_at_that_output():
    # The z with sigmoid(z) = 0.8 is ln 4; the centred difference there is 0.16.
    z, eps = np.log(4.0), 1e-6
    numeric = (1 / (1 + np.exp(-(z + eps))) - 1 / (1 + np.exp(-(z - eps)))) / (2 * eps)
    assert numeric == pytest.approx(0.16, abs=1e-9)


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (0.8, "output o itself"),
        (0.2, "that is 1 - o"),
        (-0.16, "sign is off"),
        (0.25, "is not o (1 - o)"),
        (0.18, "is not o (1 - o)"),
    ],
)
def test_slope_recognises_common_slips(answer, fragment):
    assert_not_yet(check_sigmoid_slope(answer), fragment)


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (None, "still None"),
        ([0.16, 0.16], "should have shape ()"),
        ("sixteen", "should be numbers"),
        (np.nan, "should be finite"),
        (np.inf, "should be finite"),
        ({"slope": 0.16}, "should be numbers"),
    ],
)
def test_slope_malformed_answers_are_not_yet(answer, fragment):
    assert_not_yet(check_sigmoid_slope(answer), fragment)


@pytest.mark.parametrize("warning_action", ["error", "ignore"])
def test_slope_complex_answer_is_not_yet(warning_action):
    with warnings.catch_warnings():
        warnings.simplefilter(warning_action)
        assert_not_yet(check_sigmoid_slope(0.16 + 0.5j), "real numbers")


# --- exercise 2: collapse a linear stack ------------------------------------------------------


def _collapsed_by_hand():
    (W1, b1), (W2, b2) = stack_exercise_layers()
    # (x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)
    return W1 @ W2, b1 @ W2 + b2


def test_stack_exercise_layers_shapes():
    (W1, b1), (W2, b2) = stack_exercise_layers()
    assert W1.shape == (3, 4) and b1.shape == (4,) and W2.shape == (4, 2) and b2.shape == (2,)


def test_collapsed_linear_accepts_the_worked_solution():
    W, b = _collapsed_by_hand()
    assert_correct(check_collapsed_linear(W, b))
    assert_correct(check_collapsed_linear(W.tolist(), tuple(b)))


def test_collapsed_solution_computes_the_same_function(rng):
    (W1, b1), (W2, b2) = stack_exercise_layers()
    W, b = _collapsed_by_hand()
    x = rng.standard_normal((10, 3))
    np.testing.assert_allclose((x @ W1 + b1) @ W2 + b2, x @ W + b)


def test_collapsed_linear_recognises_common_slips():
    (W1, b1), (W2, b2) = stack_exercise_layers()
    W, b = _collapsed_by_hand()
    assert_not_yet(check_collapsed_linear(W, b2), "b1 W2 + b2")
    assert_not_yet(check_collapsed_linear(W, b + 1.0), "bias is not what x = 0 produces")
    assert_not_yet(check_collapsed_linear(W + 1.0, b), "weight is not the product")
    assert_not_yet(check_collapsed_linear(W.T, b), "the transpose")


@pytest.mark.parametrize(
    ("weight", "bias", "fragment"),
    [
        (None, [0.0, 0.0], "weight is still None"),
        (np.zeros((3, 3)), [0.0, 0.0], "weight should have shape (3, 2)"),
        ("W1 @ W2", [0.0, 0.0], "weight should be numbers"),
        ([[1, 2], [3]], [0.0, 0.0], "weight should be numbers"),
        (np.full((3, 2), np.nan), [0.0, 0.0], "weight should be finite"),
        (np.zeros((3, 2)), None, "bias is still None"),
        (np.zeros((3, 2)), [0.0, 0.0, 0.0], "bias should have shape (2,)"),
        (np.zeros((3, 2)), "b", "bias should be numbers"),
    ],
)
def test_collapsed_linear_malformed_answers_are_not_yet(weight, bias, fragment):
    assert_not_yet(check_collapsed_linear(weight, bias), fragment)


# --- exercise 3: one cross-entropy step -------------------------------------------------------


def _step_by_hand():
    # net = 1*2 + (-1)*1 = 1 = T, so z = 0 and o = 1/2; t = 0 gives delta = o - t = 1/2.
    # w <- w - R delta x = (1, -1) - 0.25 (2, 1) = (0.5, -1.25); T <- T + R delta = 1.25.
    return [0.5, -1.25], 1.25


def test_cross_entropy_step_data_is_as_documented():
    assert CROSS_ENTROPY_STEP == {"w": [1.0, -1.0], "T": 1.0, "x": [2.0, 1.0], "t": 0.0,
                                  "learning_rate": 0.5}


def test_cross_entropy_step_accepts_the_hand_computed_answer():
    w, T = _step_by_hand()
    assert_correct(check_cross_entropy_step(w, T))
    assert_correct(check_cross_entropy_step(np.array(w) + 1e-9, np.float64(T)))


def test_cross_entropy_step_agrees_with_torch():
    import torch

    p = CROSS_ENTROPY_STEP
    w = torch.tensor(p["w"], dtype=torch.float64, requires_grad=True)
    T = torch.tensor(p["T"], dtype=torch.float64, requires_grad=True)
    z = torch.tensor(p["x"], dtype=torch.float64) @ w - T
    torch.nn.functional.binary_cross_entropy_with_logits(
        z, torch.tensor(p["t"], dtype=torch.float64)).backward()
    with torch.no_grad():
        w_new = (w - p["learning_rate"] * w.grad).numpy()
        T_new = (T - p["learning_rate"] * T.grad).item()
    assert_correct(check_cross_entropy_step(w_new, T_new))
    np.testing.assert_allclose(w_new, _step_by_hand()[0])


def test_cross_entropy_step_recognises_common_slips():
    w, T = _step_by_hand()
    # the squared-error step: delta = (o - t) o (1 - o) = 0.125
    assert_not_yet(check_cross_entropy_step([0.875, -1.0625], 1.0625), "squared-error step")
    assert_not_yet(check_cross_entropy_step(w, 0.75), "threshold moved the wrong way")
    assert_not_yet(check_cross_entropy_step(w, 1.0), "now move the threshold")
    assert_not_yet(check_cross_entropy_step([1.5, -0.75], T), "weights moved the wrong way")
    assert_not_yet(check_cross_entropy_step([1.0, -1.0], T), "did not change")
    assert_not_yet(check_cross_entropy_step([0.0, 0.0], T), "is not w - R (o - t) x")


@pytest.mark.parametrize(
    ("weights", "threshold", "fragment"),
    [
        (None, 1.25, "new_weights is still None"),
        ([0.5, -1.25, 0.0], 1.25, "new_weights should have shape (2,)"),
        ("0.5, -1.25", 1.25, "new_weights should be numbers"),
        ([0.5, np.nan], 1.25, "new_weights should be finite"),
        ([0.5, -1.25], None, "new_threshold is still None"),
        ([0.5, -1.25], [1.25], "new_threshold should have shape ()"),
        ([0.5, -1.25], "up", "new_threshold should be numbers"),
    ],
)
def test_cross_entropy_step_malformed_answers_are_not_yet(weights, threshold, fragment):
    assert_not_yet(check_cross_entropy_step(weights, threshold), fragment)


# --- exercise 4: steepness and threshold ------------------------------------------------------


def test_steepness_targets_are_as_documented():
    assert STEEPNESS_TARGETS == ((2.0, 0.5), (3.0, 0.9))


def test_steepness_accepts_ln_9_and_2():
    # 0.5 at x = 2 puts T = 2; 1 / (1 + exp(-k)) = 0.9 needs exp(-k) = 1/9, so k = ln 9.
    assert_correct(check_steepness_and_threshold(np.log(9.0), 2.0))
    assert_correct(check_steepness_and_threshold(2.1972, 2))


def test_steepness_recognises_common_slips():
    assert_not_yet(check_steepness_and_threshold(9.0, 2.0), "logarithm of 9")
    assert_not_yet(check_steepness_and_threshold(np.log(9.0), -2.0), "wrong sign")
    assert_not_yet(check_steepness_and_threshold(np.log(9.0), 3.0), "crosses 0.5 at x = 3")
    assert_not_yet(check_steepness_and_threshold(1.0, 2.0), "T is right")
    assert_not_yet(check_steepness_and_threshold(-np.log(9.0), 2.0), "T is right")


@pytest.mark.parametrize(
    ("k", "T", "fragment"),
    [
        (None, 2.0, "steepness is still None"),
        ([2.0, 2.0], 2.0, "steepness should have shape ()"),
        ("steep", 2.0, "steepness should be numbers"),
        (np.inf, 2.0, "steepness should be finite"),
        (2.0, None, "threshold is still None"),
        (2.0, np.nan, "threshold should be finite"),
    ],
)
def test_steepness_malformed_answers_are_not_yet(k, T, fragment):
    assert_not_yet(check_steepness_and_threshold(k, T), fragment)
