"""course_nn.exercises.autoencoders: worked answers pass in every numeric form, slips and
malformed answers get a "Not yet" that says what is wrong, and no checker raises or restates
its answer."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_not_yet

from course_nn.exercises import autoencoders as ex

# --- Exercise 1: the L1 penalty's gradient -----------------------------------------------------

def l1_right(code, weight):
    return weight * np.sign(code)


def test_l1_gradient_accepts_the_sign_rule_and_a_torch_version():
    assert_correct(ex.check_l1_code_gradient(l1_right))

    def with_torch(code, weight):
        return weight * torch.sign(torch.as_tensor(code))

    assert_correct(ex.check_l1_code_gradient(with_torch))


@pytest.mark.parametrize("candidate, fragment", [
    (lambda code, weight: np.sign(code), "wrong"),               # forgot the weight
    (lambda code, weight: weight * np.abs(code), "wrong"),       # the penalty, not its gradient
    (lambda code, weight: weight * code, "wrong"),               # the L2 gradient
    (lambda code, weight: weight * np.sign(code).sum(0), "shape"),
    (lambda code, weight: None, "None"),
    (lambda code, weight: 1 / 0, "ZeroDivisionError"),
    ("not a function", "function"),
])
def test_l1_gradient_rejects_slips(candidate, fragment):
    assert_not_yet(ex.check_l1_code_gradient(candidate), fragment)


# --- Exercise 2: the tied decoder's backward ---------------------------------------------------

def tied_right(dout, code, weight):
    return dout @ weight, dout.T @ code, dout.sum(axis=0)


def test_tied_decoder_grads_accepts_the_worked_answer():
    assert_correct(ex.check_tied_decoder_grads(tied_right))
    assert_correct(ex.check_tied_decoder_grads(lambda d, y, w: list(tied_right(d, y, w))))


@pytest.mark.parametrize("candidate, fragment", [
    (lambda d, y, w: (d @ w, y.T @ d, d.sum(0)), "shape"),       # the untied (H, D) gradient
    (lambda d, y, w: (d @ w.T if d.shape[1] == w.shape[1] else d @ w, d.T @ y, d.mean(0)),
     "wrong"),
    (lambda d, y, w: d @ w, "3 values"),
    (lambda d, y, w: None, "None"),
])
def test_tied_decoder_grads_rejects_slips(candidate, fragment):
    assert_not_yet(ex.check_tied_decoder_grads(candidate), fragment)


def test_tied_decoder_reference_matches_finite_differences():
    rng = np.random.default_rng(0)
    d, y, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    eps = 1e-6
    _, dw, _ = tied_right(d, y, w)
    numeric = np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        plus, minus = w.copy(), w.copy()
        plus[idx] += eps
        minus[idx] -= eps
        numeric[idx] = (np.sum(d * (y @ plus.T)) - np.sum(d * (y @ minus.T))) / (2 * eps)
    np.testing.assert_allclose(dw, numeric, rtol=1e-7)


# --- Exercise 3: PCA's error -------------------------------------------------------------------

@pytest.mark.parametrize("answer", [1.5, Fraction(3, 2), np.float32(1.5), np.float64(1.5),
                                    np.array([1.5]), [1.5], torch.tensor(1.5),
                                    torch.tensor([1.5], requires_grad=True), 1.504])
def test_pca_error_accepts_every_numeric_form(answer):
    assert_correct(ex.check_pca_error(answer))


@pytest.mark.parametrize("answer, fragment", [
    (6.5, "keeps"), (8.0, "total"), (0.75, "1/2"), (1.55, "close"), (0.3, "not"),
])
def test_pca_error_rejects_slips(answer, fragment):
    assert_not_yet(ex.check_pca_error(answer), fragment)


@pytest.mark.parametrize("answer", [None, "1.5", True, [1.5, 2.0], float("nan"), object()])
def test_pca_error_never_raises_on_malformed_answers(answer):
    assert_not_yet(ex.check_pca_error(answer))


def test_correct_verdicts_never_restate_the_answers():
    for result in (ex.check_pca_error(1.5), ex.check_l1_code_gradient(l1_right),
                   ex.check_tied_decoder_grads(tied_right)):
        assert "1.5" not in repr(result)
    assert ex.pca_error() == pytest.approx(1.5)
