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


def gate_weights(name: str, n_inputs: int = 2, threshold: float = 1.0):
    """Weights and threshold that make one threshold unit compute a logic gate.

    The choices follow McCulloch and Pitts: AND gives every input ``w = T/n`` (so only all
    ``n`` inputs on reach ``T``), OR gives every input ``w = T`` (one input on is enough),
    NOT uses a negative weight ``w = -1`` with threshold ``-1/2`` (one input only).

    Returns ``(weights of shape (n,), threshold)``.
    """
    check_option(name, "name", GATES)
    n = check_int(n_inputs, "n_inputs", minimum=1)
    if name == "not":
        if n != 1:
            raise ValueError(f"n_inputs must be 1 for 'not', got {n}")
        return np.array([-1.0]), -0.5
    T = check_positive(threshold, "threshold")
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
