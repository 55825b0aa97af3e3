"""Dropout: the kernel pair in course_nn.layers, the Dropout module, mlp's dropout options and
the PyTorch bridge.

All arrays are float64. Gradients are checked with a fixed mask against centred finite
differences and torch.autograd on ``x * mask / (1 - p)``; the statistics of random masks are
checked against binomial standard deviations worked out in the comments.
"""

import numpy as np
import pytest
import torch

from course_nn import layers
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.modules import Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh, mlp
from course_nn.torch_bridge import to_torch

FD_TOL = 1e-7
BAD_DROP_PROBS = [
    (1.0, ValueError),
    (-0.1, ValueError),
    (1.5, ValueError),
    (float("nan"), ValueError),
    ("0.5", TypeError),
    (True, TypeError),
    (None, TypeError),
]


def fixed_mask(rng, shape, p):
    """A mask that keeps each entry with probability 1 - p, never all-kept or all-dropped."""
    mask = rng.random(shape) >= p
    mask.flat[0], mask.flat[-1] = True, False
    return mask


# --- the kernels: gradients with a fixed mask -------------------------------------------------


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 4), (7,)])
def test_dropout_backward_matches_finite_differences_with_fixed_mask(rng, p, shape):
    mask = fixed_mask(rng, shape, p)
    x = rng.standard_normal(shape)
    errors = check_layer_gradients(
        lambda x: layers.dropout_forward(x, p, mask=mask),
        layers.dropout_backward,
        {"x": x},
        rng,
    )
    assert errors["x"] < FD_TOL


@pytest.mark.parametrize("p", [0.2, 0.5, 0.75])
def test_dropout_forward_and_backward_match_torch_autograd(rng, p):
    mask = fixed_mask(rng, (6, 5), p)
    x, dout = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
    out, cache = layers.dropout_forward(x, p, mask=mask)
    dx = layers.dropout_backward(dout, cache)

    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out_t = xt * torch.tensor(mask, dtype=torch.float64) / (1 - p)
    (out_t * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-14, atol=0)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-14, atol=0)
    # by hand: dropped entries get no gradient, kept ones dout / (1 - p)
    assert np.all(dx[~mask] == 0)
    np.testing.assert_allclose(dx[mask], dout[mask] / (1 - p), rtol=1e-15)


def test_dropout_with_mask_values_by_hand():
    x = np.array([[1.0, -2.0], [3.0, 4.0]])
    mask = np.array([[True, False], [False, True]])
    out, cache = layers.dropout_forward(x, 0.75, mask=mask)  # keep probability 1/4: scale 4
    np.testing.assert_array_equal(out, [[4.0, 0.0], [0.0, 16.0]])
    np.testing.assert_array_equal(layers.dropout_backward(np.ones((2, 2)), cache),
                                  [[4.0, 0.0], [0.0, 4.0]])


# --- the kernels: random masks ----------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_kept_fraction_and_scaling(rng, p):
    n = 1_000_000
    x = np.full(n, 3.0)
    out, _ = layers.dropout_forward(x, p, rng=rng)
    kept = out != 0
    # the kept count is Binomial(n, 1 - p): fraction std sqrt(p (1 - p) / n) <= 5e-4
    assert abs(kept.mean() - (1 - p)) < 5 * np.sqrt(p * (1 - p) / n)
    # every kept entry is x / (1 - p), every other exactly 0
    np.testing.assert_allclose(out[kept], 3.0 / (1 - p), rtol=1e-15)
    assert np.all(out[~kept] == 0.0)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_expected_output_equals_input(rng, p):
    # each column holds one value c; out = c B / (1 - p), B ~ Bernoulli(1 - p), so the column
    # mean estimates c with std |c| sqrt(p / (1 - p)) / sqrt(n)
    n = 200_000
    values = np.array([-2.0, 0.5, 1.0, 7.0])
    x = np.tile(values, (n, 1))
    out, _ = layers.dropout_forward(x, p, rng=rng)
    std = np.abs(values) * np.sqrt(p / (1 - p)) / np.sqrt(n)
    assert np.all(np.abs(out.mean(axis=0) - values) < 5 * std)


def test_same_seed_same_mask_and_different_seed_different_mask():
    x = np.ones((30, 40))
    a, _ = layers.dropout_forward(x, 0.5, rng=np.random.default_rng(7))
    b, _ = layers.dropout_forward(x, 0.5, rng=np.random.default_rng(7))
    c, _ = layers.dropout_forward(x, 0.5, rng=np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_evaluation_mode_is_the_identity(rng):
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    out, cache = layers.dropout_forward(x, 0.5, training=False)  # no rng needed
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(layers.dropout_backward(dout, cache), dout)


def test_zero_drop_prob_is_the_identity_in_training(rng):
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    out, cache = layers.dropout_forward(x, 0.0, rng=rng)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(layers.dropout_backward(dout, cache), dout)
    out_int, _ = layers.dropout_forward(x, 0)  # an int 0 too, without a generator
    np.testing.assert_array_equal(out_int, x)


@pytest.mark.parametrize("drop_prob, error", BAD_DROP_PROBS)
def test_kernel_rejects_bad_drop_prob(rng, drop_prob, error):
    with pytest.raises(error, match="drop_prob"):
        layers.dropout_forward(np.ones(3), drop_prob, rng=rng)
    with pytest.raises(error, match="drop_prob"):
        layers.dropout_forward(np.ones(3), drop_prob, training=False)


@pytest.mark.parametrize("bad_rng", [None, 0, np.random.RandomState(0), "rng"])
def test_kernel_rejects_missing_or_bad_rng(bad_rng):
    with pytest.raises(TypeError, match="rng"):
        layers.dropout_forward(np.ones((2, 3)), 0.5, rng=bad_rng)


@pytest.mark.parametrize("mask_shape", [(3,), (2, 1), (3, 2), (2, 3, 1)])
def test_kernel_rejects_mask_of_wrong_shape(mask_shape):
    with pytest.raises(ValueError, match="mask"):
        layers.dropout_forward(np.ones((2, 3)), 0.5, mask=np.ones(mask_shape, dtype=bool))


# --- the module -------------------------------------------------------------------------------


def test_module_masks_differ_between_forwards_and_backward_uses_the_last(rng):
    drop = Dropout(0.5, rng)
    assert drop.training
    x = np.ones((20, 50))
    first, second = drop(x), drop(x)
    assert not np.array_equal(first != 0, second != 0)
    assert set(np.unique(second)) <= {0.0, 2.0}
    dout = np.arange(1000.0).reshape(20, 50)
    np.testing.assert_array_equal(drop.backward(dout), dout * second)  # second = 2 * mask


def test_module_equals_kernel_with_the_same_generator():
    x = np.random.default_rng(1).standard_normal((6, 7))
    out = Dropout(0.3, np.random.default_rng(5))(x)
    expected, _ = layers.dropout_forward(x, 0.3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(out, expected)


def test_module_eval_is_identity_and_train_restores_dropout(rng):
    drop = Dropout(0.5, rng)
    x, dout = rng.standard_normal((8, 9)), rng.standard_normal((8, 9))
    assert drop.eval() is drop and not drop.training
    np.testing.assert_array_equal(drop(x), x)
    np.testing.assert_array_equal(drop.backward(dout), dout)
    drop.train()
    assert np.any(drop(x) == 0)


def test_module_backward_before_forward_raises(rng):
    with pytest.raises(RuntimeError, match="before forward"):
        Dropout(0.5, rng).backward(np.ones((2, 2)))


def test_module_backward_without_input_grad_returns_none(rng):
    drop = Dropout(0.5, rng)
    drop(np.ones((2, 2)))
    assert drop.backward(np.ones((2, 2)), input_grad=False) is None


def test_module_has_no_parameters(rng):
    drop = Dropout(0.5, rng)
    assert drop.parameters() == {} and drop.gradients() == {}
    assert repr(drop) == "Dropout(drop_prob=0.5)"


@pytest.mark.parametrize("drop_prob, error", BAD_DROP_PROBS)
def test_module_rejects_bad_drop_prob(rng, drop_prob, error):
    with pytest.raises(error, match="drop_prob"):
        Dropout(drop_prob, rng)


@pytest.mark.parametrize("bad_rng", [None, 3, np.random.RandomState(0)])
def test_module_rejects_bad_rng(bad_rng):
    with pytest.raises(TypeError, match="rng"):
        Dropout(0.5, bad_rng)
    with pytest.raises(TypeError, match="rng"):
        Dropout(0.5)  # missing altogether


# --- mlp with dropout -------------------------------------------------------------------------


def test_mlp_places_dropout_layers(rng):
    model = mlp([4, 8, 6, 3], rng, activation="relu", input_drop_prob=0.2, hidden_drop_prob=0.5)
    kinds = [type(m) for m in model.modules]
    assert kinds == [Dropout, Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear]
    assert [m.drop_prob for m in model.modules if isinstance(m, Dropout)] == [0.2, 0.5, 0.5]
    assert list(model.parameters()) == [
        "1.weight", "1.bias", "4.weight", "4.bias", "7.weight", "7.bias"
    ]


def test_mlp_puts_no_dropout_after_the_output_activation(rng):
    model = mlp([3, 5, 2], rng, output_activation="sigmoid", hidden_drop_prob=0.5)
    assert [type(m) for m in model.modules] == [Linear, Sigmoid, Dropout, Linear, Sigmoid]


def test_mlp_without_dropout_options_has_no_dropout(rng):
    model = mlp([3, 5, 2], rng, input_drop_prob=0.0, hidden_drop_prob=0)
    assert [type(m) for m in model.modules] == [Linear, Sigmoid, Linear]


def test_mlp_only_input_dropout(rng):
    model = mlp([3, 5, 2], rng, input_drop_prob=0.25)
    assert [type(m) for m in model.modules] == [Dropout, Linear, Sigmoid, Linear]


@pytest.mark.parametrize("drop_prob, error", [(1.0, ValueError), (-0.1, ValueError),
                                              ("0.5", TypeError), (True, TypeError)])
def test_mlp_rejects_bad_drop_probs(rng, drop_prob, error):
    with pytest.raises(error, match="drop_prob"):
        mlp([3, 5, 2], rng, input_drop_prob=drop_prob)
    with pytest.raises(error, match="drop_prob"):
        mlp([3, 5, 2], rng, hidden_drop_prob=drop_prob)


def test_mlp_dropout_layers_draw_from_the_given_generator():
    x = np.ones((4, 3))
    a = mlp([3, 20, 2], np.random.default_rng(3), input_drop_prob=0.5, hidden_drop_prob=0.5)
    b = mlp([3, 20, 2], np.random.default_rng(3), input_drop_prob=0.5, hidden_drop_prob=0.5)
    np.testing.assert_array_equal(a(x), b(x))
    np.testing.assert_array_equal(a(x), b(x))


def test_mlp_with_dropout_in_eval_mode_equals_mlp_without():
    # Dropout layers draw nothing when built, so the same seed gives the same weights
    x = np.random.default_rng(1).standard_normal((7, 4))
    with_drop = mlp([4, 6, 5, 3], np.random.default_rng(2), activation="tanh",
                    input_drop_prob=0.2, hidden_drop_prob=0.5)
    without = mlp([4, 6, 5, 3], np.random.default_rng(2), activation="tanh")
    for a, b in zip(with_drop.parameters().values(), without.parameters().values(), strict=True):
        np.testing.assert_array_equal(a, b)
    with_drop.eval()
    assert all(not m.training for m in with_drop.modules)
    np.testing.assert_array_equal(with_drop(x), without(x))
    with_drop.train()
    assert all(m.training for m in with_drop.modules)
    assert not np.array_equal(with_drop(x), without(x))


def _reseed(model, seeds):
    for drop, seed in zip([m for m in model.modules if isinstance(m, Dropout)], seeds,
                          strict=True):
        drop.rng = np.random.default_rng(seed)


def test_mlp_with_dropout_gradients_match_finite_differences_with_fixed_masks(rng):
    model = mlp([4, 6, 5, 3], rng, activation="tanh", input_drop_prob=0.3, hidden_drop_prob=0.5)
    X, y = rng.standard_normal((8, 4)), rng.integers(0, 3, size=8)
    seeds = [11, 12, 13]

    def loss():
        _reseed(model, seeds)  # the same masks for every evaluation
        return layers.softmax_cross_entropy(model.forward(X), y)

    model.zero_grad()
    _, dscores = loss()
    model.backward(dscores)
    params, grads = model.parameters(), model.gradients()
    for name, param in params.items():
        def f(point, param=param):
            saved = param.copy()
            param[...] = point
            value = loss()[0]
            param[...] = saved
            return value

        numeric = numerical_gradient(f, param)
        assert relative_error(grads[name], numeric) < FD_TOL, name
    # the masks matter: other masks give other gradients
    first = {name: g.copy() for name, g in grads.items()}
    seeds[:] = [21, 22, 23]
    model.zero_grad()
    model.backward(loss()[1])
    assert not np.allclose(model.gradients()["4.weight"], first["4.weight"])


def test_mlp_with_dropout_gradients_match_torch_with_the_same_masks(rng):
    model = mlp([4, 6, 3], rng, activation="tanh", input_drop_prob=0.25, hidden_drop_prob=0.5)
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 3, size=5)
    # run the modules one by one, reading each dropout's mask off its output (no input is 0)
    h, scales = X, []
    for m in model.modules:
        out = m.forward(h)
        if isinstance(m, Dropout):
            assert np.all(h != 0)
            scales.append((out != 0) / (1 - m.drop_prob))
        h = out
    _, dscores = layers.softmax_cross_entropy(h, y)
    model.zero_grad()
    model.backward(dscores)

    weights = {n: torch.tensor(p, requires_grad=True) for n, p in model.parameters().items()}
    t = torch.tensor(X)
    t = t * torch.tensor(scales[0])
    t = torch.tanh(t @ weights["1.weight"] + weights["1.bias"])
    t = t * torch.tensor(scales[1])
    t = t @ weights["4.weight"] + weights["4.bias"]
    torch.nn.functional.cross_entropy(t, torch.tensor(y)).backward()
    np.testing.assert_allclose(h, t.detach().numpy(), rtol=1e-12, atol=1e-14)
    for name, grad in model.gradients().items():
        np.testing.assert_allclose(grad, weights[name].grad.numpy(), rtol=1e-10, atol=1e-13)


# --- the PyTorch bridge -----------------------------------------------------------------------


def test_to_torch_maps_dropout_with_the_same_p(rng):
    model = mlp([4, 8, 6, 3], rng, activation="relu", input_drop_prob=0.2, hidden_drop_prob=0.5)
    torch_model = to_torch(model)
    assert len(torch_model) == len(model)
    for ours, theirs in zip(model.modules, torch_model, strict=True):
        assert isinstance(theirs, torch.nn.Dropout) == isinstance(ours, Dropout)
        if isinstance(ours, Dropout):
            assert theirs.p == ours.drop_prob
    assert [m.p for m in torch_model if isinstance(m, torch.nn.Dropout)] == [0.2, 0.5, 0.5]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_to_torch_eval_mode_gives_identical_outputs(rng, activation):
    model = mlp([5, 7, 6, 3], rng, activation=activation, input_drop_prob=0.2,
                hidden_drop_prob=0.5)
    for lin in [m for m in model.modules if isinstance(m, Linear)]:
        lin.bias[...] = rng.standard_normal(lin.bias.shape)
    X = rng.standard_normal((9, 5))
    torch_model = to_torch(model).eval()
    model.eval()
    with torch.no_grad():
        theirs = torch_model(torch.tensor(X)).numpy()
    np.testing.assert_allclose(model(X), theirs, rtol=1e-12, atol=1e-12)


def test_torch_dropout_uses_the_same_inverted_scaling(rng):
    torch_model = to_torch(Sequential(Dropout(0.2, rng), Linear(3, 2, rng), Tanh()))
    torch_model.train()
    with torch.random.fork_rng(), torch.no_grad():  # leave torch's global generator alone
        torch.manual_seed(0)
        out = torch_model[0](torch.ones(1000, 3, dtype=torch.float64)).numpy()
    assert set(np.unique(out)) == {0.0, 1.0 / 0.8}
