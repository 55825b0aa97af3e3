"""course_nn.exercises.recurrent: worked answers pass, slips and malformed answers do not."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_not_yet

from course_nn.exercises import recurrent as ex
from course_nn.gradcheck import numerical_gradient


def test_parameter_count_agrees_with_torch_less_its_second_bias():
    s = ex.RNN_SIZES
    layer = torch.nn.RNN(s["input_size"], s["hidden_size"], num_layers=s["num_layers"],
                         bidirectional=s["bidirectional"])
    torch_count = sum(p.numel() for p in layer.parameters())
    assert ex.rnn_parameter_count() == torch_count - 2 * 2 * s["hidden_size"]
    assert_not_yet(ex.check_rnn_parameter_count(torch_count), "two bias vectors")


def test_parameter_count_accepts_every_numeric_form():
    want = ex.rnn_parameter_count()
    for answer in (want, float(want), np.int64(want), np.float32(want), np.array([want]),
                   [want], Fraction(want), torch.tensor(float(want), requires_grad=True)):
        assert_correct(ex.check_rnn_parameter_count(answer))
    assert str(want) not in repr(ex.check_rnn_parameter_count(want))


@pytest.mark.parametrize("answer, hint", [
    (2 * 2 * (64 * 64 + 64 * 64 + 64), "both directions of the first"),
    (ex.rnn_parameter_count() // 2, "one per direction"),
    (1000.5, "whole"), (99, "not the sum"), (None, "None"), ("41216", "text"), (True, "number"),
])
def test_parameter_count_rejects_slips(answer, hint):
    assert_not_yet(ex.check_rnn_parameter_count(answer), hint)


def good_bptt_step(g, h_prev, x_t, w_in, w_h, b):
    h_t = np.tanh(h_prev @ w_h + x_t @ w_in + b)
    da = g * (1.0 - h_t**2)
    return da @ w_in.T, da @ w_h.T, x_t.T @ da, h_prev.T @ da, da.sum(axis=0)


def test_bptt_step_accepts_the_worked_solution_which_matches_finite_differences():
    result = ex.check_bptt_step(good_bptt_step)
    assert_correct(result)
    g, h_prev, x_t, w_in, w_h, b = ex._exercise2_cases()[2]

    def error(hp):
        return float(np.sum(g * np.tanh(hp @ w_h + x_t @ w_in + b)))

    assert np.allclose(good_bptt_step(g, h_prev, x_t, w_in, w_h, b)[1],
                       numerical_gradient(error, h_prev), atol=1e-8)


def test_bptt_step_names_the_slips():
    def no_tanh(g, h_prev, x_t, w_in, w_h, b):
        out = list(good_bptt_step(g, h_prev, x_t, w_in, w_h, b))
        out[1] = g @ w_h.T
        return tuple(out)

    def untransposed(g, h_prev, x_t, w_in, w_h, b):
        h_t = np.tanh(h_prev @ w_h + x_t @ w_in + b)
        out = list(good_bptt_step(g, h_prev, x_t, w_in, w_h, b))
        out[1] = (g * (1 - h_t**2)) @ w_h
        return tuple(out)

    assert_not_yet(ex.check_bptt_step(no_tanh), "skips the tanh")
    assert_not_yet(ex.check_bptt_step(untransposed), "transposed")
    assert_not_yet(ex.check_bptt_step(lambda *a: None), "None")
    assert_not_yet(ex.check_bptt_step(lambda *a: good_bptt_step(*a)[:4]), "5 values")
    assert_not_yet(ex.check_bptt_step(lambda *a: 1 / 0), "ZeroDivisionError")
    assert_not_yet(ex.check_bptt_step("code"), "function")


def good_masked_mean(losses, lengths):
    mask = np.arange(losses.shape[1])[None, :] < np.asarray(lengths)[:, None]
    return losses[mask].mean()


def test_masked_mean_accepts_any_numeric_return():
    assert_correct(ex.check_masked_mean(good_masked_mean))
    assert_correct(ex.check_masked_mean(lambda l, n: torch.tensor(good_masked_mean(l, n))))
    assert_correct(ex.check_masked_mean(lambda l, n: [good_masked_mean(l, n)]))


def test_masked_mean_names_the_slips():
    def wrong_divisor(losses, lengths):
        mask = np.arange(losses.shape[1])[None, :] < lengths[:, None]
        return np.sum(losses * mask) / losses.size

    def per_sentence(losses, lengths):
        mask = np.arange(losses.shape[1])[None, :] < lengths[:, None]
        return np.mean(np.sum(losses * mask, axis=1) / lengths)

    assert_not_yet(ex.check_masked_mean(lambda losses, lengths: losses.mean()), "padding included")
    assert_not_yet(ex.check_masked_mean(wrong_divisor), "divisor")
    assert_not_yet(ex.check_masked_mean(per_sentence), "short sentence")
    assert_not_yet(ex.check_masked_mean(lambda losses, lengths: None), "None")
    assert_not_yet(ex.check_masked_mean(lambda losses, lengths: "0.5"), "text")
    assert_not_yet(ex.check_masked_mean(lambda losses, lengths: losses[0]), "shape")
    assert_not_yet(ex.check_masked_mean(42), "function")
