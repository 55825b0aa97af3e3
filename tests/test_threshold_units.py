"""course_nn.threshold_units: McCulloch-Pitts units, gates and two-layer Boolean networks."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_nn.threshold_units import (
    cnf_network,
    count_integer_weight_functions,
    count_separable_functions,
    dnf_network,
    fewest_threshold_errors,
    gate_weights,
    linear_separator,
    step,
    threshold_unit,
    two_layer_network,
)


def all_rows(n):
    """Truth-table rows built independently of course_nn: counting order, MSB first."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def function_from_code(code, n):
    """Boolean function number ``code``: its output on row r is bit r of ``code``."""
    return np.array([(code >> r) & 1 for r in range(2**n)], dtype=np.float64)


# --- step and one unit ------------------------------------------------------------------------


def test_step_is_one_at_zero():
    np.testing.assert_array_equal(step([-1e-300, 0.0, 2.0, -3.0]), [0.0, 1.0, 1.0, 0.0])
    assert step(np.empty(0)).shape == (0,)


def test_threshold_unit_by_hand():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    # w . x = 2, -1, 1 against T = 1: fires when >= 1
    np.testing.assert_array_equal(threshold_unit(X, [2.0, -1.0], 1.0), [1.0, 0.0, 1.0])
    # a single input row may be passed as a vector
    np.testing.assert_array_equal(threshold_unit([1.0, 1.0], [2.0, -1.0], 1.0), [1.0])


# --- gates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_and_and_or_gates(n, threshold):
    X = all_rows(n)
    w, T = gate_weights("and", n, threshold)
    np.testing.assert_allclose(w, np.full(n, threshold / n))
    # Any threshold above what n - 1 inputs give and at most T makes an AND; the docstring's
    # choice is T itself.
    assert (n - 1) * threshold / n < T <= threshold
    np.testing.assert_array_equal(threshold_unit(X, w, T), [float(all(r)) for r in X])
    w, T = gate_weights("or", n, threshold)
    np.testing.assert_array_equal(w, np.full(n, threshold))
    np.testing.assert_array_equal(threshold_unit(X, w, T), [float(any(r)) for r in X])


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.7, 0.9, 1.8])
def test_and_gate_fires_on_all_inputs_for_any_threshold(threshold):
    # With w = T/n, all n inputs on give n * (T/n) = T >= T in exact arithmetic, so the unit
    # must fire; thresholds that are not exact binary fractions must not change that.
    n = 3
    X = all_rows(n)
    w, T = gate_weights("and", n, threshold)
    np.testing.assert_array_equal(threshold_unit(X, w, T), [float(all(r)) for r in X])


def test_not_gate():
    w, T = gate_weights("not", 1)
    np.testing.assert_array_equal(threshold_unit([[0.0], [1.0]], w, T), [1.0, 0.0])


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("xor", 2), ValueError, "name must be one of"),
        (("AND", 2), ValueError, "name must be one of"),
        (("and", 0), ValueError, "n_inputs"),
        (("or", 2.0), TypeError, "n_inputs"),
        (("not", 2), ValueError, "n_inputs must be 1"),
        (("and", 2, 0.0), ValueError, "threshold"),
        (("or", 2, -1.0), ValueError, "threshold"),
        (("not", 1, 1.0), ValueError, "threshold is fixed at -0.5 for 'not'"),
        ((None, 2), TypeError, "name must be a string"),
        ((["and"], 2), TypeError, "name must be a string"),
        (("and", 2, "1"), TypeError, "threshold"),
    ],
)
def test_gate_weights_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        gate_weights(*args)


# --- two-layer networks -----------------------------------------------------------------------


def test_xor_with_two_hidden_units():
    X = all_rows(2)
    hidden_w = [[1.0, 1.0], [-1.0, -1.0]]  # OR, NAND
    hidden_t = [1.0, -1.5]
    out, hidden = two_layer_network(X, hidden_w, hidden_t, [1.0, 1.0], 2.0)  # AND
    np.testing.assert_array_equal(hidden[:, 0], [0, 1, 1, 1])
    np.testing.assert_array_equal(hidden[:, 1], [1, 1, 1, 0])
    np.testing.assert_array_equal(out, [0, 1, 1, 0])
    assert hidden.shape == (4, 2)


def _run(network, t):
    n = int(np.log2(len(t)))
    out, _ = two_layer_network(all_rows(n), *network(t))
    return out


@pytest.mark.parametrize("network", [dnf_network, cnf_network])
@pytest.mark.parametrize("n", [2, 3])
def test_networks_compute_every_boolean_function(network, n):
    for code in range(2 ** (2**n)):
        t = function_from_code(code, n)
        np.testing.assert_array_equal(_run(network, t), t, err_msg=f"function {code}")


@pytest.mark.parametrize("network", [dnf_network, cnf_network])
def test_networks_handle_constant_functions(network):
    for value in (0.0, 1.0):
        t = np.full(8, value)
        np.testing.assert_array_equal(_run(network, t), t)


def test_dnf_has_one_hidden_unit_per_true_row():
    t = np.array([0, 1, 1, 0, 1, 0, 0, 1], dtype=float)  # 3-input parity
    W, T, v, T_out = dnf_network(t)
    assert W.shape == (4, 3) and T.shape == (4,) and v.shape == (4,)
    assert T_out == 1.0
    W, T, v, T_out = cnf_network(t)
    assert W.shape == (4, 3) and T_out == 4.0


@pytest.mark.parametrize("network", [dnf_network, cnf_network])
@pytest.mark.parametrize(
    ("targets", "match"),
    [
        ([0.0, 1.0, 1.0], "targets must list a Boolean function"),
        ([1.0], "targets must list a Boolean function"),
        ([0.0, 1.0, 2.0, 0.0], r"targets must contain only \{0, 1\}"),
        ([0.0, 0.5], r"targets must contain only \{0, 1\}"),
        ([0.0, np.nan], "targets must be finite"),
        ([[0.0, 1.0]], "targets must be a 1-D"),
    ],
)
def test_networks_bad_targets(network, targets, match):
    with pytest.raises(ValueError, match=match):
        network(targets)


def test_two_layer_network_shape_mismatches():
    X = all_rows(2)
    with pytest.raises(ValueError, match="hidden_weights must have shape"):
        two_layer_network(X, np.ones((2, 3)), np.ones(2), np.ones(2), 1.0)
    with pytest.raises(ValueError, match="hidden_thresholds and output_weights"):
        two_layer_network(X, np.ones((2, 2)), np.ones(3), np.ones(2), 1.0)
    with pytest.raises(ValueError, match="X must be finite"):
        two_layer_network(np.array([[np.nan, 0.0]]), np.ones((1, 2)), [1.0], [1.0], 1.0)


# --- linear separability ----------------------------------------------------------------------


def _targets(name):
    rows = all_rows(2)
    table = {
        "and": rows.all(axis=1), "or": rows.any(axis=1), "nand": ~rows.all(axis=1),
        "xor": rows.sum(axis=1) == 1, "xnor": rows.sum(axis=1) != 1,
    }
    return rows, table[name].astype(float)


@pytest.mark.parametrize("name", ["xor", "xnor"])
def test_linear_separator_none_for_parity(name):
    X, t = _targets(name)
    assert linear_separator(X, t) is None


@pytest.mark.parametrize("name", ["and", "or", "nand"])
def test_linear_separator_finds_a_separator(name):
    X, t = _targets(name)
    found = linear_separator(X, t)
    assert found is not None
    w, T = found
    assert w.shape == (2,)
    np.testing.assert_array_equal(threshold_unit(X, w, T), t)
    # the LP asks for a margin of 1: y (w . x - T) >= 1
    y = 2 * t - 1
    assert np.all(y * (X @ w - T) >= 1 - 1e-7)


def test_linear_separator_on_random_separable_points(rng):
    X = rng.uniform(-1, 1, size=(60, 3))
    t = (X @ np.array([1.0, -2.0, 0.5]) > 0.1).astype(float)
    w, T = linear_separator(X, t)
    np.testing.assert_array_equal((X @ w - T > 0).astype(float), t)


def test_linear_separator_bad_input():
    X = all_rows(2)
    with pytest.raises(ValueError, match=r"targets must have shape \(N,\) with N=4"):
        linear_separator(X, [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"targets must contain only \{0, 1\}"):
        linear_separator(X, [0.0, 1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="X must be finite"):
        linear_separator(np.where(X == 1, np.nan, X), [0.0, 1.0, 1.0, 1.0])


def _brute_force_threshold_functions(n, max_weight):
    """Functions computed by integer weights |w_i| <= max_weight and half-integer thresholds."""
    X = all_rows(n)
    weights = np.array(list(itertools.product(range(-max_weight, max_weight + 1), repeat=n)))
    bound = n * max_weight + 1
    thresholds = np.arange(-bound, bound + 1) + 0.5
    nets = X @ weights.T  # (rows, weight vectors)
    found = set()
    for T in thresholds:
        outputs = (nets >= T).T  # (weight vectors, rows)
        found.update(map(bytes, np.packbits(outputs, axis=1)))
    return len(found)


@pytest.mark.parametrize(("n", "expected"), [(1, (4, 4)), (2, (14, 16)), (3, (104, 256))])
def test_count_separable_functions(n, expected):
    # Classical counts of threshold (linearly separable) Boolean functions of n inputs:
    # 4, 14, 104, 1882 for n = 1..4 (Muroga, "Threshold Logic and its Applications", 1971;
    # OEIS A000609). For n = 2 only XOR and XNOR are missing (Minsky and Papert, 1969).
    assert count_separable_functions(n) == expected
    # and an independent brute force over small integer weights agrees (weights up to n
    # suffice for n <= 3)
    assert _brute_force_threshold_functions(n, max_weight=n) == expected[0]


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (5, ValueError), (2.0, TypeError)])
def test_count_separable_functions_bad_n(bad, error):
    with pytest.raises(error, match="n_inputs"):
        count_separable_functions(bad)


def test_threshold_unit_bad_input():
    X = all_rows(2)
    with pytest.raises(ValueError, match=r"weights must have shape \(n,\) with n=2 matching X"):
        threshold_unit(X, [1.0, 1.0, 1.0], 1.0)
    with pytest.raises(ValueError, match="X must be finite"):
        threshold_unit([[np.nan, 1.0]], [1.0, 1.0], 1.0)
    with pytest.raises(TypeError, match="weights must be a real numeric array"):
        threshold_unit(X, ["a", "b"], 1.0)
    with pytest.raises(ValueError, match="threshold must be a 0-D"):
        threshold_unit(X, [1.0, 1.0], [1.0, 2.0])


# --- fewest_threshold_errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "targets", "expected"),
    [
        ([0.0, 1.0, 2.0, 3.0], [0, 0, 1, 1], 0),  # "value > 1.5"
        ([0.0, 1.0, 2.0, 3.0], [1, 1, 0, 0], 0),  # "value < 1.5"
        ([-2.0, -1.0, 0.0, 1.0, 2.0], [0, 1, 1, 1, 0], 1),  # class 1 inside: one end is lost
        ([-2.0, -1.0, 1.0, 2.0], [0, 1, 1, 0], 1),
        ([1.0, 1.0], [0, 1], 1),  # equal values cannot be split
        ([5.0], [1], 0),
        ([3.0, 1.0, 2.0], [True, False, True], 0),  # unsorted, bool targets
    ],
)
def test_fewest_threshold_errors_by_hand(values, targets, expected):
    assert fewest_threshold_errors(values, targets) == expected


def _fewest_by_brute_force(values, targets):
    """Every rule "value > c" or "value <= c" with c at a data value or below all of them."""
    best = len(values)
    for c in [min(values) - 1, *values]:
        above = [v > c for v in values]
        wrong = sum(a != bool(t) for a, t in zip(above, targets, strict=True))
        best = min(best, wrong, len(values) - wrong)
    return best


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(-4, 4), st.integers(0, 1)), min_size=1, max_size=12))
def test_fewest_threshold_errors_matches_brute_force(pairs):
    values = [float(v) for v, _ in pairs]
    targets = [t for _, t in pairs]
    got = fewest_threshold_errors(values, targets)
    assert got == _fewest_by_brute_force(values, targets)
    assert 0 <= got <= len(values) // 2


@pytest.mark.parametrize(
    ("values", "targets", "error", "match"),
    [
        ([1.0, 2.0], [0, 1, 1], ValueError,
         r"targets must have shape \(N,\) with N=2 matching values"),
        ([1.0, 2.0], [0, 2], ValueError, r"targets must contain only \{0, 1\}"),
        ([[1.0, 2.0]], [0, 1], ValueError, "values must be a 1-D array"),
        ([1.0, np.nan], [0, 1], ValueError, "values must be finite"),
        ([], [], ValueError, "values must not be empty"),
        (None, [0], TypeError, "values"),
        ([1.0], "1", TypeError, "targets"),
    ],
)
def test_fewest_threshold_errors_bad_input(values, targets, error, match):
    with pytest.raises(error, match=match):
        fewest_threshold_errors(values, targets)


# --- count_integer_weight_functions -----------------------------------------------------------


@pytest.mark.parametrize(("n", "m"), [(1, 1), (2, 1), (2, 3), (3, 2), (3, 3)])
def test_integer_weights_find_every_separable_function_once_large_enough(n, m):
    # the LP count is the truth; small integer weights reach it for n <= 3 at m = 2 (n = 2: 1)
    assert count_integer_weight_functions(n, m) == count_separable_functions(n)


def test_integer_weight_count_is_a_lower_bound_that_grows_with_m():
    counts = [count_integer_weight_functions(3, m)[0] for m in range(4)]
    # m = 0: only the two constants; m = 1 misses e.g. x1 + x2 + 2 x3 >= 2 (x3 or (x1 and x2))
    assert counts[0] == 2 and counts[1] < counts[2] == counts[3] == 104


def test_integer_weight_count_for_four_inputs_is_the_classical_count():
    # 1882 threshold functions of 4 variables (Muroga 1971; OEIS A000609)
    assert count_integer_weight_functions(4, 3) == (1882, 65536)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [((0, 1), ValueError, "n_inputs must be >= 1"), ((6, 1), ValueError, "n_inputs must be <= 5"),
     ((2, -1), ValueError, "max_weight must be >= 0"), ((2.0, 1), TypeError, "n_inputs"),
     ((2, 1.5), TypeError, "max_weight"), ((5, 20), ValueError, "max_weight=20")],
)
def test_count_integer_weight_functions_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        count_integer_weight_functions(*args)
