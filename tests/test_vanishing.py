"""course_nn.vanishing: per-layer gradient norms, and the one-unit RNN's cliff."""

import numpy as np
import pytest
import torch

from course_nn import modules, optim
from course_nn import vanishing as v
from course_nn.training import loss_and_grad


def _net(activation="sigmoid", seed=0):
    return modules.mlp([6, 5, 5, 5, 3], np.random.default_rng(seed), activation=activation)


def _batch(seed=1, n=20):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)), rng.integers(0, 3, size=n)


def test_layer_norms_are_the_weight_gradients_of_each_linear_layer():
    model, (X, y) = _net(), _batch()
    before = {k: p.copy() for k, p in model.parameters().items()}
    norms = v.layer_gradient_norms(model, X, y)
    linears = [m for m in model.modules if isinstance(m, modules.Linear)]
    assert norms.shape == (len(linears),)
    model.zero_grad()
    _, dout = loss_and_grad("cross_entropy", model.forward(X), y)
    model.backward(dout)
    np.testing.assert_allclose(norms, [np.linalg.norm(m.weight_grad) for m in linears],
                               rtol=1e-12)
    for k, p in model.parameters().items():
        np.testing.assert_array_equal(p, before[k])


def test_layer_norms_match_torch_autograd():
    model, (X, y) = _net("tanh"), _batch()
    norms = v.layer_gradient_norms(model, X, y)
    h = torch.as_tensor(X)
    weights = []
    for m in model.modules:
        if isinstance(m, modules.Linear):
            w = torch.tensor(m.weight, requires_grad=True)
            weights.append(w)
            h = h @ w + torch.as_tensor(m.bias)
        else:
            h = torch.tanh(h)
    torch.nn.functional.cross_entropy(h, torch.as_tensor(y)).backward()
    np.testing.assert_allclose(norms, [w.grad.norm().item() for w in weights], rtol=1e-10)


def test_deep_sigmoid_gradients_fall_towards_the_input_and_tanh_ones_do_not():
    X, y = _batch(n=200)
    sig = v.layer_gradient_norms(modules.mlp([6] + [20] * 5 + [3], np.random.default_rng(0)),
                                 X, y)
    assert np.all(np.diff(sig) > 0) and sig[0] < sig[-1] / 50
    tanh = v.layer_gradient_norms(
        modules.mlp([6] + [20] * 5 + [3], np.random.default_rng(0), activation="tanh"), X, y)
    assert tanh[0] > tanh[-1] / 10


def test_training_records_init_and_every_epoch_and_learns():
    X, y = _batch(n=60)
    model = _net("tanh")
    rng = np.random.default_rng(2)
    rows = v.train_recording_gradient_norms(model, optim.SGD(model, 0.1), X, y, epochs=3,
                                            batch_size=10, rng=rng)
    assert rows.shape == (4, 4)
    np.testing.assert_allclose(rows[-1], v.layer_gradient_norms(model, X, y), rtol=1e-12)
    np.testing.assert_allclose(rows[0], v.layer_gradient_norms(_net("tanh"), X, y), rtol=1e-12)


def test_squared_error_loss_is_accepted():
    model = modules.mlp([6, 4, 2], np.random.default_rng(0))
    X, _ = _batch()
    norms = v.layer_gradient_norms(model, X, np.zeros((20, 2)), loss="squared")
    assert norms.shape == (2,) and np.all(norms > 0)


@pytest.mark.parametrize("call, match", [
    (lambda: v.layer_gradient_norms(modules.Linear(6, 3, np.random.default_rng(0)),
                                    *_batch()), "model must be a course_nn Sequential"),
    (lambda: v.layer_gradient_norms(_net(), np.ones((4, 5)), np.zeros(4, int)), "X must have 6"),
    (lambda: v.layer_gradient_norms(_net(), np.ones((4, 6)), np.zeros(3, int)), "y must be"),
    (lambda: v.layer_gradient_norms(_net(), np.ones((4, 6)), np.zeros(4)), "y must be integer"),
    (lambda: v.layer_gradient_norms(_net(), *_batch(), loss="hinge"), "loss"),
    (lambda: v.layer_gradient_norms(_net(), np.full((4, 6), np.nan), np.zeros(4, int)),
     "X must be finite"),
    (lambda: v.train_recording_gradient_norms(_net(), optim.SGD(_net(seed=1), 0.1), *_batch(),
                                              epochs=1, batch_size=5,
                                              rng=np.random.default_rng(0)), "optimiser"),
    (lambda: v.train_recording_gradient_norms(_net(), None, *_batch(), epochs=1, batch_size=5,
                                              rng=np.random.default_rng(0)), "optimiser"),
])
def test_bad_inputs_get_clear_errors(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_bad_epochs_batch_rng_and_probe():
    model = _net()
    opt = optim.SGD(model, 0.1)
    X, y = _batch()
    with pytest.raises(ValueError, match="epochs"):
        v.train_recording_gradient_norms(model, opt, X, y, epochs=0, batch_size=5,
                                         rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        v.train_recording_gradient_norms(model, opt, X, y, epochs=1, batch_size=5, rng=0)
    with pytest.raises(TypeError, match="probe"):
        v.train_recording_gradient_norms(model, opt, X, y, epochs=1, batch_size=5,
                                         rng=np.random.default_rng(0), probe=X)


# --- RNN Jacobians -----------------------------------------------------------------------------


def test_rnn_jacobian_norms_vanish_below_radius_one_and_grow_above():
    small = v.rnn_jacobian_norms(0.7, np.random.default_rng(0))
    large = v.rnn_jacobian_norms(1.5, np.random.default_rng(0))
    assert small.shape == large.shape == (40,)
    assert small[0] == pytest.approx(1.0) and large[0] == pytest.approx(1.0)
    assert small[-1] < 1e-3 and large[20] > 10


def test_rnn_jacobian_norms_match_a_direct_product_in_the_linear_regime():
    # zero input: the state stays 0, tanh' = 1, so dh_t/dh_{t-k} = W_h^k exactly
    norms = v.rnn_jacobian_norms(0.9, np.random.default_rng(3), hidden=5, steps=8,
                                 input_scale=0.0)
    rng = np.random.default_rng(3)
    w = rng.standard_normal((5, 5))
    w *= 0.9 / np.max(np.abs(np.linalg.eigvals(w)))
    want = [np.linalg.norm(np.linalg.matrix_power(w.T, k), 2) for k in range(8)]
    np.testing.assert_allclose(norms, want, rtol=1e-10)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"radius": 0}, ValueError, "radius"),
    ({"radius": 1.0, "rng": 3}, TypeError, "rng"),
    ({"radius": 1.0, "hidden": 0}, ValueError, "hidden"),
    ({"radius": 1.0, "steps": 1.5}, TypeError, "steps"),
    ({"radius": 1.0, "input_scale": -1}, ValueError, "input_scale"),
])
def test_rnn_jacobian_norms_bad_inputs(kwargs, error, match):
    kwargs = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=match):
        v.rnn_jacobian_norms(**kwargs)


# --- the cliff -----------------------------------------------------------------------------------


def _torch_cliff(w, b, steps=50, x0=0.5, target=0.7):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    x = torch.full_like(w, x0)
    for _ in range(steps):
        x = w * torch.sigmoid(x) + b
    loss = (x - target) ** 2
    loss.sum().backward()
    return loss.detach().numpy(), w.grad.numpy(), b.grad.numpy()


def test_cliff_loss_and_gradient_match_torch_autograd_over_a_grid():
    W, B = np.meshgrid(np.linspace(-2, 10, 13), np.linspace(-6, 2, 9))
    ours = v.cliff_loss_and_grad(W, B)
    theirs = _torch_cliff(W, B)
    for a, t in zip(ours, theirs, strict=True):
        assert a.shape == W.shape
        np.testing.assert_allclose(a, t, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("w, b", [(2.0, -1.0), (5.0, -2.4), (-1.0, 0.5)])
def test_cliff_gradient_matches_centred_finite_differences(w, b):
    _, dw, db = v.cliff_loss_and_grad(w, b, steps=20)
    eps = 1e-6

    def f(w_, b_):
        return float(v.cliff_loss_and_grad(w_, b_, steps=20)[0])

    assert float(dw) == pytest.approx((f(w + eps, b) - f(w - eps, b)) / (2 * eps), rel=1e-5)
    assert float(db) == pytest.approx((f(w, b + eps) - f(w, b - eps)) / (2 * eps), rel=1e-5)


def test_the_cliff_is_steep_near_the_bifurcation_and_flat_away():
    W, B = np.meshgrid(np.linspace(-2, 12, 281), np.linspace(-8, 2, 201))
    _, dw, db = v.cliff_loss_and_grad(W, B)
    g = np.hypot(dw, db)
    assert g.max() > 30 * np.median(g)


def test_clipped_descent_never_steps_further_than_rate_times_threshold():
    plain = v.cliff_descent(7.0, -4.0, learning_rate=0.05, iterations=40)
    clipped = v.cliff_descent(7.0, -4.0, learning_rate=0.05, iterations=40, threshold=1.0)
    assert plain.shape == clipped.shape == (41, 2)
    np.testing.assert_array_equal(plain[0], [7.0, -4.0])
    assert np.max(np.hypot(*np.diff(clipped, axis=0).T)) <= 0.05 * (1 + 1e-12)
    assert np.max(np.hypot(*np.diff(plain, axis=0).T)) > 10 * 0.05
    _, dw, db = v.cliff_loss_and_grad(7.0, -4.0)
    np.testing.assert_allclose(plain[1], [7.0 - 0.05 * dw, -4.0 - 0.05 * db], rtol=1e-12)


@pytest.mark.parametrize("call, error, match", [
    (lambda: v.cliff_loss_and_grad(np.ones(3), np.ones(2)), ValueError, "same shape"),
    (lambda: v.cliff_loss_and_grad("a", 1.0), TypeError, "w"),
    (lambda: v.cliff_loss_and_grad(1.0, np.nan), ValueError, "b must be finite"),
    (lambda: v.cliff_loss_and_grad(1.0, 1.0, steps=0), ValueError, "steps"),
    (lambda: v.cliff_loss_and_grad(1.0, 1.0, x0=[1, 2]), ValueError, "x0"),
    (lambda: v.cliff_descent(1.0, 1.0, learning_rate=0, iterations=3), ValueError,
     "learning_rate"),
    (lambda: v.cliff_descent(1.0, 1.0, learning_rate=0.1, iterations=0), ValueError,
     "iterations"),
    (lambda: v.cliff_descent(1.0, 1.0, learning_rate=0.1, iterations=3, threshold=-1),
     ValueError, "threshold"),
    (lambda: v.cliff_descent(1.0, 1.0, learning_rate=1e300, iterations=5), ValueError,
     "not finite|finite"),
])
def test_cliff_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
