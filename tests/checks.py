"""Assertions shared by the exercise-checker tests."""

from course_nn.exercises import CheckResult


def assert_correct(result):
    assert isinstance(result, CheckResult)
    assert bool(result) is True
    assert repr(result).startswith("Correct.")


def assert_not_yet(result, *fragments):
    assert isinstance(result, CheckResult)
    assert bool(result) is False
    text = repr(result)
    assert text.startswith("Not yet: ")
    for fragment in fragments:
        assert fragment in text, (fragment, text)
