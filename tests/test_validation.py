"""course_nn.validation: every helper fails early, naming the argument, what it wanted and got."""

import re

import numpy as np
import pytest

from course_nn.validation import (
    as_float_array,
    check_fraction,
    check_generator,
    check_int,
    check_option,
    check_positive,
    check_shape,
    check_targets,
    check_values_in,
)

# --- as_float_array ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [[1, 2, 3], (1.5, 2.5), np.arange(4, dtype=np.int32), np.array([True, False]), 3],
)
def test_as_float_array_converts_to_float64(value):
    out = as_float_array(value, "a")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.asarray(value, dtype=np.float64))


def test_as_float_array_bool_becomes_zero_one():
    np.testing.assert_array_equal(as_float_array([True, False, True], "a"), [1.0, 0.0, 1.0])


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ("abc", "str"),
        (b"abc", "bytes"),
        (["a", "b"], "<U1"),
        (np.array([1, None], dtype=object), "object"),
        (np.array([1 + 2j, 3]), "complex128"),
        ([1j], "complex128"),
    ],
)
def test_as_float_array_rejects_non_real_input(value, got):
    with pytest.raises(TypeError, match="weights") as info:
        as_float_array(value, "weights")
    assert got in str(info.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_as_float_array_rejects_nonfinite_counting_them(bad):
    with pytest.raises(ValueError, match=r"X must be finite, got 2 NaN or infinite entries"):
        as_float_array([[1.0, bad], [bad, 2.0]], "X")


def test_as_float_array_allows_nonfinite_on_request():
    out = as_float_array([1.0, np.nan], "X", allow_nonfinite=True)
    assert np.isnan(out[1])


def test_as_float_array_rejects_empty_unless_allowed():
    with pytest.raises(ValueError, match=r"X must not be empty, got shape \(0, 3\)"):
        as_float_array(np.zeros((0, 3)), "X")
    assert as_float_array([], "X", allow_empty=True).shape == (0,)


def test_as_float_array_checks_ndim_with_expected_and_got():
    with pytest.raises(ValueError, match=r"X must be a 2-D array, got 1-D with shape \(3,\)"):
        as_float_array([1, 2, 3], "X", ndim=2)
    assert as_float_array(2.0, "s", ndim=0).shape == ()


def test_as_float_array_does_not_alias_integer_input():
    source = np.array([1, 2, 3])
    out = as_float_array(source, "a")
    out[0] = 99
    assert source[0] == 1


# --- check_shape ------------------------------------------------------------------------------


def test_check_shape_accepts_wildcards():
    check_shape(np.zeros((5, 3)), "X", (None, 3))
    check_shape(np.zeros(4), "v", (4,))


@pytest.mark.parametrize(
    ("array", "expected", "message"),
    [
        (np.zeros((5, 2)), (None, 3), r"X must have shape \(any, 3\), got \(5, 2\)"),
        (np.zeros(4), (5,), r"X must have shape \(5,\), got \(4,\)"),
        (np.zeros((4, 1)), (4,), r"X must have shape \(4,\), got \(4, 1\)"),
    ],
)
def test_check_shape_message(array, expected, message):
    with pytest.raises(ValueError, match=message):
        check_shape(array, "X", expected)


# --- check_targets ----------------------------------------------------------------------------


def test_check_targets_exact_message_for_column_vector():
    with pytest.raises(ValueError) as info:
        check_targets(np.zeros((150, 1)), "y", 150)
    assert str(info.value) == "y must have shape (N,) with N=150 matching X, got (150, 1)"


def test_check_targets_names_the_data_argument_and_length():
    with pytest.raises(ValueError) as info:
        check_targets(np.zeros(7), "t", 8, x_name="inputs")
    assert str(info.value) == "t must have shape (N,) with N=8 matching inputs, got (7,)"


def test_check_targets_returns_float_vector():
    out = check_targets([0, 1, 1], "t", 3)
    assert out.dtype == np.float64 and out.shape == (3,)
    np.testing.assert_array_equal(out, [0.0, 1.0, 1.0])


def test_check_targets_rejects_nan_and_strings():
    with pytest.raises(ValueError, match="t must be finite"):
        check_targets([0.0, np.nan], "t", 2)
    with pytest.raises(TypeError, match="t must be"):
        check_targets(["a", "b"], "t", 2)


# --- check_values_in --------------------------------------------------------------------------


def test_check_values_in_accepts_allowed_values():
    check_values_in(np.array([0.0, 1.0, 1.0]), "t", (0, 1))


def test_check_values_in_message_lists_allowed_and_extra():
    with pytest.raises(ValueError) as info:
        check_values_in(np.array([0.0, 1.0, 2.0, 0.5]), "t", (1, 0))
    assert str(info.value) == "t must contain only {0, 1}, got also 0.5, 2"


# --- check_option -----------------------------------------------------------------------------


def test_check_option_returns_value():
    assert check_option("hinge", "loss", ("squared", "hinge")) == "hinge"


def test_check_option_message():
    with pytest.raises(ValueError) as info:
        check_option("hinge2", "loss", ("squared", "hinge"))
    assert str(info.value) == "loss must be one of ['squared', 'hinge'], got 'hinge2'"


# --- check_int --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 5, np.int64(3), np.uint8(2)])
def test_check_int_accepts_integers(value):
    out = check_int(value, "n", minimum=0)
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize(
    ("value", "got"), [(True, "bool True"), (False, "bool False"), (2.0, "float 2.0"),
                       ("3", "str '3'"), (None, "NoneType None")]
)
def test_check_int_rejects_non_integers_and_bool(value, got):
    with pytest.raises(TypeError) as info:
        check_int(value, "n_points")
    assert str(info.value) == f"n_points must be an int, got {got}"


def test_check_int_minimum_message():
    with pytest.raises(ValueError) as info:
        check_int(0, "epochs", minimum=1)
    assert str(info.value) == "epochs must be >= 1, got 0"
    assert check_int(-3, "k") == -3  # no minimum, no check


# --- check_positive ---------------------------------------------------------------------------


def test_check_positive_returns_float():
    out = check_positive(3, "rate")
    assert out == 3.0 and type(out) is float
    assert check_positive(0, "rate", allow_zero=True) == 0.0


@pytest.mark.parametrize(
    ("value", "bound"), [(0, "> 0"), (-1.5, "> 0"), (np.nan, "> 0"), (np.inf, "> 0")]
)
def test_check_positive_rejects_non_positive(value, bound):
    with pytest.raises(ValueError) as info:
        check_positive(value, "learning_rate")
    assert str(info.value) == f"learning_rate must be a finite number {bound}, got {float(value)}"


def test_check_positive_allow_zero_still_rejects_negative():
    with pytest.raises(ValueError, match=r"margin must be a finite number >= 0, got -0.1"):
        check_positive(-0.1, "margin", allow_zero=True)


@pytest.mark.parametrize("value", [True, "1", None, 1 + 0j, [1.0]])
def test_check_positive_rejects_non_real(value):
    with pytest.raises(TypeError, match="learning_rate must be a real number"):
        check_positive(value, "learning_rate")


# --- check_fraction ---------------------------------------------------------------------------


def test_check_fraction_open_interval():
    assert check_fraction(0.25, "f") == 0.25
    for bad in (0.0, 1.0, -0.1, 1.5, np.nan):
        with pytest.raises(ValueError, match=re.escape("f must lie in (0, 1), got")):
            check_fraction(bad, "f")


def test_check_fraction_closed_ends():
    assert check_fraction(0, "f", low_open=False) == 0.0
    assert check_fraction(1, "f", high_open=False) == 1.0
    with pytest.raises(ValueError, match=re.escape("f must lie in [0, 1], got 1.5")):
        check_fraction(1.5, "f", low_open=False, high_open=False)
    with pytest.raises(ValueError, match=re.escape("f must lie in [0, 1), got 1.0")):
        check_fraction(1.0, "f", low_open=False)


@pytest.mark.parametrize("value", [True, "0.5", None])
def test_check_fraction_rejects_non_real(value):
    with pytest.raises(TypeError, match="val_fraction must be a real number"):
        check_fraction(value, "val_fraction")


# --- check_generator --------------------------------------------------------------------------


def test_check_generator_returns_the_generator(rng):
    assert check_generator(rng) is rng


@pytest.mark.parametrize(
    ("value", "got"),
    [(0, "int"), (np.random.RandomState(0), "RandomState"), (None, "NoneType"),
     (np.random.PCG64(0), "PCG64")],
)
def test_check_generator_rejects_seeds_and_legacy_state(value, got):
    with pytest.raises(TypeError) as info:
        check_generator(value, "rng")
    message = str(info.value)
    assert message.startswith("rng must be a numpy.random.Generator")
    assert message.endswith(f"got {got}")
