"""Assertions shared by the exercise-checker tests."""

import re
from fractions import Fraction

import numpy as np
import torch

from course_nn.exercises import CheckResult


def assert_correct(result, *forbidden):
    """Correct, and the verdict restates none of the ``forbidden`` answer strings."""
    assert isinstance(result, CheckResult)
    assert bool(result) is True, repr(result)
    text = repr(result)
    assert text.startswith("Correct."), text
    for fragment in forbidden:
        assert fragment not in text, (fragment, text)


def assert_correct_without_numbers(result):
    """A numeric exercise's Correct verdict must not restate the answer: no digits at all."""
    assert_correct(result)
    assert not re.search(r"\d", result.message), result.message


def assert_not_yet(result, *fragments):
    assert isinstance(result, CheckResult)
    assert bool(result) is False
    text = repr(result)
    assert text.startswith("Not yet: "), text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def numeric_forms(value):
    """The same number as a reader might type or compute it."""
    return [
        value, float(value), np.float64(value), np.float32(value), np.array(value),
        np.array([value]), [value], torch.tensor(value, dtype=torch.float64),
        torch.tensor(float(value), requires_grad=True), torch.tensor([value]),
        Fraction(value).limit_denominator(100000),
    ]
