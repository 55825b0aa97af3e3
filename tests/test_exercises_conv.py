"""course_nn.exercises.conv: worked answers pass, slips and malformed answers do not."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_not_yet

from course_nn.exercises import conv as ex


def test_parameter_count_accepts_every_numeric_form():
    want = 16 * 3 * 25 + 16
    for answer in (want, float(want), np.int64(want), np.float32(want), np.array([want]),
                   [want], Fraction(want), torch.tensor(float(want), requires_grad=True)):
        assert_correct(ex.check_conv_parameter_count(answer))
    assert str(want) not in repr(ex.check_conv_parameter_count(want))


def test_parameter_count_agrees_with_torch():
    layer = torch.nn.Conv2d(ex.CONV_LAYER["in_channels"], ex.CONV_LAYER["out_channels"],
                            ex.CONV_LAYER["kernel_size"])
    assert ex.conv_parameter_count() == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("answer, hint", [(1200, "bias"), (416, "all input channels"),
                                          (256, "k x k"), (1216.5, "whole"), (99, "not"),
                                          (None, "None"), ("1216", "text"), (True, "number")])
def test_parameter_count_rejects_slips(answer, hint):
    assert_not_yet(ex.check_conv_parameter_count(answer), hint)


def test_weight_grad_accepts_the_correlation_of_x_with_delta():
    def good(x, delta, k):
        return np.array([np.dot(delta, x[a : a + len(delta)]) for a in range(k)])

    result = ex.check_conv1d_weight_grad(good)
    assert_correct(result)
    assert "finite differences" in repr(result)


def test_weight_grad_names_the_flip_and_other_slips():
    def flipped(x, delta, k):
        return np.array([np.dot(delta, x[a : a + len(delta)]) for a in range(k)])[::-1]

    assert_not_yet(ex.check_conv1d_weight_grad(flipped), "flipped")
    assert_not_yet(ex.check_conv1d_weight_grad(lambda x, delta, k: None), "None")
    assert_not_yet(ex.check_conv1d_weight_grad(lambda x, delta, k: np.zeros(k + 1)), "shape")
    assert_not_yet(ex.check_conv1d_weight_grad(lambda x, delta, k: 1 / 0), "ZeroDivisionError")
    assert_not_yet(ex.check_conv1d_weight_grad(lambda x, delta, k: np.ones(k)), "wrong in")
    assert_not_yet(ex.check_conv1d_weight_grad("code"), "function")


def test_avg_pool_backward_accepts_the_even_share_and_names_the_missing_division():
    def good(dout, k):
        return np.kron(dout, np.ones((k, k))) / k**2

    assert_correct(ex.check_avg_pool_backward(good))
    assert_not_yet(ex.check_avg_pool_backward(lambda dout, k: np.kron(dout, np.ones((k, k)))),
                   "1 / kernel^2")
    assert_not_yet(ex.check_avg_pool_backward(lambda dout, k: dout), "shape")
    assert_not_yet(ex.check_avg_pool_backward(lambda dout, k: None), "None")
