"""course_nn.exercises.backprop: right answers pass in every numeric form, slips get a helpful
"Not yet", malformed answers never raise, and a "Correct." never restates the answer."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct_without_numbers, assert_not_yet, numeric_forms

from course_nn import layers
from course_nn.exercises import backprop as ex
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.modules import mlp

NOT_NUMBERS = [None, "0.032", "7510", b"1", True, np.True_, {"a": 1.0}, object(), 1 + 2j,
               [0.1, 0.2], [0.1, "a"], np.nan, -np.inf, lambda: 0.0]

OUTPUT_DELTA = (1.0 - 0.8) * 0.8 * (1.0 - 0.8)  # (t - o) o (1 - o) = 0.032
HIDDEN_DELTA = 0.6 * 0.4 * (0.032 * 0.5 + (-0.05) * (-1.0))  # 0.24 * 0.066 = 0.01584


def test_exercise_data_is_as_the_notebook_states():
    assert ex.OUTPUT_UNIT == {"o_k": 0.8, "t_k": 1.0}
    assert ex.HIDDEN_UNIT == {"o_j": 0.6, "downstream_deltas": [0.032, -0.05],
                              "w_jk": [0.5, -1.0]}
    assert ex.MLP_SIZES == [64, 100, 10]
    assert ex.output_delta() == pytest.approx(OUTPUT_DELTA, rel=1e-15)
    assert ex.hidden_delta() == pytest.approx(HIDDEN_DELTA, rel=1e-14)


# --- exercises 1 and 2: deltas to three figures -----------------------------------------------


@pytest.mark.parametrize("answer", numeric_forms(OUTPUT_DELTA) + [0.032, 0.0321, Fraction(4, 125)])
def test_output_delta_accepts_every_numeric_form(answer):
    assert_correct_without_numbers(ex.check_output_delta(answer))


@pytest.mark.parametrize("answer", numeric_forms(HIDDEN_DELTA) + [0.0158, 0.01584, 0.0159])
def test_hidden_delta_accepts_three_figures_in_every_form(answer):
    # 0.0158 is the value to three significant figures (the issue: it was rejected at 1e-6).
    assert_correct_without_numbers(ex.check_hidden_delta(answer))


@pytest.mark.parametrize(
    "checker, answer, fragments",
    [
        (ex.check_output_delta, -0.032, ["sign"]),
        (ex.check_output_delta, 0.2, ["slope"]),
        (ex.check_output_delta, 0.033, ["close", "more digits"]),
        (ex.check_output_delta, 0.5, ["is not"]),
        (ex.check_hidden_delta, 0.066, ["downstream sum alone"]),
        (ex.check_hidden_delta, 0.24 * 0.016, ["both output units"]),
        (ex.check_hidden_delta, 0.0163, ["close"]),
        (ex.check_hidden_delta, 0.02, ["is not"]),
    ],
)
def test_delta_checkers_explain_slips(checker, answer, fragments):
    assert_not_yet(checker(answer), *fragments)


@pytest.mark.parametrize("answer", NOT_NUMBERS)
@pytest.mark.parametrize(
    "checker", [ex.check_output_delta, ex.check_hidden_delta, ex.check_parameter_count]
)
def test_malformed_answers_are_not_yet_and_never_raise(checker, answer):
    assert_not_yet(checker(answer))


# --- exercise 3 (coding): the deltas of a tanh hidden layer -----------------------------------


def test_reference_tanh_hidden_deltas_is_minus_the_gradient(rng):
    """The reference is right by calculus: for a layer of tanh units feeding linear units with
    error E = sum(dout * (h @ W)), the hidden deltas are -dE/dz with h = tanh(z)."""
    N, J, K = 3, 4, 2
    z = rng.standard_normal((N, J))
    W = rng.standard_normal((J, K))
    deltas_above = rng.standard_normal((N, K))  # = -dE/d(net above)

    def error(z_flat):
        return -float(np.sum(deltas_above * (np.tanh(z_flat.reshape(N, J)) @ W)))

    numeric = numerical_gradient(error, z.ravel()).reshape(N, J)
    ours = ex.reference_tanh_hidden_deltas(deltas_above, W, np.tanh(z))
    assert relative_error(ours, -numeric) < 1e-8
    # and it is the layers module's tanh backward applied to the downstream sums
    np.testing.assert_allclose(
        ours, layers.tanh_backward(deltas_above @ W.T, np.tanh(z)), rtol=1e-14)


def test_tanh_hidden_deltas_accepts_a_right_function():
    def mine(deltas_above, W_above, o):
        return (1 - np.square(o)) * np.einsum("nk,jk->nj", deltas_above, W_above)

    def with_torch(deltas_above, W_above, o):
        d, w, out = (torch.tensor(a) for a in (deltas_above, W_above, o))
        return ((1 - out**2) * (d @ w.T)).requires_grad_()

    for candidate in (ex.reference_tanh_hidden_deltas, mine, with_torch):
        result = ex.check_tanh_hidden_deltas(candidate)
        assert bool(result) is True and repr(result).startswith("Correct."), repr(result)


@pytest.mark.parametrize(
    "candidate, fragments",
    [
        (lambda d, w, o: None, ["still returns None"]),
        (lambda d, w, o: o * (1 - o) * (d @ w.T), ["sigmoid's slope"]),
        (lambda d, w, o: d @ w.T, ["multiply by the slope"]),
        (lambda d, w, o: (1 - o) * (d @ w.T), ["wrong in"]),
        (lambda d, w, o: (1 - o**2) * (d @ w), ["raised"]),
        (lambda d, w, o: ((1 - o**2) * (d @ w.T)).sum(axis=0), ["shape"]),
        (lambda d, w, o: "deltas", ["returned something"]),
        ("not a function", ["should be a function"]),
        (None, ["should be a function"]),
    ],
)
def test_tanh_hidden_deltas_explains_what_is_wrong(candidate, fragments):
    assert_not_yet(ex.check_tanh_hidden_deltas(candidate), *fragments)


def test_tanh_hidden_deltas_checker_is_not_fooled_by_a_function_that_edits_its_inputs():
    def sneaky(deltas_above, W_above, o):
        o[...] = 0.0
        return deltas_above @ W_above.T  # right only because o was zeroed

    assert_not_yet(ex.check_tanh_hidden_deltas(sneaky))


# --- exercise 4: counting parameters ----------------------------------------------------------


def test_parameter_count_matches_a_real_model():
    count = sum(p.size for p in mlp(ex.MLP_SIZES, np.random.default_rng(0))
                .parameters().values())
    assert count == ex.parameter_count(ex.MLP_SIZES) == 64 * 100 + 100 + 100 * 10 + 10
    for answer in numeric_forms(count) + [np.int64(count), torch.tensor(count), 7510.0]:
        assert_correct_without_numbers(ex.check_parameter_count(answer))


@pytest.mark.parametrize(
    "answer, fragments",
    [
        (64 * 100 + 100 * 10, ["bias"]),
        (7500, ["close"]),
        (7510.5, ["whole number"]),
        (100, ["is not"]),
        ("7510", ["number", "text"]),
    ],
)
def test_parameter_count_explains_slips(answer, fragments):
    assert_not_yet(ex.check_parameter_count(answer), *fragments)
