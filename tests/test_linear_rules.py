"""course_nn.linear_rules: Hebb, perceptron, Widrow-Hoff (LMS), SGD on two losses, Winnow.

Expected values come from the mathematics (Novikoff's bound, the normal equations via
``np.linalg.lstsq``, gradient formulas checked against finite differences and torch autograd,
Littlestone's mistake bound), never from running the code under test.
"""

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from course_nn.data import logic_function, separable_clusters, sparse_disjunction
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.linear_rules import (
    LOSS_FUNCTIONS,
    LOSSES,
    add_bias,
    hebb_update,
    hinge_loss,
    hinge_loss_grad,
    least_squares,
    lms_error,
    perceptron_criterion,
    perceptron_criterion_grad,
    perceptron_margin_update,
    perceptron_update,
    predict_linear,
    sgd_step,
    squared_loss,
    squared_loss_grad,
    train_hebb,
    train_perceptron,
    train_winnow,
    widrow_hoff_batch,
    widrow_hoff_incremental,
    winnow_update,
)


def with_ones(X):
    """The augmented inputs (1, x), built without course_nn."""
    return np.column_stack([np.ones(len(X)), X])


# --- add_bias, predict_linear, lms_error ------------------------------------------------------


def test_add_bias_prepends_ones():
    np.testing.assert_array_equal(add_bias([[2.0, 3.0], [4.0, 5.0]]), [[1, 2, 3], [1, 4, 5]])


def test_predict_linear_by_hand():
    # w = (-1, 1, 1): fires when x1 + x2 >= 1
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.2, 0.3], [0.5, 0.5]])
    np.testing.assert_array_equal(predict_linear([-1.0, 1.0, 1.0], X), [0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"w must have shape \(n \+ 1,\) = \(3,\)"):
        predict_linear([1.0, 1.0], X)


def test_lms_error_by_hand():
    X = np.array([[1.0], [2.0]])
    t = np.array([1.0, 5.0])
    # w = (0, 2): outputs 2 and 4, errors -1 and 1: 1/2 (1 + 1) = 1
    assert lms_error([0.0, 2.0], X, t) == 1.0
    assert squared_loss([0.0, 2.0], with_ones(X), t) == 1.0


# --- Novikoff ---------------------------------------------------------------------------------


def novikoff_bound(X, t, normal, offset):
    """(R / gamma)^2 in the augmented space, for the known separator (offset, normal)."""
    Xt = with_ones(X)
    u = np.concatenate([[offset], normal])
    u = u / np.linalg.norm(u)
    y = 2 * t - 1
    gamma = np.min(y * (Xt @ u))
    R = np.max(np.linalg.norm(Xt, axis=1))
    assert gamma > 0
    return (R / gamma) ** 2


@pytest.mark.parametrize("margin", [0.05, 0.1, 0.3])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_perceptron_obeys_novikoff_bound(seed, margin):
    rng = np.random.default_rng(seed)
    X, t, (normal, offset) = separable_clusters(
        120, rng, margin=margin, normal=rng.standard_normal(2), offset=0.2,
        return_separator=True,
    )
    bound = novikoff_bound(X, t, normal, offset)
    runs = [train_perceptron(X, t, learning_rate=r, max_epochs=2000) for r in (1.0, 0.1)]
    for run in runs:
        assert run.converged and not run.cycled
        assert run.mistakes <= bound
        np.testing.assert_array_equal(predict_linear(run.weights, X), t)
        assert run.mistakes_per_epoch[-1] == 0
    # from w0 = 0 the rate only scales w, so the sequence of mistakes is the same
    assert runs[0].mistakes == runs[1].mistakes
    assert runs[0].mistakes_per_epoch == runs[1].mistakes_per_epoch
    np.testing.assert_allclose(runs[1].weights, 0.1 * runs[0].weights, rtol=1e-10, atol=1e-12)


def test_perceptron_run_records_history(rng):
    X, t = separable_clusters(40, rng, margin=0.2)
    w0 = np.array([0.5, -0.5, 0.25])
    run = train_perceptron(X, t, w0=w0, max_epochs=500)
    assert run.weight_history.shape == (run.epochs + 1, 3)
    np.testing.assert_array_equal(run.weight_history[0], w0)
    np.testing.assert_array_equal(run.weight_history[-1], run.weights)
    assert run.epochs == len(run.mistakes_per_epoch)
    assert run.mistakes == sum(run.mistakes_per_epoch)
    np.testing.assert_array_equal(w0, [0.5, -0.5, 0.25])  # w0 is copied, not updated in place


def test_perceptron_with_shuffling_is_reproducible():
    X, t = separable_clusters(60, np.random.default_rng(0), margin=0.1)
    a = train_perceptron(X, t, rng=np.random.default_rng(4), max_epochs=500)
    b = train_perceptron(X, t, rng=np.random.default_rng(4), max_epochs=500)
    assert a.converged
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.mistakes_per_epoch == b.mistakes_per_epoch


def test_perceptron_never_converges_on_xor():
    X, t = logic_function("xor")
    run = train_perceptron(X, t, max_epochs=1000)
    assert not run.converged
    assert run.cycled  # fixed order: the weights come back, so it would repeat forever
    assert run.epochs < 1000
    assert all(m > 0 for m in run.mistakes_per_epoch)
    # the cycle is real: the final weights equal an earlier epoch's
    earlier = run.weight_history[:-1]
    assert any(np.array_equal(w, run.weights) for w in earlier)


def test_perceptron_never_converges_on_xor_with_shuffling():
    X, t = logic_function("xor")
    run = train_perceptron(X, t, max_epochs=300, rng=np.random.default_rng(0))
    assert not run.converged
    assert run.epochs == 300
    assert all(m > 0 for m in run.mistakes_per_epoch)


def test_perceptron_learns_and():
    X, t = logic_function("and")
    run = train_perceptron(X, t, max_epochs=100)
    assert run.converged
    np.testing.assert_array_equal(predict_linear(run.weights, X), t)


# --- perceptron_update ------------------------------------------------------------------------


def test_perceptron_update_unchanged_when_correct():
    w = np.array([1.0, 1.0, 1.0])
    x = np.array([1.0, 0.0, 1.0])  # w . x = 2 >= 0: output 1
    np.testing.assert_array_equal(perceptron_update(w, x, 1, 0.5), w)
    w_neg = np.array([-1.0, 0.5, 0.0])
    x_neg = np.array([1.0, 1.0, 3.0])  # w . x = -0.5: output 0
    np.testing.assert_array_equal(perceptron_update(w_neg, x_neg, 0), w_neg)


def test_perceptron_update_adds_when_output_too_low():
    w = np.array([0.0, 1.0, -1.0])
    x = np.array([1.0, 2.0, 3.0])  # w . x = -1: output 0, target 1
    np.testing.assert_array_equal(perceptron_update(w, x, 1, 0.5), [0.5, 2.0, 0.5])


def test_perceptron_update_subtracts_when_output_too_high():
    w = np.array([1.0, 1.0, 1.0])
    x = np.array([1.0, 0.0, 1.0])  # w . x = 2: output 1, target 0
    np.testing.assert_array_equal(perceptron_update(w, x, 0, 2.0), [-1.0, 1.0, -1.0])


def test_perceptron_update_at_zero_outputs_one():
    # step(0) = 1, so with target 0 the rule subtracts
    w = np.zeros(3)
    x = np.array([1.0, 2.0, -1.0])
    np.testing.assert_array_equal(perceptron_update(w, x, 0, 1.0), -x)
    np.testing.assert_array_equal(perceptron_update(w, x, 1, 1.0), w)


def test_perceptron_update_does_not_modify_input():
    w = np.array([0.0, 1.0, -1.0])
    perceptron_update(w, [1.0, 2.0, 3.0], 1)
    np.testing.assert_array_equal(w, [0.0, 1.0, -1.0])


# --- Widrow-Hoff ------------------------------------------------------------------------------


@pytest.fixture
def regression_data(rng):
    X = rng.standard_normal((50, 2))
    t = 1.0 + 2.0 * X[:, 0] - X[:, 1] + 0.3 * rng.standard_normal(50)
    return X, t


def lstsq_solution(X, t):
    return np.linalg.lstsq(with_ones(X), t, rcond=None)[0]


def critical_rate(X):
    Xt = with_ones(X)
    return 2.0 / np.linalg.eigvalsh(Xt.T @ Xt).max()


def test_least_squares_matches_lstsq(regression_data):
    X, t = regression_data
    np.testing.assert_allclose(least_squares(X, t), lstsq_solution(X, t), rtol=1e-12)


def test_least_squares_exact_line():
    X = np.array([[0.0], [1.0], [2.0]])
    np.testing.assert_allclose(least_squares(X, 3.0 - 2.0 * X[:, 0]), [3.0, -2.0], atol=1e-12)


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_batch_widrow_hoff_converges_below_critical_rate(regression_data, fraction):
    X, t = regression_data
    rate = fraction * critical_rate(X)
    run = widrow_hoff_batch(X, t, learning_rate=rate, epochs=600)
    np.testing.assert_allclose(run.weights, lstsq_solution(X, t), rtol=0, atol=1e-8)
    assert run.path.shape == (601, 3) and run.errors.shape == (601,)
    np.testing.assert_array_equal(run.path[0], np.zeros(3))
    assert np.all(np.diff(run.errors) <= 1e-12 * run.errors[0])
    # the last error is the least-squares error
    w_star = lstsq_solution(X, t)
    assert run.errors[-1] == pytest.approx(0.5 * np.sum((t - with_ones(X) @ w_star) ** 2))


def test_batch_widrow_hoff_diverges_above_critical_rate(regression_data):
    X, t = regression_data
    run = widrow_hoff_batch(X, t, learning_rate=1.1 * critical_rate(X), epochs=100)
    assert run.errors[-1] > 1e6 * run.errors[0]
    assert run.errors[-1] > run.errors[-2] > run.errors[-3]


def test_batch_widrow_hoff_first_step_by_hand():
    X = np.array([[1.0], [2.0]])
    t = np.array([1.0, 2.0])
    # from w = 0: w <- R sum_d t_d (1, x_d) = 0.1 * (3, 5)
    run = widrow_hoff_batch(X, t, learning_rate=0.1, epochs=1)
    np.testing.assert_allclose(run.weights, [0.3, 0.5])
    np.testing.assert_allclose(run.errors, [2.5, 0.5 * ((1 - 0.8) ** 2 + (2 - 1.3) ** 2)])


def test_incremental_lms_hovers_near_least_squares(regression_data):
    X, t = regression_data
    run = widrow_hoff_incremental(X, t, learning_rate=0.005, epochs=150)
    assert np.linalg.norm(run.weights - lstsq_solution(X, t)) < 0.05
    assert run.path.shape == (150 * 50 + 1, 3)
    assert run.errors.shape == (151,)
    np.testing.assert_array_equal(run.path[-1], run.weights)


def test_incremental_lms_one_update_by_hand():
    X = np.array([[2.0], [1.0]])
    t = np.array([1.0, 0.0])
    run = widrow_hoff_incremental(X, t, learning_rate=0.1, epochs=1)
    # w1 = 0 + 0.1 (1 - 0) (1, 2) = (0.1, 0.2); o = 0.1 + 0.2 = 0.3 on (1, 1)
    # w2 = w1 + 0.1 (0 - 0.3) (1, 1) = (0.07, 0.17)
    np.testing.assert_allclose(run.path, [[0, 0], [0.1, 0.2], [0.07, 0.17]])


def test_incremental_lms_shuffled_is_reproducible(regression_data):
    X, t = regression_data
    a = widrow_hoff_incremental(X, t, learning_rate=0.01, epochs=3, rng=np.random.default_rng(1))
    b = widrow_hoff_incremental(X, t, learning_rate=0.01, epochs=3, rng=np.random.default_rng(1))
    c = widrow_hoff_incremental(X, t, learning_rate=0.01, epochs=3)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, c.path)


# --- SGD: hinge = perceptron with a margin; squared = Widrow-Hoff -----------------------------


def _assert_hinge_step_is_margin_update(w, x, y, r):
    np.testing.assert_array_equal(
        sgd_step(w, x, y, r, loss="hinge"), perceptron_margin_update(w, x, y, r, margin=1.0)
    )


def test_hinge_step_equals_margin_update_on_seeded_draws():
    rng = np.random.default_rng(123)
    updates = 0
    for _ in range(300):
        d = int(rng.integers(1, 6))
        w, x = rng.standard_normal(d), rng.standard_normal(d)
        y = float(rng.choice([-1.0, 1.0]))
        r = float(rng.uniform(0.01, 2.0))
        _assert_hinge_step_is_margin_update(w, x, y, r)
        updates += y * (w @ x) <= 1
    assert 0 < updates < 300  # both branches were exercised


@pytest.mark.parametrize("y", [1.0, -1.0])
def test_hinge_step_at_the_kink(y):
    w = np.array([0.5, 0.25, 0.0])
    x = y * np.array([1.0, 2.0, 7.0])  # y w . x = 0.5 + 0.5 = 1 exactly
    assert y * (w @ x) == 1.0
    expected = w + 0.3 * y * x  # on the margin: still an update
    np.testing.assert_allclose(sgd_step(w, x, y, 0.3, loss="hinge"), expected, rtol=1e-15)
    _assert_hinge_step_is_margin_update(w, x, y, 0.3)


def test_margin_update_beyond_margin_is_unchanged():
    w = np.array([1.0, 1.0])
    x = np.array([1.0, 0.5])  # y w . x = 1.5 > 1
    np.testing.assert_array_equal(perceptron_margin_update(w, x, 1, 0.7), w)
    np.testing.assert_array_equal(sgd_step(w, x, 1, 0.7, loss="hinge"), w)
    # with margin 2 the same point needs an update
    np.testing.assert_allclose(perceptron_margin_update(w, x, 1, 0.5, margin=2.0), [1.5, 1.25])


finite = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(
    data=st.integers(min_value=1, max_value=4).flatmap(
        lambda d: st.tuples(st.lists(finite, min_size=d, max_size=d),
                            st.lists(finite, min_size=d, max_size=d))
    ),
    y=st.sampled_from([-1.0, 1.0]),
    r=st.floats(min_value=1e-3, max_value=5.0),
)
def test_hinge_step_equals_margin_update_property(data, y, r):
    w, x = (np.array(v, dtype=np.float64) for v in data)
    _assert_hinge_step_is_margin_update(w, x, y, r)


def test_squared_step_is_widrow_hoff():
    rng = np.random.default_rng(7)
    for _ in range(100):
        d = int(rng.integers(1, 6))
        w, x = rng.standard_normal(d), rng.standard_normal(d)
        y, r = float(rng.standard_normal()), float(rng.uniform(0.01, 1.0))
        np.testing.assert_allclose(
            sgd_step(w, x, y, r, loss="squared"), w + r * (y - w @ x) * x, rtol=1e-13,
            atol=1e-13,
        )
    # and the default loss is the squared one
    np.testing.assert_allclose(sgd_step([1.0, 0.0], [1.0, 2.0], 3.0, 0.5), [2.0, 2.0])


# --- loss gradients: finite differences and torch autograd ------------------------------------


def _torch_grad(loss, w, X, y):
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    loss(wt, Xt, yt).backward()
    return wt.grad.numpy()


def _torch_squared(w, X, y):
    return 0.5 * torch.sum((y - X @ w) ** 2)


def _torch_hinge(w, X, y):
    return torch.sum(torch.clamp(1 - y * (X @ w), min=0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_squared_loss_grad(seed):
    rng = np.random.default_rng(seed)
    w, X, y = rng.standard_normal(4), rng.standard_normal((9, 4)), rng.standard_normal(9)
    grad = squared_loss_grad(w, X, y)
    assert grad.shape == (4,)
    numeric = numerical_gradient(lambda v: squared_loss(v, X, y), w)
    assert relative_error(grad, numeric) < 1e-8
    np.testing.assert_allclose(grad, _torch_grad(_torch_squared, w, X, y), rtol=1e-12,
                               atol=1e-12)


def test_squared_loss_grad_single_example():
    w, x, y = np.array([1.0, -1.0]), np.array([2.0, 1.0]), 3.0
    # -(y - w . x) x = -(3 - 1) (2, 1)
    np.testing.assert_allclose(squared_loss_grad(w, x, y), [-4.0, -2.0])
    assert squared_loss(w, x, y) == 2.0


def _away_from_kink(rng, n, d):
    """Data where no example lies within 0.05 of the hinge's kink y w . x = 1."""
    w = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    y = rng.choice([-1.0, 1.0], size=n)
    keep = np.abs(1 - y * (X @ w)) > 0.05
    return w, X[keep], y[keep]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hinge_loss_grad(seed):
    rng = np.random.default_rng(seed)
    w, X, y = _away_from_kink(rng, 30, 3)
    margins = y * (X @ w)
    assert np.any(margins < 1) and np.any(margins > 1)  # active and inactive examples
    grad = hinge_loss_grad(w, X, y)
    numeric = numerical_gradient(lambda v: hinge_loss(v, X, y), w)
    assert relative_error(grad, numeric) < 1e-8
    np.testing.assert_allclose(grad, _torch_grad(_torch_hinge, w, X, y), rtol=1e-12,
                               atol=1e-12)
    expected = -np.sum((margins < 1)[:, None] * y[:, None] * X, axis=0)
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-12)


def test_hinge_loss_by_hand():
    w = np.array([1.0, 0.0])
    X = np.array([[0.5, 3.0], [2.0, 1.0], [1.0, 1.0]])
    y = np.array([1.0, 1.0, -1.0])
    # margins 0.5, 2, -1: losses 0.5, 0, 2
    assert hinge_loss(w, X, y) == 2.5


# --- the perceptron criterion: Rosenblatt's rule as SGD ---------------------------------------


def test_perceptron_criterion_by_hand():
    w = np.array([1.0, 0.0])
    X = np.array([[0.5, 3.0], [-2.0, 1.0], [1.0, 1.0], [0.0, 4.0]])
    y = np.array([1.0, 1.0, -1.0, -1.0])
    # margins y w.x = 0.5, -2, -1, 0: losses 0, 2, 1, 0
    assert perceptron_criterion(w, X, y) == 3.0
    # subgradient: -y x summed over the examples the unit gets wrong: rows 2 and 3 (negative
    # margins) and row 4 (w.x = 0, where the unit says +1 but y = -1)
    np.testing.assert_array_equal(perceptron_criterion_grad(w, X, y),
                                  -(X[1] * 1.0) + X[2] + X[3])


@pytest.mark.parametrize(("y", "stepped"), [(1.0, False), (-1.0, True)])
def test_perceptron_criterion_kink_follows_the_units_output(y, stepped):
    # w . x = 0 exactly: the threshold unit outputs +1 there, so only a -1 example is a mistake.
    w, x = np.array([2.0, -1.0, 0.0]), np.array([1.0, 2.0, 5.0])
    assert w @ x == 0.0
    expected = w + 0.5 * y * x if stepped else w
    np.testing.assert_array_equal(sgd_step(w, x, y, 0.5, loss="perceptron"), expected)
    np.testing.assert_array_equal(perceptron_update(w, x, (y + 1) / 2, 0.5), expected)


def _integer_examples(rng, n):
    """Small-integer examples, a third of them exactly on the boundary w . x = 0."""
    for _ in range(n):
        d = int(rng.integers(1, 5))
        w, x = rng.integers(-3, 4, d).astype(float), rng.integers(-3, 4, d).astype(float)
        yield w, x, float(rng.choice([-1.0, 1.0])), float(rng.choice([0.25, 1.0, 3.0]))


def test_rosenblatt_is_sgd_on_the_perceptron_criterion_ties_included():
    rng = np.random.default_rng(11)
    on_boundary = steps = 0
    for w, x, y, r in _integer_examples(rng, 600):
        np.testing.assert_array_equal(perceptron_update(w, x, (y + 1) / 2, r),
                                      sgd_step(w, x, y, r, loss="perceptron"))
        on_boundary += w @ x == 0
        steps += not np.array_equal(sgd_step(w, x, y, r, loss="perceptron"), w)
    assert on_boundary > 50 and 0 < steps < 600  # ties and both branches were exercised


@settings(max_examples=60, deadline=None)
@given(
    data=st.integers(min_value=1, max_value=4).flatmap(
        lambda d: st.tuples(st.lists(finite, min_size=d, max_size=d),
                            st.lists(finite, min_size=d, max_size=d))
    ),
    y=st.sampled_from([-1.0, 1.0]),
    r=st.floats(min_value=1e-3, max_value=5.0),
)
def test_rosenblatt_is_sgd_on_the_perceptron_criterion_property(data, y, r):
    w, x = (np.array(v, dtype=np.float64) for v in data)
    # Exact ties are tested above with integers; here keep w . x clear of rounding-level ties,
    # whose sign may depend on the order in which a BLAS kernel sums.
    assume(w @ x == 0 or abs(w @ x) > 1e-9 * (np.abs(w) @ np.abs(x)))
    np.testing.assert_array_equal(perceptron_update(w, x, (y + 1) / 2, r),
                                  sgd_step(w, x, y, r, loss="perceptron"))


def _torch_perceptron(w, X, y):
    return torch.sum(torch.clamp(-y * (X @ w), min=0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perceptron_criterion_grad(seed):
    rng = np.random.default_rng(seed)
    w, X = rng.standard_normal(3), rng.standard_normal((30, 3))
    y = rng.choice([-1.0, 1.0], size=30)
    keep = np.abs(X @ w) > 0.05  # away from the kink
    X, y = X[keep], y[keep]
    assert np.any(y * (X @ w) < 0) and np.any(y * (X @ w) > 0)
    grad = perceptron_criterion_grad(w, X, y)
    numeric = numerical_gradient(lambda v: perceptron_criterion(v, X, y), w)
    assert relative_error(grad, numeric) < 1e-8
    np.testing.assert_allclose(grad, _torch_grad(_torch_perceptron, w, X, y), rtol=1e-12,
                               atol=1e-12)


def test_loss_registry_lists_every_loss_of_sgd_step():
    assert tuple(LOSS_FUNCTIONS) == LOSSES == ("perceptron", "hinge", "squared")
    w, x = np.array([0.5, -1.0]), np.array([1.0, 2.0])  # w.x = -1.5
    # steps by hand: a mistake for the criterion and the hinge (+ r y x); squared: + r 2.5 x
    for name, factor in [("perceptron", 0.1), ("hinge", 0.1), ("squared", 0.25)]:
        np.testing.assert_allclose(sgd_step(w, x, 1.0, 0.1, loss=name), w + factor * x,
                                   rtol=1e-15)
    # as functions of the margin z = -1.5 with y = +1: 1.5, 2.5, 1/2 (2.5)^2
    assert [LOSS_FUNCTIONS[n][0](w, x, 1.0) for n in LOSSES] == [1.5, 2.5, 3.125]


# --- Winnow is exponentiated gradient ---------------------------------------------------------


def test_winnow_is_the_perceptron_step_on_log_weights():
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 9))
        w = rng.uniform(0.05, 4.0, n)
        x, t = rng.integers(0, 2, n).astype(float), float(rng.integers(0, 2))
        alpha = float(rng.uniform(1.1, 3.0))
        o = float(w @ x >= n)
        np.testing.assert_allclose(np.log(winnow_update(w, x, t, promotion=alpha)),
                                   np.log(w) + np.log(alpha) * (t - o) * x, rtol=1e-12,
                                   atol=1e-12)


# --- Hebb -------------------------------------------------------------------------------------


def test_hebb_update_adds_scaled_outer_product():
    W = np.array([[1.0, 0.0, -1.0], [0.0, 2.0, 0.0]])
    pre = np.array([1.0, -1.0, 2.0])
    post = np.array([3.0, -1.0])
    expected = W + 0.5 * np.array([[3.0, -3.0, 6.0], [-1.0, 1.0, -2.0]])
    np.testing.assert_array_equal(hebb_update(W, pre, post, 0.5), expected)


def test_train_hebb_learns_bipolar_and():
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    y = np.array([-1.0, -1.0, -1.0, 1.0])
    w = train_hebb(X, y)
    # w = sum_d y_d (1, x_d) = (-2, 2, 2)
    np.testing.assert_array_equal(w, [-2.0, 2.0, 2.0])
    np.testing.assert_array_equal(np.sign(with_ones(X) @ w), y)
    np.testing.assert_array_equal(train_hebb(X, y, learning_rate=0.25), 0.25 * w)


def test_train_hebb_learns_bipolar_or():
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    y = np.array([-1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(np.sign(with_ones(X) @ train_hebb(X, y)), y)


def test_hebb_weights_grow_without_error_signal():
    W = np.zeros((1, 3))
    pre, post = np.array([1.0, 1.0, -1.0]), np.array([1.0])
    norms = []
    for _ in range(10):
        W = hebb_update(W, pre, post)
        norms.append(np.linalg.norm(W))
    # the output was already "right" after the first step, yet the weights keep growing
    assert np.all(np.diff(norms) > 0)
    np.testing.assert_allclose(norms, np.sqrt(3) * np.arange(1, 11))


def test_hebb_bad_input():
    with pytest.raises(ValueError, match=r"W must have shape \(n_post, n_pre\) = \(1, 3\)"):
        hebb_update(np.zeros((3, 1)), np.ones(3), np.ones(1))
    with pytest.raises(ValueError, match="learning_rate"):
        hebb_update(np.zeros((1, 2)), np.ones(2), np.ones(1), learning_rate=0)
    with pytest.raises(ValueError, match=r"y must contain only \{-1, 1\}"):
        train_hebb([[1.0, -1.0]], [0.0])
    with pytest.raises(ValueError, match=r"X must contain only \{-1, 1\}"):
        train_hebb([[1.0, 0.0]], [1.0])


# --- Winnow -----------------------------------------------------------------------------------


def test_winnow_update_promotes_on_a_miss():
    w = np.ones(4)
    x = np.array([1.0, 0.0, 1.0, 0.0])  # w . x = 2 < 4: output 0, target 1
    np.testing.assert_array_equal(winnow_update(w, x, 1), [2.0, 1.0, 2.0, 1.0])
    np.testing.assert_array_equal(winnow_update(w, x, 1, promotion=3.0), [3.0, 1.0, 3.0, 1.0])


def test_winnow_update_demotes_on_a_false_alarm():
    w = np.array([3.0, 3.0, 1.0, 1.0])
    x = np.array([1.0, 1.0, 0.0, 0.0])  # w . x = 6 >= 4: output 1, target 0
    np.testing.assert_array_equal(winnow_update(w, x, 0), [1.5, 1.5, 1.0, 1.0])


def test_winnow_update_unchanged_when_right():
    w = np.array([3.0, 3.0, 1.0, 1.0])
    x = np.array([1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(winnow_update(w, x, 1), w)
    np.testing.assert_array_equal(winnow_update(w, np.zeros(4), 0), w)
    # an explicit threshold: w . x = 6 < 10, output 0, target 0
    np.testing.assert_array_equal(winnow_update(w, x, 0, threshold=10.0), w)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_winnow_learns_a_sparse_disjunction(seed):
    n, k = 64, 3
    X, t = sparse_disjunction(400, n, k, np.random.default_rng(seed))
    run = train_winnow(X, t, max_epochs=50)
    assert run.converged
    np.testing.assert_array_equal((X @ run.weights >= n).astype(float), t)
    assert np.all(run.weight_history > 0)
    # Littlestone's bound for promotion 2 and threshold n: promotions <= k (log2 n + 1), and
    # since the total weight starts at n, grows by < n per promotion and shrinks by >= n/2
    # per demotion while staying positive, mistakes <= 2 + 3 k (log2 n + 1).
    assert run.mistakes <= 2 + 3 * k * (np.log2(n) + 1)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_winnow_beats_perceptron_on_many_irrelevant_features(seed):
    n, k = 256, 3
    X, t = sparse_disjunction(300, n, k, np.random.default_rng(seed))
    winnow = train_winnow(X, t, max_epochs=1)
    perceptron = train_perceptron(X, t, max_epochs=1)
    assert winnow.mistakes_per_epoch[0] < perceptron.mistakes_per_epoch[0]
    assert winnow.mistakes <= 2 + 3 * k * (np.log2(n) + 1)


def test_winnow_counts_a_miss_on_the_all_zero_input():
    # NOR is not monotone: Winnow (no bias, weights > 0) outputs 0 on x = 00 whatever its
    # weights, but the target there is 1. That is a mistake every epoch, so Winnow can never
    # report convergence on this data.
    X, t = logic_function("nor")
    run = train_winnow(X, t, max_epochs=20)
    assert not run.converged
    assert all(m >= 1 for m in run.mistakes_per_epoch)


def test_winnow_shuffled_is_reproducible():
    X, t = sparse_disjunction(100, 32, 2, np.random.default_rng(0))
    a = train_winnow(X, t, rng=np.random.default_rng(9))
    b = train_winnow(X, t, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.converged


# --- bad input --------------------------------------------------------------------------------

XOR_X, XOR_T = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0.0])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: train_perceptron(XOR_X, XOR_T[:, None]), ValueError,
         r"^t must have shape \(N,\) with N=4 matching X, got \(4, 1\)$"),
        (lambda: train_perceptron(XOR_X, XOR_T[:3]), ValueError, r"t must have shape \(N,\)"),
        (lambda: train_perceptron(XOR_X, [0, 1, 2, 0]), ValueError,
         r"t must contain only \{0, 1\}, got also 2"),
        (lambda: train_perceptron(np.where(XOR_X == 1, np.nan, XOR_X), XOR_T), ValueError,
         "X must be finite"),
        (lambda: train_perceptron(np.empty((0, 2)), np.empty(0)), ValueError,
         "X must not be empty"),
        (lambda: train_perceptron(XOR_X[:, 0], XOR_T), ValueError, "X must be a 2-D"),
        (lambda: train_perceptron(XOR_X, XOR_T, learning_rate=0), ValueError, "learning_rate"),
        (lambda: train_perceptron(XOR_X, XOR_T, learning_rate=-0.1), ValueError,
         "learning_rate"),
        (lambda: train_perceptron(XOR_X, XOR_T, max_epochs=0), ValueError,
         "max_epochs must be >= 1"),
        (lambda: train_perceptron(XOR_X, XOR_T, rng=0), TypeError, "rng must be"),
        (lambda: train_perceptron(XOR_X, XOR_T, w0=np.zeros(2)), ValueError,
         r"w0 must have shape \(3,\)"),
        (lambda: train_perceptron(XOR_X.astype(str), XOR_T), TypeError, "X must be"),
        (lambda: perceptron_update([0.0, 0.0, 0.0], [1.0, 1.0], 1), ValueError,
         r"x must have shape \(d,\) with d=3 matching w, got \(2,\)"),
        (lambda: perceptron_update([0.0, 0.0], [1.0, 1.0], 2), ValueError,
         r"t must be one of \[0.0, 1.0\], got 2"),
        (lambda: perceptron_update([0.0, 0.0], [1.0, 1.0], 1, learning_rate=0), ValueError,
         "learning_rate"),
        (lambda: perceptron_margin_update([0.0, 0.0], [1.0, 1.0], 0), ValueError,
         r"y must be one of \[-1.0, 1.0\], got 0"),
        (lambda: hinge_loss([0.0, 0.0], [[1.0, 1.0]], [0.0]), ValueError,
         r"y must contain only \{-1, 1\}"),
        (lambda: hinge_loss_grad([0.0, 0.0], [[1.0, 1.0]], [2.0]), ValueError,
         r"y must contain only \{-1, 1\}"),
        (lambda: sgd_step([0.0, 0.0], [1.0, 1.0], 0.5, 0.1, loss="hinge"), ValueError,
         r"y must contain only \{-1, 1\}"),
        (lambda: sgd_step([0.0, 0.0], [1.0, 1.0], 1.0, 0.1, loss="hinge2"), ValueError,
         r"loss must be one of \['perceptron', 'hinge', 'squared'\], got 'hinge2'"),
        (lambda: sgd_step([0.0, 0.0], [1.0, 1.0], 1.0, 0.0), ValueError, "learning_rate"),
        (lambda: sgd_step([0.0, 0.0], [1.0, 1.0, 1.0], 1.0, 0.1), ValueError,
         r"x must have shape \(d,\) or \(N, d\) with d=2 matching w"),
        (lambda: squared_loss_grad([0.0, 0.0], [[1.0, 1.0]] * 3, [1.0, 2.0]), ValueError,
         r"y must have shape \(N,\) with N=3 matching x, got \(2,\)"),
        (lambda: squared_loss([0.0, np.nan], [1.0, 1.0], 1.0), ValueError, "w must be finite"),
        (lambda: widrow_hoff_batch(XOR_X, XOR_T, learning_rate=-1, epochs=3), ValueError,
         "learning_rate"),
        (lambda: widrow_hoff_batch(XOR_X, XOR_T[:, None], learning_rate=0.1, epochs=3),
         ValueError, r"t must have shape \(N,\) with N=4 matching X, got \(4, 1\)"),
        (lambda: widrow_hoff_batch(XOR_X, XOR_T, learning_rate=0.1, epochs=-1), ValueError,
         "epochs must be >= 0"),
        (lambda: widrow_hoff_incremental(XOR_X, XOR_T, learning_rate=0.1, epochs=1, rng=3),
         TypeError, "rng must be"),
        (lambda: widrow_hoff_incremental(
            XOR_X, XOR_T, learning_rate=0.1, epochs=1, rng=np.random.RandomState(0)),
         TypeError, "rng must be"),
        (lambda: least_squares(np.where(XOR_X == 1, np.inf, XOR_X), XOR_T), ValueError,
         "X must be finite"),
        (lambda: winnow_update(np.ones(2), [1.0, 0.0], 1, promotion=1.0), ValueError,
         "promotion must be > 1, got 1.0"),
        (lambda: winnow_update(np.ones(2), [1.0, 0.0], 1, promotion=0.5), ValueError,
         "promotion must be > 1"),
        (lambda: winnow_update(np.ones(2), [1.0, 0.5], 1), ValueError,
         r"x must contain only \{0, 1\}"),
        (lambda: winnow_update(np.ones(3), [1.0, 0.0], 1), ValueError,
         r"x must have shape \(d,\) with d=3 matching w"),
        (lambda: train_winnow(XOR_X, XOR_T, promotion=1), ValueError, "promotion must be > 1"),
        (lambda: train_winnow(XOR_X, XOR_T, max_epochs=0), ValueError, "max_epochs"),
        (lambda: train_winnow(XOR_X, XOR_T, rng=1), TypeError, "rng must be"),
        (lambda: train_winnow(XOR_X * 2, XOR_T), ValueError, r"X must contain only \{0, 1\}"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
