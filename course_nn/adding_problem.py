"""The adding problem: a long-range dependency with a known baseline (notebook 09).

Each sequence has T steps; step t carries a pair ``(value_t, marker_t)``. The values are drawn
uniformly from [0, 1]; exactly two markers are 1 (the rest 0), one at a random step of the
first half ``[0, T // 2)`` and one in the second half ``[T // 2, T)``. The target is the sum of
the two marked values. To solve it a network must remember a value over up to T steps while
ignoring everything between.

This is the form of Le, Jaitly & Hinton (2015) and Arjovsky, Shah & Bengio (2016). Hochreiter
& Schmidhuber's original (1997, section 5, experiment 4) differs in details: values in
[-1, 1], the target ``0.5 + (X1 + X2) / 4``, and its own rule for the marker positions. Their
criterion, an absolute error below 0.04, was on that scaled target; on our unscaled sum the
same 0.04 is four times stricter (``fraction_within`` takes the tolerance as an argument).

**Baseline.** A network that ignores the markers can do no better than predict the mean. The
target is ``U1 + U2`` with U1, U2 independent uniform on [0, 1], so its mean is 1 and its
variance ``1/12 + 1/12 = 1/6``: the mean predictor's expected MSE is ``1/6 ~ 0.167``. A model
has learnt something only when its MSE is clearly below that.
"""

from __future__ import annotations

import numpy as np

from course_nn import clipping
from course_nn.modules import Module
from course_nn.optim import Optimiser
from course_nn.validation import (
    as_float_array,
    check_generator,
    check_int,
    check_positive,
)

#: The mean predictor's expected MSE: Var(U1 + U2) = 2 / 12.
BASELINE_MSE = 1.0 / 6.0


def adding_problem(n: int, t: int, rng: np.random.Generator):
    """``n`` sequences of length ``t`` (at least 2): X (n, t, 2), float64, with
    ``X[:, :, 0]`` the values and ``X[:, :, 1]`` the markers; y (n,) the sums of marked values.
    """
    n = check_int(n, "n", minimum=1)
    t = check_int(t, "t", minimum=2)
    check_generator(rng)
    values = rng.uniform(0.0, 1.0, size=(n, t))
    half = t // 2
    first = rng.integers(0, half, size=n)          # one marker in [0, T//2)
    second = rng.integers(half, t, size=n)         # one in [T//2, T)
    rows = np.arange(n)
    markers = np.zeros((n, t))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=2), y


def _predictions_and_targets(predictions, y):
    y = as_float_array(y, "y", ndim=1)
    predictions = as_float_array(predictions, "predictions")
    if predictions.shape == (y.size, 1):  # a Linear head's (N, 1) output, said explicitly
        predictions = predictions[:, 0]
    if predictions.shape != y.shape:
        raise ValueError(f"predictions must have shape (N,) or (N, 1) with N={y.size} matching "
                         f"y, got {predictions.shape}")
    return predictions, y


def regression_mse(predictions, y) -> float:
    """Mean squared error of ``predictions`` (N,) or (N, 1) against targets ``y`` (N,)."""
    predictions, y = _predictions_and_targets(predictions, y)
    return float(np.mean((predictions - y) ** 2))


def mean_predictor_mse(y_train, y_test) -> float:
    """MSE on ``y_test`` of always predicting the mean of ``y_train`` (both (N,)): the score
    of a model that learnt nothing but the average. About ``BASELINE_MSE`` = 1/6."""
    y_train = as_float_array(y_train, "y_train", ndim=1)
    y_test = as_float_array(y_test, "y_test", ndim=1)
    return float(np.mean((y_test - y_train.mean()) ** 2))


def fraction_within(predictions, y, tolerance: float = 0.04) -> float:
    """Fraction of sequences whose prediction lies within ``tolerance`` of the target
    (``|prediction - y| < tolerance``; Hochreiter & Schmidhuber's criterion, 0.04)."""
    predictions, y = _predictions_and_targets(predictions, y)
    tolerance = check_positive(tolerance, "tolerance")
    return float(np.mean(np.abs(predictions - y) < tolerance))


CLIPS = ("norm", "value")


def train_regressor(model, optimiser, X, y, *, epochs: int, batch_size: int,
                    rng: np.random.Generator, clip: str | None = None,
                    threshold: float | None = None) -> dict[str, list[float]]:
    """Train a sequence regressor (e.g. ``lstm.SequenceRegressor``) on the mean squared error,
    with optional gradient clipping before every update.

    X: (N, T, D), y: (N,). Each epoch shuffles the sequences with ``rng`` and takes minibatches
    of ``batch_size``. ``clip="norm"`` or ``"value"`` clips with ``threshold`` after each
    backward pass (``clipping.clip_grad_norm`` / ``clip_grad_value``).

    Returns ``{"loss": mean training MSE per epoch, "grad_norm": the gradient norm of every
    step, before clipping}``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"model must be a course_nn Module, got {type(model).__name__}")
    if not isinstance(optimiser, Optimiser) or not optimiser.owns(model):
        raise ValueError("optimiser must be a course_nn optimiser built for model "
                         "(e.g. optim.Adam(model))")
    X = as_float_array(X, "X", ndim=3)
    y = as_float_array(y, "y", ndim=1)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (N,) with N={X.shape[0]} matching X, got {y.shape}")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_generator(rng)
    if clip is not None:
        if clip not in CLIPS:
            raise ValueError(f"clip must be None or one of {list(CLIPS)}, got {clip!r}")
        threshold = check_positive(threshold, "threshold")
    elif threshold is not None:
        raise ValueError(f"threshold must be None when clip is None, got {threshold!r}")
    history: dict[str, list[float]] = {"loss": [], "grad_norm": []}
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            rows = order[start:start + batch_size]
            model.zero_grad()
            out = model.forward(X[rows])
            error = out[:, 0] - y[rows]                  # out: (B, 1)
            total += float(np.sum(error**2))
            model.backward((2.0 / rows.size) * error[:, None], input_grad=False)
            if clip == "norm":
                history["grad_norm"].append(clipping.clip_grad_norm(model, threshold))
            else:
                history["grad_norm"].append(clipping.gradient_norm(model))
                if clip == "value":
                    clipping.clip_grad_value(model, threshold)
            optimiser.step()
        history["loss"].append(total / X.shape[0])
    return history


def predict_sequences(model, X) -> np.ndarray:
    """The model's predictions (N,) for sequences X (N, T, D), in evaluation mode."""
    if not isinstance(model, Module):
        raise TypeError(f"model must be a course_nn Module, got {type(model).__name__}")
    X = as_float_array(X, "X", ndim=3)
    was_training = model.training
    model.eval()
    try:
        out = model.forward(X)
    finally:
        model.train(was_training)
    return out[:, 0]
