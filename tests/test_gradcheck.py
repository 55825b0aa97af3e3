"""course_nn.gradcheck: centred differences, the relative error, and the layer checker."""

import numpy as np
import pytest

from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error

# --- numerical_gradient -----------------------------------------------------------------------


def test_gradient_of_sum_of_cubes(rng):
    x = rng.standard_normal(7)
    numeric = numerical_gradient(lambda v: np.sum(v**3), x)
    assert relative_error(numeric, 3 * x**2) < 1e-8


def test_gradient_of_nonsymmetric_quadratic_form(rng):
    A = rng.standard_normal((5, 5))
    assert not np.allclose(A, A.T)
    x = rng.standard_normal(5)
    numeric = numerical_gradient(lambda v: v @ A @ v, x)
    assert relative_error(numeric, (A + A.T) @ x) < 1e-8
    # and not the naive 2 A x, which is only right for symmetric A
    assert relative_error(numeric, 2 * A @ x) > 1e-2


def test_gradient_keeps_the_input_shape(rng):
    X = rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda M: np.sum(np.sin(M)), X)
    assert numeric.shape == X.shape
    assert relative_error(numeric, np.cos(X)) < 1e-8


def test_gradient_does_not_modify_input(rng):
    x = rng.standard_normal((2, 3))
    copy = x.copy()
    seen = []

    def f(v):
        seen.append(v is x)
        return float(np.sum(v**2))

    numerical_gradient(f, x)
    np.testing.assert_array_equal(x, copy)
    assert not any(seen)  # f is never handed the caller's array to perturb


def test_gradient_accepts_integer_input():
    # float64 working copy: an int array must not truncate x + eps back to x.
    numeric = numerical_gradient(lambda v: np.sum(v**2), np.array([1, 2, 3]))
    assert relative_error(numeric, [2.0, 4.0, 6.0]) < 1e-8


@pytest.mark.parametrize("eps", [0, -1e-6])
def test_gradient_rejects_non_positive_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(np.sum, np.ones(2), eps=eps)


def test_gradient_rejects_nan_input():
    with pytest.raises(ValueError, match="x must be finite"):
        numerical_gradient(np.sum, np.array([1.0, np.nan]))


# --- relative_error ---------------------------------------------------------------------------


def test_relative_error_zero_for_equal(rng):
    a = rng.standard_normal(10)
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_relative_error_is_symmetric(rng):
    a, b = rng.standard_normal(10), rng.standard_normal(10)
    assert relative_error(a, b) == relative_error(b, a)


def test_relative_error_matches_its_definition(rng):
    a, b = rng.standard_normal(6), rng.standard_normal(6)
    expected = np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
    assert relative_error(a, b) == pytest.approx(expected, rel=1e-14)


def test_relative_error_about_one_for_unrelated():
    a = np.array([1.0, 0.0])
    assert relative_error(a, -a) == pytest.approx(1.0)
    # orthogonal unit vectors: sqrt(2) / 2
    assert relative_error(a, np.array([0.0, 1.0])) == pytest.approx(np.sqrt(2) / 2)


def test_relative_error_rejects_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape, got \(3,\) and \(3, 1\)"):
        relative_error(np.zeros(3), np.zeros((3, 1)))


@pytest.mark.parametrize("scale", [1e300, 1e160, 1e-160, 1e-300, 1e-310])
def test_relative_error_is_scale_safe(rng, scale):
    # Vectors that differ by 1%: squaring entries near 1e160 overflows and near 1e-160
    # underflows, so unscaled norms gave NaN and 0. The error must not depend on the scale.
    a = rng.standard_normal(8)
    b = a * 1.01
    expected = relative_error(a, b)
    assert expected == pytest.approx(0.01 / 2.01, rel=1e-12)
    assert relative_error(a * scale, b * scale) == pytest.approx(expected, rel=1e-6)


def test_relative_error_scaling_is_exact_in_the_normal_range(rng):
    # Dividing by a power of two changes no bit: same result as the plain formula.
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    plain = np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
    assert relative_error(a, b) == plain


def test_relative_error_of_nonfinite_is_nan_without_warnings():
    assert np.isnan(relative_error(np.array([1.0, np.nan]), np.ones(2)))
    assert np.isnan(relative_error(np.array([np.inf, 1.0]), np.ones(2)))


# --- check_layer_gradients --------------------------------------------------------------------


def affine_forward(x, w, b):
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def affine_backward_dict(dout, cache):
    dx, dw, db = affine_backward(dout, cache)
    return {"b": db, "x": dx, "w": dw}  # order does not matter for a dict


def affine_backward_dw_doubled(dout, cache):
    dx, dw, db = affine_backward(dout, cache)
    return dx, 2 * dw, db


def affine_backward_dw_transposed(dout, cache):
    # A classic slip: (x.T @ dout).T instead of x.T @ dout. With a square w the shapes agree,
    # so only the values can tell.
    x, w = cache
    return dout @ w.T, (x.T @ dout).T, dout.sum(axis=0)


@pytest.fixture
def affine_inputs(rng):
    return {
        "x": rng.standard_normal((4, 3)),
        "w": rng.standard_normal((3, 3)),
        "b": rng.standard_normal(3),
    }


@pytest.mark.parametrize("backward", [affine_backward, affine_backward_dict])
def test_correct_affine_layer_passes(backward, affine_inputs, rng):
    errors = check_layer_gradients(affine_forward, backward, affine_inputs, rng)
    assert set(errors) == {"x", "w", "b"}
    for name, err in errors.items():
        assert err < 1e-8, (name, err)


def test_check_layer_gradients_does_not_modify_inputs(affine_inputs, rng):
    copies = {k: v.copy() for k, v in affine_inputs.items()}
    check_layer_gradients(affine_forward, affine_backward, affine_inputs, rng)
    for k in copies:
        np.testing.assert_array_equal(affine_inputs[k], copies[k])


def test_missing_factor_is_caught_only_for_that_input(affine_inputs, rng):
    errors = check_layer_gradients(
        affine_forward, affine_backward_dw_doubled, affine_inputs, rng
    )
    # ||2g - g|| / (||2g|| + ||g||) = 1/3 exactly in exact arithmetic
    assert errors["w"] == pytest.approx(1 / 3, rel=1e-6)
    assert errors["x"] < 1e-8 and errors["b"] < 1e-8


def test_transposed_dw_gives_large_error(affine_inputs, rng):
    errors = check_layer_gradients(
        affine_forward, affine_backward_dw_transposed, affine_inputs, rng
    )
    assert errors["w"] > 1e-2
    assert errors["x"] < 1e-8


def test_transposed_dx_is_caught(rng):
    # Square shapes let a transposed gradient through the shape check; the values must not.
    inputs = {"x": rng.standard_normal((3, 3)), "w": rng.standard_normal((3, 3)),
              "b": rng.standard_normal(3)}

    def backward(dout, cache):
        dx, dw, db = affine_backward(dout, cache)
        return dx.T, dw, db

    errors = check_layer_gradients(affine_forward, backward, inputs, rng)
    assert errors["x"] > 1e-2
    assert errors["w"] < 1e-8


def test_elementwise_layer_single_gradient(rng):
    # A one-input layer may return its gradient bare, not in a tuple.
    def forward(x):
        return np.tanh(x), x

    def backward(dout, cache):
        return dout * (1 - np.tanh(cache) ** 2)

    errors = check_layer_gradients(forward, backward, {"x": rng.standard_normal((2, 5))}, rng)
    assert errors["x"] < 1e-8


@pytest.mark.parametrize("count", [2, 4])
def test_wrong_number_of_gradients_raises(affine_inputs, rng, count):
    def backward(dout, cache):
        grads = affine_backward(dout, cache)
        return (grads + grads)[:count]

    with pytest.raises(ValueError, match=f"backward must return 3 gradients.*got {count}"):
        check_layer_gradients(affine_forward, backward, affine_inputs, rng)


def test_check_layer_gradients_needs_a_generator(affine_inputs):
    with pytest.raises(TypeError, match="rng"):
        check_layer_gradients(affine_forward, affine_backward, affine_inputs, 0)
