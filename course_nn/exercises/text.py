"""Checkers for notebook 07's exercises (convolutional networks for text)."""

from __future__ import annotations

import numpy as np

from course_nn import text
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    CheckResult,
    answer_number,
    correct,
    never_raises,
    not_yet,
)
from course_nn.gradcheck import numerical_gradient

# --- exercise 1: the embedding's gradient ----------------------------------------------------


def reference_embedding_grad(ids, dout, vocab_size):
    """dE/dW of ``out = W[ids]``: ids (N, L) int, dout (N, L, D) -> (vocab_size, D)."""
    weight = np.zeros((int(vocab_size), np.shape(dout)[-1]))
    _, cache = text.embedding_forward(np.asarray(ids), weight)
    return text.embedding_backward(np.asarray(dout, dtype=float), cache)


def _exercise1_cases():
    rng = np.random.default_rng(7)
    cases = []
    for ids in ([[2, 2, 5, 0]], [[1, 3, 3, 3], [3, 0, 0, 0]], [[4, 1, 6, 2, 2, 6]]):
        ids = np.array(ids)
        cases.append((ids, rng.standard_normal((*ids.shape, 3)), 7))
    return cases


@never_raises
def check_embedding_grad(candidate) -> CheckResult:
    """Exercise 1: ``candidate(ids, dout, vocab_size)`` must return dE/dW (vocab_size, D), with
    the gradients of a repeated token added up."""
    verdict = check_function(candidate, "embedding_grad", reference_embedding_grad,
                             _exercise1_cases())
    if not verdict and "wrong in" in verdict.message:
        ids, dout, vocab_size = _exercise1_cases()[0]
        got = np.asarray(candidate(ids.copy(), dout.copy(), vocab_size), dtype=float)
        overwritten = np.zeros((vocab_size, dout.shape[-1]))
        overwritten[ids.reshape(-1)] = dout.reshape(-1, dout.shape[-1])  # the last one wins
        if got.shape == overwritten.shape and np.allclose(got, overwritten):
            return not_yet("a token that occurs twice keeps only one position's gradient. "
                           "Fancy-index assignment (and `+=` with repeated indices) stores "
                           "once; the gradients must be added: np.add.at or a loop.")
        return verdict
    if not verdict:
        return verdict
    ids, dout, vocab_size = _exercise1_cases()[1]

    def error(weight):
        return float(np.sum(weight[ids] * dout))

    numeric = numerical_gradient(error, np.zeros((vocab_size, dout.shape[-1])))
    if not np.allclose(candidate(ids.copy(), dout.copy(), vocab_size), numeric, atol=1e-6):
        return not_yet("it matches the reference but not the finite differences; report this.")
    return correct("It adds every position's gradient into the row of the token it used, and "
                   "agrees with centred finite differences.")


# --- exercise 2: max-over-time's backward pass with padding ----------------------------------


def reference_masked_max_backward(dout, x, mask):
    """dE/dx of masked max-over-time: dout (N, F), x (N, F, L), mask (N, L) -> (N, F, L)."""
    _, cache = text.max_over_time_forward(np.asarray(x, dtype=float), np.asarray(mask, bool))
    return text.max_over_time_backward(np.asarray(dout, dtype=float), cache)


def _exercise2_cases():
    rng = np.random.default_rng(8)
    cases = []
    for lengths, n_filters, width in (([5, 2], 3, 5), ([3, 6, 1], 2, 6), ([4], 4, 7)):
        mask = np.arange(width) < np.array(lengths)[:, None]
        x = rng.standard_normal((len(lengths), n_filters, width))
        x += np.where(mask, 0.0, 5.0)[:, None, :]  # padded positions hold the largest values
        cases.append((rng.standard_normal((len(lengths), n_filters)), x, mask))
    return cases


@never_raises
def check_masked_max_backward(candidate) -> CheckResult:
    """Exercise 2: ``candidate(dout, x, mask)`` must return dE/dx (N, F, L): each dout at the
    position of its filter's largest response among the real (unpadded) words."""
    verdict = check_function(candidate, "max_over_time_backward", reference_masked_max_backward,
                             _exercise2_cases())
    if not verdict and "wrong in" in verdict.message:
        dout, x, mask = _exercise2_cases()[0]
        got = np.asarray(candidate(dout.copy(), x.copy(), mask.copy()), dtype=float)
        full = np.ones_like(mask)
        unmasked = reference_masked_max_backward(dout, x, full)
        if got.shape == unmasked.shape and np.allclose(got, unmasked):
            return not_yet("the gradient went to a padded position: a padded response won "
                           "the max. Take the max over the positions where mask is True only.")
        if got.shape == x.shape and np.allclose(got, dout[:, :, None] * mask[:, None, :]):
            return not_yet("every real position got the gradient; only each filter's winning "
                           "position was used in the forward pass.")
        return verdict
    if not verdict:
        return verdict
    dout, x, mask = _exercise2_cases()[1]

    def error(z):
        return float(np.sum(text.max_over_time_forward(z, mask)[0] * dout))

    numeric = numerical_gradient(error, x)
    if not np.allclose(candidate(dout.copy(), x.copy(), mask.copy()), numeric, atol=1e-6):
        return not_yet("it matches the reference but not the finite differences; report this.")
    return correct("Each gradient goes to its filter's winning real word, padding gets none, "
                   "and it agrees with centred finite differences.")


# --- exercise 3: counting a sentence CNN's parameters ----------------------------------------

#: Exercise 3: Kim's (2014) CNN-rand sizes, with a made-up vocabulary.
KIM_CNN = {"vocab_size": 20_000, "dim": 300, "widths": (3, 4, 5), "filters": 100, "classes": 2}


def kim_parameter_count() -> int:
    v, d, f, c = (KIM_CNN[k] for k in ("vocab_size", "dim", "filters", "classes"))
    convs = sum(f * d * h + f for h in KIM_CNN["widths"])
    return v * d + convs + len(KIM_CNN["widths"]) * f * c + c


@never_raises
def check_kim_parameter_count(answer) -> CheckResult:
    """Exercise 3: all trainable parameters of a CNN with ``KIM_CNN``'s sizes (embedding,
    three convolutions with biases, one linear output layer with biases)."""
    value = answer_number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    if value != int(value):
        return not_yet(f"a count is a whole number, got {value:g}.")
    v, d, f, c = (KIM_CNN[k] for k in ("vocab_size", "dim", "filters", "classes"))
    widths = KIM_CNN["widths"]
    want = kim_parameter_count()
    if value == want:
        return correct("The embedding table dominates: the filters and the output layer are a "
                       "small fraction of it.")
    if value == want - v * d:
        return not_yet("the embedding table is trained too (CNN-rand): count its weights.")
    if value in (want - len(widths) * f, want - c, want - len(widths) * f - c):
        return not_yet("each filter and each output unit also has a bias.")
    if value == want - sum(f * d * h for h in widths) + sum(f * h for h in widths):
        return not_yet("a filter of width h spans h whole word vectors: h x d weights.")
    if value == want - len(widths) * f * c + f * c:
        return not_yet("the output layer sees all the pooled features of every width.")
    return not_yet(f"{value:g} is not embedding + filters (with biases) + output layer.")
