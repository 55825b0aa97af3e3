"""Checkers for notebook 06's exercises (convolutional networks)."""

from __future__ import annotations

import numpy as np

from course_nn import conv, pooling
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    CheckResult,
    answer_number,
    correct,
    never_raises,
    not_yet,
)
from course_nn.gradcheck import numerical_gradient

#: Exercise 1: a convolutional layer whose weights and biases the reader counts.
CONV_LAYER = {"in_channels": 3, "out_channels": 16, "kernel_size": 5}


def conv_parameter_count() -> int:
    c, f, k = CONV_LAYER["in_channels"], CONV_LAYER["out_channels"], CONV_LAYER["kernel_size"]
    return f * c * k * k + f


@never_raises
def check_conv_parameter_count(answer) -> CheckResult:
    """Exercise 1: weights plus biases of a Conv2d with ``CONV_LAYER``'s sizes."""
    value = answer_number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    if value != int(value):
        return not_yet(f"a count is a whole number, got {value:g}.")
    c, f, k = CONV_LAYER["in_channels"], CONV_LAYER["out_channels"], CONV_LAYER["kernel_size"]
    if value == conv_parameter_count():
        return correct("Each filter spans every input channel; its weights are shared over "
                       "all positions, so the image size does not enter.")
    if value == f * c * k * k:
        return not_yet("you counted the weights; each filter also has one bias.")
    if value in (f * k * k + f, f * k * k):
        return not_yet("a filter spans all input channels, not just one.")
    if value in (f * c * k + f, f * c * k):
        return not_yet("the kernel is k x k, not k long.")
    return not_yet(f"{value:g} is not filters x (channels x k x k) + biases.")


# --- exercise 2: the 1-D weight gradient ------------------------------------------------------


def reference_conv1d_weight_grad(x, delta, kernel_size):
    """``dE/dw_a = sum_i delta_i x_{i+a}`` for a single-channel, stride-1, unpadded layer
    ``y_i = sum_a w_a x_{i+a}``: x (L,), delta (L - K + 1,) -> (K,)."""
    x3, delta3 = np.asarray(x, float)[None, None], np.asarray(delta, float)[None, None]
    w = np.zeros((1, 1, int(kernel_size)))
    _, cache = conv.conv1d_forward(x3, w, np.zeros(1))
    return conv.conv1d_backward(delta3, cache)[1][0, 0]


def _exercise2_cases():
    rng = np.random.default_rng(6)
    return [(rng.standard_normal(n), rng.standard_normal(n - k + 1), k)
            for n, k in ((6, 3), (9, 2), (7, 7), (12, 5))]


@never_raises
def check_conv1d_weight_grad(candidate) -> CheckResult:
    """Exercise 2: ``candidate(x, delta, kernel_size)`` must return dE/dw (K,); compared with
    the reference and, for the verdict, with centred finite differences of ``sum(delta * y)``."""
    verdict = check_function(candidate, "conv1d_weight_grad", reference_conv1d_weight_grad,
                             _exercise2_cases())
    if not verdict:
        if "wrong in" in verdict.message:
            x, delta, k = _exercise2_cases()[0]
            got = np.asarray(candidate(x.copy(), delta.copy(), k), dtype=float)
            flipped = reference_conv1d_weight_grad(x, delta, k)[::-1]
            if got.shape == flipped.shape and np.allclose(got, flipped):
                return not_yet("your gradient is flipped: the layer correlates "
                               "(y_i = sum_a w_a x_{i+a}), so weight a meets input i + a.")
        return verdict
    x, delta, k = _exercise2_cases()[-1]

    def error(w):
        return float(np.sum(delta * conv.correlate1d(x, w, "valid")))

    numeric = numerical_gradient(error, np.zeros(k))
    if not np.allclose(candidate(x.copy(), delta.copy(), k), numeric, atol=1e-6):
        return not_yet("it matches the reference but not the finite differences; report this.")
    return correct("It agrees with the reference on every test case and with centred finite "
                   "differences of the error.")


# --- exercise 3: average pooling's backward pass ----------------------------------------------


def reference_avg_pool_backward(dout, kernel):
    """dE/dx of non-overlapping ``kernel`` x ``kernel`` average pooling of an image (H, W),
    from dout (H // kernel, W // kernel)."""
    dout = np.asarray(dout, float)
    h, w = dout.shape[0] * kernel, dout.shape[1] * kernel
    _, cache = pooling.avg_pool2d_forward(np.zeros((1, 1, h, w)), kernel)
    return pooling.avg_pool2d_backward(dout[None, None], cache)[0, 0]


def _exercise3_cases():
    rng = np.random.default_rng(7)
    return [(rng.standard_normal(shape), k) for shape, k in (((2, 3), 2), ((3, 3), 3), ((4, 2), 2))]


@never_raises
def check_avg_pool_backward(candidate) -> CheckResult:
    """Exercise 3: ``candidate(dout, kernel)`` must return dE/dx (H, W)."""
    verdict = check_function(candidate, "avg_pool_backward", reference_avg_pool_backward,
                             _exercise3_cases())
    if not verdict and "wrong in" in verdict.message:
        dout, k = _exercise3_cases()[0]
        got = np.asarray(candidate(dout.copy(), k), dtype=float)
        spread = np.kron(dout, np.ones((k, k)))
        if got.shape == spread.shape and np.allclose(got, spread):
            return not_yet("each input counts 1 / kernel^2 towards its window's mean, so it gets "
                           "that share of the window's dout.")
    return verdict
