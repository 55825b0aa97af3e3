"""course_nn.pooling: max, average, L2 and global pooling against torch and finite differences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_nn import modules, pooling
from course_nn.gradcheck import check_layer_gradients

RNG = np.random.default_rng(0)
KINDS = {
    "max": (pooling.max_pool2d_forward, pooling.max_pool2d_backward,
            lambda t, k, s: F.max_pool2d(t, k, s)),
    "avg": (pooling.avg_pool2d_forward, pooling.avg_pool2d_backward,
            lambda t, k, s: F.avg_pool2d(t, k, s)),
    "l2": (pooling.l2_pool2d_forward, pooling.l2_pool2d_backward,
           lambda t, k, s: F.lp_pool2d(t, 2, k, s)),
}
WINDOWS = [(2, None), (2, 1), (3, 2), (3, 3)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("kernel, stride", WINDOWS)
def test_pooling_matches_torch_autograd(kind, kernel, stride):
    forward, backward, theirs = KINDS[kind]
    x = RNG.standard_normal((2, 3, 7, 8))
    out, cache = forward(x, kernel, stride)
    xt = torch.tensor(x, requires_grad=True)
    ref = theirs(xt, kernel, stride if stride is not None else kernel)
    dout = RNG.standard_normal(out.shape)
    ref.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(backward(dout, cache), xt.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("kernel, stride", WINDOWS)
def test_pooling_gradients_match_finite_differences(kind, kernel, stride):
    forward, backward, _ = KINDS[kind]
    x = RNG.standard_normal((2, 2, 6, 7))  # distinct values: no ties within eps for max
    errors = check_layer_gradients(lambda x: forward(x, kernel, stride), backward, {"x": x},
                                   np.random.default_rng(1))
    assert errors["x"] < 1e-8


def test_max_pool_switches_route_the_gradient_to_each_winner():
    x = np.array([[[[1.0, 5.0, 2.0, 0.0],
                    [3.0, 4.0, 9.0, 1.0],
                    [0.0, 0.0, 1.0, 1.0],
                    [7.0, 0.0, 2.0, 8.0]]]])
    out, cache = pooling.max_pool2d_forward(x, 2)
    np.testing.assert_array_equal(out[0, 0], [[5.0, 9.0], [7.0, 8.0]])
    dx = pooling.max_pool2d_backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]), cache)
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[3, 0], expected[3, 3] = 10, 20, 30, 40
    np.testing.assert_array_equal(dx[0, 0], expected)


def test_l2_pool_gradient_is_zero_for_an_all_zero_window():
    x = np.zeros((1, 1, 2, 2))
    out, cache = pooling.l2_pool2d_forward(x, 2)
    assert out.item() == 0.0
    np.testing.assert_array_equal(pooling.l2_pool2d_backward(np.ones((1, 1, 1, 1)), cache), 0.0)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_global_pooling_gives_a_fixed_size_from_any_size(kind):
    ref = F.adaptive_max_pool2d if kind == "max" else F.adaptive_avg_pool2d
    for shape in [(2, 3, 5, 7), (2, 3, 9, 4), (2, 3, 1, 1)]:
        x = RNG.standard_normal(shape)
        out, cache = pooling.global_pool_forward(x, kind)
        assert out.shape == (2, 3)
        xt = torch.tensor(x, requires_grad=True)
        theirs = ref(xt, 1)[..., 0, 0]
        dout = RNG.standard_normal(out.shape)
        theirs.backward(torch.tensor(dout))
        np.testing.assert_allclose(out, theirs.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(pooling.global_pool_backward(dout, cache), xt.grad.numpy(),
                                   atol=1e-12)
        errors = check_layer_gradients(lambda x: pooling.global_pool_forward(x, kind),
                                       pooling.global_pool_backward, {"x": x},
                                       np.random.default_rng(2))
        assert errors["x"] < 1e-8


def test_pool_modules_work_in_sequential():
    x = RNG.standard_normal((2, 3, 8, 8))
    model = modules.Sequential(pooling.MaxPool2d(2), pooling.AvgPool2d(2, 1),
                               pooling.L2Pool2d(2), pooling.GlobalPool2d("avg"))
    out = model.forward(x)
    assert out.shape == (2, 3)
    assert model.backward(np.ones_like(out)).shape == x.shape
    assert model.parameters() == {}
    assert "MaxPool2d(kernel=2, stride=2)" in repr(model)


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: pooling.max_pool2d_forward(np.ones((3, 4, 4)), 2), ValueError, "x must be a 4-D"),
    (lambda: pooling.max_pool2d_forward(np.ones((1, 1, 4, 4), int), 2), TypeError, "float"),
    (lambda: pooling.avg_pool2d_forward(np.ones((1, 1, 4, 4)), 0), ValueError, "kernel"),
    (lambda: pooling.avg_pool2d_forward(np.ones((1, 1, 4, 4)), 2.0), TypeError, "kernel"),
    (lambda: pooling.l2_pool2d_forward(np.ones((1, 1, 4, 4)), 2, 0), ValueError, "stride"),
    (lambda: pooling.max_pool2d_forward(np.ones((1, 1, 2, 4)), 3), ValueError, "kernel must fit"),
    (lambda: pooling.global_pool_forward(np.ones((1, 1, 2, 2)), "l2"), ValueError, "kind"),
    (lambda: pooling.max_pool2d_backward(np.ones((1, 1, 1, 1)), ("avg", 1, 2, 3, 4)),
     TypeError, "cache"),
    (lambda: pooling.global_pool_backward(np.ones(2), None), TypeError, "cache"),
    (lambda: pooling.MaxPool2d(2).backward(np.ones((1, 1, 1, 1))), RuntimeError, "before"),
    (lambda: pooling.GlobalPool2d("median"), ValueError, "kind"),
])
def test_pooling_rejects_bad_input(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()


def test_backward_rejects_a_wrong_dout():
    out, cache = pooling.max_pool2d_forward(RNG.standard_normal((1, 2, 4, 4)), 2)
    with pytest.raises(ValueError, match="dout must have shape"):
        pooling.max_pool2d_backward(out[..., :1], cache)
    out, cache = pooling.global_pool_forward(RNG.standard_normal((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="dout must have shape"):
        pooling.global_pool_backward(out.T, cache)
