"""course_nn.exercises.regularisation: right answers pass in every numeric form, slips get a
hint, malformed answers get "Not yet", nothing raises, and "Correct." never restates the answer.
"""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_not_yet

from course_nn import layers, modules, optim, training
from course_nn.exercises import regularisation as ex

GAMMA = 1 - 0.05 * 0.004  # 0.9998


def number_forms(value):
    return [value, float(value), np.float64(value), np.float32(value), np.array(value),
            np.array([value]), [value], torch.tensor(value), torch.tensor([value]),
            torch.tensor(value, dtype=torch.float64, requires_grad=True)]


# --- Exercise 1 --------------------------------------------------------------------------------


def test_worked_shrink_factor_is_exact():
    assert ex.shrink_factor() == pytest.approx(GAMMA, abs=1e-15)


@pytest.mark.parametrize("answer", number_forms(GAMMA) + [Fraction(4999, 5000)],
                         ids=lambda a: type(a).__name__)
def test_shrink_factor_accepts_every_numeric_form(answer):
    assert_correct(ex.check_shrink_factor(answer), "0.9998", "9998")


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


@pytest.mark.parametrize("answer, hint", [(1 - 0.004, "learning rate"), (1 - 0.05, "R alone"),
                                          (0.0002, "kept"), (1.0002, "sign"),
                                          (0.9997, "close"), (1.0, "close"), (0.5, "not")])
def test_shrink_factor_rejects_slips_with_a_hint(answer, hint):
    assert_not_yet(ex.check_shrink_factor(answer), hint)


# --- Exercise 2 (coding) -----------------------------------------------------------------------


def right_forward(x, mask, drop_prob):
    return x * mask / (1 - drop_prob)


def right_backward(dout, mask, drop_prob):
    return dout * mask / (1 - drop_prob)


def test_dropout_functions_accept_the_worked_solution_and_the_library_kernels():
    assert_correct(ex.check_dropout_functions(right_forward, right_backward))
    assert_correct(ex.check_dropout_functions(
        lambda x, m, p: layers.dropout_forward(x, p, mask=m)[0],
        lambda d, m, p: layers.dropout_backward(d, layers.dropout_forward(d, p, mask=m)[1])))


def test_dropout_functions_accept_torch_outputs():
    assert_correct(ex.check_dropout_functions(
        lambda x, m, p: torch.tensor(x) * torch.tensor(m) / (1 - p),
        lambda d, m, p: torch.tensor(d) * torch.tensor(m) / (1 - p)))


@pytest.mark.parametrize("forward, backward, hint", [
    (lambda x, m, p: None, right_backward, "forward still returns None"),
    (right_forward, lambda d, m, p: None, "backward still returns None"),
    (lambda x, m, p: x * m, right_backward, "keep probability"),  # not inverted
    (lambda x, m, p: x * m * (1 - p), right_backward, "keep probability"),  # scaled the wrong way
    (lambda x, m, p: x / (1 - p), right_backward, "keep probability"),  # mask forgotten
    (right_forward, lambda d, m, p: d * m, "finite differences"),  # scale forgotten backward
    (right_forward, lambda d, m, p: d / (1 - p), "finite differences"),  # mask forgotten backward
    (right_forward, lambda d, m, p: (d * m / (1 - p)).sum(axis=0), "shape"),
    (lambda x, m, p: 1 / 0, right_backward, "ZeroDivisionError"),
    (right_forward, lambda d, m, p: [][1], "IndexError"),
    (lambda x, m, p: (x * m / (1 - p), m), right_backward, "shape"),  # returned a tuple
    ("not a function", right_backward, "should be a function"),
    (right_forward, None, "should be a function"),
])
def test_dropout_functions_say_what_is_wrong(forward, backward, hint):
    assert_not_yet(ex.check_dropout_functions(forward, backward), hint)


def test_dropout_checker_does_not_let_inputs_be_spoiled():
    def forward_in_place(x, mask, drop_prob):
        x *= mask / (1 - drop_prob)
        return x

    assert_correct(ex.check_dropout_functions(forward_in_place, right_backward))


# --- Exercise 3 --------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", number_forms(51.0) + [51, np.int64(51), Fraction(51)],
                         ids=lambda a: type(a).__name__)
def test_networks_trained_accepts_every_numeric_form(answer):
    assert_correct(ex.check_networks_trained(answer), "51", "50")


@pytest.mark.parametrize("answer, hint", [(50, "retrain"), (55, "only the chosen"),
                                          (11, "every setting"), (5, "every setting"),
                                          (51.5, "whole number"), (7, "count")])
def test_networks_trained_rejects_slips(answer, hint):
    assert_not_yet(ex.check_networks_trained(answer), hint)


# --- every checker on malformed answers --------------------------------------------------------


@pytest.mark.parametrize("answer", [None, "0.9998", "abc", b"1", True, np.bool_(False),
                                    [0.1, 0.2, 0.3], 1 + 2j, float("nan"), float("inf"),
                                    {"a": 1}, [[1.0, 2.0]], object(), np.array([])])
@pytest.mark.parametrize("checker", [ex.check_shrink_factor, ex.check_networks_trained])
def test_malformed_answers_are_not_yet_and_never_raise(checker, answer):
    assert_not_yet(checker(answer))


def test_strings_are_never_correct():
    assert_not_yet(ex.check_networks_trained("51"), "text")
    assert_not_yet(ex.check_shrink_factor(str(GAMMA)), "text")
