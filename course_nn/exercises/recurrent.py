"""Checkers for notebook 08's exercises (recurrent networks and BPTT)."""

from __future__ import annotations

import numpy as np

from course_nn import recurrent
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    CheckResult,
    answer_number,
    correct,
    never_raises,
    not_yet,
)

# --- exercise 1: counting a stacked bidirectional RNN's parameters ---

#: The network whose weights the reader counts (course_nn's RNN: one bias per layer and direction).
RNN_SIZES = {"input_size": 64, "hidden_size": 64, "num_layers": 2, "bidirectional": True}


def rnn_parameter_count() -> int:
    d, h = RNN_SIZES["input_size"], RNN_SIZES["hidden_size"]
    first = d * h + h * h + h
    later = 2 * h * h + h * h + h
    return 2 * (first + later)


@never_raises
def check_rnn_parameter_count(answer) -> CheckResult:
    """Exercise 1: weights and biases of ``RNN(64, 64, num_layers=2, bidirectional=True)``."""
    value = answer_number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    if value != int(value):
        return not_yet(f"a count is a whole number, got {value:g}.")
    d, h = RNN_SIZES["input_size"], RNN_SIZES["hidden_size"]
    if value == rnn_parameter_count():
        return correct("Each direction of each layer has its own input, recurrent and bias "
                       "weights, and the second layer reads both directions of the first.")
    if value == rnn_parameter_count() + 2 * 2 * h:
        return not_yet("that is torch.nn.RNN's count, which keeps two bias vectors per layer "
                       "and direction; course_nn's RNN keeps one.")
    if value == 2 * 2 * (d * h + h * h + h):
        return not_yet("the second layer reads both directions of the first, so its input "
                       "has 2 x hidden_size features.")
    if value in (rnn_parameter_count() // 2, 2 * (d * h + h * h + h)):
        return not_yet("a bidirectional layer has two recurrent layers, one per direction, "
                       "each with its own weights.")
    return not_yet(f"{value:g} is not the sum, over layers and directions, of input weights, "
                   "recurrent weights and biases.")


# --- exercise 2: one step of BPTT ---


def reference_bptt_step(g, h_prev, x_t, w_in, w_h, b):
    """One backward step of a tanh RNN at a real (unpadded) step ``h_t = tanh(h_prev @ w_h +
    x_t @ w_in + b)``: given ``g = dE/dh_t`` (N, H), summed over the output at step t and the
    steps after it, return ``dx_t (N, D), dh_prev (N, H), dw_in (D, H), dw_h (H, H), db (H,)``."""
    x = np.asarray(x_t, float)[:, None, :]  # a sequence of one step
    _, cache = recurrent.rnn_forward(x, np.ones(x.shape[0], dtype=int), h_prev, w_in, w_h, b)
    dx, dh_prev, dw_in, dw_h, db = recurrent.rnn_backward(np.asarray(g, float)[:, None, :], cache)
    return dx[:, 0], dh_prev, dw_in, dw_h, db


def _exercise2_cases():
    rng = np.random.default_rng(8)
    cases = []
    for n, d, h in ((1, 2, 3), (4, 3, 2), (3, 5, 4)):
        cases.append((rng.standard_normal((n, h)), rng.standard_normal((n, h)) * 0.5,
                      rng.standard_normal((n, d)), rng.standard_normal((d, h)) * 0.5,
                      rng.standard_normal((h, h)) * 0.5, rng.standard_normal(h) * 0.1))
    return cases


@never_raises
def check_bptt_step(candidate) -> CheckResult:
    """Exercise 2: ``candidate(g, h_prev, x_t, w_in, w_h, b)`` must return
    ``(dx_t, dh_prev, dw_in, dw_h, db)``."""
    verdict = check_function(candidate, "bptt_step", reference_bptt_step, _exercise2_cases())
    if verdict:
        return correct("All five gradients agree with course_nn's rnn_backward, itself checked "
                       "against finite differences and torch.nn.RNN.")
    if "wrong in" not in verdict.message:
        return verdict
    g, h_prev, x_t, w_in, w_h, b = _exercise2_cases()[1]
    got = candidate(g.copy(), h_prev.copy(), x_t.copy(), w_in.copy(), w_h.copy(), b.copy())
    no_derivative = g @ w_h.T
    if np.shape(got[1]) == no_derivative.shape and np.allclose(got[1], no_derivative):
        return not_yet("dh_prev skips the tanh: multiply g by 1 - h_t^2 first (that is "
                       "dE/da_t), then carry it back through w_h.")
    if np.shape(got[1]) == no_derivative.shape:
        da = g * (1 - np.tanh(h_prev @ w_h + x_t @ w_in + b) ** 2)
        if np.allclose(got[1], da @ w_h):
            return not_yet("dh_prev needs w_h transposed: a_t = h_prev @ w_h, so "
                           "dE/dh_prev = dE/da_t @ w_h.T.")
    return verdict


# --- exercise 3: masking the loss of padded steps ---


def reference_masked_mean(losses, lengths):
    """Mean of ``losses`` (N, T) over the real steps only: sum of losses[n, t] for t < lengths[n],
    divided by the number of real steps."""
    mask = recurrent.step_mask(np.asarray(lengths), np.shape(losses)[1])
    return np.asarray(np.sum(np.asarray(losses) * mask) / mask.sum())


def _exercise3_cases():
    rng = np.random.default_rng(9)
    return [(rng.random((n, t)) * 3, rng.integers(1, t + 1, size=n))
            for n, t in ((1, 4), (3, 5), (6, 7), (2, 1))]


@never_raises
def check_masked_mean(candidate) -> CheckResult:
    """Exercise 3: ``candidate(losses, lengths)`` must return one number."""
    if not callable(candidate):
        return not_yet(f"masked_mean should be a function, got {type(candidate).__name__}.")

    def as_number(*args):  # a one-element array, list or tensor is a number too
        out = candidate(*args)
        value = answer_number(out, "masked_mean")
        return out if isinstance(value, CheckResult) else np.asarray(value)

    verdict = check_function(as_number, "masked_mean", reference_masked_mean, _exercise3_cases())
    if verdict:
        return correct("Padded steps add nothing to the loss, and the mean counts real steps "
                       "only.")
    if "wrong in" not in verdict.message:
        return verdict
    losses, lengths = _exercise3_cases()[2]
    got = float(as_number(losses.copy(), lengths.copy()))
    mask = recurrent.step_mask(lengths, losses.shape[1])
    if np.isclose(got, losses.mean()):
        return not_yet("that is the mean over every step, padding included: padded steps "
                       "must not count.")
    if np.isclose(got, np.sum(losses * mask) / losses.size):
        return not_yet("the padding is left out of the sum but still counted in the "
                       "divisor: divide by the number of real steps.")
    if np.isclose(got, np.mean(np.sum(losses * mask, axis=1) / lengths)):
        return not_yet("that averages each sequence first, so a short sentence weighs as "
                       "much as a long one; average over all real steps at once.")
    return verdict
