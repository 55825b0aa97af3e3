"""course_nn.exercises.regularisation: worked answers pass, slips and malformed answers do not."""

import numpy as np
import pytest

from course_nn import modules, optim, training
from course_nn.exercises import regularisation as ex


def test_shrink_factor_accepts_one_minus_rate_times_strength():
    assert ex.check_shrink_factor(1 - 0.1 * 0.01)
    assert repr(ex.check_shrink_factor(0.999)).startswith("Correct:")


def test_shrink_factor_really_equals_the_l2_step():
    # The worked answer makes fit's shrinking equal to SGD's weight_decay, as the notebook shows.
    rng = np.random.default_rng(0)
    X, y = rng.random((20, 3)), rng.integers(0, 2, 20)
    rate, lam = ex.WEIGHT_DECAY["learning_rate"], ex.WEIGHT_DECAY["strength"]
    a = modules.mlp([3, 4, 2], np.random.default_rng(1))
    b = modules.mlp([3, 4, 2], np.random.default_rng(1))
    training.fit(a, optim.SGD(a, rate, weight_decay=lam), X, y, epochs=3, batch_size=5,
                 show_progress=False)
    training.fit(b, optim.SGD(b, rate), X, y, epochs=3, batch_size=5,
                 shrink_factor=ex.shrink_factor(), show_progress=False)
    for name, value in a.parameters().items():
        np.testing.assert_allclose(value, b.parameters()[name], atol=1e-12)


@pytest.mark.parametrize("answer, hint", [(0.99, "learning rate"), (0.001, "kept"),
                                          (1.001, "sign"), (0.5, "not")])
def test_shrink_factor_rejects_slips(answer, hint):
    result = ex.check_shrink_factor(answer)
    assert not result
    assert hint in repr(result)


def test_dropout_outputs_accepts_inverted_scaling():
    assert ex.check_dropout_outputs([0.6 / 0.8, 0.6])
    assert ex.check_dropout_outputs(np.array([0.75, 0.6]))


@pytest.mark.parametrize("answer, hint", [([0.6, 0.48], "non-inverted"),
                                          ([0.48, 0.6], "keep probability"),
                                          ([0.75, 0.48], "identity"),
                                          ([0.7, 0.6], "not")])
def test_dropout_outputs_rejects_slips(answer, hint):
    result = ex.check_dropout_outputs(answer)
    assert not result
    assert hint in repr(result)


def test_networks_trained_accepts_folds_times_settings_plus_one():
    assert ex.check_networks_trained(41)
    result = ex.check_networks_trained(40)
    assert not result and "retrain" in repr(result)
    assert not ex.check_networks_trained(11)
    assert not ex.check_networks_trained(7)


@pytest.mark.parametrize("answer", [None, "abc", [0.1, 0.2, 0.3], 1 + 2j, float("nan"),
                                    {"a": 1}, [[1.0, 2.0]]])
@pytest.mark.parametrize(
    "checker", [ex.check_shrink_factor, ex.check_dropout_outputs, ex.check_networks_trained]
)
def test_malformed_answers_are_not_yet_and_never_raise(checker, answer):
    result = checker(answer)
    assert not result
    assert repr(result).startswith("Not yet:")
