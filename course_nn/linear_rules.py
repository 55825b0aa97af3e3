"""Learning rules for one linear unit: Hebb, perceptron, Widrow-Hoff (LMS), SGD, Winnow.

Introduced in notebook 01. Conventions shared by every function here:

- a data matrix ``X`` has shape (N, n); trainers prepend a column of ones (``add_bias``), so
  their weight vectors have shape (n + 1,) and ``w[0]`` is the bias (minus the threshold);
- 0/1 targets ``t`` go with threshold outputs ``o = step(w . x)``; +-1 labels ``y = 2t - 1``
  go with the losses of SGD (perceptron criterion, hinge, squared) and the perceptron with a
  margin.

Kinks. The perceptron criterion and the hinge loss have a kink, where any step between "no
update" and "the full step ``r y x``" is a subgradient step. The convention here, shared by
code, tests and notebook 01: the hinge loss updates at ``y w . x = 1`` exactly (no update only
when ``y w . x > 1``, as ``perceptron_margin_update``); the perceptron criterion updates exactly
when the threshold unit's output is wrong, and that unit outputs 1 at ``w . x = 0``: so at the
kink a -1 example is updated and a +1 example is not, which makes the SGD step and
Rosenblatt's rule identical on every example.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course_nn.threshold_units import step
from course_nn.validation import (
    as_float_array,
    check_generator,
    check_int,
    check_option,
    check_positive,
    check_targets,
    check_values_in,
)

LOSSES = ("perceptron", "hinge", "squared")


def add_bias(X) -> np.ndarray:
    """Prepend a column of ones: X (N, n) -> (N, n + 1), so ``w[0]`` acts as the bias."""
    X = as_float_array(X, "X", ndim=2)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def _check_vector_pair(w, x) -> tuple[np.ndarray, np.ndarray]:
    w = as_float_array(w, "w", ndim=1)
    x = as_float_array(x, "x", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"x must have shape (d,) with d={w.size} matching w, got {x.shape}")
    return w, x


def _check_label(value, name: str, allowed: tuple[float, ...]) -> float:
    value = float(as_float_array(value, name, ndim=0))
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value:g}")
    return value


def _check_dataset(
    X, t, allowed: tuple[float, ...] | None, t_name: str = "t"
) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", ndim=2)
    t = check_targets(t, t_name, X.shape[0])
    if allowed is not None:
        check_values_in(t, t_name, allowed)
    return X, t


def _check_bias_weights(w, X: np.ndarray) -> np.ndarray:
    w = as_float_array(w, "w", ndim=1)
    if w.size != X.shape[1] + 1:
        raise ValueError(
            f"w must have shape (n + 1,) = ({X.shape[1] + 1},) for X with n={X.shape[1]}, "
            f"got {w.shape}"
        )
    return w


def _initial_weights(w0, d: int) -> np.ndarray:
    if w0 is None:
        return np.zeros(d)
    w = as_float_array(w0, "w0", ndim=1)
    if w.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},) (bias first), got {w.shape}")
    return w.copy()


# --- Hebb -------------------------------------------------------------------------------------


def hebb_update(W, pre, post, learning_rate: float = 1.0) -> np.ndarray:
    """Hebb's rule ``w_ij <- w_ij + R o_i o_j`` for every pair of connected units.

    W: (n_post, n_pre) weights from presynaptic unit i to postsynaptic unit j (row j);
    pre: (n_pre,) activities o_i; post: (n_post,) activities o_j. Returns the new W.
    There is no error term: the weights grow whenever both ends are active together.
    """
    W = as_float_array(W, "W", ndim=2)
    pre = as_float_array(pre, "pre", ndim=1)
    post = as_float_array(post, "post", ndim=1)
    if W.shape != (post.size, pre.size):
        raise ValueError(
            f"W must have shape (n_post, n_pre) = ({post.size}, {pre.size}) matching post and "
            f"pre, got {W.shape}"
        )
    R = check_positive(learning_rate, "learning_rate")
    return W + R * np.outer(post, pre)


def train_hebb(X, y, learning_rate: float = 1.0) -> np.ndarray:
    """One pass of supervised Hebbian learning: clamp the output to the target and apply Hebb.

    X: (N, n) inputs and y: (N,) targets, both in bipolar coding (-1/+1), for which Hebb's
    rule can learn AND and OR. Returns weights of shape (n + 1,), bias first.
    """
    X, y = _check_dataset(X, y, (-1, 1), "y")
    check_values_in(X, "X", (-1, 1))
    check_positive(learning_rate, "learning_rate")
    Xb = add_bias(X)
    w = np.zeros((1, Xb.shape[1]))
    for x_d, y_d in zip(Xb, y, strict=True):
        w = hebb_update(w, x_d, np.array([y_d]), learning_rate)
    return w[0]


# --- Perceptron -------------------------------------------------------------------------------


def perceptron_update(w, x, t, learning_rate: float = 1.0) -> np.ndarray:
    """Rosenblatt's rule ``w <- w + R (t - o) x`` with ``o = step(w . x)``.

    w, x: (d,) with the bias entry included in both; t: target 0 or 1. A correct output leaves
    w unchanged; a 0 that should be 1 adds ``R x``; a 1 that should be 0 subtracts it.
    """
    w, x = _check_vector_pair(w, x)
    t = _check_label(t, "t", (0.0, 1.0))
    R = check_positive(learning_rate, "learning_rate")
    return _perceptron_step(w, x, t, R)


def _perceptron_step(w: np.ndarray, x: np.ndarray, t: float, R: float) -> np.ndarray:
    o = float(w @ x >= 0)
    return w + R * (t - o) * x


@dataclass
class PerceptronRun:
    """What ``train_perceptron`` (or ``train_winnow``) did.

    weights: (d,) final weights, bias first; weight_history: (epochs + 1, d) weights at the
    start and after each epoch; mistakes_per_epoch: list of ints; converged: an epoch without
    mistakes happened; cycled: the weights came back to an earlier epoch's value, so the
    deterministic rule would repeat itself forever.
    """

    weights: np.ndarray
    weight_history: np.ndarray
    mistakes_per_epoch: list[int] = field(default_factory=list)
    converged: bool = False
    cycled: bool = False

    @property
    def mistakes(self) -> int:
        """Total number of updates made."""
        return int(sum(self.mistakes_per_epoch))

    @property
    def epochs(self) -> int:
        return len(self.mistakes_per_epoch)


def train_perceptron(
    X,
    t,
    *,
    learning_rate: float = 1.0,
    max_epochs: int = 100,
    w0=None,
    rng: np.random.Generator | None = None,
) -> PerceptronRun:
    """Run the perceptron rule over the data until an epoch makes no mistake.

    X: (N, n) inputs; t: (N,) 0/1 targets. Examples are visited in order, or shuffled each
    epoch when ``rng`` is given. On data that are not linearly separable it never converges;
    in fixed order it then cycles, which is detected and reported.
    """
    X, t = _check_dataset(X, t, (0, 1))
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    check_positive(learning_rate, "learning_rate")
    if rng is not None:
        check_generator(rng)
    Xb = add_bias(X)
    w = _initial_weights(w0, Xb.shape[1])
    history = [w.copy()]
    seen = {w.tobytes()}
    run = PerceptronRun(w, np.empty(0))
    for _ in range(max_epochs):
        order = rng.permutation(len(t)) if rng is not None else range(len(t))
        mistakes = 0
        for i in order:
            mistakes += int(float(w @ Xb[i] >= 0) != t[i])
            w = _perceptron_step(w, Xb[i], t[i], learning_rate)
        history.append(w.copy())
        run.mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            run.converged = True
            break
        if rng is None:
            key = w.tobytes()
            if key in seen:
                run.cycled = True
                break
            seen.add(key)
    run.weights, run.weight_history = w, np.array(history)
    return run


def perceptron_margin_update(w, x, y, learning_rate: float = 1.0, margin: float = 1.0):
    """The perceptron update with a margin, for +-1 labels.

    If ``y w . x > margin`` (right, by more than the margin) nothing changes; otherwise, also
    at ``y w . x = margin`` exactly, ``w <- w + R y x``. With ``margin = 1`` this is exactly
    ``sgd_step(..., loss="hinge")``. w, x: (d,) with the bias entry included; y: -1 or +1.
    """
    w, x = _check_vector_pair(w, x)
    y = _check_label(y, "y", (-1.0, 1.0))
    R = check_positive(learning_rate, "learning_rate")
    check_positive(margin, "margin", allow_zero=True)
    if y * (w @ x) > margin:
        return w.copy()
    return w + R * y * x


# --- Losses and SGD ---------------------------------------------------------------------------


def _check_loss_inputs(w, X, y, labels: tuple[float, ...] | None):
    w = as_float_array(w, "w", ndim=1)
    X = as_float_array(X, "x")
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != w.size:
        raise ValueError(
            f"x must have shape (d,) or (N, d) with d={w.size} matching w, got {np.shape(X)}"
        )
    y = as_float_array(y, "y")
    y = y.reshape(-1) if y.ndim == 0 else y
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape (N,) with N={X.shape[0]} matching x, got {y.shape}"
        )
    if labels is not None:
        check_values_in(y, "y", labels)
    return w, X, y


def perceptron_criterion(w, x, y) -> float:
    """Rosenblatt's perceptron criterion ``Q = sum max(0, -y w . x)`` for labels y in {-1, +1}.

    x: (d,) or (N, d) with the bias entry included; y: a label or (N,). Zero on every example
    on the right side of the boundary; grows linearly with the distance on the wrong side.
    """
    w, X, y = _check_loss_inputs(w, x, y, (-1, 1))
    return float(np.sum(np.maximum(0.0, -y * (X @ w))))


def _unit_is_wrong(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    # The threshold unit outputs +1 where w . x >= 0, so on the boundary a -1 example is wrong.
    z = X @ w
    return np.where(y > 0, z < 0, z >= 0)


def perceptron_criterion_grad(w, x, y) -> np.ndarray:
    """A subgradient of ``perceptron_criterion``: ``-sum y x`` over the examples the threshold
    unit ``sign(w . x)`` (+1 at ``w . x = 0``) gets wrong; shape (d,).

    Off the boundary this is the gradient. On it (``w . x = 0``) it picks, of the valid
    subgradients ``-theta y x`` with ``theta`` in [0, 1], the one that matches the unit's output:
    ``theta = 1`` for a -1 example, ``theta = 0`` for a +1 example.
    """
    w, X, y = _check_loss_inputs(w, x, y, (-1, 1))
    wrong = _unit_is_wrong(w, X, y)
    return -(X[wrong].T @ y[wrong])


def hinge_loss(w, x, y) -> float:
    """Hinge loss ``Q = sum max(0, 1 - y w . x)`` for labels y in {-1, +1}."""
    w, X, y = _check_loss_inputs(w, x, y, (-1, 1))
    return float(np.sum(np.maximum(0.0, 1.0 - y * (X @ w))))


def hinge_loss_grad(w, x, y) -> np.ndarray:
    """A subgradient of ``hinge_loss``: ``-sum y x`` over examples with ``y w . x <= 1``.

    At the kink ``y w . x = 1`` we take the full ``-y x`` (one end of the subdifferential),
    matching the perceptron update with a margin: no update only when ``y w . x > 1``.
    """
    w, X, y = _check_loss_inputs(w, x, y, (-1, 1))
    active = y * (X @ w) <= 1.0
    return -(X[active].T @ y[active])


def squared_loss(w, x, y) -> float:
    """LMS loss ``Q = 1/2 sum (y - w . x)^2``; x: (d,) or (N, d), y: scalar or (N,)."""
    w, X, y = _check_loss_inputs(w, x, y, None)
    return float(0.5 * np.sum((y - X @ w) ** 2))


def squared_loss_grad(w, x, y) -> np.ndarray:
    """Gradient of ``squared_loss`` with respect to w: ``-sum (y - w . x) x``, shape (d,)."""
    w, X, y = _check_loss_inputs(w, x, y, None)
    return -X.T @ (y - X @ w)


#: Each loss of ``sgd_step`` with its (sub)gradient, by name.
LOSS_FUNCTIONS = {
    "perceptron": (perceptron_criterion, perceptron_criterion_grad),
    "hinge": (hinge_loss, hinge_loss_grad),
    "squared": (squared_loss, squared_loss_grad),
}


def sgd_step(w, x, y, learning_rate: float, loss: str = "squared") -> np.ndarray:
    """One stochastic gradient step ``w <- w - r grad_w Q(x, y, w)``.

    ``loss="perceptron"`` (the perceptron criterion) gives Rosenblatt's rule ``w + r y x`` on a
    mistake; ``loss="hinge"`` the perceptron update with a margin of 1; ``loss="squared"``
    Widrow-Hoff/Adaline ``w + r (y - w . x) x``. w: (d,); x: (d,) or (N, d); y: a label or (N,).
    """
    check_option(loss, "loss", LOSSES)
    r = check_positive(learning_rate, "learning_rate")
    w = as_float_array(w, "w", ndim=1)
    return w - r * LOSS_FUNCTIONS[loss][1](w, x, y)


# --- Widrow-Hoff / LMS ------------------------------------------------------------------------


def lms_error(w, X, t) -> float:
    """``Err(w) = 1/2 sum_d (t_d - w . x_d)^2`` with X: (N, n) raw inputs, w: (n + 1,)."""
    X, t = _check_dataset(X, t, None)
    w = _check_bias_weights(w, X)
    Xb = add_bias(X)
    return float(0.5 * np.sum((t - Xb @ w) ** 2))


def least_squares(X, t) -> np.ndarray:
    """The weights (bias first, shape (n + 1,)) minimising ``lms_error``, by ``lstsq``."""
    X, t = _check_dataset(X, t, None)
    return np.linalg.lstsq(add_bias(X), t, rcond=None)[0]


@dataclass
class LMSRun:
    """What a Widrow-Hoff trainer did.

    weights: (d,) final weights; path: (steps + 1, d) weights after every update (one per
    epoch for batch, one per example for incremental); errors: (epochs + 1,) the total error
    ``lms_error`` at the start and after each epoch.
    """

    weights: np.ndarray
    path: np.ndarray
    errors: np.ndarray


def widrow_hoff_batch(X, t, *, learning_rate: float, epochs: int, w0=None) -> LMSRun:
    """Batch gradient descent on ``Err(w)``: each epoch ``w <- w + R sum_d (t_d - o_d) x_d``.

    Converges to the least-squares weights when ``R < 2 / lambda_max(X^T X)`` (with the bias
    column); diverges above that.
    """
    X, t = _check_dataset(X, t, None)
    R = check_positive(learning_rate, "learning_rate")
    epochs = check_int(epochs, "epochs", minimum=0)
    Xb = add_bias(X)
    w = _initial_weights(w0, Xb.shape[1])
    path, errors = [w.copy()], [squared_loss(w, Xb, t)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            w = w + R * Xb.T @ (t - Xb @ w)
            path.append(w.copy())
            errors.append(float(0.5 * np.sum((t - Xb @ w) ** 2)))
    return LMSRun(w, np.array(path), np.array(errors))


def widrow_hoff_incremental(
    X, t, *, learning_rate: float, epochs: int, w0=None, rng: np.random.Generator | None = None
) -> LMSRun:
    """Incremental (stochastic) LMS: after each example ``w <- w + R (t_d - o_d) x_d``.

    Examples are visited in order, or shuffled each epoch when ``rng`` is given. With a fixed
    rate it hovers near the least-squares weights rather than landing on them.
    """
    X, t = _check_dataset(X, t, None)
    R = check_positive(learning_rate, "learning_rate")
    epochs = check_int(epochs, "epochs", minimum=0)
    if rng is not None:
        check_generator(rng)
    Xb = add_bias(X)
    w = _initial_weights(w0, Xb.shape[1])
    path, errors = [w.copy()], [squared_loss(w, Xb, t)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(len(t)) if rng is not None else range(len(t))
            for i in order:
                w = w + R * (t[i] - Xb[i] @ w) * Xb[i]
                path.append(w.copy())
            errors.append(float(0.5 * np.sum((t - Xb @ w) ** 2)))
    return LMSRun(w, np.array(path), np.array(errors))


# --- Winnow -----------------------------------------------------------------------------------


def winnow_update(w, x, t, *, promotion: float = 2.0, threshold: float | None = None):
    """Littlestone's Winnow: a multiplicative update for 0/1 inputs and targets.

    Output ``o = [w . x >= theta]`` (default ``theta = n``, the number of inputs). On a miss
    (o = 0, t = 1) every weight of an active input is multiplied by ``promotion``; on a false
    alarm (o = 1, t = 0) it is divided by it. Weights stay positive. w (positive), x: (n,).

    This is not a gradient step on w: it adds the perceptron's step ``(t - o) x`` to the
    log-weights, ``ln w <- ln w + ln(promotion) (t - o) x``, which is Kivinen and Warmuth's
    exponentiated-gradient update with the perceptron criterion's gradient.
    """
    w, x = _check_vector_pair(w, x)
    if np.any(w <= 0):
        raise ValueError(f"w must be positive (Winnow's weights never change sign), got "
                         f"{int(np.sum(w <= 0))} entries <= 0")
    check_values_in(x, "x", (0, 1))
    t = _check_label(t, "t", (0.0, 1.0))
    alpha = check_positive(promotion, "promotion")
    if alpha <= 1:
        raise ValueError(f"promotion must be > 1, got {alpha}")
    theta = float(x.size) if threshold is None else check_positive(threshold, "threshold")
    return _winnow_step(w, x, t, alpha, theta)


def _winnow_step(w: np.ndarray, x: np.ndarray, t: float, alpha: float, theta: float):
    o = float(w @ x >= theta)
    return w * alpha ** ((t - o) * x)


def train_winnow(
    X, t, *, promotion: float = 2.0, max_epochs: int = 100,
    rng: np.random.Generator | None = None,
) -> PerceptronRun:
    """Run Winnow (threshold n, weights starting at 1) until an epoch makes no mistake.

    X: (N, n) 0/1 inputs; t: (N,) 0/1 targets. There is no bias: Winnow learns monotone
    functions such as disjunctions, making O(k log n) mistakes for k relevant inputs of n.
    """
    X, t = _check_dataset(X, t, (0, 1))
    check_values_in(X, "X", (0, 1))
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    alpha = check_positive(promotion, "promotion")
    if alpha <= 1:
        raise ValueError(f"promotion must be > 1, got {alpha}")
    if rng is not None:
        check_generator(rng)
    w = np.ones(X.shape[1])
    history = [w.copy()]
    run = PerceptronRun(w, np.empty(0))
    for _ in range(max_epochs):
        order = rng.permutation(len(t)) if rng is not None else range(len(t))
        mistakes = 0
        for i in order:
            theta = float(X.shape[1])
            # Count wrong outputs, not weight changes: a miss on an all-zero input changes no
            # weight (nothing is active to promote) but is still a mistake.
            mistakes += int(float(w @ X[i] >= theta) != t[i])
            w = _winnow_step(w, X[i], t[i], alpha, theta)
        history.append(w.copy())
        run.mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            run.converged = True
            break
    run.weights, run.weight_history = w, np.array(history)
    return run


def predict_linear(w, X) -> np.ndarray:
    """Threshold outputs ``step(w . (1, x))`` of a trained unit: w (n + 1,), X (N, n) -> (N,)."""
    X = as_float_array(X, "X", ndim=2)
    w = _check_bias_weights(w, X)
    return step(add_bias(X) @ w)
