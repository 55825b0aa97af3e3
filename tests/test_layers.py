"""course_nn.layers: every kernel pair and loss against finite differences and torch.autograd,
at extreme inputs, and on bad input.

All arrays are float64. Expected values come from calculus (centred differences), from
torch.autograd on the same numbers, or from closed forms worked out by hand in the comments.
"""

import contextlib
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_nn import layers
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error

FD_TOL = 1e-7  # centred differences against an analytic backward pass, in float64
RTOL, ATOL = 1e-10, 1e-12  # against torch.autograd on identical float64 inputs
SMALL = settings(max_examples=25, deadline=None)


def away_from_zero(rng, shape, low=0.1, high=2.0):
    """Random values with |z| in [low, high], both signs: no kink of relu within eps."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def tensor(a, grad=True):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


@contextlib.contextmanager
def strict():
    """Every warning is an error, and so is any numpy overflow, divide-by-zero or invalid
    operation (underflow to 0 is the intended behaviour of the stable forms, so it is allowed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


# --- finite differences -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3, 5), (1, 1, 1), (6, 2, 1)])
def test_affine_backward_matches_finite_differences(rng, shape):
    n, d, m = shape
    inputs = {
        "x": rng.standard_normal((n, d)),
        "w": rng.standard_normal((d, m)),
        "b": rng.standard_normal(m),
    }
    errors = check_layer_gradients(layers.affine_forward, layers.affine_backward, inputs, rng)
    assert set(errors) == {"x", "w", "b"}
    for name, err in errors.items():
        assert err < FD_TOL, (name, err)


@pytest.mark.parametrize(
    "forward, backward",
    [
        (layers.sigmoid_forward, layers.sigmoid_backward),
        (layers.tanh_forward, layers.tanh_backward),
        (layers.relu_forward, layers.relu_backward),
    ],
    ids=["sigmoid", "tanh", "relu"],
)
@pytest.mark.parametrize("shape", [(3, 4), (7,), (2, 3, 2)])
def test_activation_backward_matches_finite_differences(rng, forward, backward, shape):
    z = away_from_zero(rng, shape, 0.1, 3.0)
    errors = check_layer_gradients(forward, backward, {"z": z}, rng)
    assert errors["z"] < FD_TOL


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("n, c", [(5, 4), (1, 2), (8, 10)])
def test_softmax_cross_entropy_gradient_matches_finite_differences(rng, reduction, n, c):
    scores = 3 * rng.standard_normal((n, c))
    labels = rng.integers(0, c, size=n)
    loss, dscores = layers.softmax_cross_entropy(scores, labels, reduction)
    numeric = numerical_gradient(
        lambda s: layers.softmax_cross_entropy(s, labels, reduction)[0], scores
    )
    assert dscores.shape == scores.shape
    assert relative_error(dscores, numeric) < FD_TOL


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("n, k", [(5, 3), (1, 1), (4, 2)])
def test_squared_error_gradient_matches_finite_differences(rng, reduction, n, k):
    outputs = rng.standard_normal((n, k))
    targets = rng.standard_normal((n, k))
    numeric = numerical_gradient(
        lambda o: layers.squared_error(o, targets, reduction)[0], outputs
    )
    _, grad = layers.squared_error(outputs, targets, reduction)
    assert grad.shape == outputs.shape
    assert relative_error(grad, numeric) < FD_TOL


def test_squared_error_values_by_hand():
    # E = 1/2 ((1 - 0)^2 + (0 - 2)^2 + (3 - 3)^2 + (0.5 - 1.5)^2) = 1/2 (1 + 4 + 0 + 1) = 3
    o = np.array([[1.0, 0.0], [3.0, 0.5]])
    t = np.array([[0.0, 2.0], [3.0, 1.5]])
    loss, grad = layers.squared_error(o, t, "sum")
    assert loss == pytest.approx(3.0, rel=1e-15)
    np.testing.assert_allclose(grad, [[1.0, -2.0], [0.0, -1.0]], rtol=0, atol=1e-15)
    loss_mean, grad_mean = layers.squared_error(o, t, "mean")  # divided by N = 2 examples
    assert loss_mean == pytest.approx(1.5, rel=1e-15)
    np.testing.assert_allclose(grad_mean, [[0.5, -1.0], [0.0, -0.5]], rtol=0, atol=1e-15)


def test_cross_entropy_default_reduction_is_mean(rng):
    scores = rng.standard_normal((6, 3))
    labels = rng.integers(0, 3, size=6)
    loss_sum, grad_sum = layers.softmax_cross_entropy(scores, labels, "sum")
    loss_default, grad_default = layers.softmax_cross_entropy(scores, labels)
    assert loss_default == pytest.approx(loss_sum / 6, rel=1e-14)
    np.testing.assert_allclose(grad_default, grad_sum / 6, rtol=1e-14, atol=0)


def test_cross_entropy_value_by_hand():
    # scores (0, log 3): softmax = (1/4, 3/4); label 1 -> loss = -log(3/4)
    scores = np.array([[0.0, np.log(3.0)]])
    loss, grad = layers.softmax_cross_entropy(scores, np.array([1]), "sum")
    assert loss == pytest.approx(-np.log(0.75), rel=1e-14)
    np.testing.assert_allclose(grad, [[0.25, -0.25]], rtol=1e-14, atol=1e-15)


# --- torch.autograd ---------------------------------------------------------------------------


def test_affine_matches_torch(rng):
    x, w, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)
    dout = rng.standard_normal((5, 4))
    out, cache = layers.affine_forward(x, w, b)
    dx, dw, db = layers.affine_backward(dout, cache)

    xt, wt, bt = tensor(x), tensor(w), tensor(b)
    out_t = xt @ wt + bt
    out_t.backward(torch.from_numpy(dout))
    assert np.allclose(out, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert np.allclose(dx, xt.grad.numpy(), rtol=RTOL, atol=ATOL)
    assert np.allclose(dw, wt.grad.numpy(), rtol=RTOL, atol=ATOL)
    assert np.allclose(db, bt.grad.numpy(), rtol=RTOL, atol=ATOL)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape


@pytest.mark.parametrize(
    "forward, backward, torch_fn",
    [
        (layers.sigmoid_forward, layers.sigmoid_backward, torch.sigmoid),
        (layers.tanh_forward, layers.tanh_backward, torch.tanh),
        (layers.relu_forward, layers.relu_backward, torch.relu),
    ],
    ids=["sigmoid", "tanh", "relu"],
)
def test_activation_matches_torch(rng, forward, backward, torch_fn):
    z = away_from_zero(rng, (6, 5), 0.05, 6.0)
    dout = rng.standard_normal(z.shape)
    out, cache = forward(z)
    dz = backward(dout, cache)

    zt = tensor(z)
    out_t = torch_fn(zt)
    out_t.backward(torch.from_numpy(dout))
    assert np.allclose(out, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert np.allclose(dz, zt.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_relu_derivative_at_zero_is_zero_like_torch():
    z = np.array([[-1.0, 0.0, 2.0], [0.0, 0.0, -0.0]])
    dout = np.full(z.shape, 3.0)
    out, cache = layers.relu_forward(z)
    dz = layers.relu_backward(dout, cache)
    np.testing.assert_array_equal(dz, [[0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    zt = tensor(z)
    torch.relu(zt).backward(torch.from_numpy(dout))
    np.testing.assert_array_equal(dz, zt.grad.numpy())
    np.testing.assert_array_equal(out, [[0.0, 0.0, 2.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_softmax_cross_entropy_matches_torch(rng, reduction):
    scores = 4 * rng.standard_normal((7, 5))
    labels = rng.integers(0, 5, size=7)
    loss, dscores = layers.softmax_cross_entropy(scores, labels, reduction)

    st_ = tensor(scores)
    loss_t = F.cross_entropy(st_, torch.from_numpy(labels), reduction=reduction)
    loss_t.backward()
    assert isinstance(loss, float)
    assert np.allclose(loss, loss_t.item(), rtol=RTOL, atol=ATOL)
    assert np.allclose(dscores, st_.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_squared_error_matches_torch(rng, reduction):
    outputs, targets = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    loss, grad = layers.squared_error(outputs, targets, reduction)

    ot = tensor(outputs)
    loss_t = 0.5 * ((ot - torch.from_numpy(targets)) ** 2).sum()
    if reduction == "mean":
        loss_t = loss_t / len(outputs)  # per example, not per entry
    loss_t.backward()
    assert isinstance(loss, float)
    assert np.allclose(loss, loss_t.item(), rtol=RTOL, atol=ATOL)
    assert np.allclose(grad, ot.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_log_softmax_and_softmax_match_torch(rng):
    scores = 10 * rng.standard_normal((4, 6))
    st_ = torch.from_numpy(scores)
    assert np.allclose(layers.log_softmax(scores), torch.log_softmax(st_, 1).numpy(),
                       rtol=RTOL, atol=ATOL)
    assert np.allclose(layers.softmax(scores), torch.softmax(st_, 1).numpy(),
                       rtol=RTOL, atol=ATOL)


# --- extreme inputs ---------------------------------------------------------------------------

EXTREMES = np.array([[-1e4, -1e3, -750.0, -710.0, -40.0, 0.0, 40.0, 710.0, 750.0, 1e3, 1e4]])


def test_sigmoid_extremes_exact_and_warning_free():
    with strict():
        out, cache = layers.sigmoid_forward(EXTREMES)
        grad = layers.sigmoid_backward(np.ones_like(EXTREMES), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
    assert np.all((out >= 0) & (out <= 1))
    assert layers.sigmoid(1e4) == 1.0
    assert 0.0 <= layers.sigmoid(-1e4) <= 1e-300
    assert layers.sigmoid(0.0) == 0.5
    # saturated: the derivative o (1 - o) underflows to (at most) a denormal-sized value
    assert np.all(np.abs(grad[0, [0, 1, -2, -1]]) <= 1e-300)
    assert np.all(np.diff(out[0]) >= 0)  # monotone


def test_sigmoid_equals_textbook_form_in_moderate_range():
    z = np.linspace(-30, 30, 241)
    expected = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(layers.sigmoid(z), expected, rtol=1e-13, atol=0)
    # symmetry sigma(-z) = 1 - sigma(z)
    np.testing.assert_allclose(layers.sigmoid(-z), 1 - expected, rtol=1e-12, atol=1e-15)


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
@SMALL
def test_sigmoid_any_finite_input_is_in_unit_interval(z):
    with strict():
        out = layers.sigmoid(z)
    assert out.shape == z.shape
    assert np.all((out >= 0) & (out <= 1))


def test_tanh_extremes():
    with strict():
        out, cache = layers.tanh_forward(EXTREMES)
        grad = layers.tanh_backward(np.ones_like(EXTREMES), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
    assert out[0, 0] == -1.0 and out[0, -1] == 1.0
    assert grad[0, 0] == 0.0 and grad[0, -1] == 0.0
    assert out[0, 5] == 0.0 and grad[0, 5] == 1.0


def test_relu_extremes():
    with strict():
        out, cache = layers.relu_forward(EXTREMES)
        grad = layers.relu_backward(np.full_like(EXTREMES, 2.0), cache)
    np.testing.assert_array_equal(out, np.maximum(EXTREMES, 0))
    np.testing.assert_array_equal(grad, np.where(EXTREMES > 0, 2.0, 0.0))


def test_log_softmax_and_softmax_extremes():
    scores = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, 1e4], [-1e4, -1e4, -1e4], [1e4, -1e4, 0]])
    with strict():
        log_p = layers.log_softmax(scores)
        p = layers.softmax(scores)
    assert np.all(np.isfinite(log_p)) and np.all(np.isfinite(p))
    # row 0: log-sum-exp = 1e4 + log(1 + e^-1e4 + e^-2e4) = 1e4 in float64
    np.testing.assert_allclose(log_p[0], [-2e4, -1e4, 0.0], rtol=1e-15, atol=0)
    np.testing.assert_allclose(p[0], [0.0, 0.0, 1.0], rtol=0, atol=1e-300)
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-14)
    np.testing.assert_allclose(p[2], [1 / 3] * 3, rtol=1e-14)
    np.testing.assert_allclose(log_p[1], [-np.log(3)] * 3, rtol=1e-14)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-14)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(2, 6)),
        elements=st.floats(-1e4, 1e4),
    ),
    st.floats(-1e3, 1e3),
)
@SMALL
def test_softmax_rows_sum_to_one_and_shift_invariant(scores, shift):
    with strict():
        p = layers.softmax(scores)
        log_p = layers.log_softmax(scores)
        p_shifted = layers.softmax(scores + shift)
    assert np.all(np.isfinite(log_p)) and np.all(log_p <= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p_shifted, p, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_cross_entropy_extremes(reduction):
    scores = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, -1e4], [-1e4, 0.0, 1e4]])
    labels = np.array([0, 0, 1])
    with strict():
        loss, grad = layers.softmax_cross_entropy(scores, labels, "sum")
    # example 0: correct huge score -> loss ~0; example 1: wrong score 1e4 above the right one
    # -> loss ~1e4; example 2: right class 1e4 below the best -> loss ~1e4. Total 2e4.
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert loss == pytest.approx(2e4, rel=1e-12)
    np.testing.assert_allclose(grad, [[0, 0, 0], [-1, 1, 0], [0, -1, 1]], rtol=0, atol=1e-12)

    with strict():
        loss_one, _ = layers.softmax_cross_entropy(scores[:1], labels[:1], reduction)
        loss_wrong, _ = layers.softmax_cross_entropy(scores[1:2], labels[1:2], reduction)
    assert 0.0 <= loss_one <= 1e-300
    assert loss_wrong == pytest.approx(1e4, rel=1e-12)


@given(
    arrays(np.float64, st.tuples(st.integers(1, 4), st.just(3)), elements=st.floats(-1e4, 1e4)),
    st.data(),
)
@SMALL
def test_cross_entropy_finite_for_any_scores(scores, data):
    labels = np.array(data.draw(st.lists(st.integers(0, 2), min_size=len(scores),
                                         max_size=len(scores))))
    with strict():
        loss, grad = layers.softmax_cross_entropy(scores, labels, "sum")
    assert np.isfinite(loss) and loss >= 0
    assert np.all(np.isfinite(grad))
    # each row of softmax - onehot sums to 0 and lies in [-1, 1]
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)
    assert np.all(np.abs(grad) <= 1 + 1e-12)


# --- bad input --------------------------------------------------------------------------------


@pytest.fixture
def xwb(rng):
    return rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)


@pytest.mark.parametrize(
    "which, value, error, match",
    [
        ("w", np.zeros((4, 2)), ValueError, r"w must have shape \(D, M\) with D=3"),
        ("w", np.zeros(3), ValueError, "w must be a 2-D array"),
        ("w", np.zeros((3, 2), dtype=int), TypeError, "w must be a float"),
        ("b", np.zeros(3), ValueError, r"b must have shape \(M,\) with M=2"),
        ("b", np.zeros((1, 2)), ValueError, r"b must have shape \(M,\)"),
        ("b", np.zeros(()), ValueError, r"b must have shape \(M,\)"),
        ("x", np.zeros(3), ValueError, "x must be a 2-D array"),
        ("x", np.zeros((2, 3, 1)), ValueError, "x must be a 2-D array"),
        ("x", np.zeros((4, 3), dtype=np.int64), TypeError, "x must be a float array"),
        ("x", [[1.0, 2.0, 3.0]], TypeError, "x must be a 2-D array"),  # lists are refused
        ("x", None, TypeError, r"x must be a 2-D array of shape \(N, D\).*got None"),
        ("b", [0.0, 0.0], TypeError, "b must be an array"),
    ],
)
def test_affine_forward_rejects_bad_input(xwb, which, value, error, match):
    args = dict(zip("xwb", xwb, strict=True))
    args[which] = value
    with pytest.raises(error, match=match):
        layers.affine_forward(args["x"], args["w"], args["b"])


def test_affine_backward_rejects_wrong_dout(xwb):
    _, cache = layers.affine_forward(*xwb)
    with pytest.raises(ValueError, match=r"dout must have shape \(N, M\) = \(4, 2\)"):
        layers.affine_backward(np.zeros((4, 3)), cache)


@pytest.mark.parametrize(
    "labels, error, match",
    [
        (np.array([0, 1, 10]), ValueError, r"labels must lie in \[0, 9\] for 10 classes"),
        (np.array([0, -1, 2]), ValueError, r"labels must lie in \[0, 9\]"),
        (np.array([0.0, 1.0, 2.0]), TypeError, "labels must be integers"),
        (np.array([True, False, True]), TypeError, "labels must be integers"),
        (np.array([[0], [1], [2]]), ValueError, r"labels must have shape \(N,\) with N=3"),
        (np.array([0, 1]), ValueError, r"labels must have shape \(N,\) with N=3"),
    ],
)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_cross_entropy_rejects_bad_labels(rng, labels, error, match, reduction):
    scores = rng.standard_normal((3, 10))
    with pytest.raises(error, match=match):
        layers.softmax_cross_entropy(scores, labels, reduction)


@pytest.mark.parametrize(
    "scores, error, match",
    [
        (np.zeros(3), ValueError, "scores must be a 2-D array"),
        (np.zeros((3, 2), dtype=int), TypeError, "scores must be a float"),
    ],
)
def test_cross_entropy_rejects_bad_scores(scores, error, match):
    with pytest.raises(error, match=match):
        layers.softmax_cross_entropy(scores, np.array([0, 1, 0]))


def test_squared_error_rejects_mismatched_targets(rng):
    outputs = rng.standard_normal((4, 1))
    for targets in (np.zeros(4), np.zeros((4, 2)), np.zeros((1, 1)), np.zeros((1, 4))):
        with pytest.raises(ValueError, match=r"targets must have shape \(4, 1\)"):
            layers.squared_error(outputs, targets)
    with pytest.raises(ValueError, match="outputs must be a 2-D array"):
        layers.squared_error(np.zeros(4), np.zeros(4))


@pytest.mark.parametrize("reduction", ["avg", "Sum", "", None, "none"])
def test_unknown_reduction_raises(rng, reduction):
    scores = rng.standard_normal((2, 3))
    with pytest.raises(ValueError, match="reduction must be one of"):
        layers.softmax_cross_entropy(scores, np.array([0, 2]), reduction)
    with pytest.raises(ValueError, match="reduction must be one of"):
        layers.squared_error(scores, np.zeros((2, 3)), reduction)
