"""course_nn.exercises.logistic_units: right answers pass in every numeric form, wrong ones get
a helpful "Not yet", nothing raises, and a "Correct." never restates the answer."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_correct_without_numbers, assert_not_yet, numeric_forms

from course_nn.exercises.logistic_units import (
    CROSS_ENTROPY_STEP,
    SLOPE_OUTPUT,
    STEEPNESS_TARGETS,
    _tanh_cases,
    check_cross_entropy_step,
    check_sigmoid_slope,
    check_steepness_and_threshold,
    check_tanh_unit,
    reference_tanh_unit_loss_and_grad,
)
from course_nn.gradcheck import numerical_gradient, relative_error


def array_forms(values):
    return [
        values, list(values), tuple(values), np.asarray(values), np.asarray(values, np.float32),
        np.asarray([values]), torch.tensor(values, dtype=torch.float64),
        torch.tensor(values, dtype=torch.float32, requires_grad=True),
        [Fraction(v).limit_denominator(1000) for v in values],
    ]


NOT_NUMBERS = [None, "0.16", b"1", True, np.True_, {"a": 1.0}, object(), 1 + 2j,
               [0.1, "a"], [[1.0], [2.0, 3.0]], lambda: 0.16, np.nan, -np.inf]


# --- exercise 1: the slope from the output ----------------------------------------------------

SLOPE = 0.8 * (1 - 0.8)  # o (1 - o) at o = 0.8


def test_slope_exercise_data_is_as_documented():
    assert SLOPE_OUTPUT == 0.8


@pytest.mark.parametrize("answer", numeric_forms(SLOPE) + [0.16, 0.1604, 0.1596, Fraction(4, 25)])
def test_slope_accepts_every_numeric_form_to_three_figures(answer):
    assert_correct_without_numbers(check_sigmoid_slope(answer))


def test_slope_is_really_the_derivative_at_that_output():
    # The z with sigmoid(z) = 0.8 is ln 4; the centred difference there is o (1 - o).
    z, eps = np.log(4.0), 1e-6
    numeric = (1 / (1 + np.exp(-(z + eps))) - 1 / (1 + np.exp(-(z - eps)))) / (2 * eps)
    assert numeric == pytest.approx(SLOPE, abs=1e-9)


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (0.8, "output o itself"),
        (0.2, "that is 1 - o"),
        (-0.16, "sign is off"),
        (0.25, "is not o (1 - o)"),
        (0.165, "close"),
        (0.155, "give more digits"),
    ],
)
def test_slope_recognises_common_slips(answer, fragment):
    assert_not_yet(check_sigmoid_slope(answer), fragment)


@pytest.mark.parametrize("answer", NOT_NUMBERS + [[0.16, 0.16]])
def test_slope_never_raises_and_refuses_non_numbers(answer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_not_yet(check_sigmoid_slope(answer))


# --- exercise 2 (coding): a tanh unit's gradients ---------------------------------------------


def _solution(X, t, w, T):
    o = np.tanh(X @ w - T)
    delta = -(t - o) * (1.0 - o**2)
    return 0.5 * np.sum((t - o) ** 2), X.T @ delta, -np.sum(delta)


@pytest.mark.parametrize("case", _tanh_cases(), ids=lambda c: f"N={len(c[0])}")
def test_tanh_reference_matches_finite_differences(case):
    X, t, w, T = case
    _, grad_w, grad_T = reference_tanh_unit_loss_and_grad(X, t, w, T)
    params = np.concatenate([[T], w])
    numeric = numerical_gradient(
        lambda p: reference_tanh_unit_loss_and_grad(X, t, p[1:], p[0])[0], params)
    assert relative_error(np.concatenate([[grad_T], grad_w]), numeric) < 1e-8


@pytest.mark.parametrize("case", _tanh_cases(), ids=lambda c: f"N={len(c[0])}")
def test_tanh_reference_matches_torch_autograd(case):
    X, t, w, T = case
    E, grad_w, grad_T = reference_tanh_unit_loss_and_grad(X, t, w, T)
    w_t = torch.tensor(w, requires_grad=True)
    T_t = torch.tensor(T, dtype=torch.float64, requires_grad=True)
    E_t = 0.5 * ((torch.tensor(t) - torch.tanh(torch.tensor(X) @ w_t - T_t)) ** 2).sum()
    E_t.backward()
    assert E == pytest.approx(E_t.item(), rel=1e-12)
    np.testing.assert_allclose(grad_w, w_t.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert grad_T == pytest.approx(T_t.grad.item(), rel=1e-12, abs=1e-14)


def test_tanh_cases_cover_several_shapes_and_targets():
    cases = _tanh_cases()
    assert {X.shape for X, *_ in cases} >= {(1, 3), (8, 1)}
    assert any(np.all(np.abs(t) == 1.0) for _, t, _, _ in cases)
    assert any(np.any(np.abs(t) < 1.0) for _, t, _, _ in cases)


def test_tanh_unit_accepts_the_worked_solution_and_other_return_forms():
    assert_correct(check_tanh_unit(_solution))
    assert_correct(check_tanh_unit(reference_tanh_unit_loss_and_grad))
    assert_correct(check_tanh_unit(lambda *a: list(_solution(*a))))
    assert_correct(check_tanh_unit(
        lambda *a: tuple(torch.tensor(np.asarray(v), requires_grad=True) for v in _solution(*a))))


def _variant(delta_of, *, flip_T=False, mean=False):
    def candidate(X, t, w, T):
        o = np.tanh(X @ w - T)
        delta = delta_of(t, o)
        E, gw, gT = 0.5 * np.sum((t - o) ** 2), X.T @ delta, -np.sum(delta)
        if flip_T:
            gT = -gT
        if mean:
            E, gw, gT = E / len(t), gw / len(t), gT / len(t)
        return E, gw, gT
    return candidate


@pytest.mark.parametrize(
    ("candidate", "fragment"),
    [
        (lambda X, t, w, T: None, "still returns None"),
        (lambda X, t, w, T: 1 / 0, "raised ZeroDivisionError"),
        (lambda X, t, w, T: (0.0, np.zeros(len(w))), "should return 3 values"),
        (lambda X, t, w, T: (_solution(X, t, w, T)[0], np.zeros(len(w) + 1), 0.0), "has shape"),
        (lambda X, t, w, T: ("E", np.zeros(len(w)), 0.0), "the text"),
        (_variant(lambda t, o: -(t - o) * o * (1 - o)), "sigmoid's"),
        (_variant(lambda t, o: -(t - o) * (1 - o**2), flip_T=True), "dE/dT = -sum_n delta_n"),
        (_variant(lambda t, o: -(t - o)), "slope 1 - o^2 as a factor"),
        (_variant(lambda t, o: (t - o) * (1 - o**2)), "sign of delta"),
        (_variant(lambda t, o: -(t - o) * (1 - o**2), mean=True), "not the mean"),
        (_variant(lambda t, o: -(t - o) * (1 - o**2) + 1e-3), "is wrong in"),
    ],
)
def test_tanh_unit_says_what_is_wrong(candidate, fragment):
    assert_not_yet(check_tanh_unit(candidate), fragment)


@pytest.mark.parametrize("candidate", [None, 3.0, "def f(): pass", np.zeros(3)])
def test_tanh_unit_refuses_non_functions(candidate):
    assert_not_yet(check_tanh_unit(candidate), "should be a function")


def test_tanh_unit_checker_does_not_let_the_candidate_spoil_the_cases():
    def vandal(X, t, w, T):
        X[:] = 0.0
        w[:] = 0.0
        return None

    assert_not_yet(check_tanh_unit(vandal), "still returns None")
    assert_correct(check_tanh_unit(_solution))


# --- exercise 3: one cross-entropy step -------------------------------------------------------

STEP_W, STEP_T = [0.5, -1.25], 1.25  # net = 1 = T, o = 1/2, delta = 1/2; R = 0.5


def test_cross_entropy_step_data_is_as_documented():
    assert CROSS_ENTROPY_STEP == {"w": [1.0, -1.0], "T": 1.0, "x": [2.0, 1.0], "t": 0.0,
                                  "learning_rate": 0.5}


@pytest.mark.parametrize("weights", array_forms(STEP_W))
def test_cross_entropy_step_accepts_every_form_of_the_weights(weights):
    assert_correct_without_numbers(check_cross_entropy_step(weights, STEP_T))


@pytest.mark.parametrize("threshold", numeric_forms(STEP_T) + [1.251, Fraction(5, 4)])
def test_cross_entropy_step_accepts_every_form_of_the_threshold(threshold):
    assert_correct_without_numbers(check_cross_entropy_step(STEP_W, threshold))


def test_cross_entropy_step_agrees_with_torch():
    p = CROSS_ENTROPY_STEP
    w = torch.tensor(p["w"], dtype=torch.float64, requires_grad=True)
    T = torch.tensor(p["T"], dtype=torch.float64, requires_grad=True)
    z = torch.tensor(p["x"], dtype=torch.float64) @ w - T
    torch.nn.functional.binary_cross_entropy_with_logits(
        z, torch.tensor(p["t"], dtype=torch.float64)).backward()
    with torch.no_grad():
        w_new = (w - p["learning_rate"] * w.grad).numpy()
        T_new = (T - p["learning_rate"] * T.grad).item()
    np.testing.assert_allclose(w_new, STEP_W)
    assert T_new == pytest.approx(STEP_T)
    assert_correct(check_cross_entropy_step(w_new, T_new))


def test_cross_entropy_step_recognises_common_slips():
    # the squared-error step: delta = (o - t) o (1 - o) = 0.125
    assert_not_yet(check_cross_entropy_step([0.875, -1.0625], 1.0625), "squared-error step")
    assert_not_yet(check_cross_entropy_step(STEP_W, 0.75), "threshold moved the wrong way")
    assert_not_yet(check_cross_entropy_step(STEP_W, 1.0), "now move the threshold")
    assert_not_yet(check_cross_entropy_step(STEP_W, 1.27), "close")
    assert_not_yet(check_cross_entropy_step([1.5, -0.75], STEP_T), "weights moved the wrong way")
    assert_not_yet(check_cross_entropy_step([1.0, -1.0], STEP_T), "did not change")
    assert_not_yet(check_cross_entropy_step([0.51, -1.26], STEP_T), "give more digits")
    assert_not_yet(check_cross_entropy_step([0.0, 0.0], STEP_T), "is not w - R (o - t) x")


@pytest.mark.parametrize(
    ("weights", "threshold", "fragment"),
    [
        (None, 1.25, "new_weights is still None"),
        ([0.5, -1.25, 0.0], 1.25, "new_weights should have shape (2,)"),
        ("0.5, -1.25", 1.25, "new_weights should be a number"),
        ([0.5, np.nan], 1.25, "new_weights should be finite"),
        ([True, False], 1.25, "new_weights should be numbers"),
        ([0.5, -1.25], None, "new_threshold is still None"),
        ([0.5, -1.25], [1.25, 1.25], "new_threshold should have shape ()"),
        ([0.5, -1.25], "up", "new_threshold should be a number"),
        ([0.5, -1.25], False, "new_threshold should be a number"),
    ],
)
def test_cross_entropy_step_malformed_answers_are_not_yet(weights, threshold, fragment):
    assert_not_yet(check_cross_entropy_step(weights, threshold), fragment)


@pytest.mark.parametrize("answer", NOT_NUMBERS)
def test_cross_entropy_step_never_raises(answer):
    assert_not_yet(check_cross_entropy_step(answer, STEP_T))
    assert_not_yet(check_cross_entropy_step(STEP_W, answer))


# --- exercise 4: steepness and threshold ------------------------------------------------------

K, T_MID = np.log(9.0), 2.0  # 0.5 at x = 2 puts T = 2; exp(-k) = 1/9 at x = 3


def test_steepness_targets_are_as_documented():
    assert STEEPNESS_TARGETS == ((2.0, 0.5), (3.0, 0.9))
    assert 1 / (1 + np.exp(-K * (3.0 - T_MID))) == pytest.approx(0.9)


@pytest.mark.parametrize("k", numeric_forms(K) + [2.20, 2.197, 2.19])
def test_steepness_accepts_every_numeric_form_to_three_figures(k):
    assert_correct_without_numbers(check_steepness_and_threshold(k, T_MID))


@pytest.mark.parametrize("T", numeric_forms(T_MID) + [2, np.int64(2), Fraction(2)])
def test_threshold_accepts_every_numeric_form(T):
    assert_correct_without_numbers(check_steepness_and_threshold(K, T))


def test_steepness_recognises_common_slips():
    assert_not_yet(check_steepness_and_threshold(9.0, 2.0), "natural logarithm")
    assert_not_yet(check_steepness_and_threshold(np.log10(9.0), 2.0), "base-10")
    assert_not_yet(check_steepness_and_threshold(-K, 2.0), "k has the wrong sign")
    assert_not_yet(check_steepness_and_threshold(K, -2.0), "T has the wrong sign")
    assert_not_yet(check_steepness_and_threshold(K, 3.0), "crosses 0.5 at x = 3")
    assert_not_yet(check_steepness_and_threshold(K, 2.05), "close")
    assert_not_yet(check_steepness_and_threshold(2.1, 2.0), "give more digits")
    assert_not_yet(check_steepness_and_threshold(1.0, 2.0), "T is right")


@pytest.mark.parametrize(
    ("k", "T", "fragment"),
    [
        (None, 2.0, "steepness is still None"),
        ([2.0, 2.0], 2.0, "steepness should have shape ()"),
        ("steep", 2.0, "steepness should be a number"),
        (np.inf, 2.0, "steepness should be finite"),
        (2.0, None, "threshold is still None"),
        (2.0, np.nan, "threshold should be finite"),
    ],
)
def test_steepness_malformed_answers_are_not_yet(k, T, fragment):
    assert_not_yet(check_steepness_and_threshold(k, T), fragment)


@pytest.mark.parametrize("answer", NOT_NUMBERS)
def test_steepness_never_raises(answer):
    assert_not_yet(check_steepness_and_threshold(answer, T_MID))
    assert_not_yet(check_steepness_and_threshold(K, answer))
