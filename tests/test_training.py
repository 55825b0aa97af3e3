"""course_nn.training: fit's loop and every stopping criterion, accuracy, evaluate, bad input.

Problems are tiny and seeded; expected values are worked out by hand or recomputed here with
plain NumPy, never read back from a previous run.
"""

import numpy as np
import pytest

from course_nn import layers
from course_nn.modules import Linear, Module, Sequential, mlp
from course_nn.optim import SGD
from course_nn.training import History, accuracy, evaluate, fit, loss_and_grad

AND_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
AND_T = np.array([[0.0], [0.0], [0.0], [1.0]])


def blobs(rng, n=40):
    """Two well separated Gaussian blobs with integer labels 0 and 1."""
    y = np.arange(n) % 2
    X = rng.standard_normal((n, 2)) * 0.5 + np.where(y[:, None] == 1, 2.0, -2.0)
    return X, y


def mean_cross_entropy(scores, labels):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def same_weights(a, b):
    pa, pb = a.parameters(), b.parameters()
    return list(pa) == list(pb) and all(np.array_equal(pa[k], pb[k]) for k in pa)


def run(model_seed=1, sizes=(2, 8, 2), lr=0.2, **kwargs):
    """A fresh seeded model and a fit on it; returns (model, history)."""
    model = mlp(list(sizes), np.random.default_rng(model_seed), activation="tanh",
                output_activation=kwargs.pop("output_activation", None))
    momentum = kwargs.pop("momentum", 0.0)
    X, y = kwargs.pop("X"), kwargs.pop("y")
    history = fit(model, SGD(model, lr, momentum=momentum), X, y, show_progress=False, **kwargs)
    return model, history


# --- training works and the history is consistent ---------------------------------------------


def test_fit_reduces_loss_on_separable_problem(rng):
    X, y = blobs(rng)
    model, h = run(X=X, y=y, epochs=30, batch_size=8, rng=rng)
    assert isinstance(h, History)
    assert h.epochs == 30 == len(h.train_loss) == len(h.train_accuracy)
    assert h.val_loss == [] and h.val_accuracy == []
    assert h.stop_reason == "epoch budget of 30 used"
    assert h.train_loss[-1] < 0.25 * h.train_loss[0]
    assert h.train_accuracy[-1] == 1.0
    assert all(0.0 <= a <= 1.0 for a in h.train_accuracy)
    # the recorded loss is the per-example mean cross-entropy of the final model
    scores = model(X)
    assert h.train_loss[-1] == pytest.approx(mean_cross_entropy(scores, y), rel=1e-12)
    assert h.train_accuracy[-1] == np.mean(scores.argmax(axis=1) == y)
    assert h.best_epoch == int(np.argmin(h.train_loss)) + 1


def test_fit_with_validation_records_both(rng):
    X, y = blobs(rng, 40)
    Xv, yv = blobs(np.random.default_rng(5), 20)
    model, h = run(X=X, y=y, X_val=Xv, y_val=yv, epochs=12, batch_size=10, rng=rng)
    assert len(h.val_loss) == len(h.val_accuracy) == len(h.train_loss) == 12
    assert all(0.0 <= a <= 1.0 for a in h.val_accuracy)
    assert h.val_loss[-1] == pytest.approx(mean_cross_entropy(model(Xv), yv), rel=1e-12)
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1


def test_squared_loss_history_is_per_example_mean(rng):
    model, h = run(X=AND_X, y=AND_T, sizes=(2, 3, 1), output_activation="sigmoid",
                   loss="squared", epochs=5, batch_size=None)
    o = model(AND_X)
    assert h.train_loss[-1] == pytest.approx(0.5 * np.sum((o - AND_T) ** 2) / 4, rel=1e-12)
    assert h.train_accuracy[-1] == np.mean((o > 0.5) == (AND_T > 0.5))


# --- stopping criteria ------------------------------------------------------------------------


def test_stops_when_target_loss_reached(rng):
    X, y = blobs(rng)
    _, h = run(X=X, y=y, epochs=500, batch_size=8, rng=rng, target_loss=0.1)
    assert h.stop_reason == "training loss reached 0.1"
    assert h.epochs < 500
    assert h.train_loss[-1] <= 0.1
    assert all(loss > 0.1 for loss in h.train_loss[:-1])  # and not a moment earlier


def test_stops_when_every_output_within_tolerance():
    kwargs = dict(X=AND_X, y=AND_T, sizes=(2, 3, 1), output_activation="sigmoid", lr=0.5,
                  momentum=0.9, loss="squared", batch_size=None, output_tolerance=0.2)
    model, h = run(epochs=3000, **kwargs)
    assert h.stop_reason == "every output within 0.2 of its target"
    assert 1 < h.epochs < 3000
    assert np.max(np.abs(model(AND_X) - AND_T)) < 0.2
    # full batch, no shuffling: a replay one epoch shorter is not yet within tolerance
    shorter, h2 = run(epochs=h.epochs - 1, **kwargs)
    assert h2.stop_reason == f"epoch budget of {h.epochs - 1} used"
    assert np.max(np.abs(shorter(AND_X) - AND_T)) >= 0.2


def test_patience_stops_when_loss_does_not_improve(rng):
    # A learning rate of 1e-300 moves no weight of order one: the training loss stays put, so
    # epoch 1 is the best and epochs 2, 3, 4 are three epochs without improvement.
    X, y = blobs(rng, 12)
    _, h = run(X=X, y=y, lr=1e-300, epochs=50, batch_size=4, rng=rng, patience=3)
    assert h.stop_reason == "no training-loss improvement for 3 epochs"
    assert h.epochs == 4
    np.testing.assert_allclose(h.train_loss, h.train_loss[0], rtol=1e-14)
    # all losses (nearly) equal: best_epoch is the first of the equal minima, like argmin
    assert h.best_epoch == int(np.argmin(h.train_loss)) + 1


def test_patience_does_not_stop_an_improving_run(rng):
    X, y = blobs(rng, 20)
    _, h = run(X=X, y=y, epochs=15, batch_size=None, patience=3)
    assert np.all(np.diff(h.train_loss) < 0)  # full batch gradient descent, small steps
    assert h.stop_reason == "epoch budget of 15 used"


def test_val_patience_stops_when_validation_loss_rises(rng):
    # Validation labels are the opposite of the training labels on the same inputs, so as
    # training fits y the validation loss can only grow.
    X, y = blobs(rng, 20)
    _, h = run(X=X, y=y, X_val=X, y_val=1 - y, epochs=200, batch_size=None, val_patience=3)
    assert h.stop_reason == "no validation-loss improvement for 3 epochs"
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.epochs == h.best_epoch + 3 < 200
    best = h.val_loss[h.best_epoch - 1]
    assert all(v > best for v in h.val_loss[h.best_epoch:])
    assert h.train_loss[-1] < h.train_loss[0] and h.val_loss[-1] > h.val_loss[0]


def test_val_patience_is_not_triggered_by_an_improving_validation_loss(rng):
    X, y = blobs(rng, 20)
    Xv, yv = blobs(np.random.default_rng(9), 20)
    _, h = run(X=X, y=y, X_val=Xv, y_val=yv, epochs=10, batch_size=None, val_patience=3)
    assert h.stop_reason == "epoch budget of 10 used"
    assert h.best_epoch == 10 == int(np.argmin(h.val_loss)) + 1


# --- order and seeds --------------------------------------------------------------------------


def _manual_in_order(model, X, T, lr, epochs):
    for _ in range(epochs):
        for i in range(len(X)):
            model.zero_grad()
            _, dout = layers.squared_error(model.forward(X[i : i + 1]), T[i : i + 1], "sum")
            model.backward(dout)
            for name, p in model.parameters().items():
                p -= lr * model.gradients()[name]


def test_rng_none_batch_one_goes_through_examples_in_order(rng):
    X, T = rng.standard_normal((6, 2)), rng.uniform(0, 1, (6, 1))
    kwargs = dict(X=X, y=T, sizes=(2, 3, 1), output_activation="sigmoid", loss="squared",
                  epochs=3, batch_size=1, rng=None, lr=0.5)
    a, ha = run(**kwargs)
    b, hb = run(**kwargs)
    assert same_weights(a, b) and ha.train_loss == hb.train_loss

    in_order = mlp([2, 3, 1], np.random.default_rng(1), activation="tanh",
                   output_activation="sigmoid")
    _manual_in_order(in_order, X, T, 0.5, 3)
    for name, value in a.parameters().items():
        np.testing.assert_allclose(value, in_order.parameters()[name], rtol=0, atol=1e-14)
    reversed_order = mlp([2, 3, 1], np.random.default_rng(1), activation="tanh",
                         output_activation="sigmoid")
    _manual_in_order(reversed_order, X[::-1], T[::-1], 0.5, 3)
    assert np.max(np.abs(a[0].weight - reversed_order[0].weight)) > 1e-6


def test_same_seed_same_result_different_seed_different(rng):
    X, y = blobs(rng, 24)

    def go(seed):
        return run(X=X, y=y, epochs=4, batch_size=5, rng=np.random.default_rng(seed))

    (a, ha), (b, hb), (c, _) = go(3), go(3), go(4)
    assert same_weights(a, b)
    assert ha.train_loss == hb.train_loss and ha.train_accuracy == hb.train_accuracy
    assert not same_weights(a, c)
    unshuffled, _ = run(X=X, y=y, epochs=4, batch_size=5, rng=None)
    assert not same_weights(a, unshuffled)


# --- accuracy and evaluate --------------------------------------------------------------------


def test_accuracy_integer_labels():
    outputs = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    # argmax: 1, 0, 1, 0 against 1, 0, 0, 0 -> 3 of 4
    assert accuracy(outputs, np.array([1, 0, 0, 0])) == 0.75
    assert accuracy(outputs, np.array([1, 0, 1, 0])) == 1.0
    assert accuracy(outputs, np.array([0, 1, 0, 1])) == 0.0


def test_accuracy_one_column_targets():
    outputs = np.array([[0.7], [0.2], [0.6], [0.4], [0.51]])
    # > 0.5: T, F, T, F, T against 1, 0, 0, 0, 1 -> rows 0, 1, 3, 4 right: 4 of 5
    assert accuracy(outputs, np.array([[1.0], [0.0], [0.0], [0.0], [1.0]])) == 0.8
    assert accuracy(outputs, np.array([[0], [1], [1], [1], [0]])) == 0.2


def test_accuracy_one_hot_targets():
    outputs = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05], [0.1, 0.1, 0.8]])
    targets = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)
    # argmax 1, 0, 2 against 1, 2, 2 -> 2 of 3
    assert accuracy(outputs, targets) == pytest.approx(2 / 3, rel=1e-15)


class _Probe(Module):
    """Records the training flag it sees in forward; outputs fixed scores."""

    def __init__(self, outputs):
        self.outputs = outputs
        self.seen = []

    def forward(self, x):
        self.seen.append(self.training)
        return self.outputs


@pytest.mark.parametrize("start_training", [True, False])
def test_evaluate_runs_in_eval_mode_and_restores_flag(start_training):
    probe = _Probe(np.array([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0]]))
    model = Sequential(probe)
    model.train(start_training)
    loss, acc = evaluate(model, "cross_entropy", np.zeros((3, 2)), np.array([0, 1, 1]))
    assert probe.seen == [False]
    assert model.training is start_training and probe.training is start_training
    # -mean log softmax: rows give log(1 + e^-2), log(1 + e^-1), log(1 + e^2)
    expected = np.mean([np.log1p(np.exp(-2)), np.log1p(np.exp(-1)), np.log1p(np.exp(2))])
    assert loss == pytest.approx(expected, rel=1e-14)
    assert acc == pytest.approx(2 / 3, rel=1e-15)


def test_evaluate_squared_is_per_example_mean():
    model = Sequential(_Probe(np.array([[1.0, 0.0], [0.5, 0.5]])))
    loss, acc = evaluate(model, "squared", np.zeros((2, 1)), np.array([[0.0, 0.0], [0.5, 1.5]]))
    # 1/2 (1 + 0 + 0 + 1) / 2 examples = 0.5; argmax 0, 0 vs one-hot-ish argmax 0, 1 -> 1/2
    assert loss == pytest.approx(0.5, rel=1e-15)
    assert acc == 0.5


def test_loss_and_grad_default_reductions(rng):
    out = rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 1])
    assert loss_and_grad("cross_entropy", out, labels)[0] == pytest.approx(
        mean_cross_entropy(out, labels), rel=1e-13)
    t = rng.standard_normal((4, 3))
    assert loss_and_grad("squared", out, t)[0] == pytest.approx(
        0.5 * np.sum((out - t) ** 2), rel=1e-13)
    with pytest.raises(ValueError, match="loss must be one of"):
        loss_and_grad("hinge", out, labels)


# --- bad input --------------------------------------------------------------------------------

X6 = np.arange(12.0).reshape(6, 2) / 10
Y6 = np.array([0, 1, 0, 1, 1, 0])
T6 = np.linspace(0, 1, 6).reshape(6, 1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(y=Y6.astype(float)), ValueError, "y must be integer class labels"),
        (dict(y=Y6[:5]), ValueError, r"y must be integer class labels of shape \(N,\) with N=6"),
        (dict(y=Y6[:, None]), ValueError, "y must be integer class labels"),
        (dict(loss="squared", y=T6[:5]), ValueError, r"y must have shape \(N, K\) with N=6"),
        (dict(loss="squared", y=T6.ravel()), ValueError, "y must be a 2-D array"),
        (dict(loss="squared", y=np.where(T6 > 0.5, np.nan, T6)), ValueError,
         "y must be finite"),
        (dict(X=np.where(X6 > 0.5, np.nan, X6)), ValueError, "X must be finite"),
        (dict(X=np.where(X6 > 0.5, np.inf, X6)), ValueError, "X must be finite"),
        (dict(X=X6.ravel()[:6]), ValueError, "X must be a 2-D array"),
        (dict(X=X6.astype(str)), TypeError, "X must be a real numeric array"),
        (dict(loss="hinge"), ValueError, "loss must be one of"),
        (dict(val_patience=2), ValueError, "val_patience needs validation data"),
        (dict(output_tolerance=0.1), ValueError, "output_tolerance applies to loss='squared'"),
        (dict(batch_size=0), ValueError, "batch_size must be >= 1"),
        (dict(batch_size=2.0), TypeError, "batch_size must be an int"),
        (dict(epochs=0), ValueError, "epochs must be >= 1"),
        (dict(rng=42), TypeError, "rng must be a numpy.random.Generator"),
        (dict(X_val=np.full((3, 2), np.nan), y_val=Y6[:3]), ValueError, "X_val must be finite"),
        (dict(X_val=X6[:3], y_val=Y6[:2]), ValueError, "y_val must be integer class labels"),
        (dict(X_val=X6[:3]), ValueError, "y_val"),
    ],
)
def test_fit_rejects_bad_input_before_training(kwargs, error, match):
    args = dict(X=X6, y=Y6, epochs=2, batch_size=2)
    args.update(kwargs)
    sizes = [2, 3, 1] if args.get("loss") == "squared" else [2, 3, 2]
    model = mlp(sizes, np.random.default_rng(0))
    before = model.state_dict()
    with pytest.raises(error, match=match):
        fit(model, SGD(model, 0.5), args.pop("X"), args.pop("y"), show_progress=False, **args)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_fit_rejects_out_of_range_labels_before_any_update():
    # Label 5 with 2 classes, last in order: the error must come before any weight changes
    # (validation.py: "Argument checks that fail early").
    model = mlp([2, 3, 2], np.random.default_rng(0))
    before = model.state_dict()
    y = Y6.copy()
    y[-1] = 5
    with pytest.raises(ValueError, match=r"y|labels"):
        fit(model, SGD(model, 0.5), X6, y, batch_size=1, rng=None, epochs=1,
            show_progress=False)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(patience=0), "patience"),
        (dict(patience=1.5), "patience"),
        (dict(val_patience=0, X_val=X6, y_val=T6), "val_patience"),
        (dict(output_tolerance=-0.1), "output_tolerance"),
    ],
)
def test_fit_rejects_meaningless_stopping_arguments(kwargs, match):
    # patience=0 would stop after the first epoch reporting "no improvement for 0 epochs";
    # a tolerance <= 0 can never be met.
    model = mlp([2, 3, 1], np.random.default_rng(0), output_activation="sigmoid")
    with pytest.raises((ValueError, TypeError), match=match):
        fit(model, SGD(model, 0.5), X6, T6, loss="squared", epochs=3, batch_size=None,
            show_progress=False, **kwargs)


def test_linear_model_fit_matches_closed_form_gradient_descent():
    # One Linear(1, 1) on y = 2x with squared sum loss, full batch, lr 0.05, from w = b = 0:
    # dE/dw = sum (w x + b - y) x, dE/db = sum (w x + b - y); iterate by hand here.
    X = np.array([[1.0], [2.0], [3.0]])
    T = 2 * X
    model = Sequential(Linear(1, 1, np.random.default_rng(0)))
    model[0].weight[...] = 0.0
    fit(model, SGD(model, 0.05), X, T, loss="squared", batch_size=None, epochs=3,
        show_progress=False)
    w = b = 0.0
    for _ in range(3):
        r = w * X[:, 0] + b - T[:, 0]
        w, b = w - 0.05 * np.sum(r * X[:, 0]), b - 0.05 * np.sum(r)
    assert model[0].weight[0, 0] == pytest.approx(w, rel=1e-13)
    assert model[0].bias[0] == pytest.approx(b, rel=1e-13)


def test_an_early_stop_ends_the_progress_bar_normally_with_its_reason(rng, monkeypatch):
    import course_nn.training as training

    finished = []
    monkeypatch.setenv("COURSE_NN_PROGRESS", "on")
    monkeypatch.setattr(training, "finish", lambda bar, reason: finished.append(
        (bar.n, bar.total, reason)) or bar.close())
    X, y = blobs(rng, 20)
    model = mlp([2, 8, 2], np.random.default_rng(1), activation="tanh")
    h = fit(model, SGD(model, 0.2), X, y, X_val=X, y_val=1 - y, epochs=200, batch_size=None,
            val_patience=3, show_progress=True)
    assert finished == [(h.epochs, 200, f"stopped: {h.stop_reason}")]
