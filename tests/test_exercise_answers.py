"""The answer parsing and verdicts every exercise checker shares (exercises.result, .coding)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    THREE_FIGURES,
    CheckResult,
    answer_array,
    answer_number,
    closeness,
    correct,
    never_raises,
    not_yet,
)


@pytest.mark.parametrize("answer", [
    0.25, Fraction(1, 4), np.float32(0.25), np.float16(0.25), np.float64(0.25), np.array(0.25),
    np.array([0.25]), [0.25], [[0.25]], torch.tensor(0.25), torch.tensor([0.25]),
    torch.tensor(0.25, requires_grad=True), torch.tensor(0.25, dtype=torch.float32),
])
def test_every_numeric_form_of_a_number_is_accepted(answer):
    assert answer_number(answer, "x") == pytest.approx(0.25, rel=1e-6)


@pytest.mark.parametrize("answer", [3, np.int64(3), np.int8(3), torch.tensor(3), [3]])
def test_integers_are_numbers_too(answer):
    assert answer_number(answer, "count") == 3.0


@pytest.mark.parametrize(("answer", "fragment"), [
    (None, "still None"), ("0.25", "text"), (b"1", "text"), (True, "not True"),
    (np.bool_(False), "should be a number"), (1 + 2j, "real"), ([1.0, 2.0], "shape"),
    (float("nan"), "finite"), (np.inf, "finite"), ({"a": 1}, "numbers"), (object(), "numbers"),
    (["0.25"], "numbers"), ([None], "numbers"),
])
def test_non_numeric_answers_are_refused_without_raising(answer, fragment):
    result = answer_number(answer, "x")
    assert isinstance(result, CheckResult) and not result
    assert fragment in result.message and result.message.startswith("x ")


@pytest.mark.parametrize("answer", [
    [1.0, 2.0], (1.0, 2.0), np.array([1.0, 2.0], dtype=np.float32), [[1.0, 2.0]],
    np.array([[1.0], [2.0]]), torch.tensor([1.0, 2.0], requires_grad=True), [Fraction(1), 2],
])
def test_vector_answers_in_any_form(answer):
    np.testing.assert_allclose(answer_array(answer, "w", (2,)), [1.0, 2.0])


def test_a_wrong_shape_is_named():
    result = answer_array([1.0, 2.0, 3.0], "w", (2,))
    assert not result and "should have shape (2,), got (3,)" in result.message


@pytest.mark.parametrize(("value", "verdict"), [
    (0.0158, "right"), (0.01584, "right"), (0.016, "near"), (0.0152, "near"), (0.02, "wrong"),
    (-0.01584, "wrong"),
])
def test_closeness_matches_three_figures(value, verdict):
    assert closeness(value, 0.01584, THREE_FIGURES) == verdict


def test_closeness_of_zero_uses_an_absolute_tolerance():
    assert closeness(1e-4, 0.0) == "right" and closeness(0.5, 0.0) == "wrong"


def test_verdicts_print_plainly():
    assert repr(correct()) == "Correct."
    assert repr(correct("the stack is one linear map.")) == "Correct. the stack is one linear map."
    assert repr(not_yet("the sign is flipped.")) == "Not yet: the sign is flipped."
    assert bool(correct()) and not bool(not_yet("x"))


def test_never_raises_turns_errors_into_a_verdict():
    @never_raises
    def checker(answer):
        return correct() if 1 / answer else not_yet("no")

    assert checker(2)
    result = checker(0)
    assert not result and "ZeroDivisionError" in result.message


def _reference(x, scale):
    return np.tanh(x) * scale


def _cases():
    rng = np.random.default_rng(0)
    return [(rng.standard_normal((3, 4)), 2.0), (rng.standard_normal(5), 0.5)]


@pytest.mark.parametrize(("candidate", "fragment"), [
    (None, "should be a function"),
    (lambda x, s: None, "still returns None"),
    (lambda x, s: 1 / 0, "raised ZeroDivisionError"),
    (lambda x, s: np.tanh(x).ravel() * s, "has shape"),
    (lambda x, s: np.tanh(x), "is wrong in"),
    (lambda x, s: "tanh", "text"),
])
def test_check_function_says_what_is_wrong(candidate, fragment):
    result = check_function(candidate, "f", _reference, _cases(), hint="Look at the scale.")
    assert not result and fragment in result.message, result.message


def test_check_function_accepts_a_right_function_and_hides_the_reference():
    result = check_function(lambda x, s: s * np.tanh(x), "f", _reference, _cases())
    assert result and "2 test cases" in result.message
    assert "tanh" not in repr(check_function(lambda x, s: x, "f", _reference, _cases()))


def test_check_function_protects_the_reference_from_a_candidate_that_mutates():
    def sloppy(x, s):
        x *= 0.0
        return np.tanh(x) * s

    cases = _cases()
    before = [c[0].copy() for c in cases]
    assert not check_function(sloppy, "f", _reference, cases)
    for case, original in zip(cases, before, strict=True):
        np.testing.assert_array_equal(case[0], original)


def test_check_function_compares_tuples_output_by_output():
    def reference(x):
        return x * 2, x.sum()

    x = [np.arange(3.0)]
    assert check_function(lambda v: (v * 2, v.sum()), "g", reference, [x])
    wrong_count = check_function(lambda v: v * 2, "g", reference, [x])
    assert not wrong_count and "2 values" in wrong_count.message
    second_wrong = check_function(lambda v: (v * 2, v.sum() + 1), "g", reference, [x])
    assert not second_wrong and "output 2" in second_wrong.message
