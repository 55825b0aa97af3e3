"""Gradient checking: centred finite differences, a relative error, and a layer checker.

Every backward pass in ``course_nn`` is tested with these functions (in float64), and the
notebooks use them to show the reader that a derivation is right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from course_nn.validation import as_float_array, check_generator, check_positive


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Centred finite-difference gradient of a scalar function ``f`` at ``x``.

    ``df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``; the error is O(eps^2), against
    O(eps) for a one-sided difference. ``x`` (any shape) is not modified.

    Returns an array of ``x``'s shape.
    """
    check_positive(eps, "eps")
    point = as_float_array(x, "x").copy()
    grad = np.zeros_like(point)
    flat_point, flat_grad = point.reshape(-1), grad.reshape(-1)
    for i in range(flat_point.size):
        original = flat_point[i]
        flat_point[i] = original + eps
        f_plus = float(f(point))
        flat_point[i] = original - eps
        f_minus = float(f(point))
        flat_point[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / max(||a|| + ||b||, 1e-300)``: 0 when equal, about 1 when unrelated.

    A norm-based error (rather than the largest entry-wise one) does not blow up on entries
    that are zero in both, which gradients often have. In float64 a correct backward pass
    gives about 1e-9 or less against centred differences.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denominator = max(float(np.linalg.norm(a) + np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(a - b) / denominator)


def check_layer_gradients(
    forward: Callable,
    backward: Callable,
    inputs: Mapping[str, np.ndarray],
    rng: np.random.Generator,
    eps: float = 1e-6,
) -> dict[str, float]:
    """Compare a layer's backward pass with centred finite differences.

    The layer follows the course's convention: ``out, cache = forward(**inputs)`` and
    ``grads = backward(dout, cache)``, where ``grads`` is a tuple in the order of ``inputs``
    (or a dict keyed by input name). A random upstream gradient ``dout`` turns the layer into
    the scalar ``sum(out * dout)``, whose gradient with respect to each input is exactly what
    ``backward`` must return.

    Returns ``{input name: relative error}``.
    """
    check_generator(rng)
    values = {name: as_float_array(v, name).copy() for name, v in inputs.items()}
    out, cache = forward(**values)
    dout = rng.standard_normal(np.shape(out))
    analytic = backward(dout, cache)
    if not isinstance(analytic, Mapping):
        if not isinstance(analytic, tuple):
            analytic = (analytic,)
        if len(analytic) != len(values):
            raise ValueError(
                f"backward must return {len(values)} gradients (one per input "
                f"{list(values)}), got {len(analytic)}"
            )
        analytic = dict(zip(values, analytic, strict=True))

    errors = {}
    for name in values:
        def scalar(point, name=name):
            trial = dict(values, **{name: point})
            return float(np.sum(forward(**trial)[0] * dout))

        numeric = numerical_gradient(scalar, values[name], eps=eps)
        errors[name] = relative_error(analytic[name], numeric)
    return errors
