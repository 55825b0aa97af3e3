"""course_nn.exercises.backprop: worked answers pass, slips and malformed answers do not."""

import numpy as np
import pytest

from course_nn.exercises import backprop as ex
from course_nn.modules import mlp


def test_output_delta_accepts_hand_computed_value():
    # (t - o) o (1 - o) with o = 0.8, t = 1: 0.2 * 0.8 * 0.2
    assert ex.check_output_delta(0.032)
    assert repr(ex.check_output_delta(0.032)).startswith("Correct:")


@pytest.mark.parametrize("answer, hint", [(-0.032, "sign"), (0.2, "slope"), (0.5, "not")])
def test_output_delta_rejects_slips(answer, hint):
    result = ex.check_output_delta(answer)
    assert not result
    assert hint in repr(result)


def test_hidden_delta_accepts_hand_computed_value():
    # downstream sum 0.032 * 0.5 + (-0.05) * (-1.0) = 0.066; times 0.6 * 0.4
    assert ex.check_hidden_delta(0.24 * 0.066)
    assert not ex.check_hidden_delta(0.066)
    assert "o_j (1 - o_j)" in repr(ex.check_hidden_delta(0.066))
    assert not ex.check_hidden_delta(0.02)


def test_parameter_count_matches_a_real_model():
    rng = np.random.default_rng(0)
    count = sum(p.size for p in mlp(ex.MLP_SIZES, rng).parameters().values())
    assert count == 64 * 100 + 100 + 100 * 10 + 10
    assert ex.check_parameter_count(count)
    result = ex.check_parameter_count(64 * 100 + 100 * 10)
    assert not result and "bias" in repr(result)


@pytest.mark.parametrize("answer", [None, "abc", [0.1, 0.2], 1 + 2j, float("nan"), {"a": 1}])
@pytest.mark.parametrize(
    "checker", [ex.check_output_delta, ex.check_hidden_delta, ex.check_parameter_count]
)
def test_malformed_answers_are_not_yet_and_never_raise(checker, answer):
    result = checker(answer)
    assert not result
    assert repr(result).startswith("Not yet:")
