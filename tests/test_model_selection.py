"""course_nn.model_selection: k-fold indices, choosing the number of epochs and choosing a
setting by cross-validation.

The cross-validation tests build models that record every forward pass, so the folds each model
was trained and validated on, and its validation outputs, are read off the recordings; the
expected curves, accuracies and choices are then recomputed here from those outputs.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_nn.model_selection import (
    ChoiceScores,
    EpochCurves,
    cross_validate_choice,
    cross_validate_epochs,
    kfold_indices,
)
from course_nn.modules import Linear, Sequential, Tanh
from course_nn.optim import SGD, Optimiser


class Recorder(Sequential):
    """A Sequential that logs (training flag, input, output) of every forward pass."""

    def __init__(self, *modules):
        super().__init__(*modules)
        self.log = []

    def forward(self, x):
        out = super().forward(x)
        self.log.append((self.training, x.copy(), out.copy()))
        return out


class Frozen(Optimiser):
    """An optimiser that never changes the weights."""

    def step(self):
        pass


def frozen(model):
    return model, Frozen(model)


def mean_cross_entropy(scores, labels):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def noisy_blobs(n=30, seed=0):
    """Two overlapping blobs with a few labels flipped; every row's first feature is distinct,
    so it identifies the row."""
    r = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = r.standard_normal((n, 2)) * 0.8 + np.where(y[:, None] == 1, 1.0, -1.0)
    y[:4] = 1 - y[:4]
    assert len(np.unique(X[:, 0])) == n
    return X, y


def row_ids(X, x):
    """Indices into X of the rows of x (matched by the first feature)."""
    index = {value: i for i, value in enumerate(X[:, 0])}
    return np.array([index[v] for v in x[:, 0]])


# --- kfold_indices ----------------------------------------------------------------------------


def check_partition(folds, n, k):
    assert len(folds) == k
    vals = [val for _, val in folds]
    everything = np.concatenate(vals)
    np.testing.assert_array_equal(np.sort(everything), np.arange(n))  # union all, disjoint
    sizes = [len(v) for v in vals]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    for train, val in folds:
        np.testing.assert_array_equal(np.sort(train), np.setdiff1d(np.arange(n), val))
        assert np.issubdtype(train.dtype, np.integer) and np.issubdtype(val.dtype, np.integer)


@pytest.mark.parametrize("n, k", [(10, 2), (10, 3), (17, 5), (7, 7), (100, 10)])
def test_kfold_partitions_range_n(rng, n, k):
    check_partition(kfold_indices(n, k, rng), n, k)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 120), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_kfold_partition_property(n, data, seed):
    k = data.draw(st.integers(2, n))
    check_partition(kfold_indices(n, k, np.random.default_rng(seed)), n, k)


def test_kfold_is_shuffled_and_reproducible():
    a = kfold_indices(40, 4, np.random.default_rng(3))
    b = kfold_indices(40, 4, np.random.default_rng(3))
    c = kfold_indices(40, 4, np.random.default_rng(4))
    for (ta, va), (tb, vb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_array_equal(va, vb)
    assert any(not np.array_equal(va, vc) for (_, va), (_, vc) in zip(a, c, strict=True))
    # shuffled: the first fold is not simply 0..9
    assert not np.array_equal(np.sort(a[0][1]), np.arange(10))


@pytest.mark.parametrize("n, k, error", [(10, 1, ValueError), (10, 0, ValueError),
                                         (5, 6, ValueError), (1, 2, ValueError),
                                         (10, 2.0, TypeError), (10.0, 2, TypeError),
                                         (10, True, TypeError)])
def test_kfold_rejects_bad_n_and_k(rng, n, k, error):
    with pytest.raises(error, match=r"\b[nk]\b"):
        kfold_indices(n, k, rng)


@pytest.mark.parametrize("bad", [None, 0, np.random.RandomState(0)])
def test_kfold_rejects_bad_rng(bad):
    with pytest.raises(TypeError, match="rng"):
        kfold_indices(10, 2, bad)


# --- cross_validate_epochs --------------------------------------------------------------------


def epoch_run(seed=1, k=3, epochs=12, batch_size=7):
    X, y = noisy_blobs()
    built = []

    def build(rng):
        model = Recorder(Linear(2, 12, rng), Tanh(), Linear(12, 2, rng))
        built.append(model)
        return model, SGD(model, 0.05)

    curves = cross_validate_epochs(build, X, y, epochs=epochs, rng=np.random.default_rng(seed),
                                   k=k, batch_size=batch_size)
    return X, y, built, curves


def test_cross_validate_epochs_shapes_and_recomputed_curves():
    k, epochs = 3, 12
    X, y, built, curves = epoch_run(k=k, epochs=epochs)
    assert isinstance(curves, EpochCurves)
    assert len(built) == k
    assert curves.val_loss.shape == curves.val_accuracy.shape == (k, epochs)
    assert curves.fold_best.shape == (k,)

    expected_loss = np.zeros((k, epochs))
    expected_acc = np.zeros((k, epochs))
    val_sets = []
    for j, model in enumerate(built):
        trained_on = np.concatenate([row_ids(X, x) for training, x, _ in model.log if training])
        train_set = np.unique(trained_on)
        val_set = np.setdiff1d(np.arange(len(X)), train_set)
        val_sets.append(val_set)
        assert len(trained_on) == epochs * len(train_set)  # every training row once per epoch
        # the evaluation passes on exactly the held-out rows, one per epoch, in order
        val_passes = [(x, out) for training, x, out in model.log
                      if not training and set(row_ids(X, x)) == set(val_set)]
        assert len(val_passes) == epochs
        for e, (x, out) in enumerate(val_passes):
            labels = y[row_ids(X, x)]
            expected_loss[j, e] = mean_cross_entropy(out, labels)
            expected_acc[j, e] = np.mean(out.argmax(axis=1) == labels)
    # the validation folds partition the data, sizes 10 each
    np.testing.assert_array_equal(np.sort(np.concatenate(val_sets)), np.arange(len(X)))
    assert [len(v) for v in val_sets] == [10, 10, 10]

    np.testing.assert_allclose(curves.val_loss, expected_loss, rtol=1e-12, atol=0)
    np.testing.assert_allclose(curves.val_accuracy, expected_acc, rtol=0, atol=1e-15)
    assert curves.best_epochs == int(np.argmin(expected_loss.mean(axis=0))) + 1
    np.testing.assert_array_equal(curves.fold_best, np.argmin(expected_loss, axis=1) + 1)
    assert 1 <= curves.best_epochs <= epochs


def test_cross_validate_epochs_best_is_an_interior_minimum():
    # the label noise makes the mean validation curve fall then rise, so the answer is neither
    # the first nor the last epoch
    _, _, _, curves = epoch_run(epochs=40)
    mean = curves.val_loss.mean(axis=0)
    assert 3 <= curves.best_epochs <= 30
    assert mean[curves.best_epochs - 1] < mean[-1] - 0.01
    assert mean[curves.best_epochs - 1] < mean[0] - 0.01


def test_cross_validate_epochs_is_reproducible():
    a = epoch_run(seed=5, epochs=4)[3]
    b = epoch_run(seed=5, epochs=4)[3]
    c = epoch_run(seed=6, epochs=4)[3]
    np.testing.assert_array_equal(a.val_loss, b.val_loss)
    np.testing.assert_array_equal(a.fold_best, b.fold_best)
    assert not np.array_equal(a.val_loss, c.val_loss)


def test_cross_validate_epochs_rejects_bad_input():
    X, y = noisy_blobs()

    def build(rng):
        model = Sequential(Linear(2, 2, rng))
        return model, SGD(model, 0.1)

    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="y"):
        cross_validate_epochs(build, X, y[:-1], epochs=2, rng=rng, k=3)
    with pytest.raises(ValueError, match="k"):
        cross_validate_epochs(build, X, y, epochs=2, rng=rng, k=31)
    with pytest.raises(ValueError, match="epochs"):
        cross_validate_epochs(build, X, y, epochs=0, rng=rng, k=3)


# --- cross_validate_choice --------------------------------------------------------------------


def separable(n=20, seed=2):
    """Class 1 around (2, 2), class 0 around (-2, -2): x1 + x2 > 0 separates them exactly."""
    r = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = r.standard_normal((n, 2)) * 0.4 + np.where(y[:, None] == 1, 2.0, -2.0)
    assert np.all((X.sum(axis=1) > 0) == (y == 1))
    return X, y


def fixed_classifier(sign, rng):
    """Scores (-s(x1 + x2), s(x1 + x2)): sign +1 is always right on ``separable``, -1 always
    wrong."""
    lin = Linear(2, 2, rng)
    lin.weight[...] = sign * np.array([[-1.0, 1.0], [-1.0, 1.0]])
    lin.bias[...] = 0.0
    return Recorder(lin)


def test_cross_validate_choice_accuracies_and_best_by_hand():
    X, y = separable()
    built = []

    def build(value, rng):
        model = fixed_classifier({"wrong": -1.0, "right": 1.0}[value], rng)
        built.append((value, model))
        return model, Frozen(model)

    values = ["wrong", "right", "wrong"]
    scores = cross_validate_choice(values, build, X, y, epochs=2, rng=np.random.default_rng(0),
                                   k=4, batch_size=5)
    assert isinstance(scores, ChoiceScores)
    assert scores.values == values
    assert scores.accuracy.shape == (3, 4)
    np.testing.assert_array_equal(scores.accuracy, [[0.0] * 4, [1.0] * 4, [0.0] * 4])
    assert scores.best == "right"
    assert [v for v, _ in built] == ["wrong"] * 4 + ["right"] * 4 + ["wrong"] * 4


def test_cross_validate_choice_uses_the_same_folds_for_every_value():
    X, y = noisy_blobs()
    built = []

    def build(value, rng):
        model = Recorder(Linear(2, value, rng), Tanh(), Linear(value, 2, rng))
        built.append(model)
        return model, SGD(model, 0.2)

    values, k = [1, 3, 6], 5
    scores = cross_validate_choice(values, build, X, y, epochs=3, rng=np.random.default_rng(1),
                                   k=k, batch_size=8)
    assert len(built) == len(values) * k
    train_sets = {}
    expected = np.zeros((len(values), k))
    for i in range(len(values)):
        for j in range(k):
            model = built[i * k + j]
            trained = np.unique(np.concatenate(
                [row_ids(X, x) for training, x, _ in model.log if training]))
            # the model's last pass is its evaluation on the held-out fold
            training, x, out = model.log[-1]
            assert not training
            held_out = row_ids(X, x)
            assert len(held_out) == 6 and not set(held_out) & set(trained)
            np.testing.assert_array_equal(np.sort(np.concatenate([trained, held_out])),
                                          np.arange(len(X)))
            expected[i, j] = np.mean(out.argmax(axis=1) == y[held_out])
            if i == 0:
                train_sets[j] = trained
            else:
                np.testing.assert_array_equal(trained, train_sets[j])  # paired comparison
    np.testing.assert_array_equal(scores.accuracy, expected)
    assert scores.best == values[int(np.argmax(expected.mean(axis=1)))]


def test_cross_validate_choice_accepts_any_iterable():
    X, y = separable()
    scores = cross_validate_choice(
        (s for s in (1.0, -1.0)),
        lambda sign, rng: frozen(fixed_classifier(sign, rng)),
        X, y, epochs=1, rng=np.random.default_rng(0), k=2,
    )
    assert scores.values == [1.0, -1.0] and scores.best == 1.0


def test_cross_validate_choice_rejects_empty_values():
    X, y = separable()
    with pytest.raises(ValueError, match="values"):
        cross_validate_choice([], lambda v, rng: None, X, y, epochs=1,
                              rng=np.random.default_rng(0), k=2)
