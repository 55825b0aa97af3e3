"""Gradient checking: centred finite differences, a relative error, and a layer checker.

Every backward pass in ``course_nn`` is tested with these functions (in float64), and the
notebooks use them to show the reader that a derivation is right.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

import numpy as np

from course_nn.validation import as_float_array, check_generator, check_positive, describe


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Centred finite-difference gradient of a scalar function ``f`` at ``x``.

    ``df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``; the error is O(eps^2), against
    O(eps) for a one-sided difference. ``x`` (any shape) is not modified.

    Returns an array of ``x``'s shape.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array returning a number, got {describe(f)}")
    check_positive(eps, "eps")
    point = as_float_array(x, "x").copy()
    grad = np.zeros_like(point)
    flat_point, flat_grad = point.reshape(-1), grad.reshape(-1)
    for i in range(flat_point.size):
        original = flat_point[i]
        flat_point[i] = original + eps
        f_plus = _scalar(f(point))
        flat_point[i] = original - eps
        f_minus = _scalar(f(point))
        flat_point[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value) -> float:
    """f's value as a float; f must return one real number (a 0-d or size-1 array is fine)."""
    array = None if isinstance(value, str | bytes) else np.asarray(value)
    if array is None or array.dtype.kind not in "iuf" or array.size != 1:
        raise TypeError(f"f must return a single real number, got {describe(value)}")
    return float(array.reshape(()))


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)``: 0 when equal (also when both are 0), about 1 when
    unrelated, NaN when either holds NaN or infinity.

    A norm-based error (rather than the largest entry-wise one) does not blow up on entries
    that are zero in both, which gradients often have. In float64 a correct backward pass
    gives about 1e-9 or less against centred differences.

    Scale-safe: both arrays are first divided by the power of two nearest their largest
    entry, so the squares inside the norms neither overflow (entries near 1e300) nor underflow
    (near 1e-300). Dividing by a power of two is exact, so the result does not change.
    """
    a = as_float_array(a, "a", allow_nonfinite=True)
    b = as_float_array(b, "b", allow_nonfinite=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    largest = max(np.max(np.abs(a)), np.max(np.abs(b)))
    if not np.isfinite(largest):
        return float("nan")
    if largest == 0:
        return 0.0
    _, exponent = np.frexp(largest)  # largest = m 2^exponent with 0.5 <= m < 1
    a, b = np.ldexp(a, -exponent), np.ldexp(b, -exponent)
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


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
    for name, fn in (("forward", forward), ("backward", backward)):
        if not callable(fn):
            raise TypeError(f"{name} must be a function, got {describe(fn)}")
    if not isinstance(inputs, Mapping):
        raise TypeError(f"inputs must be a dict of arrays by name, got {describe(inputs)}")
    if not inputs:
        raise ValueError("inputs must name at least one array, got an empty dict")
    check_generator(rng)
    check_positive(eps, "eps")
    values = {name: as_float_array(v, f"inputs[{name!r}]").copy() for name, v in inputs.items()}
    try:
        signature = inspect.signature(forward)
    except (TypeError, ValueError):  # some builtins have none; forward will tell
        signature = None
    if signature is not None:
        try:
            signature.bind(**values)
        except TypeError as error:
            raise TypeError(
                f"inputs must name forward's arguments, got {list(values)} ({error})"
            ) from None
    result = forward(**values)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"forward must return (out, cache), got {describe(result)}")
    out, cache = result
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
    elif set(analytic) != set(values):
        raise ValueError(f"backward must return gradients for {list(values)}, got {list(analytic)}")
    for name, value in values.items():
        if np.shape(analytic[name]) != value.shape:
            raise ValueError(
                f"backward's gradient for {name!r} must have shape {value.shape} like the input, "
                f"got {describe(analytic[name])}"
            )

    errors = {}
    for name in values:
        def scalar(point, name=name):
            trial = dict(values, **{name: point})
            return float(np.sum(forward(**trial)[0] * dout))

        numeric = numerical_gradient(scalar, values[name], eps=eps)
        errors[name] = relative_error(analytic[name], numeric)
    return errors
