"""Backpropagation exactly as the slides state it, its vectorised form, and many nets at once.

Notebook 03. The networks here are layers of sigmoid units trained on the squared error
``E = 1/2 sum_k (t_k - o_k)^2``. Layer l has weights ``W[l]`` of shape (n_in, n_out) with
``W[l][i, j] = w_ij`` and thresholds folded into biases ``b[l] = -T`` of shape (n_out,).

- ``backprop_example`` is the per-example algorithm, unit by unit, with the slides' deltas;
  ``train_per_example`` repeats it over a training set until every output is within tolerance.
- ``backprop_batch`` is the same computation as matrix products over a batch.
- ``train_population`` trains many independent networks at once (one weight array per layer
  with a leading network axis), per example or full batch, for restart statistics such as
  XOR's local minima; ``committee_vote`` lets groups of those networks vote.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_nn.layers import sigmoid
from course_nn.validation import (
    as_float_array,
    check_bool,
    check_fraction,
    check_generator,
    check_int,
    check_positive,
    describe,
)


def _check_network(weights, biases):
    """Validate a network given as lists of weight matrices and bias vectors; float64 copies."""
    for name, value in (("weights", weights), ("biases", biases)):
        if not isinstance(value, list | tuple):
            raise TypeError(f"{name} must be a list of arrays (one per layer), got "
                            f"{describe(value)}")
    if not weights or len(weights) != len(biases):
        raise ValueError(
            f"weights and biases must be equally long non-empty lists, got {len(weights)} "
            f"and {len(biases)}"
        )
    weights = [as_float_array(w, f"weights[{i}]", ndim=2) for i, w in enumerate(weights)]
    biases = [as_float_array(b, f"biases[{i}]", ndim=1) for i, b in enumerate(biases)]
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        if b.shape != (w.shape[1],):
            raise ValueError(f"biases[{i}] must have shape ({w.shape[1]},) to match "
                             f"weights[{i}] {w.shape}, got {b.shape}")
        if i and w.shape[0] != weights[i - 1].shape[1]:
            raise ValueError(
                f"weights[{i}] must have {weights[i - 1].shape[1]} rows to follow "
                f"weights[{i - 1}] {weights[i - 1].shape}, got shape {w.shape}"
            )
    return weights, biases


def _check_rows(array, name: str, width: int, what: str) -> None:
    if array.shape[-1] != width:
        raise ValueError(f"{name} must have {width} columns ({what}), got shape {array.shape}")


def forward_sigmoid_net(weights, biases, X) -> list[np.ndarray]:
    """Outputs of every layer: ``[X, o_1, ..., o_L]`` with ``o_l = sigmoid(o_{l-1} W_l + b_l)``.

    X: one example (n_0,) or a batch (N, n_0); each output keeps X's leading shape.
    """
    weights, biases = _check_network(weights, biases)
    X = as_float_array(X, "X")
    if X.ndim not in (1, 2):
        raise ValueError(f"X must be one example (n_0,) or a batch (N, n_0), got shape {X.shape}")
    _check_rows(X, "X", weights[0].shape[0], "one per input of weights[0]")
    outputs = [X]
    for w, b in zip(weights, biases, strict=True):
        outputs.append(sigmoid(outputs[-1] @ w + b))
    return outputs


def backprop_example(weights, biases, x, t, learning_rate: float):
    """One per-example backpropagation update, written unit by unit as on the slides.

    x: (n_0,) input; t: (n_L,) targets. Returns new ``(weights, biases)`` lists (the inputs
    are not modified). The steps:

    1. forward: ``o_j = sigmoid(sum_i w_ij x_ij - T_j)`` layer by layer;
    2. each output unit k: ``delta_k = (t_k - o_k) o_k (1 - o_k)``;
    3. each hidden unit j, from the top layer down:
       ``delta_j = o_j (1 - o_j) sum_{k in downstream(j)} delta_k w_jk``;
    4. every weight: ``Delta w_ij = R delta_j x_ij`` (and ``Delta T_j = -R delta_j``).
    """
    weights, biases = _check_network(weights, biases)
    R = check_positive(learning_rate, "learning_rate")
    x = as_float_array(x, "x", ndim=1)
    t = as_float_array(t, "t", ndim=1)
    if x.shape != (weights[0].shape[0],):
        raise ValueError(f"x must have shape ({weights[0].shape[0]},), one entry per input of "
                         f"weights[0], got {x.shape}")
    if t.shape != (weights[-1].shape[1],):
        raise ValueError(f"t must have shape ({weights[-1].shape[1]},), one target per output "
                         f"unit, got {t.shape}")
    o = forward_sigmoid_net(weights, biases, x)  # o[l] = outputs of layer l (o[0] = x)
    L = len(weights)
    delta = [np.zeros(w.shape[1]) for w in weights]
    for k in range(weights[-1].shape[1]):
        delta[L - 1][k] = (t[k] - o[L][k]) * o[L][k] * (1 - o[L][k])
    for layer in range(L - 2, -1, -1):
        w_next = weights[layer + 1]
        for j in range(weights[layer].shape[1]):
            downstream = sum(delta[layer + 1][k] * w_next[j, k] for k in range(w_next.shape[1]))
            delta[layer][j] = o[layer + 1][j] * (1 - o[layer + 1][j]) * downstream
    new_w = [w.copy() for w in weights]
    new_b = [b.copy() for b in biases]
    for layer in range(L):
        x_in = o[layer]
        for i in range(new_w[layer].shape[0]):
            for j in range(new_w[layer].shape[1]):
                new_w[layer][i, j] += R * delta[layer][j] * x_in[i]
        new_b[layer] += R * delta[layer]  # bias = -T, so Delta bias = +R delta
    return new_w, new_b


def _check_data(X, T, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", ndim=2)
    T = as_float_array(T, "T", ndim=2)
    _check_rows(X, "X", n_in, "one per input unit")
    if T.shape != (len(X), n_out):
        raise ValueError(f"T must have shape (N, {n_out}) with N={len(X)} matching X, one "
                         f"target per output unit, got {T.shape}")
    return X, T


@dataclass
class PerExampleRun:
    """What ``train_per_example`` did: the final ``weights`` and ``biases``, the number of
    ``epochs`` (sweeps through the examples) it ran, whether it ``converged`` (every output
    within tolerance) and the final ``outputs`` (N, n_L)."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    epochs: int
    converged: bool
    outputs: np.ndarray


def train_per_example(
    weights, biases, X, T, *, learning_rate: float, tolerance: float = 0.1,
    max_epochs: int = 10_000,
) -> PerExampleRun:
    """The slides' algorithm: until every output is within ``tolerance`` of its target, sweep
    through the examples in order, updating with ``backprop_example`` after each one.

    X: (N, n_0), T: (N, n_L). The test comes before each sweep, so ``epochs`` counts the sweeps
    made; a run that is still outside the tolerance after ``max_epochs`` sweeps stops there.
    """
    weights, biases = _check_network(weights, biases)
    X, T = _check_data(X, T, weights[0].shape[0], weights[-1].shape[1])
    check_positive(learning_rate, "learning_rate")
    check_positive(tolerance, "tolerance")
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    for epoch in range(max_epochs + 1):
        outputs = forward_sigmoid_net(weights, biases, X)[-1]
        if np.max(np.abs(outputs - T)) < tolerance or epoch == max_epochs:
            break
        for x, t in zip(X, T, strict=True):
            weights, biases = backprop_example(weights, biases, x, t, learning_rate)
    converged = bool(np.max(np.abs(outputs - T)) < tolerance)
    return PerExampleRun(weights, biases, epoch, converged, outputs)


def backprop_batch(weights, biases, X, T, learning_rate: float):
    """The same update as matrix products, summed over a batch: X (N, n_0), T (N, n_L).

    ``delta_L = (T - O_L) * O_L * (1 - O_L)``; ``delta_l = O_l (1 - O_l) * (delta_{l+1}
    W_{l+1}^T)``; ``W_l += R O_{l-1}^T delta_l``. With N = 1 it equals ``backprop_example``.
    """
    weights, biases = _check_network(weights, biases)
    R = check_positive(learning_rate, "learning_rate")
    X, T = _check_data(X, T, weights[0].shape[0], weights[-1].shape[1])
    o = forward_sigmoid_net(weights, biases, X)
    delta = (T - o[-1]) * o[-1] * (1 - o[-1])
    new_w, new_b = [w.copy() for w in weights], [b.copy() for b in biases]
    for layer in range(len(weights) - 1, -1, -1):
        back = delta @ weights[layer].T  # uses the weights before this update
        new_w[layer] += R * o[layer].T @ delta
        new_b[layer] += R * delta.sum(axis=0)
        if layer:
            delta = o[layer] * (1 - o[layer]) * back
    return new_w, new_b


@dataclass
class PopulationRun:
    """What ``train_population`` did for S networks.

    converged: (S,) bools; epochs: (S,) epochs used (the budget for those that did not
    converge); outputs: (S, N, K) final outputs; weights, biases: lists of (S, ...) arrays;
    initial_weights, initial_biases: the starting values, for replaying one network.
    """

    converged: np.ndarray
    epochs: np.ndarray
    outputs: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    initial_weights: list[np.ndarray]
    initial_biases: list[np.ndarray]


def _check_sizes(sizes) -> list[int]:
    if not isinstance(sizes, list | tuple):
        raise TypeError(f"sizes must be a list of layer sizes, got {describe(sizes)}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes}")
    return [check_int(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]


def _forward_population(W, B, X):
    """Outputs of every layer for S networks: X (S, N, n_0) -> [X, (S, N, n_1), ...]."""
    outs = [X]
    for w, b in zip(W, B, strict=True):
        outs.append(sigmoid(outs[-1] @ w + b[:, None, :]))
    return outs


def _population_step(W, B, vW, vB, X, T, active, lr, mu) -> None:
    """One momentum step, in place, for the ``active`` networks on the batch X (S, n, n_0)."""
    outs = _forward_population(W, B, X)
    # dE/d(net) of the output layer, then back through each layer: E = 1/2 sum (o - t)^2.
    grad_net = (outs[-1] - T) * outs[-1] * (1 - outs[-1])
    mask = active[:, None, None]
    for layer in range(len(W) - 1, -1, -1):
        gW = np.swapaxes(outs[layer], 1, 2) @ grad_net
        gB = grad_net.sum(axis=1)
        if layer:
            back = grad_net @ np.swapaxes(W[layer], 1, 2)
            grad_net = outs[layer] * (1 - outs[layer]) * back
        vW[layer] = np.where(mask, mu * vW[layer] + gW, vW[layer])
        vB[layer] = np.where(active[:, None], mu * vB[layer] + gB, vB[layer])
        W[layer] = np.where(mask, W[layer] - lr * vW[layer], W[layer])
        B[layer] = np.where(active[:, None], B[layer] - lr * vB[layer], B[layer])


def train_population(
    sizes,
    X,
    T,
    n_networks: int,
    rng: np.random.Generator,
    *,
    learning_rate: float = 0.5,
    momentum: float = 0.9,
    init_range: float = 0.3,
    max_epochs: int = 5000,
    tolerance: float = 0.1,
    per_example: bool = False,
) -> PopulationRun:
    """Train ``n_networks`` sigmoid nets of layer ``sizes`` on (X, T) at once.

    X: (N, sizes[0]), T: (N, sizes[-1]). Every update applies, to each network independently,
    the gradient of ``1/2 sum (t - o)^2`` with momentum (torch's form: ``v = momentum v + g``,
    ``w -= learning_rate v``): once per epoch over the whole batch, or with
    ``per_example=True`` once per example, in the given order (the slides' algorithm when
    ``momentum=0``). Weights and biases start uniform in +-``init_range``. Before each epoch a
    network that has every output within ``tolerance`` of its target stops and counts as
    converged; ``epochs`` is the number of epochs it made.
    """
    sizes = _check_sizes(sizes)
    S = check_int(n_networks, "n_networks", minimum=1)
    check_generator(rng)
    lr = check_positive(learning_rate, "learning_rate")
    mu = check_fraction(momentum, "momentum", low_open=False)
    r = check_positive(init_range, "init_range")
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    check_positive(tolerance, "tolerance")
    per_example = check_bool(per_example, "per_example")
    X, T = _check_data(X, T, sizes[0], sizes[-1])
    W = [rng.uniform(-r, r, size=(S, a, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    B = [rng.uniform(-r, r, size=(S, b)) for b in sizes[1:]]
    W0, B0 = [w.copy() for w in W], [b.copy() for b in B]
    vW, vB = [np.zeros_like(w) for w in W], [np.zeros_like(b) for b in B]
    active = np.ones(S, dtype=bool)
    epochs = np.full(S, max_epochs)
    X_all = np.broadcast_to(X, (S, *X.shape))
    batches = [slice(n, n + 1) for n in range(len(X))] if per_example else [slice(None)]

    for epoch in range(max_epochs + 1):
        outputs = _forward_population(W, B, X_all)[-1]
        done = active & (np.max(np.abs(outputs - T), axis=(1, 2)) < tolerance)
        epochs[done] = epoch
        active &= ~done
        if not active.any() or epoch == max_epochs:
            break
        for rows in batches:
            _population_step(W, B, vW, vB, X_all[:, rows], T[rows], active, lr, mu)
    return PopulationRun(~active, epochs, outputs, W, B, W0, B0)


def committee_vote(outputs, size: int) -> np.ndarray:
    """Majority votes of committees of ``size`` networks: outputs (S, N) or (S, N, 1) in [0, 1].

    Each network votes 1 for an example where its output exceeds 0.5. Networks 0..size-1 form
    the first committee, the next ``size`` the second, and so on (S // size committees; the
    remaining S % size networks are left out). ``size`` must be odd, so there are no ties.
    Returns (S // size, N) integer votes.
    """
    outputs = as_float_array(outputs, "outputs")
    if outputs.ndim == 3 and outputs.shape[2] == 1:
        outputs = outputs[:, :, 0]
    if outputs.ndim != 2:
        raise ValueError("outputs must have shape (S networks, N examples) or (S, N, 1), "
                         f"got {outputs.shape}")
    size = check_int(size, "size", minimum=1)
    if size % 2 == 0:
        raise ValueError(f"size must be odd so that a vote cannot tie, got {size}")
    if size > len(outputs):
        raise ValueError(f"size must be at most the number of networks {len(outputs)}, "
                         f"got {size}")
    n = len(outputs) // size
    ballots = (outputs[: n * size] > 0.5).reshape(n, size, -1)
    return (ballots.sum(axis=1) > size / 2).astype(int)
