"""Reusable helpers for malformed-call tests (see CONTRIBUTING.md, "Validating at the boundary").

Import from any test file (``tests/`` is on the path): ``from malformed import ...``.

``assert_clear_error(call, exc_types, arg_name)``
    Call ``call()`` (no arguments: wrap the malformed call in a lambda) and assert that it
    raises one of ``exc_types`` (default ``(ValueError, TypeError)``) whose message names
    ``arg_name`` as a whole word (``"X"`` is not found in ``"X_val"``). Returns the exception.
    Also counts the call in ``CALLS`` (a ``collections.Counter`` by ``arg_name``).

Hypothesis strategies of wrong values (each a ``hypothesis.strategies`` strategy):

``not_arrays()``
    None, strings (including numeric ones such as ``"1.5"``), dicts, plain objects: never an
    array. Lists are *not* included: some functions convert lists deliberately.
``non_numbers()``
    What a number argument must refuse: None, strings, bools, lists, complex numbers.
``wrong_ndim(ndim)``
    Float arrays whose number of axes is anything but ``ndim`` (0 to 3 axes, small sizes).
``with_nonfinite(shape)``
    Float arrays of ``shape`` holding at least one NaN, inf or -inf.
``bad_options(options)``
    Strings (and None) that are not among ``options``.

Example::

    from hypothesis import given, settings
    from malformed import assert_clear_error, wrong_ndim

    @settings(max_examples=20, deadline=None)
    @given(X=wrong_ndim(2))
    def test_predict_refuses_X_of_wrong_rank(X):
        assert_clear_error(lambda: predict(model, X), ValueError, "X")
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = [
    "CALLS",
    "assert_clear_error",
    "bad_options",
    "non_numbers",
    "not_arrays",
    "with_nonfinite",
    "wrong_ndim",
]

#: Malformed calls made through ``assert_clear_error`` in this process, by argument name.
CALLS: Counter[str] = Counter()


def assert_clear_error(call, exc_types=(ValueError, TypeError), arg_name: str = "") -> Exception:
    """Assert that ``call()`` raises one of ``exc_types`` naming ``arg_name``; return the error."""
    CALLS[arg_name] += 1
    if isinstance(exc_types, type):
        exc_types = (exc_types,)
    try:
        call()
    except exc_types as error:
        message = str(error)
        if arg_name:
            pattern = rf"(?<![\w.]){re.escape(arg_name)}(?!\w)"
            assert re.search(pattern, message), (
                f"{type(error).__name__} does not name {arg_name!r}: {message!r}"
            )
        return error
    except Exception as error:  # noqa: BLE001 - the point is to report what else came
        raise AssertionError(
            f"expected {' or '.join(e.__name__ for e in exc_types)} naming {arg_name!r}, got "
            f"{type(error).__name__}: {error}"
        ) from error
    raise AssertionError(
        f"expected {' or '.join(e.__name__ for e in exc_types)} naming {arg_name!r}, "
        "but the call returned normally"
    )


def not_arrays() -> st.SearchStrategy:
    """None, strings (numeric-looking too), dicts and plain objects."""
    return st.one_of(
        st.none(),
        st.text(max_size=5),
        st.sampled_from(["1.5", "0", "nan", b"1"]),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.builds(object),
    )


def non_numbers() -> st.SearchStrategy:
    """Values a real-number argument must refuse with a TypeError."""
    return st.one_of(
        st.none(),
        st.text(max_size=5),
        st.sampled_from(["0.1", "1"]),
        st.booleans(),
        st.lists(st.floats(0.1, 1.0), min_size=1, max_size=2),
        st.complex_numbers(allow_nan=False, allow_infinity=False, min_magnitude=0.1),
    )


def wrong_ndim(ndim: int) -> st.SearchStrategy:
    """Finite float arrays with any number of axes from 0 to 3 except ``ndim``."""
    ranks = [r for r in range(4) if r != ndim]
    return st.sampled_from(ranks).flatmap(
        lambda r: hnp.arrays(
            np.float64, hnp.array_shapes(min_dims=r, max_dims=r, min_side=1, max_side=3),
            elements=st.floats(-10, 10),
        )
    )


def with_nonfinite(shape: tuple[int, ...]) -> st.SearchStrategy:
    """Float arrays of ``shape`` with at least one NaN, inf or -inf entry."""
    size = int(np.prod(shape))

    def poison(args):
        values, index, bad = args
        values = values.copy()
        values.flat[index] = bad
        return values

    return st.tuples(
        hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)),
        st.integers(0, size - 1),
        st.sampled_from([np.nan, np.inf, -np.inf]),
    ).map(poison)


def bad_options(options) -> st.SearchStrategy:
    """Strings (and None) that are not one of ``options``."""
    options = set(options)
    return st.one_of(st.none(), st.text(max_size=8)).filter(lambda s: s not in options)
