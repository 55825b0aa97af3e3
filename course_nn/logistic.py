"""One logistic (sigmoid) unit: its output, two losses with their gradients, and training.

Notebook 02. The unit follows the slides' notation: with inputs ``x_i`` and weights ``w_i``,

    net = sum_i w_i x_i,        o = sigmoid(net - T) = 1 / (1 + exp(-(net - T))),

so its parameters are the weights ``w`` (shape (D,)) and the threshold ``T`` (a number). A
``torch.nn.Linear`` or ``course_nn.modules.Linear`` holds the same unit with ``bias = -T``.

Two losses over N examples with 0/1 (or [0, 1]) targets ``t``:

- squared error ``E = 1/2 sum_n (t_n - o_n)^2``, whose gradient with respect to the unit's
  input ``z = net - T`` is ``-(t - o) o (1 - o)``;
- cross-entropy ``E = -sum_n [t_n log o_n + (1 - t_n) log(1 - o_n)]``, whose gradient with
  respect to ``z`` is simply ``o - t``.

Both can be divided by N (``reduction="mean"``, the default, so a learning rate does not depend
on the size of the data set) or left as sums (``reduction="sum"``, the slides' error).

``threshold_unit_error`` gives the squared error of a threshold unit with the same parameters,
for the comparison that motivates the logistic unit: as a function of the weights it is
piecewise constant, so its gradient is zero almost everywhere.

Every public function checks its arguments and raises ``ValueError``/``TypeError`` naming
the argument (``X``, ``targets``, ``weights``, ``threshold``, ...) when they do not fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_nn.layers import sigmoid
from course_nn.threshold_units import threshold_unit
from course_nn.validation import (
    as_float_array,
    check_inputs_and_weights,
    check_int,
    check_option,
    check_positive,
)

LOSSES = ("squared", "cross_entropy")
REDUCTIONS = ("sum", "mean")


def _check_unit(X, weights, threshold) -> tuple[np.ndarray, np.ndarray, float]:
    X, w = check_inputs_and_weights(X, weights)
    if isinstance(threshold, bool | np.bool_):
        raise TypeError("threshold must be a real number, got bool")
    T = float(as_float_array(threshold, "threshold", ndim=0))
    return X, w, T


def _check_target_values(t: np.ndarray, name: str = "targets") -> np.ndarray:
    if np.any((t < 0) | (t > 1)):
        raise ValueError(f"{name} must lie in [0, 1], got min {t.min():g} and max {t.max():g}")
    return t


def _check_targets(targets, n: int) -> np.ndarray:
    t = as_float_array(targets, "targets", ndim=1)
    if t.shape != (n,):
        raise ValueError(f"targets must have shape (N,) with N={n} matching X, got {t.shape}")
    return _check_target_values(t)


def logistic_unit(X, weights, threshold) -> np.ndarray:
    """Outputs ``o = sigmoid(X @ weights - threshold)`` of one logistic unit.

    X: (N, D) or (D,) inputs; weights: (D,); threshold: a number.
    Returns outputs in [0, 1] of shape (N,) (N = 1 for a single input of shape (D,)).
    Uses the overflow-free ``course_nn.layers.sigmoid``, so any finite net input is fine.
    """
    X, w, T = _check_unit(X, weights, threshold)
    return sigmoid(X @ w - T)


def softplus(z) -> np.ndarray:
    """``log(1 + exp(z))`` for any finite z without overflow (any shape -> same shape).

    For large z, ``log(1 + exp(z)) = z + log(1 + exp(-z))``; writing it as
    ``max(z, 0) + log1p(exp(-|z|))`` keeps every exponent at most 0. The cross-entropy of a
    logistic unit is made of two of these: ``-log o = softplus(-z)`` and
    ``-log(1 - o) = softplus(z)`` for ``o = sigmoid(z)``.
    """
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def loss_gradient_wrt_net(net, targets, loss: str = "squared") -> np.ndarray:
    """``dE/dz`` for one example's loss, as a function of the unit's input ``z = net - T``.

    net: any shape; targets: one number, or an array of net's shape, in [0, 1] (no other
    broadcasting: a wrongly shaped target is an error, not a silent outer product).
    Returns an array of net's shape. For ``loss="squared"`` this is
    ``-(t - o) o (1 - o)`` with ``o = sigmoid(z)``; for ``loss="cross_entropy"`` it is
    ``o - t``. The squared error's extra factor ``o (1 - o)`` vanishes when ``|z|`` is large,
    also when the output is confidently *wrong*, which is why it learns slowly from there.
    """
    check_option(loss, "loss", LOSSES)
    z = as_float_array(net, "net")
    t = _check_target_values(as_float_array(targets, "targets"))
    if t.ndim != 0 and t.shape != z.shape:
        raise ValueError(f"targets must be one number or have net's shape {z.shape}, "
                         f"got shape {t.shape}")
    o = sigmoid(z)
    if loss == "squared":
        return -(t - o) * o * (1.0 - o)
    return o - t


def logistic_loss_and_grad(X, targets, weights, threshold, *, loss: str = "squared",
                           reduction: str = "mean") -> tuple[float, np.ndarray, float]:
    """The loss of one logistic unit on a data set, and its gradients.

    X: (N, D); targets: (N,) in [0, 1]; weights: (D,); threshold: a number.
    Returns ``(E, dE/dweights of shape (D,), dE/dthreshold)``.

    With ``delta_n = dE_n/dz_n`` (see ``loss_gradient_wrt_net``), the chain rule through
    ``z = X @ w - T`` gives ``dE/dw = X^T delta`` and ``dE/dT = -sum_n delta_n``: the threshold
    moves opposite to a bias weight, because it is subtracted. Cross-entropy is computed from
    ``z`` with ``softplus``, never as ``log o``, so a saturated unit gives a large finite loss
    instead of ``inf``.
    """
    check_option(loss, "loss", LOSSES)
    check_option(reduction, "reduction", REDUCTIONS)
    X, w, T = _check_unit(X, weights, threshold)
    t = _check_targets(targets, len(X))
    z = X @ w - T
    o = sigmoid(z)
    if loss == "squared":
        value = 0.5 * float(np.sum((t - o) ** 2))
        delta = -(t - o) * o * (1.0 - o)  # dE/dz: dE/do = -(t - o) times do/dz = o (1 - o)
    else:
        # -log o = softplus(-z) and -log(1 - o) = softplus(z); dE/dz collapses to o - t
        value = float(np.sum(t * softplus(-z) + (1.0 - t) * softplus(z)))
        delta = o - t
    if reduction == "mean":
        value, delta = value / len(X), delta / len(X)
    return value, X.T @ delta, -float(np.sum(delta))


def threshold_unit_error(X, targets, weights, threshold, *, reduction: str = "sum") -> float:
    """Squared error ``E = 1/2 sum_n (t_n - step(X_n @ weights - threshold))^2``, threshold unit.

    X: (N, D) or (D,); targets: (N,) in [0, 1]; weights: (D,); threshold: a number.
    ``reduction="sum"`` (the default, the slides' error) or ``"mean"`` (divided by N). The
    unit fires where ``net >= threshold`` (``course_nn.threshold_units.threshold_unit``).
    Small changes of the parameters change no output, so E is piecewise constant in them:
    its gradient is 0 wherever it exists, which is why gradient descent cannot train the unit.
    """
    check_option(reduction, "reduction", REDUCTIONS)
    X, w, T = _check_unit(X, weights, threshold)
    t = _check_targets(targets, len(X))
    value = 0.5 * float(np.sum((t - threshold_unit(X, w, T)) ** 2))
    return value / len(X) if reduction == "mean" else value


def logistic_loss(X, targets, weights, threshold, *, loss: str = "squared",
                  reduction: str = "mean") -> float:
    """Just the loss ``E`` of ``logistic_loss_and_grad`` (for finite differences and plots)."""
    value, _, _ = logistic_loss_and_grad(X, targets, weights, threshold, loss=loss,
                                         reduction=reduction)
    return value


@dataclass(frozen=True)
class LogisticRun:
    """The result of ``train_logistic_unit``.

    weights: (D,) and threshold: the final parameters; path: (epochs + 1, D + 1) with row k
    holding ``(T, w_1, ..., w_D)`` after k steps (row 0 is the start); losses: (epochs + 1,)
    the loss at each row of ``path``; errors: (epochs + 1,) the fraction of examples the unit
    gets wrong there (class 1 where ``net > T``, i.e. output > 1/2).
    """

    weights: np.ndarray
    threshold: float
    path: np.ndarray
    losses: np.ndarray
    errors: np.ndarray


def train_logistic_unit(
    X,
    targets,
    *,
    loss: str = "squared",
    learning_rate: float = 0.5,
    epochs: int = 100,
    weights=None,
    threshold: float = 0.0,
    reduction: str = "mean",
) -> LogisticRun:
    """Train one logistic unit by full-batch gradient descent and record its path.

    X: (N, D); targets: (N,) in [0, 1]. Every step moves
    ``w <- w - learning_rate * dE/dw`` and ``T <- T - learning_rate * dE/dT`` with the
    gradients of ``logistic_loss_and_grad``. ``weights`` (D,) and ``threshold`` are the start
    (default: zero weights); nothing is random, so a run is reproducible from its start.
    """
    check_option(loss, "loss", LOSSES)
    check_option(reduction, "reduction", REDUCTIONS)
    rate = check_positive(learning_rate, "learning_rate")
    epochs = check_int(epochs, "epochs", minimum=1)
    X = as_float_array(X, "X", ndim=2)
    w = np.zeros(X.shape[1]) if weights is None else weights
    X, w, T = _check_unit(X, w, threshold)
    t = _check_targets(targets, len(X))
    w = w.copy()

    path = np.empty((epochs + 1, X.shape[1] + 1))
    losses = np.empty(epochs + 1)
    errors = np.empty(epochs + 1)
    for k in range(epochs + 1):
        value, grad_w, grad_T = logistic_loss_and_grad(X, t, w, T, loss=loss,
                                                       reduction=reduction)
        path[k, 0], path[k, 1:] = T, w
        losses[k] = value
        errors[k] = np.mean((X @ w - T > 0) != (t > 0.5))
        if k < epochs:
            w = w - rate * grad_w
            T = T - rate * grad_T
    return LogisticRun(weights=w, threshold=T, path=path, losses=losses, errors=errors)
