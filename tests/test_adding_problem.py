"""course_nn.adding_problem: the generator's guarantees, the 1/6 baseline, scoring, training."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from malformed import assert_clear_error, non_numbers, not_arrays, with_nonfinite, wrong_ndim

from course_nn import adding_problem as ap
from course_nn.lstm import SequenceRegressor
from course_nn.optim import SGD

EITHER = (ValueError, TypeError)


@pytest.mark.parametrize("t", [2, 3, 7, 50])
def test_two_markers_one_in_each_half_and_the_target_is_their_sum(t):
    X, y = ap.adding_problem(500, t, np.random.default_rng(t))
    assert X.shape == (500, t, 2) and y.shape == (500,) and X.dtype == np.float64
    values, markers = X[:, :, 0], X[:, :, 1]
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) <= {0.0, 1.0}
    half = t // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1.0)
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1.0)
    np.testing.assert_allclose(y, np.sum(values * markers, axis=1), rtol=1e-15)


def test_marker_positions_cover_each_half_uniformly():
    X, _ = ap.adding_problem(20000, 10, np.random.default_rng(1))
    counts = X[:, :, 1].sum(axis=0)  # each of the 5 positions of a half: 20000 / 5 = 4000
    assert np.all(np.abs(counts - 4000) < 5 * np.sqrt(4000 * 0.8))


def test_same_generator_state_same_data_and_different_seeds_differ():
    a = ap.adding_problem(10, 8, np.random.default_rng(3))
    b = ap.adding_problem(10, 8, np.random.default_rng(3))
    c = ap.adding_problem(10, 8, np.random.default_rng(4))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_the_mean_predictor_mse_is_one_sixth():
    # Proof: y = U1 + U2 with U1, U2 independent uniform on [0, 1]; E[y] = 1 and the best
    # constant is the mean, whose MSE is Var(y) = Var(U1) + Var(U2) = 1/12 + 1/12 = 1/6.
    # Exactly: (y - 1) has the triangular density 1 - |z| on [-1, 1], and
    # integral z^2 (1 - |z|) dz = 2 (1/3 - 1/4) = 1/6. Numerically on a fine grid:
    z = np.linspace(-1, 1, 200001)
    integrand = z**2 * (1 - np.abs(z))
    assert np.sum((integrand[1:] + integrand[:-1]) / 2 * np.diff(z)) == pytest.approx(1 / 6,
                                                                                      rel=1e-8)
    assert ap.BASELINE_MSE == 1 / 6
    # ... and on samples: the standard error of the MSE at N = 100000 is about 0.0006
    # (Var((y - 1)^2) = 1/15 - 1/36), so 0.003 is five standard errors.
    rng = np.random.default_rng(5)
    _, y_train = ap.adding_problem(100000, 2, rng)
    _, y_test = ap.adding_problem(100000, 2, rng)
    assert ap.mean_predictor_mse(y_train, y_test) == pytest.approx(1 / 6, abs=0.003)
    assert y_train.mean() == pytest.approx(1.0, abs=0.005)


def test_mse_and_fraction_within_on_known_predictions():
    y = np.array([1.0, 0.5, 1.5, 0.2])
    pred = np.array([1.0, 0.53, 1.6, 0.2 - 0.04])
    assert ap.regression_mse(pred, y) == pytest.approx((0.03**2 + 0.1**2 + 0.04**2) / 4)
    assert ap.fraction_within(pred, y) == 0.5        # 0.04 away is not within 0.04
    assert ap.fraction_within(pred, y, tolerance=0.2) == 1.0
    assert ap.fraction_within(pred[:, None], y) == 0.5  # a Linear head's (N, 1) output
    assert ap.mean_predictor_mse([0.0, 2.0], [1.0, 1.0]) == 0.0


def test_training_an_lstm_lowers_the_loss_and_clipping_bounds_the_steps():
    rng = np.random.default_rng(6)
    X, y = ap.adding_problem(64, 6, rng)
    model = SequenceRegressor.lstm(2, 8, rng, forget_bias=1.0)
    history = ap.train_regressor(model, SGD(model, 0.2, momentum=0.9), X, y, epochs=15,
                                 batch_size=16, rng=rng, clip="norm", threshold=1.0)
    assert len(history["loss"]) == 15 and len(history["grad_norm"]) == 15 * 4
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert ap.predict_sequences(model, X).shape == (64,)
    # value clipping: the recorded norms are before clipping, so they may exceed the bound
    model = SequenceRegressor.rnn(2, 8, np.random.default_rng(7))
    history = ap.train_regressor(model, SGD(model, 0.05), X, y, epochs=1, batch_size=64,
                                 rng=rng, clip="value", threshold=1e-3)
    assert history["grad_norm"][0] > 1e-3


def test_training_is_reproducible_from_the_generators():
    def run():
        rng = np.random.default_rng(8)
        X, y = ap.adding_problem(32, 5, rng)
        model = SequenceRegressor.lstm(2, 4, rng)
        return ap.train_regressor(model, SGD(model, 0.1), X, y, epochs=2, batch_size=8,
                                  rng=rng)["loss"]

    assert run() == run()


# --- bad inputs ---------------------------------------------------------------------------------


def test_generator_refuses_bad_arguments():
    rng = np.random.default_rng(9)
    assert_clear_error(lambda: ap.adding_problem(0, 10, rng), ValueError, "n")
    assert_clear_error(lambda: ap.adding_problem(5.0, 10, rng), TypeError, "n")
    assert_clear_error(lambda: ap.adding_problem(5, 1, rng), ValueError, "t")
    assert_clear_error(lambda: ap.adding_problem(5, True, rng), TypeError, "t")
    assert_clear_error(lambda: ap.adding_problem(5, 10, 42), TypeError, "rng")
    assert_clear_error(lambda: ap.adding_problem(5, 10, None), TypeError, "rng")


def test_scores_refuse_mismatched_or_bad_arrays():
    y = np.ones(4)
    for fn in (ap.regression_mse, ap.fraction_within):
        assert_clear_error(lambda fn=fn: fn(np.ones(3), y), ValueError, "predictions")
        assert_clear_error(lambda fn=fn: fn(np.ones((4, 2)), y), ValueError, "predictions")
        assert_clear_error(lambda fn=fn: fn(np.ones((1, 4)), y), ValueError, "predictions")
        assert_clear_error(lambda fn=fn: fn("1", y), TypeError, "predictions")
        assert_clear_error(lambda fn=fn: fn(np.ones(4), np.ones((4, 1))), ValueError, "y")
        assert_clear_error(lambda fn=fn: fn([np.nan] * 4, y), ValueError, "predictions")
    assert_clear_error(lambda: ap.fraction_within(y, y, tolerance=0), ValueError, "tolerance")
    assert_clear_error(lambda: ap.fraction_within(y, y, tolerance="0.04"), TypeError,
                       "tolerance")
    assert_clear_error(lambda: ap.mean_predictor_mse(None, y), TypeError, "y_train")
    assert_clear_error(lambda: ap.mean_predictor_mse(y, np.ones((2, 2))), ValueError, "y_test")
    assert_clear_error(lambda: ap.mean_predictor_mse([], y), ValueError, "y_train")


def test_training_refuses_bad_arguments():
    rng = np.random.default_rng(10)
    X, y = ap.adding_problem(8, 4, rng)
    model = SequenceRegressor.lstm(2, 3, rng)
    opt = SGD(model, 0.1)
    other = SGD(SequenceRegressor.lstm(2, 3, rng), 0.1)
    good = {"epochs": 1, "batch_size": 4, "rng": rng}
    for args, kw, name, kind in (
        ((model, other, X, y), good, "optimiser", ValueError),
        (("model", opt, X, y), good, "model", TypeError),
        ((model, opt, X[:, :, 0], y), good, "X", ValueError),
        ((model, opt, X, y[:-1]), good, "y", ValueError),
        ((model, opt, X, y), {**good, "epochs": 0}, "epochs", ValueError),
        ((model, opt, X, y), {**good, "batch_size": 2.5}, "batch_size", TypeError),
        ((model, opt, X, y), {**good, "rng": 1}, "rng", TypeError),
        ((model, opt, X, y), {**good, "clip": "max"}, "clip", ValueError),
        ((model, opt, X, y), {**good, "clip": "norm"}, "threshold", TypeError),
        ((model, opt, X, y), {**good, "clip": "norm", "threshold": -1.0}, "threshold",
         ValueError),
        ((model, opt, X, y), {**good, "threshold": 1.0}, "threshold", ValueError),
    ):
        assert_clear_error(lambda args=args, kw=kw: ap.train_regressor(*args, **kw), kind, name)
    assert_clear_error(lambda: ap.predict_sequences(model, X[0]), ValueError, "X")
    assert_clear_error(lambda: ap.predict_sequences(None, X), TypeError, "model")


@settings(max_examples=20, deadline=None)
@given(bad=non_numbers())
def test_sizes_refuse_non_numbers(bad):
    rng = np.random.default_rng(11)
    assert_clear_error(lambda: ap.adding_problem(bad, 5, rng), EITHER, "n")
    assert_clear_error(lambda: ap.adding_problem(5, bad, rng), EITHER, "t")
    assert_clear_error(lambda: ap.fraction_within(np.ones(2), np.ones(2), bad), EITHER,
                       "tolerance")


@settings(max_examples=20, deadline=None)
@given(bad=st.one_of(not_arrays(), with_nonfinite((4,)), wrong_ndim(1)))
def test_scores_refuse_bad_predictions(bad):
    y = np.ones(4)
    assert_clear_error(lambda: ap.regression_mse(bad, y), EITHER, "predictions")
    assert_clear_error(lambda: ap.fraction_within(bad, y), EITHER, "predictions")
