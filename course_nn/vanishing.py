"""Vanishing and exploding gradients, measured (notebook 09).

- ``layer_gradient_norms``: ``||dE/dW_l||`` for every Linear layer of a feed-forward model on
  one batch, input layer first (Glorot & Bengio 2010; Nielsen, *Neural Networks and Deep
  Learning*, ch. 5).
- ``train_recording_gradient_norms``: minibatch training that records those norms on a fixed
  batch at initialisation and after every epoch.
- The exploding-gradient "cliff" of Pascanu, Mikolov & Bengio (2013, section 3.3, figure 6): a
  one-unit RNN ``x_t = w * sigmoid(x_{t-1}) + b``, ``x_0 = 0.5``, run for ``steps`` steps, with
  the loss ``(x_T - target)^2``. ``cliff_loss_and_grad`` evaluates the loss and its gradient
  over whole grids of (w, b) at once; ``cliff_descent`` follows plain or norm-clipped gradient
  descent on it.
"""

from __future__ import annotations

import numpy as np

from course_nn import clipping, layers, recurrent
from course_nn.modules import Linear, Sequential
from course_nn.optim import Optimiser
from course_nn.training import loss_and_grad
from course_nn.validation import (
    as_float_array,
    check_generator,
    check_int,
    check_option,
    check_positive,
    describe,
)

LOSSES = ("cross_entropy", "squared")


def _linear_layers(model) -> list[Linear]:
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a course_nn Sequential (e.g. modules.mlp(...)), got "
                        f"{describe(model)}")
    found = [m for m in model.modules if isinstance(m, Linear)]
    if not found:
        raise ValueError(f"model must contain at least one Linear layer, got {model!r}")
    return found


def _check_batch(model: Sequential, X, y, loss: str):
    loss = check_option(loss, "loss", LOSSES)
    X = as_float_array(X, "X", ndim=2)
    first = _linear_layers(model)[0]
    if X.shape[1] != first.in_features:
        raise ValueError(f"X must have {first.in_features} columns to match the model's first "
                         f"layer, got shape {X.shape}")
    if loss == "cross_entropy":
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y must be integer class labels of shape ({X.shape[0]},) for "
                             f"loss='cross_entropy', got {describe(y)} of shape {y.shape}")
    else:
        y = as_float_array(y, "y")
        if y.ndim == 1:
            y = y[:, None]
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have {X.shape[0]} rows matching X, got shape {y.shape}")
    return X, y, loss


def _backward(model: Sequential, X, y, loss: str) -> float:
    model.zero_grad()
    value, dout = loss_and_grad(loss, model.forward(X), y)
    model.backward(dout, input_grad=False)
    return float(value)


def layer_gradient_norms(model, X, y, *, loss: str = "cross_entropy") -> np.ndarray:
    """``||dE/dW_l||`` (Frobenius) for each Linear layer of ``model``, input side first: (L,).

    One forward and backward pass on X (N, D), y (N,) labels (or targets for
    ``loss="squared"``, the summed squared error); the mean cross-entropy by default. The
    parameters are not changed; the gradients are left in the model.
    """
    X, y, loss = _check_batch(model, X, y, loss)
    _backward(model, X, y, loss)
    return np.array([np.linalg.norm(m.weight_grad) for m in _linear_layers(model)])


def train_recording_gradient_norms(model, optimiser, X, y, *, epochs: int, batch_size: int,
                                   rng: np.random.Generator, probe=None,
                                   loss: str = "cross_entropy") -> np.ndarray:
    """Train ``model`` with ``optimiser`` on minibatches of (X, y) for ``epochs`` epochs and
    return the per-layer gradient norms (epochs + 1, L): row 0 at initialisation, row k after
    epoch k, each measured by ``layer_gradient_norms`` on ``probe = (X_probe, y_probe)`` (the
    first 500 training rows by default).
    """
    X, y, loss = _check_batch(model, X, y, loss)
    if not isinstance(optimiser, Optimiser) or not optimiser.owns(model):
        raise ValueError("optimiser must be a course_nn optimiser built for model "
                         "(e.g. optim.SGD(model, 0.1))")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_generator(rng)
    if probe is None:
        probe = (X[:500], y[:500])
    elif not isinstance(probe, tuple) or len(probe) != 2:
        raise TypeError(f"probe must be a pair (X_probe, y_probe), got {describe(probe)}")
    rows = [layer_gradient_norms(model, *probe, loss=loss)]
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            batch = order[start:start + batch_size]
            _backward(model, X[batch], y[batch], loss)
            optimiser.step()
        rows.append(layer_gradient_norms(model, *probe, loss=loss))
    return np.array(rows)


# --- an RNN's Jacobians over k steps -------------------------------------------------------------


def rnn_jacobian_norms(radius: float, rng: np.random.Generator, *, hidden: int = 16,
                       steps: int = 40, input_scale: float = 0.0) -> np.ndarray:
    """``||dh_{T-1}/dh_{T-1-k}||`` (spectral norm) for k = 0..steps-1 in a tanh RNN whose
    recurrent matrix is random with spectral radius (largest |eigenvalue|) ``radius``: (steps,).

    One sequence of ``steps`` inputs of 3 features, drawn ``input_scale * N(0, 1)``; input
    weights N(0, 1), bias 0, initial state 0. With ``input_scale=0`` the state stays 0, where
    tanh' = 1: the Jacobian is exactly ``W_h^k``, the worst case of the bound. Larger inputs
    drive the units into saturation (tanh' < 1). Uses ``recurrent.hidden_jacobian``.
    """
    radius = check_positive(radius, "radius")
    check_generator(rng)
    hidden = check_int(hidden, "hidden", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    input_scale = check_positive(input_scale, "input_scale", allow_zero=True)
    w_h = rng.standard_normal((hidden, hidden))
    w_h *= radius / np.max(np.abs(np.linalg.eigvals(w_h)))
    x = input_scale * rng.standard_normal((1, steps, 3))
    _, cache = recurrent.rnn_forward(x, [steps], np.zeros((1, hidden)),
                                     rng.standard_normal((3, hidden)), w_h, np.zeros(hidden))
    return np.array([np.linalg.norm(recurrent.hidden_jacobian(cache, steps - 1, k)[0], 2)
                     for k in range(steps)])


# --- the cliff: a one-unit RNN ------------------------------------------------------------------


def _cliff_grid(w, b):
    w = as_float_array(w, "w", allow_empty=True)
    b = as_float_array(b, "b", allow_empty=True)
    if w.shape != b.shape:
        raise ValueError(f"w and b must have the same shape, got {w.shape} and {b.shape}")
    return w, b


def _check_cliff_options(steps, x0, target):
    steps = check_int(steps, "steps", minimum=1)
    x0 = float(as_float_array(x0, "x0", ndim=0))
    target = float(as_float_array(target, "target", ndim=0))
    return steps, x0, target


def cliff_loss_and_grad(w, b, *, steps: int = 50, x0: float = 0.5, target: float = 0.7):
    """Loss ``(x_T - target)^2`` of ``x_t = w sigmoid(x_{t-1}) + b`` (t = 1..steps) and its
    gradient, by backpropagation through time, elementwise over arrays ``w`` and ``b`` of
    one shape. Returns ``(loss, dloss/dw, dloss/db)``, each of that shape.
    """
    w, b = _cliff_grid(w, b)
    steps, x0, target = _check_cliff_options(steps, x0, target)
    s = np.empty((steps,) + w.shape)     # s[t] = sigmoid(x_t), the input of step t + 1
    x = np.full(w.shape, x0)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            s[t] = layers.sigmoid(x)
            x = w * s[t] + b
        loss = (x - target) ** 2
    if not np.all(np.isfinite(loss)):
        raise ValueError("w and b must keep x_T finite; the loss overflowed (|w| or |b| near "
                         "1e150 or beyond)")
    dx = 2.0 * (x - target)
    dw, db = np.zeros_like(w), np.zeros_like(b)
    for t in range(steps - 1, -1, -1):
        dw += dx * s[t]
        db += dx
        dx = dx * w * s[t] * (1.0 - s[t])
    return loss, dw, db


def cliff_descent(w0: float, b0: float, *, learning_rate: float, iterations: int,
                  threshold: float | None = None, steps: int = 50, x0: float = 0.5,
                  target: float = 0.7) -> np.ndarray:
    """Gradient descent on the cliff's loss from (w0, b0): (iterations + 1, 2) points (w, b).

    With ``threshold`` the gradient (dw, db) is clipped by its norm first
    (``clipping.clip_norm``), so no step is longer than ``learning_rate * threshold``.
    """
    w = float(as_float_array(w0, "w0", ndim=0))
    b = float(as_float_array(b0, "b0", ndim=0))
    lr = check_positive(learning_rate, "learning_rate")
    iterations = check_int(iterations, "iterations", minimum=1)
    if threshold is not None:
        threshold = check_positive(threshold, "threshold")
    path = [(w, b)]
    for _ in range(iterations):
        _, dw, db = cliff_loss_and_grad(w, b, steps=steps, x0=x0, target=target)
        g = np.array([float(dw), float(db)])
        if not np.all(np.isfinite(g)):
            raise ValueError(f"the gradient at (w, b) = ({w:g}, {b:g}) is not finite: the "
                             "descent diverged (lower learning_rate or clip)")
        if threshold is not None:
            g = clipping.clip_norm(g, threshold)
        w, b = w - lr * g[0], b - lr * g[1]
        path.append((w, b))
    return np.array(path)
