"""course_nn.exercises.text: worked answers pass, slips and malformed answers do not."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_not_yet

from course_nn.exercises import text as ex

# --- exercise 1: the embedding's gradient ------------------------------------------------------


def embedding_grad_loop(ids, dout, vocab_size):
    grad = np.zeros((vocab_size, dout.shape[-1]))
    for n in range(ids.shape[0]):
        for i in range(ids.shape[1]):
            grad[ids[n, i]] += dout[n, i]
    return grad


def embedding_grad_add_at(ids, dout, vocab_size):
    grad = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(grad, ids, dout)
    return grad


@pytest.mark.parametrize("answer", [embedding_grad_loop, embedding_grad_add_at])
def test_embedding_grad_accepts_scatter_adds(answer):
    result = ex.check_embedding_grad(answer)
    assert_correct(result)
    assert "finite differences" in repr(result)


def test_embedding_grad_accepts_torch_tensors():
    def via_torch(ids, dout, vocab_size):
        w = torch.zeros(vocab_size, dout.shape[-1], dtype=torch.float64, requires_grad=True)
        torch.nn.functional.embedding(torch.tensor(ids), w).backward(torch.tensor(dout))
        return w.grad

    assert_correct(ex.check_embedding_grad(via_torch))


def test_embedding_grad_names_the_overwrite_slip():
    def overwrite(ids, dout, vocab_size):
        grad = np.zeros((vocab_size, dout.shape[-1]))
        grad[ids] += dout  # buffered: repeated ids keep one contribution
        return grad

    assert_not_yet(ex.check_embedding_grad(overwrite), "added")


@pytest.mark.parametrize("answer, hint", [
    (lambda ids, dout, v: None, "None"),
    (lambda ids, dout, v: dout, "shape"),
    (lambda ids, dout, v: np.zeros((v, dout.shape[-1])), "wrong in"),
    (lambda ids, dout, v: 1 / 0, "ZeroDivisionError"),
    (lambda ids, dout, v: "grad", "text"),
    ("not a function", "function"),
])
def test_embedding_grad_rejects_slips(answer, hint):
    assert_not_yet(ex.check_embedding_grad(answer), hint)


# --- exercise 2: masked max-over-time backward --------------------------------------------------


def masked_max_backward(dout, x, mask):
    scores = np.where(mask[:, None, :], x, -np.inf)
    winner = scores.argmax(axis=2)
    dx = np.zeros_like(x)
    n, f = np.indices(winner.shape)
    dx[n, f, winner] = dout
    return dx


def test_masked_max_backward_accepts_the_worked_answer():
    result = ex.check_masked_max_backward(masked_max_backward)
    assert_correct(result)
    assert "finite differences" in repr(result)


def test_masked_max_backward_names_the_padding_slip():
    def unmasked(dout, x, mask):
        return masked_max_backward(dout, x, np.ones_like(mask))

    assert_not_yet(ex.check_masked_max_backward(unmasked), "padded position")


def test_masked_max_backward_names_the_spread_slip():
    def spread(dout, x, mask):
        return dout[:, :, None] * mask[:, None, :]

    assert_not_yet(ex.check_masked_max_backward(spread), "winning position")


@pytest.mark.parametrize("answer, hint", [
    (lambda dout, x, mask: None, "None"),
    (lambda dout, x, mask: dout, "shape"),
    (lambda dout, x, mask: np.zeros_like(x), "wrong in"),
    (lambda dout, x, mask: x[5], "IndexError"),
])
def test_masked_max_backward_rejects_slips(answer, hint):
    assert_not_yet(ex.check_masked_max_backward(answer), hint)


# --- exercise 3: parameter count -----------------------------------------------------------------


def test_kim_count_agrees_with_torch():
    k = ex.KIM_CNN
    layers = [torch.nn.Embedding(k["vocab_size"], k["dim"])]
    layers += [torch.nn.Conv1d(k["dim"], k["filters"], h) for h in k["widths"]]
    layers.append(torch.nn.Linear(len(k["widths"]) * k["filters"], k["classes"]))
    assert ex.kim_parameter_count() == sum(p.numel() for m in layers for p in m.parameters())


def test_kim_count_accepts_every_numeric_form():
    want = ex.kim_parameter_count()
    for answer in (want, float(want), np.int64(want), np.float32(want), np.array([want]),
                   [want], Fraction(want), torch.tensor(float(want), requires_grad=True)):
        assert_correct(ex.check_kim_parameter_count(answer))
    assert str(want) not in repr(ex.check_kim_parameter_count(want))
    assert f"{want:,}" not in repr(ex.check_kim_parameter_count(want))


def test_kim_count_rejects_slips_with_hints():
    want = ex.kim_parameter_count()
    k = ex.KIM_CNN
    assert_not_yet(ex.check_kim_parameter_count(want - k["vocab_size"] * k["dim"]), "embedding")
    assert_not_yet(ex.check_kim_parameter_count(want - 3 * k["filters"] - 2), "bias")
    single = want - sum(k["filters"] * k["dim"] * h for h in k["widths"]) + sum(
        k["filters"] * h for h in k["widths"])
    assert_not_yet(ex.check_kim_parameter_count(single), "h x d")
    assert_not_yet(ex.check_kim_parameter_count(want + 0.5), "whole")
    assert_not_yet(ex.check_kim_parameter_count(12), "not")
    for bad, hint in ((None, "None"), ("6e6", "text"), (True, "number")):
        assert_not_yet(ex.check_kim_parameter_count(bad), hint)
