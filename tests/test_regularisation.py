"""Regularisation: early stopping that restores the best weights, weight decay both ways
(SGD's L2 term and fit's shrinking), the L2 penalty, and prediction from dropout networks by
weight scaling and by Monte-Carlo averaging.

Problems are tiny and seeded; expected weights come from re-running the same seeded training
epoch by epoch, from update rules worked out by hand, or from finite differences.
"""

import copy

import numpy as np
import pytest

from course_nn import layers
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.modules import Dropout, Linear, Sequential, mlp
from course_nn.optim import SGD
from course_nn.regularisation import l2_penalty, monte_carlo_proba, predict_proba
from course_nn.training import fit

EPOCHS = 30


def mean_cross_entropy(scores, labels):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def softmax_by_hand(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def weights(model):
    return {name: p.copy() for name, p in model.parameters().items()}


def same(a, b):
    return list(a) == list(b) and all(np.array_equal(a[k], b[k]) for k in a)


def noisy_problem():
    """Two overlapping blobs; the validation labels have 3 of 20 flipped, so once the network
    grows confident on the training data its validation loss rises again."""
    r = np.random.default_rng(4)
    y = np.arange(20) % 2
    X = r.standard_normal((20, 2)) * 0.5 + np.where(y[:, None] == 1, 1.0, -1.0)
    y_val = np.arange(20) % 2
    X_val = r.standard_normal((20, 2)) * 0.5 + np.where(y_val[:, None] == 1, 1.0, -1.0)
    y_val[:3] = 1 - y_val[:3]
    return X, y, X_val, y_val


def fresh():
    model = mlp([2, 10, 2], np.random.default_rng(1), activation="tanh")
    return model, SGD(model, 0.02)


def train(epochs, **kwargs):
    X, y, X_val, y_val = noisy_problem()
    model, opt = fresh()
    history = fit(model, opt, X, y, X_val=X_val, y_val=y_val, epochs=epochs, batch_size=5,
                  rng=np.random.default_rng(2), show_progress=False, **kwargs)
    return model, history


@pytest.fixture(scope="module")
def snapshots():
    """The weights after every epoch of the seeded run, one fit(epochs=1) call at a time (the
    shuffling generator is shared, so this is the same run as one fit(epochs=EPOCHS))."""
    X, y, X_val, y_val = noisy_problem()
    model, opt = fresh()
    shuffle = np.random.default_rng(2)
    states = []
    for _ in range(EPOCHS):
        fit(model, opt, X, y, epochs=1, batch_size=5, rng=shuffle, show_progress=False)
        states.append(weights(model))
    val_losses = []
    for state in states:
        model.load_state_dict(state)
        val_losses.append(mean_cross_entropy(model(X_val), y_val))
    return states, np.array(val_losses)


# --- early stopping with restore_best ---------------------------------------------------------


def test_the_validation_loss_falls_then_rises(snapshots):
    _, val_losses = snapshots
    best = int(np.argmin(val_losses))
    assert 2 <= best + 1 <= EPOCHS - 10  # an interior minimum, not the first or last epoch
    assert val_losses[-1] > val_losses[best] + 0.03
    assert val_losses[0] > val_losses[best] + 0.03


def test_restore_best_loads_the_weights_of_the_best_epoch(snapshots):
    states, val_losses = snapshots
    model, history = train(EPOCHS, restore_best=True)
    best = int(np.argmin(val_losses)) + 1
    np.testing.assert_allclose(history.val_loss, val_losses, rtol=1e-12, atol=0)
    assert history.best_epoch == best
    assert history.restored_best is True
    assert history.epochs == EPOCHS
    assert same(weights(model), states[best - 1])
    assert not same(weights(model), states[-1])
    X, y, X_val, y_val = noisy_problem()
    assert mean_cross_entropy(model(X_val), y_val) == pytest.approx(min(val_losses), rel=1e-12)


def test_restored_weights_equal_a_run_stopped_at_the_best_epoch(snapshots):
    _, val_losses = snapshots
    best = int(np.argmin(val_losses)) + 1
    restored, _ = train(EPOCHS, restore_best=True)
    stopped, history = train(best, restore_best=False)
    assert history.restored_best is False
    assert same(weights(restored), weights(stopped))


def test_without_restore_best_the_final_weights_are_the_last_epochs(snapshots):
    states, val_losses = snapshots
    model, history = train(EPOCHS)
    assert history.restored_best is False
    assert history.best_epoch == int(np.argmin(val_losses)) + 1  # recorded, but not loaded
    assert same(weights(model), states[-1])


def test_restore_best_with_val_patience_stops_and_restores(snapshots):
    states, val_losses = snapshots
    best = int(np.argmin(val_losses)) + 1
    model, history = train(EPOCHS, restore_best=True, val_patience=4)
    assert history.epochs == best + 4
    assert "validation" in history.stop_reason  # the wording is training.fit's
    assert history.restored_best is True
    assert same(weights(model), states[best - 1])


def test_restore_best_without_validation_data_uses_the_training_loss(rng):
    X, y, _, _ = noisy_problem()
    model, opt = fresh()
    history = fit(model, opt, X, y, epochs=8, batch_size=5, rng=np.random.default_rng(2),
                  restore_best=True, show_progress=False)
    assert history.restored_best is True
    assert history.best_epoch == int(np.argmin(history.train_loss)) + 1
    loss = mean_cross_entropy(model(X), y)
    assert loss == pytest.approx(min(history.train_loss), rel=1e-12)


# --- weight decay: L2 term in SGD and shrinking in fit ----------------------------------------


def blobs(n=24, seed=3):
    r = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
    return r.standard_normal((n, 2)) * 0.6 + centres[y], y


@pytest.mark.parametrize("lam", [1e-3, 0.05])
@pytest.mark.parametrize(
    "loss, batch_size",
    [("cross_entropy", 5), ("cross_entropy", 1), ("squared", None), ("squared", 7)],
)
def test_weight_decay_as_l2_term_equals_shrinking(lam, loss, batch_size):
    X, labels = blobs()
    y = labels if loss == "cross_entropy" else np.eye(3)[labels]
    lr = 0.1 if loss == "cross_entropy" else 0.02
    results = []
    for opt_decay, shrink in [(lam, None), (0.0, 1 - lr * lam), (0.0, None)]:
        model = mlp([2, 6, 3], np.random.default_rng(5), activation="tanh")
        fit(model, SGD(model, lr, weight_decay=opt_decay), X, y, loss=loss, epochs=6,
            batch_size=batch_size, rng=np.random.default_rng(6), shrink_factor=shrink,
            show_progress=False)
        results.append(weights(model))
    decayed, shrunk, plain = results
    for name in decayed:
        np.testing.assert_allclose(decayed[name], shrunk[name], rtol=0, atol=1e-12)
    # and the decay did something: without it the weights end elsewhere
    assert max(np.max(np.abs(decayed[k] - plain[k])) for k in plain) > 1e-5


def test_shrink_factor_update_by_hand(rng):
    # one full-batch step of E = 1/2 sum (x w + b - t)^2 with shrinking s:
    # w' = s w - R X^T (X w + b - t),  b' = s b - R sum (X w + b - t)
    X, t = rng.standard_normal((6, 3)), rng.standard_normal((6, 1))
    model = Sequential(Linear(3, 1, rng, init="uniform"))
    w, b = model[0].weight.copy(), model[0].bias.copy()
    R, s = 0.05, 0.9
    fit(model, SGD(model, R), X, t, loss="squared", epochs=1, batch_size=None,
        shrink_factor=s, show_progress=False)
    residual = X @ w + b - t
    np.testing.assert_allclose(model[0].weight, s * w - R * X.T @ residual, rtol=1e-13)
    np.testing.assert_allclose(model[0].bias, s * b - R * residual.sum(axis=0), rtol=1e-13)


def test_shrink_factor_one_changes_nothing():
    X, y = blobs()
    results = []
    for shrink in (None, 1.0, 1):
        model = mlp([2, 4, 3], np.random.default_rng(5))
        fit(model, SGD(model, 0.1), X, y, epochs=3, batch_size=6, rng=np.random.default_rng(6),
            shrink_factor=shrink, show_progress=False)
        results.append(weights(model))
    assert same(results[0], results[1]) and same(results[0], results[2])


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, ValueError), (-1, ValueError),
                                        (float("nan"), ValueError), (True, TypeError),
                                        ("0.9", TypeError)])
def test_fit_rejects_bad_shrink_factor(bad, error):
    X, y = blobs()
    model = mlp([2, 4, 3], np.random.default_rng(5))
    before = weights(model)
    with pytest.raises(error, match="shrink_factor"):
        fit(model, SGD(model, 0.1), X, y, epochs=1, shrink_factor=bad, show_progress=False)
    assert same(weights(model), before)  # rejected before any update


def test_weight_decay_makes_smaller_weights():
    X, y = blobs()
    norms = {}
    for lam in (0.0, 0.05):
        model = mlp([2, 8, 3], np.random.default_rng(5), activation="tanh")
        fit(model, SGD(model, 0.2, weight_decay=lam), X, y, epochs=40, batch_size=6,
            rng=np.random.default_rng(6), show_progress=False)
        norms[lam] = np.sqrt(sum(np.sum(p**2) for p in model.parameters().values()))
    assert norms[0.05] < 0.8 * norms[0.0]


def test_l2_penalty_by_hand(rng):
    model = mlp([3, 4, 2], rng)
    model[0].bias[...] = [1.0, -2.0, 0.5, 0.0]
    total = 0.0
    for p in (model[0].weight, model[0].bias, model[2].weight, model[2].bias):
        total += float((p * p).sum())
    assert l2_penalty(model, 0.3) == pytest.approx(0.15 * total, rel=1e-14)
    assert l2_penalty(model, 0) == 0.0
    # a hand-sized case: weight [[1, 2]], bias [3]: (0.5 / 2) (1 + 4 + 9) = 3.5
    lin = Linear(2, 1, rng)
    lin.weight[...] = [[1.0], [2.0]]
    lin.bias[...] = [3.0]
    assert l2_penalty(Sequential(lin), 0.5) == 3.5


@pytest.mark.parametrize("bad, error", [(-0.1, ValueError), (float("inf"), ValueError),
                                        ("0.1", TypeError), (True, TypeError)])
def test_l2_penalty_rejects_bad_strength(rng, bad, error):
    with pytest.raises(error, match="strength"):
        l2_penalty(mlp([2, 2], rng), bad)


def test_l2_penalty_gradient_is_lambda_w(rng):
    model = mlp([3, 4, 2], rng)
    lam = 0.7
    for name, param in model.parameters().items():
        def f(point, param=param):
            saved = param.copy()
            param[...] = point
            value = l2_penalty(model, lam)
            param[...] = saved
            return value

        numeric = numerical_gradient(f, param)
        assert relative_error(numeric, lam * param) < 1e-8, name


def test_sgd_weight_decay_step_descends_error_plus_l2_penalty(rng):
    # one SGD(weight_decay=lam) step equals a plain step on E + l2_penalty, whose gradient we
    # take by finite differences
    model = mlp([3, 5, 2], rng, activation="tanh")
    X, y = rng.standard_normal((7, 3)), rng.integers(0, 2, size=7)
    lr, lam = 0.3, 0.2
    params = model.parameters()

    def total_error():
        return layers.softmax_cross_entropy(model(X), y)[0] + l2_penalty(model, lam)

    expected = {}
    for name, param in params.items():
        def f(point, param=param):
            saved = param.copy()
            param[...] = point
            value = total_error()
            param[...] = saved
            return value

        expected[name] = param - lr * numerical_gradient(f, param)
    fit(model, SGD(model, lr, weight_decay=lam), X, y, epochs=1, batch_size=None,
        show_progress=False)
    for name, param in model.parameters().items():
        np.testing.assert_allclose(param, expected[name], rtol=1e-8, atol=1e-9)


def test_fit_trains_a_dropout_network_and_evaluates_it_without_dropout():
    X, y = blobs()
    model = mlp([2, 16, 3], np.random.default_rng(5), activation="relu", input_drop_prob=0.1,
                hidden_drop_prob=0.5)
    history = fit(model, SGD(model, 0.1), X, y, epochs=30, batch_size=6,
                  rng=np.random.default_rng(6), show_progress=False)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert model.training  # fit leaves the model in training mode
    # the recorded loss is that of the whole network (evaluation mode), not of a sub-network
    model.eval()
    assert history.train_loss[-1] == pytest.approx(mean_cross_entropy(model(X), y), rel=1e-12)


# --- model averaging: weight scaling and Monte Carlo ------------------------------------------


def dropout_model(seed=0):
    return mlp([4, 16, 3], np.random.default_rng(seed), activation="relu",
               input_drop_prob=0.2, hidden_drop_prob=0.5)


def inputs():
    return np.random.default_rng(9).standard_normal((12, 4)) * 2


def test_predict_proba_is_softmax_of_eval_forward():
    model = dropout_model()
    X = inputs()
    proba = predict_proba(model, X)
    model.eval()
    expected = softmax_by_hand(model(X))
    model.train()
    np.testing.assert_allclose(proba, expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(predict_proba(model, X), proba)  # deterministic
    assert model.training and all(m.training for m in model.modules)


def test_predict_proba_keeps_eval_mode():
    model = dropout_model().eval()
    predict_proba(model, inputs())
    assert not model.training and not any(m.training for m in model.modules)


@pytest.mark.parametrize("n", [1, 5, 50])
def test_monte_carlo_proba_rows_sum_to_one_and_equal_a_manual_average(n):
    model = dropout_model()
    twin = copy.deepcopy(model)  # the same weights and the same generator states
    X = inputs()
    proba = monte_carlo_proba(model, X, n)
    assert proba.shape == (12, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-13)
    assert np.all((proba >= 0) & (proba <= 1))
    manual = np.mean([softmax_by_hand(twin(X)) for _ in range(n)], axis=0)
    np.testing.assert_allclose(proba, manual, rtol=1e-12, atol=1e-15)


def test_monte_carlo_uses_training_masks():
    model = dropout_model()
    X = inputs()
    one = monte_carlo_proba(model, X, 1)
    assert not np.allclose(one, predict_proba(model, X), atol=1e-3)
    assert not np.array_equal(one, monte_carlo_proba(model, X, 1))  # fresh masks each time


def test_monte_carlo_converges_as_n_grows():
    model = dropout_model()
    X = inputs()
    one = monte_carlo_proba(model, X, 1)
    p2000 = monte_carlo_proba(model, X, 2000)
    p4000 = monte_carlo_proba(model, X, 4000)
    far = np.max(np.abs(one - p4000))
    near = np.max(np.abs(p2000 - p4000))
    assert far > 0.05
    assert near < far / 5
    # each estimate has std at most 0.5 / sqrt(n): about 0.011 for n = 2000
    assert near < 0.05


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_monte_carlo_restores_the_training_flag(mode):
    model = dropout_model()
    getattr(model, mode)()
    monte_carlo_proba(model, inputs(), 3)
    want = mode == "train"
    assert model.training is want
    assert all(m.training is want for m in model.modules)


def test_monte_carlo_rejects_bad_n_samples():
    model = dropout_model()
    with pytest.raises(ValueError, match="n_samples"):
        monte_carlo_proba(model, inputs(), 0)
    with pytest.raises(TypeError, match="n_samples"):
        monte_carlo_proba(model, inputs(), 2.0)


@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_without_dropout_both_predictions_agree(n):
    model = mlp([4, 16, 3], np.random.default_rng(0), activation="relu")
    assert not any(isinstance(m, Dropout) for m in model.modules)
    X = inputs()
    np.testing.assert_allclose(monte_carlo_proba(model, X, n), predict_proba(model, X),
                               rtol=1e-13, atol=1e-15)


# --- which average each predictor computes (notebook 04, 2.3 and 3.8) --------------------------

from course_nn.regularisation import (  # noqa: E402
    forward_with_masks,
    monte_carlo_errors,
    subnetwork_means,
    torch_forward_with_masks,
)


def _softmax_layer(seed, d=6, c=3, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, scale, (d, c)), rng.normal(0, 0.3, c), rng.random(d)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_geometric_mean_of_subnetworks_equals_weight_scaling_for_one_softmax_layer(seed, p):
    W, b, x = _softmax_layer(seed, scale=1.5)
    arithmetic, geometric = subnetwork_means(W, b, x, p)
    np.testing.assert_allclose(geometric, layers.softmax(x[None, :] @ W + b)[0], atol=1e-13)
    np.testing.assert_allclose([arithmetic.sum(), geometric.sum()], [1.0, 1.0], atol=1e-13)
    # the arithmetic mean is a different number (here by more than rounding)
    assert np.max(np.abs(arithmetic - geometric)) > 1e-4


def test_subnetwork_means_by_hand_for_one_input():
    # one input x = 1, p = 0.5: kept (prob 1/2) gives scores w / 0.5 + b, dropped gives b
    W, b, x = np.array([[1.0, -1.0]]), np.zeros(2), np.array([1.0])
    kept, dropped = layers.softmax(np.array([[2.0, -2.0]]))[0], np.array([0.5, 0.5])
    arithmetic, geometric = subnetwork_means(W, b, x, 0.5)
    np.testing.assert_allclose(arithmetic, 0.5 * kept + 0.5 * dropped, rtol=1e-14)
    unnormalised = np.sqrt(kept * dropped)
    np.testing.assert_allclose(geometric, unnormalised / unnormalised.sum(), rtol=1e-14)


def test_monte_carlo_converges_to_the_arithmetic_mean_not_weight_scaling():
    # a model that is exactly one softmax layer with input dropout: Dropout, Linear
    W, b, x = _softmax_layer(7, d=8, scale=1.5)
    model = Sequential(Dropout(0.5, np.random.default_rng(1)),
                       Linear(8, 3, np.random.default_rng(2)))
    model[1].weight[...], model[1].bias[...] = W, b
    arithmetic, geometric = subnetwork_means(W, b, x, 0.5)
    X = np.tile(x, (4000, 1))  # 4,000 independent masks, one per row
    mc = monte_carlo_proba(model, X, 5).mean(axis=0)  # 20,000 sampled sub-networks
    # each probability is a mean of 20,000 values in [0, 1]: std <= 0.5 / sqrt(20000) ~ 0.0035
    assert np.max(np.abs(mc - arithmetic)) < 0.015
    assert np.max(np.abs(arithmetic - geometric)) > 0.05  # far enough apart to tell them apart
    assert np.max(np.abs(mc - geometric)) > 0.03


def test_monte_carlo_masks_are_drawn_per_example():
    model = mlp([5, 50, 3], np.random.default_rng(0), hidden_drop_prob=0.5)
    X = np.tile(np.random.default_rng(1).random(5), (10, 1))  # ten identical rows
    proba = monte_carlo_proba(model, X, 1)
    assert len({row.tobytes() for row in proba}) > 1  # identical inputs, different sub-networks


def test_monte_carlo_errors_are_the_errors_of_growing_averages():
    model = mlp([4, 20, 3], np.random.default_rng(0), hidden_drop_prob=0.5)
    X, y = np.random.default_rng(1).random((30, 4)), np.arange(30) % 3
    errors = monte_carlo_errors(model, X, y, [1, 2, 4])
    # replay the same stream of sub-networks by hand
    model_again = mlp([4, 20, 3], np.random.default_rng(0), hidden_drop_prob=0.5)
    samples = [monte_carlo_proba(model_again, X, 1) for _ in range(4)]
    for error, n in zip(errors, [1, 2, 4], strict=True):
        assert error == np.mean(np.mean(samples[:n], axis=0).argmax(axis=1) != y)


def test_predict_proba_refuses_a_sigmoid_output_model():
    model = mlp([3, 4, 2], np.random.default_rng(0), output_activation="sigmoid")
    with pytest.raises(ValueError, match="raw class scores"):
        predict_proba(model, np.ones((2, 3)))


def test_forward_with_masks_replays_in_torch_with_identical_outputs_and_gradients():
    import torch

    from course_nn.torch_bridge import to_torch, torch_gradients

    rng = np.random.default_rng(3)
    model = mlp([6, 9, 9, 3], rng, activation="relu", input_drop_prob=0.2, hidden_drop_prob=0.5)
    X, y = rng.standard_normal((7, 6)), rng.integers(0, 3, 7)
    scores, scales = forward_with_masks(model, X)
    assert [s.shape for s in scales] == [(7, 6), (7, 9), (7, 9)]  # one mask per example
    assert all(set(np.unique(s)) <= {0.0, 1 / 0.8, 2.0} for s in scales)
    _, dscores = layers.softmax_cross_entropy(scores, y)
    model.zero_grad()
    model.backward(dscores)
    torch_model = to_torch(model)
    out = torch_forward_with_masks(torch_model, torch.tensor(X), scales)
    torch.nn.functional.cross_entropy(out, torch.tensor(y)).backward()
    np.testing.assert_allclose(out.detach().numpy(), scores, rtol=1e-12, atol=1e-14)
    theirs = torch_gradients(model, torch_model)
    for name, grad in model.gradients().items():
        np.testing.assert_allclose(grad, theirs[name], rtol=1e-10, atol=1e-13)


def test_forward_with_masks_gradients_match_finite_differences():
    rng = np.random.default_rng(4)
    model = mlp([4, 5, 3], rng, activation="tanh", input_drop_prob=0.25, hidden_drop_prob=0.5)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    scores, scales = forward_with_masks(model, X)
    _, dscores = layers.softmax_cross_entropy(scores, y)
    model.zero_grad()
    model.backward(dscores)
    weight = model.parameters()["1.weight"]

    def loss_of(w):  # the same masks, replayed by hand
        saved = weight.copy()
        weight[...] = w
        h = np.tanh((X * scales[0]) @ weight + model[1].bias) * scales[1]
        out = h @ model[4].weight + model[4].bias
        weight[...] = saved
        return layers.softmax_cross_entropy(out, y)[0]

    numeric = numerical_gradient(loss_of, weight.copy())
    assert relative_error(numeric, model.gradients()["1.weight"]) < 1e-7


def test_torch_forward_with_masks_refuses_the_wrong_number_or_shape_of_masks():
    import torch

    from course_nn.torch_bridge import to_torch

    model = mlp([3, 4, 2], np.random.default_rng(0), hidden_drop_prob=0.5)
    torch_model = to_torch(model)
    X = torch.ones(2, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match="scales"):
        torch_forward_with_masks(torch_model, X, [])
    with pytest.raises(ValueError, match="scales"):
        torch_forward_with_masks(torch_model, X, [np.ones((3, 4))])
    with pytest.raises(TypeError, match="X"):
        torch_forward_with_masks(torch_model, np.ones((2, 3)), [np.ones((2, 4))])
