"""course_nn.modules, course_nn.optim and course_nn.torch_bridge.

Modules against the layer kernels, finite differences through a whole MLP and torch.autograd;
gradient accumulation; state dicts; initialisation; SGD and Adam against torch.optim step by step;
weight copying between the NumPy and the PyTorch models. All in float64.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_nn import layers
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.modules import Linear, Module, ReLU, Sequential, Sigmoid, Tanh, mlp
from course_nn.optim import SGD, Adam
from course_nn.torch_bridge import (
    copy_weights_from_torch,
    copy_weights_to_torch,
    to_torch,
    torch_gradients,
)

FD_TOL = 1e-7
RTOL, ATOL = 1e-10, 1e-12
ACTIVATIONS = ["sigmoid", "tanh", "relu"]


def linears(model):
    return [m for m in model.modules if isinstance(m, Linear)]


# --- forward / backward equal the kernels -----------------------------------------------------


def test_linear_forward_backward_equal_affine_kernels(rng):
    lin = Linear(3, 4, rng)
    lin.bias[...] = rng.standard_normal(4)  # nonzero bias so it matters
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    out = lin(x)
    expected, cache = layers.affine_forward(x, lin.weight, lin.bias)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_allclose(out, x @ lin.weight + lin.bias, rtol=1e-14, atol=1e-14)
    dx = lin.backward(dout)
    edx, edw, edb = layers.affine_backward(dout, cache)
    np.testing.assert_array_equal(dx, edx)
    np.testing.assert_array_equal(lin.weight_grad, edw)
    np.testing.assert_array_equal(lin.bias_grad, edb)
    assert lin.gradients()["weight"] is lin.weight_grad
    assert lin.parameters()["bias"] is lin.bias


@pytest.mark.parametrize(
    "cls, forward, backward",
    [
        (Sigmoid, layers.sigmoid_forward, layers.sigmoid_backward),
        (Tanh, layers.tanh_forward, layers.tanh_backward),
        (ReLU, layers.relu_forward, layers.relu_backward),
    ],
)
def test_activation_modules_equal_kernels(rng, cls, forward, backward):
    module = cls()
    z, dout = 2 * rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    expected, cache = forward(z)
    np.testing.assert_array_equal(module(z), expected)
    np.testing.assert_array_equal(module.backward(dout), backward(dout, cache))
    assert module.parameters() == {} and module.gradients() == {}


def test_sequential_forward_is_the_composition(rng):
    model = mlp([3, 5, 4, 2], rng, activation="tanh", output_activation="sigmoid")
    x = rng.standard_normal((6, 3))
    l0, l2, l4 = model[0], model[2], model[4]
    h = np.tanh(x @ l0.weight + l0.bias)
    h = np.tanh(h @ l2.weight + l2.bias)
    expected = 1 / (1 + np.exp(-(h @ l4.weight + l4.bias)))
    np.testing.assert_allclose(model(x), expected, rtol=1e-13, atol=1e-15)


def test_mlp_structure_and_parameter_names(rng):
    model = mlp([3, 5, 4, 2], rng, activation="relu")
    kinds = [type(m) for m in model.modules]
    assert kinds == [Linear, ReLU, Linear, ReLU, Linear]
    assert len(model) == 5
    names = ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert list(model.parameters()) == names
    assert list(model.gradients()) == names
    assert model.parameters()["2.weight"] is model[2].weight
    assert model.parameters()["2.weight"].shape == (5, 4)
    assert model.parameters()["4.bias"].shape == (2,)

    with_out = mlp([2, 3, 1], rng, output_activation="sigmoid")
    assert [type(m) for m in with_out.modules] == [Linear, Sigmoid, Linear, Sigmoid]
    assert list(with_out.parameters()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_hand_built_sequential_names(rng):
    model = Sequential(Sigmoid(), Linear(2, 3, rng), Tanh(), Linear(3, 1, rng))
    assert list(model.parameters()) == ["1.weight", "1.bias", "3.weight", "3.bias"]


# --- gradients through a whole MLP ------------------------------------------------------------


def _scalar_loss(model, X, y, loss):
    out = model.forward(X)
    if loss == "squared":
        return layers.squared_error(out, y, "sum")
    return layers.softmax_cross_entropy(out, y, "mean")


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_mlp_gradients_match_finite_differences(rng, activation, loss):
    model = mlp([3, 4, 3, 2], rng, activation=activation, init="uniform", init_range=1.0)
    X = rng.standard_normal((5, 3))
    y = rng.uniform(0, 1, (5, 2)) if loss == "squared" else rng.integers(0, 2, size=5)
    if activation == "relu":
        # Keep every hidden pre-activation away from the kink, so differences are smooth.
        for lin in linears(model)[:-1]:
            lin.bias[...] = 0.5
    model.zero_grad()
    _, dout = _scalar_loss(model, X, y, loss)
    dX = model.backward(dout)

    params = model.parameters()
    for name, grads in model.gradients().items():
        param = params[name]
        saved = param.copy()

        def f(point, param=param):
            param[...] = point
            return _scalar_loss(model, X, y, loss)[0]

        numeric = numerical_gradient(f, saved)
        param[...] = saved
        assert relative_error(grads, numeric) < FD_TOL, name
    numeric_x = numerical_gradient(lambda x: _scalar_loss(model, x, y, loss)[0], X)
    assert relative_error(dX, numeric_x) < FD_TOL


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", [None, "sigmoid"])
def test_mlp_gradients_match_torch_autograd(rng, activation, output_activation):
    model = mlp([4, 6, 5, 3], rng, activation=activation, output_activation=output_activation)
    for lin in linears(model):
        lin.bias[...] = 0.3 * rng.standard_normal(lin.bias.shape)
    X = rng.standard_normal((7, 4))
    labels = rng.integers(0, 3, size=7)
    torch_model = to_torch(model)

    model.zero_grad()
    _, dout = layers.softmax_cross_entropy(model.forward(X), labels, "mean")
    model.backward(dout)

    Xt = torch.from_numpy(X)
    F.cross_entropy(torch_model(Xt), torch.from_numpy(labels)).backward()
    theirs = torch_gradients(model, torch_model)
    ours = model.gradients()
    assert list(theirs) == list(ours)
    for name in ours:
        assert np.allclose(ours[name], theirs[name], rtol=RTOL, atol=ATOL), name


# --- accumulation and zero_grad ---------------------------------------------------------------


def test_backward_twice_doubles_gradients_exactly(rng):
    model = mlp([3, 4, 2], rng, activation="tanh")
    X, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    model.zero_grad()
    model.forward(X)
    dx1 = model.backward(dout)
    once = {k: v.copy() for k, v in model.gradients().items()}
    assert all(np.any(v != 0) for v in once.values())
    dx2 = model.backward(dout)
    np.testing.assert_array_equal(dx1, dx2)  # the input gradient does not accumulate
    for name, grad in model.gradients().items():
        np.testing.assert_array_equal(grad, 2 * once[name])

    model.zero_grad()
    for grad in model.gradients().values():
        np.testing.assert_array_equal(grad, 0.0)
    # and the next backward gives the single-pass gradient again
    model.backward(dout)
    for name, grad in model.gradients().items():
        np.testing.assert_array_equal(grad, once[name])


def test_optimiser_zero_grad_resets_model_gradients(rng):
    model = mlp([2, 3, 1], rng)
    model.forward(rng.standard_normal((4, 2)))
    model.backward(rng.standard_normal((4, 1)))
    assert any(np.any(g != 0) for g in model.gradients().values())
    opt = SGD(model, 0.1)
    opt.zero_grad()
    for grad in model.gradients().values():
        np.testing.assert_array_equal(grad, 0.0)


# --- errors and state dicts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda r: Linear(2, 3, r), lambda r: Sigmoid(), lambda r: Tanh(),
             lambda r: ReLU(), lambda r: mlp([2, 3, 1], r)],
)
def test_backward_before_forward_raises(rng, make):
    module = make(rng)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        module.backward(np.ones((1, 3)))


def test_sequential_rejects_no_modules_and_non_modules(rng):
    with pytest.raises(ValueError, match="at least one module"):
        Sequential()
    with pytest.raises(TypeError, match="Module instances, got function"):
        Sequential(Linear(2, 2, rng), lambda x: x)
    with pytest.raises(TypeError, match="Module instances, got Linear"):
        Sequential(Module(), torch.nn.Linear(2, 2))


def test_load_state_dict_roundtrip(rng):
    a, b = mlp([3, 4, 2], rng), mlp([3, 4, 2], rng)
    X = rng.standard_normal((5, 3))
    assert not np.allclose(a(X), b(X))
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(X), b(X))
    # in place: the parameter arrays are the same objects as before
    assert b.parameters()["0.weight"] is b[0].weight


def test_load_state_dict_rejects_wrong_keys_and_shapes(rng):
    model = mlp([3, 4, 2], rng)
    before = model.state_dict()
    state = model.state_dict()
    del state["2.bias"]
    with pytest.raises(ValueError, match="state must have keys"):
        model.load_state_dict(state)
    state = dict(model.state_dict(), extra=np.zeros(1))
    with pytest.raises(ValueError, match="state must have keys"):
        model.load_state_dict(state)
    state = model.state_dict()
    state["0.weight"] = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"state\['0.weight'\] must have shape \(3, 4\)"):
        model.load_state_dict(state)
    state = model.state_dict()
    state["2.bias"] = np.zeros((1, 2))
    with pytest.raises(ValueError, match=r"state\['2.bias'\] must have shape \(2,\)"):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_state_dict_returns_copies(rng):
    model = mlp([3, 4, 2], rng)
    original = {k: v.copy() for k, v in model.parameters().items()}
    state = model.state_dict()
    for value in state.values():
        assert not any(np.shares_memory(value, p) for p in model.parameters().values())
        value += 100.0
    for name, value in model.parameters().items():
        np.testing.assert_array_equal(value, original[name])


# --- Linear initialisation --------------------------------------------------------------------


def test_xavier_init_bounds_and_zero_bias(rng):
    n_in, n_out = 60, 40
    lin = Linear(n_in, n_out, rng)
    limit = np.sqrt(6.0 / (n_in + n_out))
    assert lin.weight.shape == (n_in, n_out) and lin.bias.shape == (n_out,)
    assert np.all(np.abs(lin.weight) <= limit)
    assert np.abs(lin.weight).max() > 0.95 * limit  # it uses (nearly) the whole range
    np.testing.assert_array_equal(lin.bias, 0.0)
    # Glorot: Var = limit^2 / 3 = 2 / (n_in + n_out); 2400 draws estimate it to ~2%
    assert lin.weight.var() == pytest.approx(2.0 / (n_in + n_out), rel=0.1)
    np.testing.assert_array_equal(lin.weight_grad, 0.0)
    np.testing.assert_array_equal(lin.bias_grad, 0.0)


@pytest.mark.parametrize("init_range", [0.3, 1.5])
def test_uniform_init_within_range(rng, init_range):
    lin = Linear(50, 30, rng, init="uniform", init_range=init_range)
    for values in (lin.weight, lin.bias):
        assert np.all(np.abs(values) <= init_range)
        assert np.abs(values).max() > 0.8 * init_range
        assert np.any(values > 0) and np.any(values < 0)
    assert lin.weight.mean() == pytest.approx(0.0, abs=0.05 * init_range)


@pytest.mark.parametrize("init", ["xavier", "uniform"])
def test_same_seed_same_weights(init):
    a = mlp([4, 5, 3], np.random.default_rng(7), init=init)
    b = mlp([4, 5, 3], np.random.default_rng(7), init=init)
    c = mlp([4, 5, 3], np.random.default_rng(8), init=init)
    for name, value in a.parameters().items():
        np.testing.assert_array_equal(value, b.parameters()[name])
    assert not np.array_equal(a[0].weight, c[0].weight)


def test_linear_rejects_bad_arguments(rng):
    with pytest.raises(ValueError, match="init must be one of"):
        Linear(2, 3, rng, init="he")
    with pytest.raises(ValueError, match="init_range"):
        Linear(2, 3, rng, init="uniform", init_range=0.0)
    with pytest.raises(ValueError, match="in_features must be >= 1"):
        Linear(0, 3, rng)
    with pytest.raises(TypeError, match="out_features must be an int"):
        Linear(2, 3.0, rng)
    with pytest.raises(TypeError, match="rng"):
        Linear(2, 3, 0)
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp([2, 3, 1], rng, activation="softplus")
    with pytest.raises(ValueError, match="init must be one of"):
        mlp([2, 3, 1], rng, init="normal")
    with pytest.raises(ValueError, match="sizes must list at least"):
        mlp([2], rng)


# --- SGD --------------------------------------------------------------------------------------


def test_plain_sgd_step_is_p_minus_lr_g(rng):
    model = mlp([3, 4, 2], rng)
    for lin in linears(model):
        lin.bias[...] = rng.standard_normal(lin.bias.shape)
    opt = SGD(model, 0.25)
    opt.zero_grad()
    model.forward(rng.standard_normal((5, 3)))
    model.backward(rng.standard_normal((5, 2)))
    before = model.state_dict()
    grads = {k: v.copy() for k, v in model.gradients().items()}
    opt.step()
    for name, value in model.parameters().items():
        np.testing.assert_allclose(value, before[name] - 0.25 * grads[name], rtol=0, atol=1e-15)
        assert not np.array_equal(value, before[name])


@pytest.mark.parametrize(
    "momentum, weight_decay", [(0.9, 0.01), (0.5, 0.0), (0.0, 0.1), (0.0, 0.0)]
)
def test_sgd_matches_torch_step_by_step(rng, momentum, weight_decay):
    model = mlp([3, 5, 3], rng, activation="tanh", init="uniform", init_range=0.8)
    torch_model = to_torch(model)
    start = model.state_dict()
    lr = 0.2
    opt = SGD(model, lr, momentum=momentum, weight_decay=weight_decay)
    topt = torch.optim.SGD(
        torch_model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay
    )
    for _ in range(5):
        X = rng.standard_normal((6, 3))
        labels = rng.integers(0, 3, size=6)

        opt.zero_grad()
        _, dout = layers.softmax_cross_entropy(model.forward(X), labels, "mean")
        model.backward(dout)
        opt.step()

        topt.zero_grad()
        F.cross_entropy(torch_model(torch.from_numpy(X)), torch.from_numpy(labels)).backward()
        topt.step()

        for ours, theirs in zip(linears(model), torch_model[::2], strict=True):
            w_t = theirs.weight.detach().numpy().T
            b_t = theirs.bias.detach().numpy()
            np.testing.assert_allclose(ours.weight, w_t, rtol=0, atol=1e-12)
            np.testing.assert_allclose(ours.bias, b_t, rtol=0, atol=1e-12)
    for name, value in model.parameters().items():  # the model really moved
        assert np.max(np.abs(value - start[name])) > 1e-3, name


def test_sgd_momentum_by_hand():
    # One Linear(1, 1), gradient forced to g = 1 each step, lr 0.1, momentum 0.5:
    # v1 = 1, v2 = 1.5, v3 = 1.75 -> w = -0.1 (1 + 1.5 + 1.75) = -0.425.
    lin = Linear(1, 1, np.random.default_rng(0))
    lin.weight[...] = 0.0
    opt = SGD(lin, 0.1, momentum=0.5)
    for _ in range(3):
        opt.zero_grad()
        lin.weight_grad[...] = 1.0
        opt.step()
    assert lin.weight[0, 0] == pytest.approx(-0.425, rel=1e-14)
    assert lin.bias[0] == 0.0  # zero gradient, zero bias, no decay: unchanged


@pytest.mark.parametrize("momentum", [1.0, 1.5, -0.1])
def test_sgd_rejects_bad_momentum(rng, momentum):
    with pytest.raises(ValueError, match="momentum"):
        SGD(mlp([2, 1], rng), 0.1, momentum=momentum)


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_sgd_rejects_non_positive_learning_rate(rng, lr):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(mlp([2, 1], rng), lr)


def test_sgd_rejects_bad_model_and_weight_decay(rng):
    with pytest.raises(TypeError, match="model must be a course_nn Module, got Sequential"):
        SGD(torch.nn.Sequential(torch.nn.Linear(2, 1)), 0.1)
    with pytest.raises(TypeError, match="model must be a course_nn Module"):
        SGD({"w": np.zeros(2)}, 0.1)
    with pytest.raises(ValueError, match="weight_decay"):
        SGD(mlp([2, 1], rng), 0.1, weight_decay=-1e-3)


@pytest.mark.parametrize("make", [
    lambda m: SGD(m, 0.1, momentum=0.9, weight_decay=1e-3),
    lambda m: Adam(m, weight_decay=1e-3),
])
def test_optimiser_step_allocates_no_temporary_arrays(rng, make):
    # In-place ufuncs into scratch buffers made once: a step of a 200x300 layer (480 kB)
    # allocates nothing near one parameter's size (benchmarks/bench_mlp_step.py).
    import tracemalloc

    lin = Linear(200, 300, rng)
    opt = make(lin)
    lin.weight_grad[...] = 1.0
    opt.step()  # warm up
    tracemalloc.start()
    try:
        opt.step()
        opt.zero_grad()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < lin.weight.nbytes / 10


# --- Adam -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lr, betas, eps, weight_decay",
    [
        (0.05, (0.9, 0.999), 1e-8, 0.0),
        (0.02, (0.8, 0.99), 1e-6, 0.1),
        (1e-3, (0.0, 0.5), 1e-8, 0.0),
        (0.01, (0.9, 0.999), 1e-8, 1e-3),
    ],
)
def test_adam_matches_torch_step_by_step(rng, lr, betas, eps, weight_decay):
    model = mlp([3, 5, 3], rng, activation="tanh", init="uniform", init_range=0.8)
    torch_model = to_torch(model)
    start = model.state_dict()
    opt = Adam(model, lr, betas=betas, eps=eps, weight_decay=weight_decay)
    topt = torch.optim.Adam(
        torch_model.parameters(), lr=lr, betas=betas, eps=eps, weight_decay=weight_decay
    )
    for _ in range(6):
        X = rng.standard_normal((6, 3))
        labels = rng.integers(0, 3, size=6)

        opt.zero_grad()
        _, dout = layers.softmax_cross_entropy(model.forward(X), labels, "mean")
        model.backward(dout)
        grads_before = {k: v.copy() for k, v in model.gradients().items()}
        opt.step()
        for name, grad in model.gradients().items():  # a step never changes the gradients
            np.testing.assert_array_equal(grad, grads_before[name])

        topt.zero_grad()
        F.cross_entropy(torch_model(torch.from_numpy(X)), torch.from_numpy(labels)).backward()
        topt.step()

        for ours, theirs in zip(linears(model), torch_model[::2], strict=True):
            np.testing.assert_allclose(
                ours.weight, theirs.weight.detach().numpy().T, rtol=0, atol=1e-12
            )
            np.testing.assert_allclose(ours.bias, theirs.bias.detach().numpy(), rtol=0, atol=1e-12)
    assert opt.steps == 6
    for name, value in model.parameters().items():  # the model really moved
        assert np.max(np.abs(value - start[name])) > min(lr, 1e-2), name


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    # At t = 1 the bias-corrected m / sqrt(s) is g / |g| = sign(g): every weight moves by lr.
    lin = Linear(2, 2, np.random.default_rng(0))
    before = lin.weight.copy()
    opt = Adam(lin, 0.01, eps=1e-12)
    opt.zero_grad()
    lin.weight_grad[...] = [[3.0, -0.5], [1e-3, -200.0]]
    opt.step()
    np.testing.assert_allclose(lin.weight - before, -0.01 * np.sign(lin.weight_grad), rtol=1e-8)
    np.testing.assert_array_equal(lin.bias, 0.0)  # zero gradient: no move


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
        ({"betas": (0.9, 1.0)}, ValueError, r"betas\[1\]"),
        ({"betas": (-0.1, 0.9)}, ValueError, r"betas\[0\]"),
        ({"betas": 0.9}, TypeError, "betas"),
        ({"betas": (0.9, 0.99, 0.5)}, TypeError, "betas"),
        ({"eps": 0.0}, ValueError, "eps"),
        ({"weight_decay": -1.0}, ValueError, "weight_decay"),
        ({"weight_decay": None}, TypeError, "weight_decay"),
    ],
)
def test_adam_rejects_bad_arguments(rng, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Adam(mlp([2, 1], rng), **kwargs)


@pytest.mark.parametrize("make", [lambda m: SGD(m, 0.1), lambda m: Adam(m)])
def test_optimisers_know_their_parameters(rng, make):
    model = mlp([2, 3, 1], rng)
    opt = make(model)
    assert opt.owns(model)
    same_arrays = Sequential(*model.modules)  # another container of the very same layers
    assert opt.owns(same_arrays)
    assert not opt.owns(mlp([2, 3, 1], rng))
    assert not opt.owns(model[0])  # a part of the model is not the model
    with pytest.raises(ValueError, match="model must have parameters"):
        make(Sequential(ReLU()))


# --- torch bridge -----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", [None, "sigmoid", "tanh"])
def test_to_torch_gives_identical_outputs(rng, activation, output_activation):
    model = mlp([3, 6, 4, 2], rng, activation=activation, output_activation=output_activation,
                init="uniform", init_range=1.0)
    torch_model = to_torch(model)
    assert len(torch_model) == len(model)
    assert all(p.dtype == torch.float64 for p in torch_model.parameters())
    X = 2 * rng.standard_normal((8, 3))
    with torch.no_grad():
        theirs = torch_model(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(model(X), theirs, rtol=0, atol=1e-12)


def test_to_torch_copies_not_shares(rng):
    model = mlp([2, 3, 1], rng)
    torch_model = to_torch(model)
    model[0].weight += 1.0
    np.testing.assert_allclose(torch_model[0].weight.detach().numpy().T, model[0].weight - 1.0,
                               rtol=0, atol=1e-15)


def test_copy_weights_round_trip(rng):
    model = mlp([3, 4, 2], rng, activation="tanh")
    torch_model = to_torch(model)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in torch_model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64))
    copy_weights_from_torch(torch_model, model)
    for ours, theirs in zip(linears(model), torch_model[::2], strict=True):
        np.testing.assert_array_equal(ours.weight, theirs.weight.detach().numpy().T)
        np.testing.assert_array_equal(ours.bias, theirs.bias.detach().numpy())
    X = rng.standard_normal((5, 3))
    with torch.no_grad():
        np.testing.assert_allclose(model(X), torch_model(torch.from_numpy(X)).numpy(),
                                   rtol=0, atol=1e-12)
    # and back again: into a fresh model, then to torch, reproduces the same weights
    other = mlp([3, 4, 2], np.random.default_rng(99), activation="tanh")
    copy_weights_from_torch(torch_model, other)
    fresh = to_torch(mlp([3, 4, 2], np.random.default_rng(5), activation="tanh"))
    copy_weights_to_torch(other, fresh)
    for a, b in zip(fresh.parameters(), torch_model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_bridge_rejects_mismatched_models(rng):
    model = mlp([3, 4, 2], rng)
    wider = to_torch(mlp([3, 5, 2], rng))
    deeper = to_torch(mlp([3, 4, 4, 2], rng))
    for other in (wider, deeper):
        with pytest.raises(ValueError, match="does not match|differ in length"):
            copy_weights_to_torch(model, other)
        with pytest.raises(ValueError, match="does not match|differ in length"):
            copy_weights_from_torch(other, model)
    with pytest.raises(ValueError, match=r"module 0: Linear\(3, 4\) does not match"):
        copy_weights_to_torch(model, wider)
    with pytest.raises(ValueError, match="3 NumPy modules, 5 torch modules"):
        copy_weights_from_torch(deeper, model)
    with pytest.raises(TypeError, match="model must be a course_nn Sequential"):
        to_torch(Linear(2, 2, rng))


def test_torch_gradients_before_backward_raises(rng):
    model = mlp([2, 3, 1], rng)
    with pytest.raises(ValueError, match="no gradient: call backward first"):
        torch_gradients(model, to_torch(model))


def test_backward_without_input_grad_gives_the_same_parameter_gradients():
    rng = np.random.default_rng(3)
    model = mlp([5, 7, 3], rng, activation="tanh")
    x = rng.standard_normal((4, 5))
    dout = rng.standard_normal((4, 3))
    model.forward(x)
    model.zero_grad()
    assert model.backward(dout).shape == x.shape
    full = {k: v.copy() for k, v in model.gradients().items()}
    model.zero_grad()
    assert model.backward(dout, input_grad=False) is None
    for name, grad in model.gradients().items():
        np.testing.assert_array_equal(grad, full[name])
