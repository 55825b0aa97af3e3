"""McCulloch-Pitts threshold units, logic gates and two-layer Boolean networks (notebook 01).

A threshold unit with weights ``w`` and threshold ``T`` outputs ``o = 1`` when
``w . x >= T`` and ``o = 0`` otherwise.
"""

from __future__ import annotations

import numpy as np

from course_nn.data import truth_table
from course_nn.validation import (
    as_float_array,
    check_inputs_and_weights,
    check_int,
    check_option,
    check_positive,
    check_targets,
    check_values_in,
)

GATES = ("and", "or", "not")


def step(net) -> np.ndarray:
    """The Heaviside step: 1.0 where ``net >= 0``, else 0.0 (any shape)."""
    return (as_float_array(net, "net", allow_empty=True) >= 0).astype(np.float64)


def threshold_unit(X, weights, threshold: float) -> np.ndarray:
    """Outputs of one threshold unit: ``step(X @ weights - threshold)``.

    X: (N, n) or (n,) inputs; weights: (n,); threshold: a number.
    Returns 0/1 outputs of shape (N,).
    """
    X, w = check_inputs_and_weights(X, weights)
    T = float(as_float_array(threshold, "threshold", ndim=0))
    net = X @ w
    # A net input that equals T in exact arithmetic can land a rounding error below it
    # (0.3 + 0.3 + 0.3 < 0.9 in floating point); count anything that close as reaching T.
    slack = 1e-12 * (np.abs(X) @ np.abs(w) + abs(T))
    return step(net - T + slack)


def gate_weights(name: str, n_inputs: int = 2, threshold: float | None = None):
    """Weights and threshold that make one threshold unit compute a logic gate.

    The choices follow McCulloch and Pitts: AND gives every input ``w = T/n`` (so only all
    ``n`` inputs on reach ``T``), OR gives every input ``w = T`` (one input on is enough),
    NOT uses a negative weight ``w = -1`` with threshold ``-1/2`` (one input only, and its
    threshold is fixed: pass none). ``threshold`` defaults to 1 for AND and OR.

    Returns ``(weights of shape (n,), threshold)``.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a string, one of {list(GATES)}, got {type(name).__name__} {name!r}"
        )
    check_option(name, "name", GATES)
    n = check_int(n_inputs, "n_inputs", minimum=1)
    if name == "not":
        if n != 1:
            raise ValueError(f"n_inputs must be 1 for 'not', got {n}")
        if threshold is not None:
            raise ValueError(f"threshold is fixed at -0.5 for 'not'; got threshold={threshold!r}")
        return np.array([-1.0]), -0.5
    T = 1.0 if threshold is None else check_positive(threshold, "threshold")
    if name == "and":
        return np.full(n, T / n), T
    return np.full(n, T), T


def two_layer_network(X, hidden_weights, hidden_thresholds, output_weights, output_threshold):
    """A layer of threshold units feeding one threshold unit.

    X: (N, n); hidden_weights: (H, n); hidden_thresholds: (H,); output_weights: (H,);
    output_threshold: a number. Returns ``(outputs of shape (N,), hidden of shape (N, H))``.
    """
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(hidden_weights, "hidden_weights", ndim=2, allow_empty=True)
    if W.shape[1] != X.shape[1]:
        raise ValueError(
            f"hidden_weights must have shape (H, n) with n={X.shape[1]} matching X, "
            f"got {W.shape}"
        )
    T = as_float_array(hidden_thresholds, "hidden_thresholds", ndim=1, allow_empty=True)
    v = as_float_array(output_weights, "output_weights", ndim=1, allow_empty=True)
    if T.shape != (W.shape[0],) or v.shape != (W.shape[0],):
        raise ValueError(
            f"hidden_thresholds and output_weights must have shape (H,) with H={W.shape[0]} "
            f"matching hidden_weights, got {T.shape} and {v.shape}"
        )
    hidden = step(X @ W.T - T)
    T_out = float(as_float_array(output_threshold, "output_threshold", ndim=0))
    return step(hidden @ v - T_out), hidden


def _check_truth_targets(targets) -> tuple[np.ndarray, np.ndarray]:
    t = as_float_array(targets, "targets", ndim=1)
    n = int(np.log2(t.size)) if t.size else 0
    if t.size < 2 or 2**n != t.size:
        raise ValueError(
            f"targets must list a Boolean function on a full truth table (2**n entries), "
            f"got {t.size} entries"
        )
    check_values_in(t, "targets", (0, 1))
    return truth_table(n), t


def dnf_network(targets):
    """A two-layer threshold network for any Boolean function, read off as a DNF.

    One hidden AND unit per row where the function is 1 (a minterm: weight +1 on inputs that
    are 1 in that row, -1 on those that are 0, threshold = the number of 1s, so it fires on
    that row alone); the output unit ORs them (weights 1, threshold 1).

    targets: (2**n,) 0/1 outputs in ``truth_table(n)`` order.
    Returns ``(hidden_weights, hidden_thresholds, output_weights, output_threshold)``.
    """
    X, t = _check_truth_targets(targets)
    rows = X[t == 1]
    W = np.where(rows == 1, 1.0, -1.0).reshape(len(rows), X.shape[1])
    return W, rows.sum(axis=1), np.ones(len(rows)), 1.0


def cnf_network(targets):
    """A two-layer threshold network for any Boolean function, read off as a CNF.

    One hidden OR unit per row where the function is 0 (a clause false on that row alone:
    weight +1 on inputs that are 0 there, -1 on those that are 1, threshold 1 - (number of
    1s)); the output unit ANDs the M clauses (weights 1, threshold M, the slide's w = T/n).

    Returns ``(hidden_weights, hidden_thresholds, output_weights, output_threshold)``.
    """
    X, t = _check_truth_targets(targets)
    rows = X[t == 0]
    W = np.where(rows == 1, -1.0, 1.0).reshape(len(rows), X.shape[1])
    return W, 1.0 - rows.sum(axis=1), np.ones(len(rows)), float(len(rows))


def linear_separator(X, targets):
    """Find weights and threshold separating 0/1 targets by linear programming, or ``None``.

    Solves the feasibility problem ``y_i (w . x_i - T) >= 1`` for ``y = 2t - 1`` with
    ``scipy.optimize.linprog``: a solution exists exactly when the data are linearly
    separable (scale any strict separator until its smallest margin is 1).

    X: (N, n); targets: (N,). Returns ``(weights (n,), threshold)`` or ``None``.
    """
    from scipy.optimize import linprog

    X = as_float_array(X, "X", ndim=2)
    t = check_targets(targets, "targets", X.shape[0])
    check_values_in(t, "targets", (0, 1))
    y = 2 * t - 1
    # Variables z = (w, T); constraints -y_i (x_i . w - T) <= -1.
    A = -y[:, None] * np.hstack([X, -np.ones((len(X), 1))])
    result = linprog(
        c=np.zeros(X.shape[1] + 1),
        A_ub=A,
        b_ub=-np.ones(len(X)),
        bounds=[(None, None)] * (X.shape[1] + 1),
        method="highs",
    )
    if result.status != 0:
        return None
    return result.x[:-1], float(result.x[-1])


def count_separable_functions(n_inputs: int) -> tuple[int, int]:
    """How many of the ``2**(2**n)`` Boolean functions of n inputs one threshold unit computes.

    Returns ``(separable, total)``; n is limited to 1..4 (65,536 functions at n=4).
    """
    n = check_int(n_inputs, "n_inputs", minimum=1)
    if n > 4:
        raise ValueError(f"n_inputs must be <= 4, got {n}")
    X = truth_table(n)
    total = 2 ** (2**n)
    separable = 0
    for code in range(total):
        t = ((code >> np.arange(2**n)) & 1).astype(np.float64)
        if linear_separator(X, t) is not None:
            separable += 1
    return separable, total


def fewest_threshold_errors(values, targets) -> int:
    """The fewest errors any one-feature threshold rule makes on ``values``.

    Tries every rule "class 1 iff value > c" and "class 1 iff value < c", with ``c`` below
    all values, between each pair of neighbours and above all values: every distinct way a
    threshold can split the sorted values. values: (N,) finite numbers; targets: (N,) 0/1
    (or bools). Returns an int in ``0 .. N // 2``.
    """
    v = as_float_array(values, "values", ndim=1)
    t = check_targets(targets, "targets", v.size, x_name="values")
    check_values_in(t, "targets", (0, 1))
    order = np.unique(v)
    cuts = np.concatenate([[order[0] - 1], (order[:-1] + order[1:]) / 2, [order[-1] + 1]])
    above = v[None, :] > cuts[:, None]  # (cuts, N): the rule "class 1 iff value > c"
    errors_above = np.sum(above != (t == 1), axis=1)
    # The rule "class 1 iff value < c" errs exactly where "value > c" is right (no value
    # equals a cut), so its errors are N minus those of the first rule.
    return int(min(errors_above.min(), (v.size - errors_above).min()))


def count_integer_weight_functions(n_inputs: int, max_weight: int) -> tuple[int, int]:
    """How many Boolean functions of n inputs one threshold unit computes with integer weights
    in ``-max_weight .. max_weight`` (and any threshold).

    Enumerates every such weight vector and every threshold that makes a difference (the net
    input is an integer, so thresholds at half-integers cover all cases) and counts the
    distinct truth tables. This is a lower bound on the number of linearly separable
    functions, and equals it once ``max_weight`` is large enough (3 suffices for n <= 4).
    Fast where ``count_separable_functions`` (one LP per function) is not.

    Returns ``(functions found, 2**(2**n) functions in all)``; n is limited to 1..5.
    """
    n = check_int(n_inputs, "n_inputs", minimum=1)
    if n > 5:
        raise ValueError(f"n_inputs must be <= 5, got {n}")
    m = check_int(max_weight, "max_weight", minimum=0)
    if (2 * m + 1) ** n > 2_000_000:
        raise ValueError(f"max_weight={m} with n_inputs={n} means (2 max_weight + 1)**n = "
                         f"{(2 * m + 1) ** n} weight vectors; choose at most 2,000,000")
    X = truth_table(n)
    grid = np.arange(-m, m + 1)
    W = np.stack(np.meshgrid(*[grid] * n, indexing="ij"), axis=-1).reshape(-1, n)
    net = W @ X.T  # (weight vectors, rows)
    bits = 1 << np.arange(2**n, dtype=np.int64)
    codes = set()
    for T in np.arange(-n * m, n * m + 2) - 0.5:  # below, between and above every net input
        codes.update(((net >= T) @ bits).tolist())
    return len(codes), 2 ** (2**n)
