"""course_nn.exercises.threshold_units: right answers pass, wrong ones get a helpful Not yet."""

import warnings

import numpy as np
import pytest
from checks import assert_correct, assert_not_yet

from course_nn.exercises import CheckResult
from course_nn.exercises.threshold_units import (
    PERCEPTRON_STEP,
    check_lms_critical_rate,
    check_nand_unit,
    check_perceptron_step,
    check_xor_network,
    lms_critical_rate,
    lms_exercise_data,
)


def test_check_result_truthiness_and_repr():
    assert bool(CheckResult(True, "fine")) and repr(CheckResult(True, "fine")) == "Correct: fine"
    assert not CheckResult(False, "no") and repr(CheckResult(False, "no")) == "Not yet: no"


# --- exercise 1: NAND -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "threshold"),
    # NAND: fire unless both inputs are on. -x1 - x2 >= T holds for sums 0, -1 but not -2,
    # so any T in (-2, -1] works; -1.5 is the midpoint.
    [((-1, -1), -1.5), ([-1.0, -1.0], -1.0), (np.array([-2.0, -2.0]), -3.0), ((-1, -1), -1.9)],
)
def test_nand_accepts_correct_answers(weights, threshold):
    assert_correct(check_nand_unit(weights, threshold))


@pytest.mark.parametrize(
    ("weights", "threshold", "fragment"),
    [
        ((1, 1), 1.5, "(0, 0) -> 0 (want 1)"),  # that is AND
        ((-1, -1), -0.5, "(0, 1) -> 0 (want 1)"),  # that is NOR
        ((-1, -1), -2.0, "(1, 1) -> 1 (want 0)"),  # always on
    ],
)
def test_nand_rejects_wrong_units_naming_the_rows(weights, threshold, fragment):
    assert_not_yet(check_nand_unit(weights, threshold), "wrong on", fragment)


@pytest.mark.parametrize(
    ("weights", "threshold", "fragment"),
    [
        ((-1, -1, 0), -1.5, "weights should have shape (2,)"),
        ([[-1, -1]], -1.5, "weights should have shape (2,)"),
        ("-1 -1", -1.5, "weights should be numbers"),
        (["a", "b"], -1.5, "weights should be numbers"),
        ([[-1], [-1, 2]], -1.5, "weights should be numbers"),
        ({"w": 1}, -1.5, "weights should be numbers"),
        (None, -1.5, "weights"),
        ((np.nan, -1), -1.5, "weights should be finite"),
        ((-1, -1), "low", "threshold should be numbers"),
        ((-1, -1), [-1.5, 0], "threshold should have shape ()"),
        ((-1, -1), np.inf, "threshold should be finite"),
    ],
)
def test_nand_malformed_answers_are_not_yet(weights, threshold, fragment):
    assert_not_yet(check_nand_unit(weights, threshold), fragment)


@pytest.mark.parametrize("warning_action", ["error", "ignore"])
def test_nand_complex_answer_is_not_yet(warning_action):
    # A complex weight is not a real number: it must be refused (as a Python complex is),
    # neither raising (the project turns RuntimeWarnings into errors, and numpy's
    # ComplexWarning is one) nor, where warnings are only shown as in a notebook, being cast
    # to its real part, which would pass (-1 + 2j, -1) as a correct NAND.
    with warnings.catch_warnings():
        warnings.simplefilter(warning_action)
        assert_not_yet(check_nand_unit([-1.0, -1.0], -1.5 + 0j), "threshold")
        assert_not_yet(check_nand_unit(np.array([-1 + 2j, -1]), -1.5), "weights")


# --- exercise 2: XOR network ------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        # hidden OR (fires on >= 1 input) and NAND, then AND of the two
        ([[1, 1], [-1, -1]], [1, -1.5], [1, 1], 2),
        # hidden "x1 and not x2" and "x2 and not x1", then OR
        ([[1, -1], [-1, 1]], [1, 1], [1, 1], 1),
    ],
)
def test_xor_network_accepts_correct_answers(answer):
    assert_correct(check_xor_network(*answer))


def test_xor_network_rejects_wrong_networks():
    # the output ORs OR and NAND: always 1, wrong on 00 and 11
    assert_not_yet(
        check_xor_network([[1, 1], [-1, -1]], [1, -1.5], [1, 1], 1),
        "(0, 0) -> 1 (want 0)", "(1, 1) -> 1 (want 0)",
    )


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (([[1, 1, 0], [-1, -1, 0]], [1, -1.5], [1, 1], 2), "hidden_weights should have shape"),
        (([1, 1], [1, -1.5], [1, 1], 2), "hidden_weights should have shape"),
        (([[1, 1], [-1, -1]], [1, -1.5, 0], [1, 1], 2), "hidden_thresholds should have shape"),
        (([[1, 1], [-1, -1]], [1, -1.5], [1], 2), "output_weights should have shape"),
        (([[1, 1], [-1, -1]], [1, -1.5], [1, 1], [2, 2]), "output_threshold should have shape"),
        (([[1, 1], [-1, -1]], [1, -1.5], [1, 1], "two"), "output_threshold should be numbers"),
        (("OR", [1, -1.5], [1, 1], 2), "hidden_weights should"),
        (([[1, 1], [-1, np.nan]], [1, -1.5], [1, 1], 2), "hidden_weights should be finite"),
    ],
)
def test_xor_network_malformed_answers_are_not_yet(answer, fragment):
    assert_not_yet(check_xor_network(*answer), fragment)


# --- exercise 3: one perceptron step ----------------------------------------------------------


def _hand_step():
    # w = (0.5, -1, 2), x = (1, 1, 0): w . x = 0.5 - 1 + 0 = -0.5 < 0, so o = 0 but t = 1;
    # the rule adds R x = 0.5 (1, 1, 0).
    return [1.0, -0.5, 2.0]


def test_perceptron_step_data_is_as_documented():
    assert PERCEPTRON_STEP == {"w": [0.5, -1.0, 2.0], "x": [1.0, 1.0, 0.0], "t": 1,
                               "learning_rate": 0.5}


def test_perceptron_step_accepts_hand_computed_answer():
    assert_correct(check_perceptron_step(_hand_step()))
    assert_correct(check_perceptron_step(np.array(_hand_step()) + 1e-12))


def test_perceptron_step_recognises_common_slips():
    assert_not_yet(check_perceptron_step([0.5, -1.0, 2.0]), "did not change")
    assert_not_yet(check_perceptron_step([0.0, -1.5, 2.0]), "sign is flipped")
    assert_not_yet(check_perceptron_step([1.5, 0.0, 2.0]), "is not w + R (t - o) x")


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [([1.0, -0.5], "should have shape (3,)"), ("1, -0.5, 2", "should be numbers"),
     ([1.0, "x", 2.0], "should be numbers"), ([1.0, np.nan, 2.0], "should be finite"),
     (None, "new_weights")],
)
def test_perceptron_step_malformed_answers_are_not_yet(answer, fragment):
    assert_not_yet(check_perceptron_step(answer), fragment)


# --- exercise 4: the critical LMS rate --------------------------------------------------------


def _critical_rate_by_hand():
    X, _ = lms_exercise_data()
    x = X[:, 0]
    # X~^T X~ = [[N, sum x], [sum x, sum x^2]]; its largest eigenvalue in closed form
    a, b, c = float(len(x)), float(x.sum()), float(np.sum(x**2))
    lam_max = (a + c) / 2 + np.sqrt(((a - c) / 2) ** 2 + b**2)
    return 2.0 / lam_max


def test_lms_exercise_data():
    X, t = lms_exercise_data()
    assert X.shape == (12, 1) and t.shape == (12,)
    np.testing.assert_allclose(X[[0, -1], 0], [-1.0, 2.0])


def test_lms_critical_rate_matches_closed_form():
    assert lms_critical_rate() == pytest.approx(_critical_rate_by_hand(), rel=1e-12)


def test_lms_critical_rate_accepts_answers_within_one_percent():
    r = _critical_rate_by_hand()
    for answer in (r, 1.005 * r, 0.995 * r, np.float64(r)):
        assert_correct(check_lms_critical_rate(answer))


def test_lms_critical_rate_rejects_wrong_answers():
    r = _critical_rate_by_hand()
    assert_not_yet(check_lms_critical_rate(r / 2), "1 / lambda_max")
    assert_not_yet(check_lms_critical_rate(1.05 * r), "too large")
    assert_not_yet(check_lms_critical_rate(0.8 * r), "too small")
    assert_not_yet(check_lms_critical_rate(-r), "too small")


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [([0.1, 0.2], "should have shape ()"), ("fast", "should be numbers"),
     (np.nan, "should be finite"), (None, "rate")],
)
def test_lms_critical_rate_malformed_answers_are_not_yet(answer, fragment):
    assert_not_yet(check_lms_critical_rate(answer), fragment)


def test_critical_rate_really_is_critical():
    # The checker's claim, tested: batch LMS just below the rate converges, just above diverges.
    from course_nn.linear_rules import widrow_hoff_batch

    X, t = lms_exercise_data()
    r = _critical_rate_by_hand()
    below = widrow_hoff_batch(X, t, learning_rate=0.95 * r, epochs=400)
    above = widrow_hoff_batch(X, t, learning_rate=1.05 * r, epochs=400)
    assert below.errors[-1] < below.errors[0]
    assert above.errors[-1] > 1e3 * above.errors[0]
