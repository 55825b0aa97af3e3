"""course_nn.conv: convolution checked against scipy, torch autograd and finite differences."""

import numpy as np
import pytest
import scipy.signal
import torch

from course_nn import conv, modules, optim, pooling, training
from course_nn.gradcheck import check_layer_gradients

RNG = np.random.default_rng(0)


def _arrays(*shapes, dtype=np.float64):
    return [RNG.standard_normal(s).astype(dtype) for s in shapes]


# --- the operator and the flip ------------------------------------------------------------------


@pytest.mark.parametrize("mode", conv.MODES)
@pytest.mark.parametrize("n, k", [(10, 3), (7, 4), (5, 5), (6, 1)])
def test_1d_correlate_and_convolve_match_scipy(mode, n, k):
    x, w = _arrays(n, k)
    np.testing.assert_allclose(conv.correlate1d(x, w, mode), scipy.signal.correlate(x, w, mode),
                               atol=1e-12)
    np.testing.assert_allclose(conv.convolve1d(x, w, mode), scipy.signal.convolve(x, w, mode),
                               atol=1e-12)


@pytest.mark.parametrize("mode", conv.MODES)
@pytest.mark.parametrize("shape, kshape", [((8, 7), (3, 3)), ((6, 9), (2, 4)), ((5, 5), (5, 1))])
def test_2d_correlate_and_convolve_match_scipy(mode, shape, kshape):
    x, w = _arrays(shape, kshape)
    np.testing.assert_allclose(conv.correlate2d(x, w, mode), scipy.signal.correlate(x, w, mode),
                               atol=1e-12)
    np.testing.assert_allclose(conv.convolve2d(x, w, mode), scipy.signal.convolve(x, w, mode),
                               atol=1e-12)


def test_the_flip_convolution_is_correlation_with_the_reversed_kernel():
    x, w = _arrays(12, 4)
    asymmetric = not np.allclose(w, w[::-1])
    assert asymmetric
    assert not np.allclose(conv.convolve1d(x, w, "valid"), conv.correlate1d(x, w, "valid"))
    np.testing.assert_allclose(conv.convolve1d(x, w, "valid"),
                               conv.correlate1d(x, w[::-1], "valid"), atol=1e-12)
    np.testing.assert_allclose(conv.convolve1d(x, w), np.convolve(x, w), atol=1e-12)


def test_torch_layers_are_correlations_not_convolutions():
    x, w = _arrays((8, 9), (3, 3))
    theirs = torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(w)[None, None])
    np.testing.assert_allclose(theirs[0, 0].numpy(), conv.correlate2d(x, w), atol=1e-12)
    assert not np.allclose(theirs[0, 0].numpy(), conv.convolve2d(x, w, "valid"))


@pytest.mark.parametrize("shape, kshape", [((50,), (7,)), ((33,), (33,)), ((20, 17), (5, 3))])
def test_fft_convolution_equals_the_direct_one(shape, kshape):
    x, w = _arrays(shape, kshape)
    direct = conv.convolve1d(x, w) if x.ndim == 1 else conv.convolve2d(x, w)
    np.testing.assert_allclose(conv.fft_convolve(x, w), direct, atol=1e-10)


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: conv.correlate1d("abc", [1.0]), TypeError, "x"),
    (lambda: conv.correlate1d([1.0, 2.0], [[1.0]]), ValueError, "kernel"),
    (lambda: conv.correlate1d([1.0, 2.0], [1.0], mode="circular"), ValueError, "mode"),
    (lambda: conv.correlate1d([1.0, 2.0], [1.0, 2.0, 3.0], mode="valid"), ValueError, "kernel"),
    (lambda: conv.convolve2d(np.ones(3), np.ones((2, 2))), ValueError, "image"),
    (lambda: conv.correlate2d(np.ones((3, 3)), [[np.nan]]), ValueError, "kernel"),
    (lambda: conv.fft_convolve(np.ones(4), np.ones((2, 2))), ValueError, "x and kernel"),
    (lambda: conv.fft_convolve(None, np.ones(2)), TypeError, "x"),
])
def test_operator_rejects_bad_input(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()


# --- the layers -------------------------------------------------------------------------------

CASES_1D = [(2, 3, 11, 4, 3, 1, 0), (3, 1, 9, 2, 5, 2, 1), (1, 2, 6, 3, 6, 3, 2)]
CASES_2D = [(2, 3, 7, 6, 4, 3, 1, 0), (2, 2, 9, 8, 3, 3, 2, 1), (1, 1, 6, 7, 2, 5, 3, 2)]


@pytest.mark.parametrize("n, c, length, f, k, stride, pad", CASES_1D)
def test_conv1d_matches_torch_autograd_and_the_loops(n, c, length, f, k, stride, pad):
    x, w, b = _arrays((n, c, length), (f, c, k), (f,))
    out, cache = conv.conv1d_forward(x, w, b, stride, pad)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    theirs = torch.nn.functional.conv1d(xt, wt, bt, stride=stride, padding=pad)
    dout = RNG.standard_normal(out.shape)
    theirs.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, theirs.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(conv.conv1d_loops(x, w, b, stride, pad), out, atol=1e-12)
    for ours, grad in zip(conv.conv1d_backward(dout, cache), (xt, wt, bt), strict=True):
        np.testing.assert_allclose(ours, grad.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("n, c, h, w_, f, k, stride, pad", CASES_2D)
def test_conv2d_matches_torch_autograd_and_the_loops(n, c, h, w_, f, k, stride, pad):
    x, w, b = _arrays((n, c, h, w_), (f, c, k, k), (f,))
    out, cache = conv.conv2d_forward(x, w, b, stride, pad)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    theirs = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=pad)
    dout = RNG.standard_normal(out.shape)
    theirs.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, theirs.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(conv.conv2d_loops(x, w, b, stride, pad), out, atol=1e-12)
    for ours, grad in zip(conv.conv2d_backward(dout, cache), (xt, wt, bt), strict=True):
        np.testing.assert_allclose(ours, grad.grad.numpy(), atol=1e-12)
    dx, dw, db = conv.conv2d_backward(dout, cache, input_grad=False)
    assert dx is None
    np.testing.assert_allclose(dw, wt.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1), (3, 2)])
def test_conv1d_gradients_match_finite_differences(stride, pad):
    x, w, b = _arrays((2, 2, 8), (3, 2, 3), (3,))
    errors = check_layer_gradients(
        lambda x, w, b: conv.conv1d_forward(x, w, b, stride, pad), conv.conv1d_backward,
        {"x": x, "w": w, "b": b}, np.random.default_rng(1))
    assert max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1), (2, 0)])
def test_conv2d_gradients_match_finite_differences(stride, pad):
    x, w, b = _arrays((2, 2, 6, 5), (3, 2, 3, 3), (3,))
    errors = check_layer_gradients(
        lambda x, w, b: conv.conv2d_forward(x, w, b, stride, pad), conv.conv2d_backward,
        {"x": x, "w": w, "b": b}, np.random.default_rng(2))
    assert max(errors.values()) < 1e-8, errors


def test_float32_stays_float32():
    x, w, b = _arrays((2, 3, 8, 8), (4, 3, 3, 3), (4,), dtype=np.float32)
    out, cache = conv.conv2d_forward(x, w, b, 1, 1)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv.conv2d_backward(out, cache))


GOOD = dict(x=np.ones((2, 3, 6, 6)), w=np.ones((4, 3, 3, 3)), b=np.ones(4))


@pytest.mark.parametrize("change, error, fragment", [
    (dict(x=np.ones((3, 6, 6))), ValueError, "x must be a 4-D"),
    (dict(x=np.ones((2, 3, 6, 6)).tolist()), TypeError, "x must be"),
    (dict(x=np.ones((2, 3, 6, 6), dtype=int)), TypeError, "x must be a float"),
    (dict(w=np.ones((4, 2, 3, 3))), ValueError, "w must have shape"),
    (dict(b=np.ones(3)), ValueError, "b must have shape"),
    (dict(b=np.ones(4, dtype=np.float32)), TypeError, "dtype"),
    (dict(stride=0), ValueError, "stride"),
    (dict(stride=1.5), TypeError, "stride"),
    (dict(padding=-1), ValueError, "padding"),
    (dict(w=np.ones((4, 3, 9, 9))), ValueError, "kernel"),
])
def test_conv2d_rejects_bad_input(change, error, fragment):
    args = dict(GOOD, stride=1, padding=0, **change) if "stride" not in change and \
        "padding" not in change else dict(GOOD, **{"stride": 1, "padding": 0, **change})
    with pytest.raises(error, match=fragment):
        conv.conv2d_forward(args["x"], args["w"], args["b"], args["stride"], args["padding"])


def test_backward_rejects_a_wrong_dout_or_cache():
    out, cache = conv.conv2d_forward(**GOOD)
    with pytest.raises(ValueError, match="dout must have shape"):
        conv.conv2d_backward(out[:, :, :-1], cache)
    with pytest.raises(TypeError, match="cache"):
        conv.conv2d_backward(out, (1, 2))
    out1, cache1 = conv.conv1d_forward(np.ones((1, 2, 5)), np.ones((3, 2, 2)), np.ones(3))
    with pytest.raises(ValueError, match="dout must have shape"):
        conv.conv1d_backward(out1.T, cache1)


# --- modules, training, the torch twin ---------------------------------------------------------


def _small_convnet(rng, dtype=np.float64):
    return modules.Sequential(
        conv.Unflatten((1, 8, 8)),
        conv.Conv2d(1, 3, 3, rng, padding=1, dtype=dtype), modules.ReLU(),
        pooling.MaxPool2d(2),
        conv.Conv2d(3, 4, 3, rng, dtype=dtype), modules.Tanh(),
        conv.Flatten(), modules.Linear(16, 3, rng))


def test_convnet_module_matches_its_torch_twin_in_outputs_and_gradients():
    rng = np.random.default_rng(3)
    model = _small_convnet(rng)
    X, y = rng.random((5, 64)), rng.integers(0, 3, 5)
    twin = conv.convnet_to_torch(model)
    from course_nn import layers
    model.zero_grad()
    _, dscores = layers.softmax_cross_entropy(model.forward(X), y)
    model.backward(dscores)
    out = twin(torch.tensor(X))
    torch.nn.functional.cross_entropy(out, torch.tensor(y)).backward()
    np.testing.assert_allclose(model.forward(X), out.detach().numpy(), atol=1e-12)
    theirs = conv.convnet_torch_gradients(model, twin)
    assert set(theirs) == set(model.gradients())
    for name, grad in model.gradients().items():
        np.testing.assert_allclose(grad, theirs[name], atol=1e-12, err_msg=name)


def test_conv1d_module_and_pools_have_torch_twins():
    rng = np.random.default_rng(4)
    model = modules.Sequential(conv.Unflatten((1, 12)), conv.Conv1d(1, 2, 3, rng, stride=2,
                                                                  padding=1),
                               modules.ReLU(), conv.Flatten(), modules.Linear(12, 2, rng))
    X = rng.standard_normal((3, 12))
    np.testing.assert_allclose(model.forward(X), conv.convnet_to_torch(model)(torch.tensor(X))
                               .detach().numpy(), atol=1e-12)
    for pool in (pooling.AvgPool2d(2), pooling.L2Pool2d(2, 1), pooling.GlobalPool2d("max")):
        x = rng.standard_normal((2, 3, 6, 6))
        net = modules.Sequential(pool)
        np.testing.assert_allclose(net.forward(x), conv.convnet_to_torch(net)(torch.tensor(x))
                                   .detach().numpy(), atol=1e-12)


def test_convnet_trains_with_fit_and_sgd():
    rng = np.random.default_rng(5)
    model = _small_convnet(rng)
    X = rng.random((60, 64))
    y = rng.integers(0, 3, 60)  # random labels: only memorising lowers the loss
    history = training.fit(model, optim.SGD(model, 0.1, momentum=0.9), X, y, epochs=40,
                           batch_size=10, rng=rng, show_progress=False)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]


def test_modules_reject_bad_arguments_and_early_backward():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="kernel_size"):
        conv.Conv2d(1, 2, 0, rng)
    with pytest.raises(TypeError, match="rng"):
        conv.Conv2d(1, 2, 3, 42)
    with pytest.raises(TypeError, match="dtype"):
        conv.Conv1d(1, 2, 3, rng, dtype=np.int64)
    with pytest.raises(RuntimeError, match="before forward"):
        conv.Conv2d(1, 2, 3, rng).backward(np.ones((1, 2, 1, 1)))
    with pytest.raises(ValueError, match="x must have shape"):
        conv.Unflatten((1, 3, 3)).forward(np.ones((2, 8)))
    with pytest.raises(TypeError, match="shape"):
        conv.Unflatten(9)
    with pytest.raises(TypeError, match="model"):
        conv.convnet_to_torch([conv.Flatten()])
    with pytest.raises(TypeError, match="no PyTorch counterpart"):
        conv.convnet_to_torch(modules.Sequential(modules.Dropout(0.5, rng), _Odd()))


class _Odd(modules.Module):
    def forward(self, x):
        return x


@pytest.mark.parametrize("factory", [conv.lenet5_torch, conv.inception_net_torch,
                                     conv.residual_net_torch])
def test_torch_variants_map_digit_rows_to_ten_scores(factory):
    net = factory()
    assert net(torch.zeros(3, 784)).shape == (3, 10)


def test_lenet5_has_its_classic_parameter_count():
    # conv1 6*(25+1) + conv2 16*(6*25+1) + 400*120+120 + 120*84+84 + 84*10+10 = 61,706
    assert sum(p.numel() for p in conv.lenet5_torch().parameters()) == 61706


def test_image_kernels_are_3x3_and_blur_keeps_the_mean():
    assert all(k.shape == (3, 3) for k in conv.IMAGE_KERNELS.values())
    assert conv.IMAGE_KERNELS["blur"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="width"):
        conv.residual_net_torch(0)
