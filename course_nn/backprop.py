"""Backpropagation exactly as the slides state it, its vectorised form, and many nets at once.

Notebook 03. The networks here are layers of sigmoid units trained on the squared error
``E = 1/2 sum_k (t_k - o_k)^2``. Layer l has weights ``W[l]`` of shape (n_in, n_out) with
``W[l][i, j] = w_ij`` and thresholds folded into biases ``b[l] = -T`` of shape (n_out,).

- ``backprop_example`` is the per-example algorithm, unit by unit, with the slides' deltas.
- ``backprop_batch`` is the same computation as matrix products over a batch.
- ``train_population`` trains many independent networks at once (one weight array per layer
  with a leading network axis), for restart statistics such as XOR's local minima.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_nn.layers import sigmoid
from course_nn.validation import (
    as_float_array,
    check_generator,
    check_int,
    check_positive,
)


def _check_network(weights, biases):
    if len(weights) != len(biases) or not weights:
        raise ValueError(
            f"weights and biases must be equally long non-empty lists, got {len(weights)} "
            f"and {len(biases)}"
        )
    weights = [as_float_array(w, f"weights[{i}]", ndim=2) for i, w in enumerate(weights)]
    biases = [as_float_array(b, f"biases[{i}]", ndim=1) for i, b in enumerate(biases)]
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        if b.shape != (w.shape[1],):
            raise ValueError(f"biases[{i}] must have shape ({w.shape[1]},), got {b.shape}")
        if i and w.shape[0] != weights[i - 1].shape[1]:
            raise ValueError(
                f"weights[{i}] must have {weights[i - 1].shape[1]} rows to follow "
                f"weights[{i - 1}], got shape {w.shape}"
            )
    return weights, biases


def forward_sigmoid_net(weights, biases, X) -> list[np.ndarray]:
    """Outputs of every layer: ``[X, o_1, ..., o_L]`` with ``o_l = sigmoid(o_{l-1} W_l + b_l)``."""
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
    if x.shape != (weights[0].shape[0],) or t.shape != (weights[-1].shape[1],):
        raise ValueError(
            f"x and t must have shapes ({weights[0].shape[0]},) and ({weights[-1].shape[1]},), "
            f"got {x.shape} and {t.shape}"
        )
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


def backprop_batch(weights, biases, X, T, learning_rate: float):
    """The same update as matrix products, summed over a batch: X (N, n_0), T (N, n_L).

    ``delta_L = (T - O_L) * O_L * (1 - O_L)``; ``delta_l = O_l (1 - O_l) * (delta_{l+1}
    W_{l+1}^T)``; ``W_l += R O_{l-1}^T delta_l``. With N = 1 it equals ``backprop_example``.
    """
    weights, biases = _check_network(weights, biases)
    R = check_positive(learning_rate, "learning_rate")
    X = as_float_array(X, "X", ndim=2)
    T = as_float_array(T, "T", ndim=2)
    if X.shape[1] != weights[0].shape[0] or T.shape != (len(X), weights[-1].shape[1]):
        raise ValueError(
            f"X must be (N, {weights[0].shape[0]}) and T (N, {weights[-1].shape[1]}), "
            f"got {X.shape} and {T.shape}"
        )
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
) -> PopulationRun:
    """Train ``n_networks`` sigmoid nets of layer ``sizes`` on (X, T) at once, full batch.

    Every epoch applies, to each network independently, the batch gradient of
    ``1/2 sum (t - o)^2`` with momentum (torch's form: ``v = momentum v + g``,
    ``w -= learning_rate v``). Weights and biases start uniform in +-``init_range``. A network
    stops (and counts as converged) once every output is within ``tolerance`` of its target.
    """
    sizes = [check_int(s, "sizes[i]", minimum=1) for s in sizes]
    S = check_int(n_networks, "n_networks", minimum=1)
    check_generator(rng)
    lr = check_positive(learning_rate, "learning_rate")
    mu = check_positive(momentum, "momentum", allow_zero=True)
    if mu >= 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    r = check_positive(init_range, "init_range")
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    check_positive(tolerance, "tolerance")
    X = as_float_array(X, "X", ndim=2)
    T = as_float_array(T, "T", ndim=2)
    if X.shape[1] != sizes[0] or T.shape != (len(X), sizes[-1]):
        raise ValueError(
            f"X must be (N, {sizes[0]}) and T (N, {sizes[-1]}) for sizes {sizes}, "
            f"got {X.shape} and {T.shape}"
        )
    W = [rng.uniform(-r, r, size=(S, a, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    B = [rng.uniform(-r, r, size=(S, b)) for b in sizes[1:]]
    W0, B0 = [w.copy() for w in W], [b.copy() for b in B]
    vW, vB = [np.zeros_like(w) for w in W], [np.zeros_like(b) for b in B]
    active = np.ones(S, dtype=bool)
    epochs = np.full(S, max_epochs)

    def forward(W, B):
        outs = [np.broadcast_to(X, (S, *X.shape))]
        for w, b in zip(W, B, strict=True):
            outs.append(sigmoid(outs[-1] @ w + b[:, None, :]))
        return outs

    for epoch in range(max_epochs):
        outs = forward(W, B)
        done = np.max(np.abs(outs[-1] - T), axis=(1, 2)) < tolerance
        newly = done & active
        epochs[newly] = epoch
        active &= ~done
        if not active.any():
            break
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
    else:
        outs = forward(W, B)
        done = np.max(np.abs(outs[-1] - T), axis=(1, 2)) < tolerance
        epochs[done & active] = max_epochs
        active &= ~done
    outputs = forward(W, B)[-1]
    return PopulationRun(~active, epochs, outputs, W, B, W0, B0)
