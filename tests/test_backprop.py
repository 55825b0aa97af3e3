"""course_nn.backprop: the slides' unit-by-unit algorithm, its vectorised form and the population
trainer, proved equal to each other and to the module implementation (``fit`` with ``SGD``).

Networks are sigmoid layers trained on E = 1/2 sum (t - o)^2; everything is float64.
"""

import numpy as np
import pytest
from malformed import assert_clear_error

from course_nn.backprop import (
    backprop_batch,
    backprop_example,
    committee_vote,
    forward_sigmoid_net,
    train_per_example,
    train_population,
)
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.modules import Linear, mlp
from course_nn.optim import SGD
from course_nn.training import fit

SHAPES = [[3, 4, 2], [2, 3, 3, 1]]
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([[0.0], [1.0], [1.0], [0.0]])


def random_net(rng, sizes, scale=1.0):
    weights = [rng.uniform(-scale, scale, (a, b)) for a, b in zip(sizes[:-1], sizes[1:],
                                                                   strict=True)]
    biases = [rng.uniform(-scale, scale, b) for b in sizes[1:]]
    return weights, biases


def sigmoid_mlp_with(weights, biases):
    """An mlp with sigmoid hidden and output units holding copies of the given weights."""
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    model = mlp(sizes, np.random.default_rng(123), activation="sigmoid",
                output_activation="sigmoid")
    for lin, w, b in zip(linears(model), weights, biases, strict=True):
        lin.weight[...] = w
        lin.bias[...] = b
    return model


def linears(model):
    return [m for m in model.modules if isinstance(m, Linear)]


def network_error(weights, biases, x, t):
    """E = 1/2 sum (t - o)^2, with the textbook sigmoid written out here (moderate inputs)."""
    o = x
    for w, b in zip(weights, biases, strict=True):
        o = 1.0 / (1.0 + np.exp(-(o @ w + b)))
    return 0.5 * float(np.sum((t - o) ** 2))


def assert_nets_close(w1, b1, w2, b2, atol=1e-12):
    assert len(w1) == len(w2) and len(b1) == len(b2)
    for a, b in zip(w1 + b1, w2 + b2, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


# --- one unit by hand -------------------------------------------------------------------------


def test_single_unit_update_by_hand():
    # w = 0, bias = 0, x = 1, t = 1: o = 1/2, delta = (1 - 1/2) * 1/2 * 1/2 = 1/8;
    # Delta w = R delta x = 1/8 and Delta bias = R delta = 1/8 with R = 1.
    new_w, new_b = backprop_example([np.zeros((1, 1))], [np.zeros(1)], [1.0], [1.0], 1.0)
    assert new_w[0][0, 0] == pytest.approx(0.125, rel=1e-15)
    assert new_b[0][0] == pytest.approx(0.125, rel=1e-15)


def test_two_layer_hidden_delta_by_hand():
    # 1-1-1 chain, all weights 0 and biases 0, x = 2, t = 1, R = 1.
    # hidden o_h = 1/2; output o = 1/2; delta_out = 1/8; delta_h = o_h (1 - o_h) delta_out w = 0
    # because w_hk = 0, so only the output weight moves: Delta w_hk = delta_out o_h = 1/16.
    w = [np.zeros((1, 1)), np.zeros((1, 1))]
    b = [np.zeros(1), np.zeros(1)]
    new_w, new_b = backprop_example(w, b, [2.0], [1.0], 1.0)
    assert new_w[1][0, 0] == pytest.approx(1 / 16, rel=1e-15)
    assert new_b[1][0] == pytest.approx(1 / 8, rel=1e-15)
    assert new_w[0][0, 0] == 0.0 and new_b[0][0] == 0.0
    # with w_hk = 1: delta_h = 1/4 * 1/8 = 1/32 and Delta w_ih = delta_h x = 1/16
    w[1][0, 0] = 1.0
    o_h = 0.5
    o = 1 / (1 + np.exp(-o_h))
    delta_out = (1 - o) * o * (1 - o)
    delta_h = o_h * (1 - o_h) * delta_out * 1.0
    new_w, new_b = backprop_example(w, b, [2.0], [1.0], 1.0)
    assert new_w[0][0, 0] == pytest.approx(delta_h * 2.0, rel=1e-14)
    assert new_b[0][0] == pytest.approx(delta_h, rel=1e-14)
    assert new_w[1][0, 0] == pytest.approx(1.0 + delta_out * o_h, rel=1e-14)


# --- per example == vectorised ----------------------------------------------------------------


@pytest.mark.parametrize("sizes", SHAPES)
def test_example_and_batch_of_one_agree(rng, sizes):
    weights, biases = random_net(rng, sizes)
    x = rng.standard_normal(sizes[0])
    t = rng.uniform(0, 1, sizes[-1])
    w1, b1 = backprop_example(weights, biases, x, t, 0.7)
    w2, b2 = backprop_batch(weights, biases, x[None, :], t[None, :], 0.7)
    assert_nets_close(w1, b1, w2, b2)
    # a real update happened in every layer, and the inputs were left alone
    for new, old in zip(w1 + b1, weights + biases, strict=True):
        assert np.max(np.abs(new - old)) > 1e-6
    w_again, _ = backprop_example(weights, biases, x, t, 0.7)
    assert_nets_close(w_again, b1, w1, b1, atol=0)


@pytest.mark.parametrize("sizes", SHAPES)
def test_example_update_is_minus_R_times_numerical_gradient(rng, sizes):
    """The hidden-delta formula, checked by calculus: Delta w = -R dE/dw for every weight."""
    weights, biases = random_net(rng, sizes, scale=1.5)
    x = rng.standard_normal(sizes[0])
    t = rng.uniform(0, 1, sizes[-1])
    R = 1.0
    new_w, new_b = backprop_example(weights, biases, x, t, R)
    for layer in range(len(weights)):
        def e_w(w, layer=layer):
            trial = list(weights)
            trial[layer] = w
            return network_error(trial, biases, x, t)

        def e_b(b, layer=layer):
            trial = list(biases)
            trial[layer] = b
            return network_error(weights, trial, x, t)

        dw = numerical_gradient(e_w, weights[layer])
        db = numerical_gradient(e_b, biases[layer])
        assert relative_error(new_w[layer] - weights[layer], -R * dw) < 1e-7, layer
        assert relative_error(new_b[layer] - biases[layer], -R * db) < 1e-7, layer


@pytest.mark.parametrize("sizes", SHAPES)
def test_batch_update_is_minus_R_times_numerical_gradient_of_summed_error(rng, sizes):
    weights, biases = random_net(rng, sizes)
    X = rng.standard_normal((5, sizes[0]))
    T = rng.uniform(0, 1, (5, sizes[-1]))
    R = 0.5
    new_w, _ = backprop_batch(weights, biases, X, T, R)
    for layer in range(len(weights)):
        def e(w, layer=layer):
            trial = list(weights)
            trial[layer] = w
            return network_error(trial, biases, X, T)

        dw = numerical_gradient(e, weights[layer])
        assert relative_error(new_w[layer] - weights[layer], -R * dw) < 1e-7


def test_forward_sigmoid_net_layers(rng):
    weights, biases = random_net(rng, [3, 4, 2])
    X = rng.standard_normal((5, 3))
    outs = forward_sigmoid_net(weights, biases, X)
    assert [o.shape for o in outs] == [(5, 3), (5, 4), (5, 2)]
    h = 1 / (1 + np.exp(-(X @ weights[0] + biases[0])))
    np.testing.assert_allclose(outs[1], h, rtol=1e-14)
    np.testing.assert_allclose(outs[2], 1 / (1 + np.exp(-(h @ weights[1] + biases[1]))),
                               rtol=1e-14)


# --- the slides' algorithm == the module implementation (fit + SGD) ---------------------------


@pytest.mark.parametrize("sizes", SHAPES)
def test_per_example_backprop_equals_fit_with_batch_size_one(rng, sizes):
    """The required proof: the slide algorithm and fit() produce the same weights."""
    weights, biases = random_net(rng, sizes)
    X = rng.standard_normal((6, sizes[0]))
    T = rng.uniform(0, 1, (6, sizes[-1]))
    lr, epochs = 0.8, 4
    model = sigmoid_mlp_with(weights, biases)

    w, b = weights, biases
    for _ in range(epochs):
        for x, t in zip(X, T, strict=True):  # in order, one update per example
            w, b = backprop_example(w, b, x, t, lr)

    history = fit(model, SGD(model, lr), X, T, loss="squared", reduction="sum", batch_size=1,
                  rng=None, epochs=epochs, show_progress=False)
    assert history.epochs == epochs
    fitted = linears(model)
    assert_nets_close(w, b, [m.weight for m in fitted], [m.bias for m in fitted])
    # and the weights moved well beyond the tolerance, so the comparison means something
    assert max(np.max(np.abs(a - c)) for a, c in zip(w, weights, strict=True)) > 1e-2


@pytest.mark.parametrize("sizes", SHAPES)
def test_backprop_batch_equals_one_full_batch_fit_step(rng, sizes):
    weights, biases = random_net(rng, sizes)
    X = rng.standard_normal((7, sizes[0]))
    T = rng.uniform(0, 1, (7, sizes[-1]))
    lr = 0.3
    new_w, new_b = backprop_batch(weights, biases, X, T, lr)
    model = sigmoid_mlp_with(weights, biases)
    fit(model, SGD(model, lr), X, T, loss="squared", reduction="sum", batch_size=None,
        epochs=1, show_progress=False)
    fitted = linears(model)
    assert_nets_close(new_w, new_b, [m.weight for m in fitted], [m.bias for m in fitted])


def test_backprop_batch_is_sum_not_sequence_of_examples(rng):
    # A full-batch step differs from per-example steps over the same examples (after the
    # first example the per-example weights have changed): both cannot be right at once.
    weights, biases = random_net(rng, [2, 3, 1])
    X, T = rng.standard_normal((4, 2)), rng.uniform(0, 1, (4, 1))
    wb, _ = backprop_batch(weights, biases, X, T, 1.0)
    w, b = weights, biases
    for x, t in zip(X, T, strict=True):
        w, b = backprop_example(w, b, x, t, 1.0)
    assert np.max(np.abs(wb[0] - w[0])) > 1e-6


# --- train_population -------------------------------------------------------------------------


def test_population_of_one_equals_fit_with_momentum(rng):
    k = 25
    run = train_population([2, 2, 1], XOR_X, XOR_T, 1, rng, learning_rate=0.5, momentum=0.9,
                           max_epochs=k, tolerance=1e-9)
    assert not run.converged[0] and run.epochs[0] == k
    for w in run.initial_weights + run.initial_biases:
        assert np.all(np.abs(w) <= 0.3)
    w0 = [w[0] for w in run.initial_weights]
    b0 = [b[0] for b in run.initial_biases]
    model = sigmoid_mlp_with(w0, b0)
    fit(model, SGD(model, 0.5, momentum=0.9), XOR_X, XOR_T, loss="squared", reduction="sum",
        batch_size=None, epochs=k, rng=None, show_progress=False)
    fitted = linears(model)
    assert_nets_close([w[0] for w in run.weights], [b[0] for b in run.biases],
                      [m.weight for m in fitted], [m.bias for m in fitted])
    np.testing.assert_allclose(run.outputs[0], model(XOR_X), rtol=0, atol=1e-12)
    assert max(np.max(np.abs(a - c)) for a, c in zip(run.weights, run.initial_weights,
                                                      strict=True)) > 1e-2


def test_population_networks_are_independent(rng):
    # Network s of a population of 3 evolves exactly as a population of one from its start.
    run = train_population([2, 3, 1], XOR_X, XOR_T, 3, rng, max_epochs=15, tolerance=1e-9)
    for s in range(3):
        model = sigmoid_mlp_with([w[s] for w in run.initial_weights],
                                 [b[s] for b in run.initial_biases])
        fit(model, SGD(model, 0.5, momentum=0.9), XOR_X, XOR_T, loss="squared",
            reduction="sum", batch_size=None, epochs=15, show_progress=False)
        np.testing.assert_allclose(run.outputs[s], model(XOR_X), rtol=0, atol=1e-12)


def test_xor_population_mostly_converges(rng):
    tol, max_epochs, S = 0.1, 2000, 64
    run = train_population([2, 2, 1], XOR_X, XOR_T, S, rng, max_epochs=max_epochs,
                           tolerance=tol)
    assert run.converged.shape == (S,) and run.epochs.shape == (S,)
    assert run.outputs.shape == (S, 4, 1)
    assert run.converged.mean() > 0.5
    # outputs are what the final weights compute (independent forward pass here)
    for s in range(S):
        w = [w[s] for w in run.weights]
        b = [b[s] for b in run.biases]
        o = XOR_X
        for wl, bl in zip(w, b, strict=True):
            o = 1 / (1 + np.exp(-(o @ wl + bl)))
        np.testing.assert_allclose(run.outputs[s], o, rtol=1e-12, atol=1e-14)
    err = np.max(np.abs(run.outputs - XOR_T), axis=(1, 2))
    assert np.all(err[run.converged] < tol)  # converged ones really are within tolerance
    assert np.all(err[~run.converged] >= tol)
    assert np.all(run.epochs[run.converged] < max_epochs)
    assert np.all(run.epochs[run.converged] > 0)  # none starts within 0.1 of XOR
    assert np.all(run.epochs[~run.converged] == max_epochs)


def test_population_epoch_count_is_first_epoch_within_tolerance(rng):
    # Replay one converged network with fit: within tolerance after `epochs` updates, not
    # after one fewer, and its frozen weights equal those of the replay.
    tol = 0.1
    run = train_population([2, 2, 1], XOR_X, XOR_T, 8, rng, max_epochs=1500, tolerance=tol)
    assert run.converged.any()
    s = int(np.flatnonzero(run.converged)[0])
    e = int(run.epochs[s])
    w0 = [w[s] for w in run.initial_weights]
    b0 = [b[s] for b in run.initial_biases]
    for n_epochs, within in ((e - 1, False), (e, True)):
        model = sigmoid_mlp_with(w0, b0)
        fit(model, SGD(model, 0.5, momentum=0.9), XOR_X, XOR_T, loss="squared",
            reduction="sum", batch_size=None, epochs=n_epochs, show_progress=False)
        assert bool(np.max(np.abs(model(XOR_X) - XOR_T)) < tol) is within
    fitted = linears(model)
    assert_nets_close([w[s] for w in run.weights], [b[s] for b in run.biases],
                      [m.weight for m in fitted], [m.bias for m in fitted], atol=1e-10)


# --- the per-example algorithm run to convergence, one network and many ----------------------


def test_train_per_example_is_backprop_example_repeated_until_within_tolerance():
    init = np.random.default_rng(7)
    w0 = [init.uniform(-1, 1, (2, 2)), init.uniform(-1, 1, (2, 1))]
    b0 = [init.uniform(-1, 1, 2), init.uniform(-1, 1, 1)]
    run = train_per_example(w0, b0, XOR_X, XOR_T, learning_rate=0.5, tolerance=0.1,
                            max_epochs=20_000)
    assert run.converged and 0 < run.epochs < 20_000
    assert np.max(np.abs(run.outputs - XOR_T)) < 0.1
    # replay by hand: within tolerance after `epochs` sweeps, not after one fewer
    w, b = w0, b0
    for sweep in range(run.epochs):
        outputs = forward_sigmoid_net(w, b, XOR_X)[-1]
        assert np.max(np.abs(outputs - XOR_T)) >= 0.1, sweep
        for x, t in zip(XOR_X, XOR_T, strict=True):
            w, b = backprop_example(w, b, x, t, 0.5)
    assert_nets_close(w, b, run.weights, run.biases, atol=0)
    np.testing.assert_array_equal(run.outputs, forward_sigmoid_net(w, b, XOR_X)[-1])


def test_train_per_example_stops_at_the_budget(rng):
    weights, biases = random_net(rng, [2, 2, 1])
    run = train_per_example(weights, biases, XOR_X, XOR_T, learning_rate=0.5,
                            tolerance=1e-9, max_epochs=3)
    assert not run.converged and run.epochs == 3
    w, b = weights, biases
    for _ in range(3):
        for x, t in zip(XOR_X, XOR_T, strict=True):
            w, b = backprop_example(w, b, x, t, 0.5)
    assert_nets_close(w, b, run.weights, run.biases, atol=0)


def test_population_per_example_without_momentum_is_the_slides_algorithm(rng):
    run = train_population([2, 2, 1], XOR_X, XOR_T, 6, rng, learning_rate=0.5, momentum=0.0,
                           init_range=1.0, max_epochs=3000, tolerance=0.1, per_example=True)
    assert run.converged.any() and run.epochs.min() > 0
    for s in range(6):
        single = train_per_example([w[s] for w in run.initial_weights],
                                   [b[s] for b in run.initial_biases], XOR_X, XOR_T,
                                   learning_rate=0.5, tolerance=0.1, max_epochs=3000)
        assert single.converged == run.converged[s] and single.epochs == run.epochs[s]
        assert_nets_close(single.weights, single.biases, [w[s] for w in run.weights],
                          [b[s] for b in run.biases], atol=1e-10)
        np.testing.assert_allclose(single.outputs, run.outputs[s], rtol=0, atol=1e-10)


def test_population_per_example_with_momentum_equals_fit_with_batch_size_one(rng):
    run = train_population([2, 3, 1], XOR_X, XOR_T, 2, rng, learning_rate=0.3, momentum=0.9,
                           max_epochs=20, tolerance=1e-9, per_example=True)
    for s in range(2):
        model = sigmoid_mlp_with([w[s] for w in run.initial_weights],
                                 [b[s] for b in run.initial_biases])
        fit(model, SGD(model, 0.3, momentum=0.9), XOR_X, XOR_T, loss="squared",
            reduction="sum", batch_size=1, rng=None, epochs=20, show_progress=False)
        fitted = linears(model)
        assert_nets_close([w[s] for w in run.weights], [b[s] for b in run.biases],
                          [m.weight for m in fitted], [m.bias for m in fitted])


def test_per_example_gets_stuck_sometimes_and_committees_of_five_rescue(rng):
    """The notebook's demonstration, smaller: stuck runs exist, and voting outvotes them."""
    run = train_population([2, 2, 1], XOR_X, XOR_T, 60, np.random.default_rng(2),
                           learning_rate=0.5, momentum=0.0, init_range=1.0, max_epochs=4000,
                           tolerance=0.1, per_example=True)
    stuck = ~run.converged
    assert 0.05 < stuck.mean() < 0.4
    error = 0.5 * np.sum((run.outputs - XOR_T) ** 2, axis=(1, 2))
    assert np.all(error[stuck] > 0.2)
    single = np.all(committee_vote(run.outputs, 1) == XOR_T[:, 0], axis=1)
    five = np.all(committee_vote(run.outputs, 5) == XOR_T[:, 0], axis=1)
    assert five.mean() > single.mean()


def test_committee_vote_by_hand():
    outputs = np.array([[0.9, 0.2], [0.4, 0.3], [0.6, 0.8], [0.1, 0.9], [0.2, 0.2],
                        [0.7, 0.7], [0.99, 0.01]])
    np.testing.assert_array_equal(committee_vote(outputs, 3), [[1, 0], [0, 1]])  # last left out
    np.testing.assert_array_equal(committee_vote(outputs[:, :, None], 1), outputs > 0.5)
    np.testing.assert_array_equal(committee_vote(outputs, 7), [[1, 0]])
    assert committee_vote(outputs, 3).dtype.kind == "i"


# --- bad input: a clear error naming the argument ---------------------------------------------

W2, B2 = [np.zeros((2, 3)), np.zeros((3, 1))], [np.zeros(3), np.zeros(1)]
X4, T4 = np.zeros((4, 2)), np.zeros((4, 1))
POP = dict(sizes=[2, 2, 1], X=XOR_X, T=XOR_T, n_networks=2, max_epochs=5)
BAD_CALLS = [
    # (description, call, error type, argument the message must name)
    ("weights None", lambda: forward_sigmoid_net(None, B2, X4), TypeError, "weights"),
    ("biases a dict", lambda: forward_sigmoid_net(W2, {"a": 1}, X4), TypeError, "biases"),
    ("one bias list short", lambda: backprop_example(W2, B2[:1], [0, 0], [0], 1.0),
     ValueError, "biases"),
    ("no layers", lambda: backprop_batch([], [], X4, T4, 1.0), ValueError, "weights"),
    ("bias of wrong length", lambda: backprop_example(W2, [B2[0], np.zeros(2)], [0, 0], [0], 1.0),
     ValueError, "biases[1]"),
    ("layers do not chain", lambda: backprop_example([W2[0], np.zeros((2, 1))], B2, [0, 0], [0],
                                                     1.0), ValueError, "weights[1]"),
    ("weights[0] 1-D", lambda: forward_sigmoid_net([np.zeros(2), W2[1]], B2, X4), ValueError,
     "weights[0]"),
    ("weights[1] holds NaN", lambda: forward_sigmoid_net([W2[0], np.full((3, 1), np.nan)], B2, X4),
     ValueError, "weights[1]"),
    ("weights[0] strings", lambda: forward_sigmoid_net([[["a", "b"]] * 2, W2[1]], B2, X4),
     TypeError, "weights[0]"),
    ("X too wide", lambda: forward_sigmoid_net(W2, B2, np.zeros((4, 3))), ValueError, "X"),
    ("X 3-D", lambda: forward_sigmoid_net(W2, B2, np.zeros((1, 4, 2))), ValueError, "X"),
    ("X None", lambda: forward_sigmoid_net(W2, B2, None), TypeError, "X"),
    ("x too long", lambda: backprop_example(W2, B2, [0, 0, 0], [0], 1.0), ValueError, "x"),
    ("x a matrix", lambda: backprop_example(W2, B2, X4, [0], 1.0), ValueError, "x"),
    ("t too long", lambda: backprop_example(W2, B2, [0, 0], [0, 1], 1.0), ValueError, "t"),
    ("t a string", lambda: backprop_example(W2, B2, [0, 0], "1", 1.0), TypeError, "t"),
    ("learning rate 0", lambda: backprop_example(W2, B2, [0, 0], [0], 0.0), ValueError,
     "learning_rate"),
    ("learning rate text", lambda: backprop_batch(W2, B2, X4, T4, "0.5"), TypeError,
     "learning_rate"),
    ("batch X too wide", lambda: backprop_batch(W2, B2, np.zeros((4, 3)), T4, 1.0), ValueError,
     "X"),
    ("batch T too short", lambda: backprop_batch(W2, B2, X4, np.zeros((3, 1)), 1.0), ValueError,
     "T"),
    ("batch T 1-D", lambda: backprop_batch(W2, B2, X4, np.zeros(4), 1.0), ValueError, "T"),
    ("batch X 1-D", lambda: backprop_batch(W2, B2, np.zeros(2), T4, 1.0), ValueError, "X"),
    ("per-example T too wide", lambda: train_per_example(W2, B2, X4, np.zeros((4, 2)),
                                                         learning_rate=0.5), ValueError, "T"),
    ("per-example tolerance 0", lambda: train_per_example(W2, B2, X4, T4, learning_rate=0.5,
                                                          tolerance=0.0), ValueError, "tolerance"),
    ("per-example budget 1.5", lambda: train_per_example(W2, B2, X4, T4, learning_rate=0.5,
                                                         max_epochs=1.5), TypeError, "max_epochs"),
    ("per-example X NaN", lambda: train_per_example(W2, B2, np.full((4, 2), np.nan), T4,
                                                    learning_rate=0.5), ValueError, "X"),
    ("no networks", lambda: train_population(**{**POP, "n_networks": 0}, rng=RNG), ValueError,
     "n_networks"),
    ("a seed for rng", lambda: train_population(**POP, rng=0), TypeError, "rng"),
    ("momentum 1", lambda: train_population(**POP, rng=RNG, momentum=1.0), ValueError,
     "momentum"),
    ("momentum negative", lambda: train_population(**POP, rng=RNG, momentum=-0.5), ValueError,
     "momentum"),
    ("init range 0", lambda: train_population(**POP, rng=RNG, init_range=0.0), ValueError,
     "init_range"),
    ("budget 0", lambda: train_population(**{**POP, "max_epochs": 0}, rng=RNG), ValueError,
     "max_epochs"),
    ("tolerance NaN", lambda: train_population(**POP, rng=RNG, tolerance=np.nan), ValueError,
     "tolerance"),
    ("per_example 'yes'", lambda: train_population(**POP, rng=RNG, per_example="yes"),
     TypeError, "per_example"),
    ("a zero-width layer", lambda: train_population(**{**POP, "sizes": [2, 0, 1]}, rng=RNG),
     ValueError, "sizes[1]"),
    ("sizes a number", lambda: train_population(**{**POP, "sizes": 3}, rng=RNG), TypeError,
     "sizes"),
    ("one size", lambda: train_population(**{**POP, "sizes": [2]}, rng=RNG), ValueError, "sizes"),
    ("sizes do not fit X", lambda: train_population(**{**POP, "sizes": [3, 2, 1]}, rng=RNG),
     ValueError, "X"),
    ("sizes do not fit T", lambda: train_population(**{**POP, "T": np.zeros((4, 2))}, rng=RNG),
     ValueError, "T"),
    ("population X 1-D", lambda: train_population(**{**POP, "X": np.zeros(4)}, rng=RNG),
     ValueError, "X"),
    ("committee of two", lambda: committee_vote(np.zeros((4, 2)), 2), ValueError, "size"),
    ("committee too big", lambda: committee_vote(np.zeros((3, 2)), 5), ValueError, "size"),
    ("committee size 1.0", lambda: committee_vote(np.zeros((3, 2)), 1.0), TypeError, "size"),
    ("outputs 1-D", lambda: committee_vote(np.zeros(4), 1), ValueError, "outputs"),
    ("outputs with two output units", lambda: committee_vote(np.zeros((3, 4, 2)), 1),
     ValueError, "outputs"),
    ("outputs None", lambda: committee_vote(None, 1), TypeError, "outputs"),
]
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("call, error, name", [c[1:] for c in BAD_CALLS],
                         ids=[c[0] for c in BAD_CALLS])
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, name):
    assert_clear_error(call, error, name)
