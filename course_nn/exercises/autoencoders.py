"""Checkers for notebook 05's exercises (sparse and tied autoencoders, PCA)."""

from __future__ import annotations

import numpy as np

from course_nn.autoencoders import tied_affine_backward
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    THREE_FIGURES,
    CheckResult,
    answer_number,
    closeness,
    correct,
    near_message,
    never_raises,
    not_yet,
)
from course_nn.sparsity import L1Penalty

#: Exercise 3: the covariance eigenvalues of centred data, and the code size k.
PCA_PROBLEM = {"eigenvalues": (4.0, 2.5, 1.2, 0.2, 0.1), "k": 2}


def _l1_reference(code, weight):
    return L1Penalty(weight).gradient(code)


def _l1_cases():
    rng = np.random.default_rng(51)
    return [(rng.standard_normal((4, 3)), 0.5), (rng.uniform(0.01, 1, (6, 5)), 2.0),
            (np.array([[-0.3, 0.7], [1.5, -2.0]]), 1.0)]


@never_raises
def check_l1_code_gradient(candidate) -> CheckResult:
    """Exercise 1: ``candidate(code, weight)`` must return d/d(code) of ``weight * sum |code|``."""
    return check_function(candidate, "l1_code_gradient", _l1_reference, _l1_cases(),
                          hint="The derivative of |y| is +1 for y > 0 and -1 for y < 0, "
                               "times the weight, for every entry of the batch.")


def _tied_reference(dout, code, weight):
    return tied_affine_backward(dout, (code, weight))


def _tied_cases():
    rng = np.random.default_rng(52)
    cases = []
    for n, h, d in ((5, 3, 8), (1, 2, 4), (7, 4, 6)):
        cases.append((rng.standard_normal((n, d)), rng.standard_normal((n, h)),
                      rng.standard_normal((d, h))))
    return cases


@never_raises
def check_tied_decoder_grads(candidate) -> CheckResult:
    """Exercise 2: ``candidate(dout, code, weight)`` for ``out = code @ weight.T + bias`` must
    return ``(dcode, dweight, dbias)`` of shapes (N, H), (D, H), (D,)."""
    return check_function(candidate, "tied_decoder_grads", _tied_reference, _tied_cases(),
                          hint="Write out = code W^T + c entry by entry and differentiate; "
                               "dweight has W's shape (D, H), not W^T's.")


def pca_error() -> float:
    values = PCA_PROBLEM["eigenvalues"]
    return float(sum(values[PCA_PROBLEM["k"]:]))


@never_raises
def check_pca_error(answer) -> CheckResult:
    """Exercise 3: the per-example mean of ``||x_hat - x||^2`` of the best linear autoencoder
    with k hidden units: the sum of the eigenvalues it leaves out."""
    value = answer_number(answer, "error")
    if isinstance(value, CheckResult):
        return value
    values, k = PCA_PROBLEM["eigenvalues"], PCA_PROBLEM["k"]
    verdict = closeness(value, pca_error(), THREE_FIGURES)
    if verdict == "right":
        return correct("the error is the variance in the directions the code leaves out.")
    if np.isclose(value, sum(values[:k])):
        return not_yet("that is the variance the code keeps; the error is what it loses.")
    if np.isclose(value, sum(values)):
        return not_yet("that is the total variance, the error of a code with no units at all.")
    if np.isclose(value, 0.5 * pca_error()):
        return not_yet("the error asked for is ||x_hat - x||^2, without the factor 1/2.")
    if verdict == "near":
        return near_message("error")
    return not_yet(f"{value:g} is not the variance left out by the best {k}-unit code.")
