"""course_nn.logistic: one logistic unit, its two losses, their gradients, and training.

Gradients are checked against centred finite differences and torch autograd, in float64.
"""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from malformed import (
    assert_clear_error,
    bad_options,
    non_numbers,
    not_arrays,
    with_nonfinite,
    wrong_ndim,
)

from course_nn.data import logic_function
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.layers import sigmoid
from course_nn.logistic import (
    LogisticRun,
    logistic_loss,
    logistic_loss_and_grad,
    logistic_unit,
    loss_gradient_wrt_net,
    softplus,
    threshold_unit_error,
    train_logistic_unit,
)
from course_nn.threshold_units import gate_weights

LOSSES = ("squared", "cross_entropy")


@pytest.fixture
def problem(rng):
    X = rng.standard_normal((12, 3))
    t = (rng.random(12) < 0.5).astype(float)
    w = rng.standard_normal(3)
    T = float(rng.standard_normal())
    return X, t, w, T


# --- the unit ---------------------------------------------------------------------------------


def test_logistic_unit_is_sigmoid_of_net_minus_threshold(problem):
    X, _, w, T = problem
    expected = 1.0 / (1.0 + np.exp(-(X @ w - T)))
    np.testing.assert_allclose(logistic_unit(X, w, T), expected, rtol=1e-14)


def test_logistic_unit_accepts_one_input_vector():
    out = logistic_unit([1.0, 2.0], [0.5, 0.25], 1.0)
    assert out.shape == (1,)
    assert out[0] == pytest.approx(0.5)


def test_scaled_unit_approaches_the_threshold_unit():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    w, T = np.array([0.5, 0.5]), 0.75  # AND with the threshold between the net inputs
    out = logistic_unit(X, 1000 * w, 1000 * T)
    np.testing.assert_allclose(out, [0.0, 0.0, 0.0, 1.0], atol=1e-100)


def test_logistic_unit_is_stable_and_silent_for_huge_net_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = logistic_unit(np.array([[1.0], [-1.0]]), [1000.0], 0.0)
    np.testing.assert_array_equal(out, [1.0, 0.0])


# --- softplus ---------------------------------------------------------------------------------


def test_softplus_matches_the_formula_where_that_is_safe(rng):
    z = rng.uniform(-30, 30, size=50)
    np.testing.assert_allclose(softplus(z), np.log1p(np.exp(z)), rtol=1e-12)


def test_softplus_is_finite_for_huge_inputs_and_gives_minus_log_sigmoid():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = softplus(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 1000.0])
    z = np.linspace(-20, 20, 41)
    np.testing.assert_allclose(softplus(-z), -np.log(sigmoid(z)), rtol=1e-10, atol=1e-15)


# --- losses and gradients ---------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_losses_match_their_definitions(problem, reduction):
    X, t, w, T = problem
    o = sigmoid(X @ w - T)
    scale = 1.0 if reduction == "sum" else 1.0 / len(t)
    squared = 0.5 * np.sum((t - o) ** 2) * scale
    cross = -np.sum(t * np.log(o) + (1 - t) * np.log(1 - o)) * scale
    assert logistic_loss(X, t, w, T, loss="squared", reduction=reduction) == pytest.approx(squared)
    assert logistic_loss(X, t, w, T, loss="cross_entropy",
                         reduction=reduction) == pytest.approx(cross)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_gradients_match_finite_differences(problem, loss, reduction):
    X, t, w, T = problem
    value, grad_w, grad_T = logistic_loss_and_grad(X, t, w, T, loss=loss, reduction=reduction)
    assert value == pytest.approx(logistic_loss(X, t, w, T, loss=loss, reduction=reduction))
    numeric_w = numerical_gradient(
        lambda v: logistic_loss(X, t, v, T, loss=loss, reduction=reduction), w)
    numeric_T = numerical_gradient(
        lambda v: logistic_loss(X, t, w, v, loss=loss, reduction=reduction), np.array(T))
    assert relative_error(grad_w, numeric_w) < 1e-8
    assert relative_error(grad_T, numeric_T) < 1e-8


@pytest.mark.parametrize("loss", LOSSES)
def test_gradients_match_torch_autograd(problem, loss):
    X, t, w, T = problem
    value, grad_w, grad_T = logistic_loss_and_grad(X, t, w, T, loss=loss)
    X_t, t_t = torch.tensor(X, dtype=torch.float64), torch.tensor(t, dtype=torch.float64)
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    T_t = torch.tensor(T, dtype=torch.float64, requires_grad=True)
    z = X_t @ w_t - T_t
    if loss == "squared":
        E = 0.5 * ((t_t - torch.sigmoid(z)) ** 2).mean()
    else:
        E = torch.nn.functional.binary_cross_entropy_with_logits(z, t_t)
    E.backward()
    assert value == pytest.approx(E.item(), rel=1e-12)
    np.testing.assert_allclose(grad_w, w_t.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert grad_T == pytest.approx(T_t.grad.item(), rel=1e-12, abs=1e-15)


def test_threshold_gradient_is_minus_the_bias_gradient(problem):
    # T enters as -T, so dE/dT = -dE/db for the same unit written with a bias b = -T.
    X, t, w, T = problem
    Xb = np.column_stack([np.ones(len(X)), X])
    _, grad_wb, _ = logistic_loss_and_grad(Xb, t, np.concatenate([[-T], w]), 0.0)
    _, grad_w, grad_T = logistic_loss_and_grad(X, t, w, T)
    assert grad_T == pytest.approx(-grad_wb[0])
    np.testing.assert_allclose(grad_w, grad_wb[1:])


def test_cross_entropy_stays_finite_for_confidently_wrong_units():
    X, t = np.array([[1.0]]), np.array([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad_w, grad_T = logistic_loss_and_grad(X, t, [-800.0], 0.0,
                                                       loss="cross_entropy")
    assert value == pytest.approx(800.0)
    assert grad_w[0] == pytest.approx(-1.0) and grad_T == pytest.approx(1.0)


def test_loss_gradient_wrt_net_formulas():
    z = np.linspace(-6, 6, 13)
    o = sigmoid(z)
    np.testing.assert_allclose(loss_gradient_wrt_net(z, 1.0, "squared"), -(1 - o) * o * (1 - o))
    np.testing.assert_allclose(loss_gradient_wrt_net(z, 0.0, "cross_entropy"), o)


@pytest.mark.parametrize("loss", LOSSES)
def test_loss_gradient_wrt_net_is_the_derivative_of_one_examples_loss(loss):
    for z0 in (-4.0, -0.3, 2.5):
        for target in (0.0, 1.0):
            numeric = numerical_gradient(
                lambda v, target=target: logistic_loss(np.ones((1, 1)), [target], v, 0.0,
                                                       loss=loss),
                np.array([z0]))[0]
            assert loss_gradient_wrt_net(z0, target, loss) == pytest.approx(numeric, abs=1e-8)


def test_squared_error_gradient_vanishes_for_confident_mistakes_but_cross_entropy_does_not():
    sq = abs(float(loss_gradient_wrt_net(-15.0, 1.0, "squared")))
    ce = abs(float(loss_gradient_wrt_net(-15.0, 1.0, "cross_entropy")))
    assert sq < 1e-6 and ce > 0.99


# --- training ---------------------------------------------------------------------------------


@pytest.fixture
def clusters(rng):
    X = np.concatenate([rng.normal(-1.5, 0.5, (20, 2)), rng.normal(1.5, 0.5, (20, 2))])
    t = np.repeat([0.0, 1.0], 20)
    return X, t


@pytest.mark.parametrize("loss", LOSSES)
def test_training_separates_well_separated_clusters(clusters, loss):
    X, t = clusters
    run = train_logistic_unit(X, t, loss=loss, learning_rate=1.0, epochs=200)
    assert isinstance(run, LogisticRun)
    assert run.errors[-1] == 0.0
    assert run.losses[-1] < run.losses[0]
    assert np.all(np.diff(run.losses) <= 1e-12)  # a small enough step never goes uphill here


def test_training_records_its_path_and_reproduces_manual_steps(clusters):
    X, t = clusters
    w0, T0, rate = np.array([0.2, -0.1]), 0.3, 0.5
    run = train_logistic_unit(X, t, loss="cross_entropy", learning_rate=rate, epochs=3,
                              weights=w0, threshold=T0)
    assert run.path.shape == (4, 3) and run.losses.shape == (4,) and run.errors.shape == (4,)
    np.testing.assert_array_equal(run.path[0], [T0, *w0])
    w, T = w0.copy(), T0
    for k in range(3):
        value, grad_w, grad_T = logistic_loss_and_grad(X, t, w, T, loss="cross_entropy")
        assert run.losses[k] == pytest.approx(value)
        w, T = w - rate * grad_w, T - rate * grad_T
        np.testing.assert_allclose(run.path[k + 1], [T, *w], rtol=1e-13)
    np.testing.assert_allclose(run.weights, w, rtol=1e-13)
    assert run.threshold == pytest.approx(T)
    np.testing.assert_array_equal(w0, [0.2, -0.1])  # the start is not modified


def test_training_matches_torch_sgd(clusters):
    X, t = clusters
    w0, T0 = np.array([0.4, -0.7]), 0.2
    run = train_logistic_unit(X, t, loss="squared", learning_rate=2.0, epochs=25,
                              weights=w0, threshold=T0)
    unit = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        unit.weight.copy_(torch.tensor(w0[None, :]))
        unit.bias.fill_(-T0)
    optimiser = torch.optim.SGD(unit.parameters(), lr=2.0)
    X_t, t_t = torch.tensor(X), torch.tensor(t)
    for _ in range(25):
        optimiser.zero_grad()
        (0.5 * ((t_t - torch.sigmoid(unit(X_t).squeeze(1))) ** 2).mean()).backward()
        optimiser.step()
    np.testing.assert_allclose(unit.weight.detach().numpy()[0], run.weights, rtol=1e-10)
    assert -unit.bias.item() == pytest.approx(run.threshold, rel=1e-10, abs=1e-12)


def test_cross_entropy_recovers_faster_from_a_confidently_wrong_start(clusters):
    X, t = clusters
    start = np.array([-6.0, -6.0])
    runs = {loss: train_logistic_unit(X, t, loss=loss, learning_rate=1.0, epochs=100,
                                      weights=start) for loss in LOSSES}
    assert runs["cross_entropy"].errors[-1] == 0.0
    assert runs["squared"].errors[-1] > 0.5


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        (dict(X=np.ones((3, 2)), weights=np.ones(3)), ValueError, "weights must have shape (n,)"),
        (dict(X=np.ones((2, 2, 2)), weights=np.ones(2)), ValueError, "X must have shape"),
        (dict(X="abc", weights=np.ones(2)), TypeError, "X must be a numeric array"),
        (dict(X=np.ones((3, 2)), weights=np.ones((2, 1))), ValueError, "weights must be a 1-D"),
        (dict(X=np.ones((3, 2)), weights=np.ones(2), threshold=[1.0, 2.0]), ValueError,
         "threshold must be a 0-D"),
        (dict(X=np.ones((3, 2)), weights=np.ones(2), threshold=True), TypeError, "threshold"),
        (dict(X=np.full((3, 2), np.nan), weights=np.ones(2)), ValueError, "X must be finite"),
    ],
)
def test_logistic_unit_rejects_bad_input(kwargs, error, fragment):
    kwargs.setdefault("threshold", 0.0)
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        logistic_unit(**kwargs)


def test_losses_reject_bad_targets_and_options(problem):
    X, t, w, T = problem
    with pytest.raises(ValueError, match="targets must have shape"):
        logistic_loss(X, t[:-1], w, T)
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        logistic_loss(X, 2 * t + 1, w, T)
    with pytest.raises(ValueError, match="loss must be one of"):
        logistic_loss_and_grad(X, t, w, T, loss="hinge")
    with pytest.raises(ValueError, match="reduction must be one of"):
        logistic_loss_and_grad(X, t, w, T, reduction="max")
    with pytest.raises(ValueError, match="loss must be one of"):
        loss_gradient_wrt_net(0.0, 1.0, loss="absolute")
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        loss_gradient_wrt_net(0.0, -1.0)
    with pytest.raises(TypeError, match="net must be a numeric array"):
        loss_gradient_wrt_net("zero", 1.0)


def test_training_rejects_bad_arguments(clusters):
    X, t = clusters
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0"):
        train_logistic_unit(X, t, learning_rate=0.0)
    with pytest.raises(TypeError, match="epochs must be an int"):
        train_logistic_unit(X, t, epochs=10.0)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        train_logistic_unit(X, t, epochs=0)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        train_logistic_unit(X[0], t)
    with pytest.raises(ValueError, match="weights must have shape"):
        train_logistic_unit(X, t, weights=np.zeros(3))
    with pytest.raises(ValueError, match="loss must be one of"):
        train_logistic_unit(X, t, loss="squared_error")


# --- the threshold unit's error (notebook 02, section 2.2) ------------------------------------


def test_threshold_unit_error_matches_its_definition(problem):
    X, t, w, T = problem
    outputs = (X @ w >= T).astype(float)
    assert threshold_unit_error(X, t, w, T) == pytest.approx(0.5 * np.sum((t - outputs) ** 2))
    assert threshold_unit_error(X, t, w, T, reduction="mean") == pytest.approx(
        0.5 * np.mean((t - outputs) ** 2))


def test_threshold_unit_error_counts_net_equal_to_threshold_as_firing():
    # AND with w_i = T/2: the input (1, 1) has net exactly T and must fire, so E = 0.
    X, t = logic_function("and")
    w, T = gate_weights("and", 2, threshold=1.0)
    assert threshold_unit_error(X, t, w, T) == 0.0
    assert threshold_unit_error(X, 1.0 - t, w, T) == pytest.approx(0.5 * 4)


def test_threshold_unit_error_is_piecewise_constant_so_its_gradient_is_zero(problem):
    X, t, _, _ = problem
    rng = np.random.default_rng(1)
    for _ in range(5):  # generic points: no net input within eps of T
        w, T = rng.standard_normal(3), float(rng.standard_normal())
        grad = numerical_gradient(lambda v, T=T: threshold_unit_error(X, t, v, T), w)
        np.testing.assert_array_equal(grad, np.zeros(3))
    # ... while the logistic unit's squared error has a nonzero slope at the same points
    grad = numerical_gradient(
        lambda v: logistic_loss(X, t, v, T, loss="squared", reduction="sum"), w)
    assert np.max(np.abs(grad)) > 1e-3


# --- bad input at every public boundary (issue 9) ---------------------------------------------

X3, T3, W3 = np.ones((3, 2)), np.array([0.0, 1.0, 1.0]), np.ones(2)

BAD_CALLS = [
    # (call, error type, argument the message must name)
    (lambda: logistic_unit(None, W3, 0.0), TypeError, "X"),
    (lambda: logistic_unit([["a", "b"]], W3, 0.0), TypeError, "X"),
    (lambda: logistic_unit(np.ones((3, 3)), W3, 0.0), ValueError, "weights"),
    (lambda: logistic_unit(X3, None, 0.0), TypeError, "weights"),
    (lambda: logistic_unit(X3, [1.0, np.nan], 0.0), ValueError, "weights"),
    (lambda: logistic_unit(X3, W3, None), TypeError, "threshold"),
    (lambda: logistic_unit(X3, W3, "0.5"), TypeError, "threshold"),
    (lambda: logistic_unit(X3, W3, np.inf), ValueError, "threshold"),
    (lambda: logistic_unit(X3, W3, np.True_), TypeError, "threshold"),
    (lambda: logistic_unit(np.ones((0, 2)), W3, 0.0), ValueError, "X"),
    (lambda: softplus(None), TypeError, "z"),
    (lambda: softplus("1.0"), TypeError, "z"),
    (lambda: softplus([1.0, np.nan]), ValueError, "z"),
    (lambda: loss_gradient_wrt_net(np.zeros(3), np.zeros(2)), ValueError, "targets"),
    (lambda: loss_gradient_wrt_net(np.zeros((3, 4)), np.zeros((3, 1))), ValueError, "targets"),
    (lambda: loss_gradient_wrt_net(np.zeros(3), [0.0, 1.0, 1.5]), ValueError, "targets"),
    (lambda: loss_gradient_wrt_net(None, 1.0), TypeError, "net"),
    (lambda: loss_gradient_wrt_net(0.0, None), TypeError, "targets"),
    (lambda: loss_gradient_wrt_net(0.0, 1.0, loss=None), ValueError, "loss"),
    (lambda: logistic_loss_and_grad(X3, T3[:2], W3, 0.0), ValueError, "targets"),
    (lambda: logistic_loss_and_grad(X3, T3[:, None], W3, 0.0), ValueError, "targets"),
    (lambda: logistic_loss_and_grad(X3, [0.0, 1.0, 2.0], W3, 0.0), ValueError, "targets"),
    (lambda: logistic_loss_and_grad(X3, [0.0, 1.0, np.nan], W3, 0.0), ValueError, "targets"),
    (lambda: logistic_loss_and_grad(X3, T3, np.ones(3), 0.0), ValueError, "weights"),
    (lambda: logistic_loss_and_grad(X3, T3, W3, 0.0, loss="mse"), ValueError, "loss"),
    (lambda: logistic_loss_and_grad(X3, T3, W3, 0.0, reduction=None), ValueError, "reduction"),
    (lambda: logistic_loss(X3, "0 1 1", W3, 0.0), TypeError, "targets"),
    (lambda: logistic_loss(X3, T3, W3, 0.0, loss=["squared"]), ValueError, "loss"),
    (lambda: threshold_unit_error(X3, T3[:2], W3, 0.0), ValueError, "targets"),
    (lambda: threshold_unit_error(X3, T3, W3, [0.0, 1.0]), ValueError, "threshold"),
    (lambda: threshold_unit_error(X3, T3, W3, 0.0, reduction="max"), ValueError, "reduction"),
    (lambda: threshold_unit_error(X3, T3 - 1.0, W3, 0.0), ValueError, "targets"),
    (lambda: train_logistic_unit(X3, T3, learning_rate=-1.0), ValueError, "learning_rate"),
    (lambda: train_logistic_unit(X3, T3, learning_rate=np.inf), ValueError, "learning_rate"),
    (lambda: train_logistic_unit(X3, T3, learning_rate="0.5"), TypeError, "learning_rate"),
    (lambda: train_logistic_unit(X3, T3, epochs=None), TypeError, "epochs"),
    (lambda: train_logistic_unit(X3, T3, epochs=True), TypeError, "epochs"),
    (lambda: train_logistic_unit(X3, T3, epochs=-3), ValueError, "epochs"),
    (lambda: train_logistic_unit(X3, T3, weights=[1.0]), ValueError, "weights"),
    (lambda: train_logistic_unit(X3, T3, threshold="0"), TypeError, "threshold"),
    (lambda: train_logistic_unit(X3, T3, reduction="total"), ValueError, "reduction"),
    (lambda: train_logistic_unit(X3, T3[::-1][:2]), ValueError, "targets"),
    (lambda: train_logistic_unit([1.0, 2.0], [1.0]), ValueError, "X"),
]


@pytest.mark.parametrize(("call", "error", "name"), BAD_CALLS,
                         ids=[f"{i}-{name}" for i, (_, _, name) in enumerate(BAD_CALLS)])
def test_public_functions_refuse_bad_input_naming_the_argument(call, error, name):
    assert_clear_error(call, error, name)


def test_loss_gradient_wrt_net_accepts_one_target_or_the_same_shape():
    z = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    same = loss_gradient_wrt_net(z, np.ones((2, 3)), "cross_entropy")
    np.testing.assert_array_equal(loss_gradient_wrt_net(z, 1.0, "cross_entropy"), same)
    assert same.shape == (2, 3)


FAST = settings(max_examples=25, deadline=None)


@FAST
@given(X=wrong_ndim(2))
def test_training_refuses_X_of_the_wrong_rank(X):
    assert_clear_error(lambda: train_logistic_unit(X, np.zeros(max(len(np.atleast_1d(X)), 1))),
                       ValueError, "X")


@FAST
@given(X=with_nonfinite((4, 2)))
def test_every_function_refuses_nonfinite_X(X):
    t = np.array([0.0, 1.0, 0.0, 1.0])
    for call in (lambda: logistic_unit(X, W3, 0.0),
                 lambda: logistic_loss_and_grad(X, t, W3, 0.0),
                 lambda: threshold_unit_error(X, t, W3, 0.0),
                 lambda: train_logistic_unit(X, t, epochs=1)):
        assert_clear_error(call, ValueError, "X")


@FAST
@given(value=not_arrays())
def test_every_function_refuses_non_arrays_for_X_and_targets(value):
    assert_clear_error(lambda: logistic_unit(value, W3, 0.0), (TypeError, ValueError), "X")
    assert_clear_error(lambda: logistic_loss(X3, value, W3, 0.0), (TypeError, ValueError),
                       "targets")
    assert_clear_error(lambda: threshold_unit_error(X3, value, W3, 0.0),
                       (TypeError, ValueError), "targets")


@FAST
@given(value=non_numbers())
def test_threshold_and_learning_rate_must_be_real_numbers(value):
    assert_clear_error(lambda: logistic_unit(X3, W3, value), (TypeError, ValueError), "threshold")
    assert_clear_error(lambda: train_logistic_unit(X3, T3, learning_rate=value), TypeError,
                       "learning_rate")


@FAST
@given(option=bad_options(("squared", "cross_entropy", "sum", "mean")))
def test_unknown_options_are_refused(option):
    assert_clear_error(lambda: logistic_loss(X3, T3, W3, 0.0, loss=option), ValueError, "loss")
    assert_clear_error(lambda: logistic_loss(X3, T3, W3, 0.0, reduction=option), ValueError,
                       "reduction")
    assert_clear_error(lambda: train_logistic_unit(X3, T3, loss=option), ValueError, "loss")
    assert_clear_error(lambda: threshold_unit_error(X3, T3, W3, 0.0, reduction=option),
                       ValueError, "reduction")


@FAST
@given(n=st.integers(1, 6), d=st.integers(1, 4), extra=st.sampled_from([-1, 1]))
def test_shapes_are_checked_against_each_other(n, d, extra):
    X = np.ones((n, d))
    assert_clear_error(lambda: logistic_unit(X, np.ones(d + extra) if d + extra > 0
                                             else np.ones(d + 1), 0.0), ValueError, "weights")
    if n + extra > 0:
        assert_clear_error(lambda: logistic_loss(X, np.zeros(n + extra), np.ones(d), 0.0),
                           ValueError, "targets")
