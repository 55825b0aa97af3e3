"""Argument checks that fail early and say what was expected and what came.

Every public function in ``course_nn`` validates its inputs with these helpers, so a wrong shape
raises ``ValueError: y must have shape (N,) with N=150 matching X, got (150, 1)`` instead of
broadcasting silently into a wrong answer. Messages name the argument as the caller wrote it,
say what was expected and what came. ``TypeError`` means the wrong kind of thing (None, a
string, a list where an array is required, a float where an int is); ``ValueError`` the right
kind with a wrong value (shape, range, NaN).

Two costs: ``as_float_array`` converts and scans every entry (for data, once, where they enter,
e.g. in ``fit``); ``check_array`` and ``check_real_array`` are O(1) checks of type, rank and
dtype, cheap enough for kernels that run in every training step.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence

import numpy as np


def as_float_array(
    value,
    name: str,
    *,
    ndim: int | None = None,
    allow_empty: bool = False,
    allow_nonfinite: bool = False,
) -> np.ndarray:
    """Convert ``value`` to a float64 array, checking its type, rank, size and finiteness.

    Raises ``TypeError`` for non-numeric input (strings, objects, complex numbers) and
    ``ValueError`` for the wrong number of dimensions, an empty array or NaN/inf entries.
    """
    array = _as_real(value, name)
    array = array.astype(np.float64, copy=False)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got {array.ndim}-D with shape {array.shape}"
        )
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not allow_nonfinite and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite entries")
    return array


def describe(value) -> str:
    """A short description of ``value`` for error messages: ``None``, ``list``, ``str '1.5'``,
    ``ndarray of shape (3, 2) and dtype int64``."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, str | bytes | numbers.Number):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__


def _as_real(value, name: str) -> np.ndarray:
    """``np.asarray(value)`` if that is a real (bool, integer or float) array, else TypeError."""
    if value is None or isinstance(value, str | bytes):
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:  # ragged nested lists, objects NumPy cannot read
        raise ValueError(f"{name} must be a rectangular numeric array, got {describe(value)} "
                         f"that NumPy cannot convert ({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be a real numeric array, got {type(value).__name__} "
            f"with dtype {array.dtype}"
        )
    return array


def check_real_array(value, name: str) -> np.ndarray:
    """O(1) check for element-wise kernels: a real array of any shape, converted from a list or
    number deliberately (like a NumPy ufunc), as float64; None, strings and objects are refused.

    Entries are not scanned (no NaN check): use ``as_float_array`` where data enter.
    """
    return _as_real(value, name).astype(np.float64, copy=False)


def check_array(value, name: str, *, ndim: int | None = None, shape_hint: str = "") -> np.ndarray:
    """O(1) check for kernels: ``value`` must already be a float NumPy array with ``ndim`` axes.

    Lists, None and integer arrays are refused (``TypeError``) rather than converted: a kernel
    is called in every training step, on arrays the caller made. ``shape_hint`` (e.g.
    ``"(N, D)"``) is shown in the message for the wrong number of axes.
    """
    if not isinstance(value, np.ndarray):
        what = f"a {ndim}-D array" if ndim is not None else "an array"
        shape = f" of shape {shape_hint}" if shape_hint else ""
        raise TypeError(
            f"{name} must be {what}{shape} (a NumPy float array), got {describe(value)}"
        )
    if ndim is not None and value.ndim != ndim:
        shape = f"of shape {shape_hint} " if shape_hint else ""
        raise ValueError(f"{name} must be a {ndim}-D array {shape}got shape {value.shape}")
    if value.dtype.kind != "f":
        raise TypeError(f"{name} must be a float array, got dtype {value.dtype}")
    return value


def check_bool(value, name: str) -> bool:
    """Check that ``value`` is a bool (``True``/``False``, or a NumPy bool), not "yes" or 1."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_shape(array: np.ndarray, name: str, expected: Sequence[int | None]) -> None:
    """Check ``array.shape`` against ``expected``, where ``None`` matches any length."""
    shape = np.shape(array)
    ok = len(shape) == len(expected) and all(
        want is None or want == got for want, got in zip(expected, shape, strict=False)
    )
    if not ok:
        pretty = "(" + ", ".join("any" if d is None else str(d) for d in expected)
        pretty += ",)" if len(expected) == 1 else ")"
        raise ValueError(f"{name} must have shape {pretty}, got {shape}")


def check_targets(y, name: str, n_rows: int, x_name: str = "X") -> np.ndarray:
    """Check that ``y`` is a 1-D float vector with one entry per row of ``X``."""
    array = as_float_array(y, name, allow_empty=True)
    if array.shape != (n_rows,):
        raise ValueError(
            f"{name} must have shape (N,) with N={n_rows} matching {x_name}, got {array.shape}"
        )
    return array


def check_values_in(array: np.ndarray, name: str, allowed: Iterable[float]) -> None:
    """Check that every entry of ``array`` is one of ``allowed`` (e.g. targets in {0, 1})."""
    allowed = sorted(set(allowed))
    found = np.unique(array)
    extra = [v for v in found.tolist() if v not in allowed]
    if extra:
        shown = ", ".join(f"{v:g}" for v in extra[:5])
        wanted = ", ".join(f"{v:g}" for v in allowed)
        raise ValueError(f"{name} must contain only {{{wanted}}}, got also {shown}")


def check_option(value, name: str, options: Iterable[str]) -> str:
    """Check that ``value`` is one of the named ``options`` and return it."""
    options = list(options)
    if not isinstance(value, Hashable) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Check that ``value`` is an integer (not a bool), at least ``minimum`` if given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """Check that ``value`` is a finite real number > 0 (or >= 0 with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value}")
    return value


def check_fraction(value, name: str, *, low_open: bool = True, high_open: bool = True) -> float:
    """Check that ``value`` lies in the interval (0, 1), with closed ends on request."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (np.isfinite(value) and low_ok and high_ok):
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    return value


def check_generator(rng, name: str = "rng") -> np.random.Generator:
    """Check that ``rng`` is an ``np.random.Generator`` (never a seed or the global state)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (make one with course_nn.seed), "
            f"got {type(rng).__name__}"
        )
    return rng


def check_inputs_and_weights(X, weights) -> tuple[np.ndarray, np.ndarray]:
    """One unit's inputs and weights: X (N, n) or a single example (n,) -> (N, n); weights (n,)."""
    X = as_float_array(X, "X")
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, n) or (n,), got {X.shape}")
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(
            f"weights must have shape (n,) with n={X.shape[1]} matching X, got {w.shape}"
        )
    return X, w
