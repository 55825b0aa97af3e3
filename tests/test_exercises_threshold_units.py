"""course_nn.exercises.threshold_units: right answers pass in every numeric form, wrong ones get
a helpful "Not yet", malformed ones never raise, and a "Correct." never restates the answer."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch

# --- exercise 1: NAND -------------------------------------------------------------------------
from checks import assert_correct, assert_not_yet

from course_nn.exercises.threshold_units import (
    LMS_EXAMPLE,
    check_lms_single_example_rate,
    check_nand_unit,
    check_perceptron_criterion_step,
    lms_single_example_rate,
    perceptron_criterion_cases,
)


@pytest.mark.parametrize(
    ("weights", "threshold"),
    # NAND: fire unless both inputs are on. -x1 - x2 >= T holds for sums 0, -1 but not -2,
    # so any T in (-2, -1] works; -1.5 is the midpoint.
    [((-1, -1), -1.5), ([-1.0, -1.0], -1.0), (np.array([-2.0, -2.0]), -3.0), ((-1, -1), -1.9),
     (np.array([-1.0, -1.0], dtype=np.float32), np.float32(-1.5)),
     (torch.tensor([-1.0, -1.0], requires_grad=True), torch.tensor(-1.5)),
     ([[-1.0, -1.0]], np.array([-1.5])), ([Fraction(-1), Fraction(-1)], Fraction(-3, 2))],
)
def test_nand_accepts_correct_answers_in_any_numeric_form(weights, threshold):
    assert_correct(check_nand_unit(weights, threshold), "-1.5", "-1")


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
        ("-1 -1", -1.5, "weights should be a number"),
        (["a", "b"], -1.5, "weights should be numbers"),
        ([[-1], [-1, 2]], -1.5, "weights should be numbers"),
        ({"w": 1}, -1.5, "weights should be numbers"),
        (None, -1.5, "weights is still None"),
        ((True, False), -1.5, "weights should be numbers"),
        ((np.nan, -1), -1.5, "weights should be finite"),
        ((-1, -1), "low", "threshold should be a number"),
        ((-1, -1), True, "threshold should be a number"),
        ((-1, -1), None, "threshold is still None"),
        ((-1, -1), [-1.5, 0], "threshold should have shape ()"),
        ((-1, -1), np.inf, "threshold should be finite"),
    ],
)
def test_nand_malformed_answers_are_not_yet(weights, threshold, fragment):
    assert_not_yet(check_nand_unit(weights, threshold), fragment)


@pytest.mark.parametrize("warning_action", ["error", "ignore"])
def test_nand_complex_answer_is_not_yet(warning_action):
    # A complex weight is not a real number: refused, never cast to its real part (which would
    # pass (-1 + 2j, -1) as a correct NAND) and never raising, even with warnings as errors.
    with warnings.catch_warnings():
        warnings.simplefilter(warning_action)
        assert_not_yet(check_nand_unit([-1.0, -1.0], -1.5 + 0j), "threshold")
        assert_not_yet(check_nand_unit(np.array([-1 + 2j, -1]), -1.5), "weights")


# --- exercise 2: the perceptron criterion's SGD step (coding) ---------------------------------


def rosenblatt_in_pm1(w, x, y, learning_rate):
    """A right answer written without course_nn: Rosenblatt's rule with y = 2t - 1."""
    w, x = np.asarray(w, float), np.asarray(x, float)
    t = (y + 1) / 2
    o = 1.0 if w @ x >= 0 else 0.0
    return w + learning_rate * (t - o) * x


def in_place(w, x, y, learning_rate):
    if y * (1 if w @ x >= 0 else -1) < 0:
        w += learning_rate * y * x
    return w


def as_list(w, x, y, learning_rate):
    return rosenblatt_in_pm1(w, x, y, learning_rate).tolist()


def as_torch_tensor(w, x, y, learning_rate):
    return torch.tensor(rosenblatt_in_pm1(w, x, y, learning_rate), dtype=torch.float64)


@pytest.mark.parametrize("candidate", [rosenblatt_in_pm1, in_place, as_list, as_torch_tensor])
def test_perceptron_criterion_step_accepts_right_functions(candidate):
    assert_correct(check_perceptron_criterion_step(candidate))


def test_perceptron_criterion_cases_include_the_boundary_for_both_labels():
    off, on = perceptron_criterion_cases()
    assert len(off) >= 10
    assert all(abs(w @ x) > 1e-3 for w, x, _, _ in off)
    assert all(w @ x == 0 for w, x, _, _ in on)
    assert {y for _, _, y, _ in on} == {-1.0, 1.0}
    assert {y for _, _, y, _ in off} == {-1.0, 1.0}


@pytest.mark.parametrize(
    ("candidate", "fragments"),
    [
        (lambda w, x, y, r: None, ["still returns None"]),
        ("not a function", ["should be a function"]),
        (lambda w, x, y, r: 1 / 0, ["raised ZeroDivisionError"]),
        (lambda w, x, y, r: w, ["wrong", "Step only on a mistake"]),  # never steps
        (lambda w, x, y, r: w + r * y * x, ["wrong", "Step only on a mistake"]),  # always
        (lambda w, x, y, r: w - r * y * x if y * (w @ x) < 0 else w,
         ["wrong", "Step only on a mistake"]),  # wrong sign
        # right off the boundary, but steps on every boundary example (y w.x <= 0)
        (lambda w, x, y, r: w + r * y * x if y * (w @ x) <= 0 else w,
         ["boundary", "a +1 example is right there"]),
        # right off the boundary, never steps on it (y w.x < 0)
        (lambda w, x, y, r: w + r * y * x if y * (w @ x) < 0 else w,
         ["boundary", "a -1 example is a mistake"]),
        (lambda w, x, y, r: (w, x), ["shape"]),
        (lambda w, x, y, r: "w", ["not the text"]),
        (lambda w, x, y, r: w[:2], ["shape (2,)"]),
    ],
)
def test_perceptron_criterion_step_rejects_wrong_functions(candidate, fragments):
    assert_not_yet(check_perceptron_criterion_step(candidate), *fragments)


# --- exercise 3: the largest safe rate for one LMS step ---------------------------------------


def safe_rate_by_hand():
    # e' = e (1 - R |x|^2) with |x|^2 = 1 + 0.25 + 2.25 = 3.5: |e'| <= |e| iff R <= 2 / 3.5
    return 2.0 / 3.5


def test_lms_example_and_its_rate():
    assert LMS_EXAMPLE == (1.0, 0.5, 1.5)
    assert lms_single_example_rate() == pytest.approx(safe_rate_by_hand(), rel=1e-15)


def test_lms_rate_really_is_the_limit():
    # The claim behind the exercise, from the trainer: one step just below keeps the error from
    # growing, just above makes it grow, for several targets and starts.
    from course_nn.linear_rules import widrow_hoff_incremental

    x = np.array(LMS_EXAMPLE)
    r = safe_rate_by_hand()
    for t, w0 in [(1.0, np.zeros(3)), (-3.0, np.array([0.2, -1.0, 0.5]))]:
        below = widrow_hoff_incremental(x[None, 1:], [t], learning_rate=0.99 * r, epochs=1, w0=w0)
        above = widrow_hoff_incremental(x[None, 1:], [t], learning_rate=1.01 * r, epochs=1, w0=w0)
        assert below.errors[1] < below.errors[0] < above.errors[1]


@pytest.mark.parametrize(
    "answer",
    [safe_rate_by_hand(), 0.571, 0.5714, np.float32(0.5714), np.float64(4 / 7), Fraction(4, 7),
     [0.571], np.array([0.5714]), np.array([[0.5714]]), torch.tensor(0.5714),
     torch.tensor(0.5714, requires_grad=True), torch.tensor([0.5714], dtype=torch.float32)],
)
def test_lms_rate_accepts_three_figures_in_any_numeric_form(answer):
    assert_correct(check_lms_single_example_rate(answer), "0.57", "4/7", "2/3.5")


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (1 / 3.5, "lands the output exactly on the target"),  # 1 / |x|^2
        (2 / 2.5, "the bias input is part of x too"),  # forgot the bias entry
        (0.56, "close"),  # 2% off
        (0.58, "close"),
        (0.4, "too small"),
        (2.0, "too large"),
        (-0.5714, "too small"),
        (None, "rate is still None"),
        ("0.571", "rate should be a number"),
        (True, "rate should be a number"),
        ([0.5, 0.6], "rate should have shape ()"),
        (np.nan, "rate should be finite"),
        (1 + 0j, "rate should be"),
    ],
)
def test_lms_rate_wrong_and_malformed_answers(answer, fragment):
    assert_not_yet(check_lms_single_example_rate(answer), fragment)
