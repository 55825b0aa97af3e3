"""k-fold cross-validation for choosing the number of epochs or of hidden units (notebook 04).

The slides' recipe: split the training data into k folds; train k times, each time holding one
fold out for validation; average the validation error per setting; pick the best; then retrain
on *all* the training data with that setting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from course_nn.modules import Module
from course_nn.training import LOSSES, evaluate, fit
from course_nn.validation import (
    as_float_array,
    check_generator,
    check_int,
    check_option,
    describe,
)


def _check_data(X, y, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """X (N, D) finite floats; y (N,) integer labels for cross-entropy, (N, K) for squared."""
    X = as_float_array(X, "X", ndim=2)
    if y is None or isinstance(y, str | bytes):
        raise TypeError(f"y must be an array of targets, got {describe(y)}")
    if loss == "cross_entropy":
        y = np.asarray(y)
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y must be integer class labels of shape (N,) for cross-entropy, "
                             f"got {y.dtype} of shape {y.shape}")
    else:
        y = as_float_array(y, "y", ndim=2)
    if len(y) != len(X):
        raise ValueError(f"y must have N={len(X)} rows matching X, got {len(y)}")
    return X, y


def _check_common(build, epochs, rng, k, loss, batch_size, n: int) -> tuple[int, int]:
    if not callable(build):
        raise TypeError(f"build must be a function returning (model, optimiser), "
                        f"got {describe(build)}")
    epochs = check_int(epochs, "epochs", minimum=1)
    check_generator(rng)
    k = check_int(k, "k", minimum=2)
    check_option(loss, "loss", LOSSES)
    if batch_size is not None:
        check_int(batch_size, "batch_size", minimum=1)
    if k > n:
        raise ValueError(f"k must be <= the number of examples N={n}, got {k}")
    return epochs, k


def _built(result, call: str) -> tuple[Module, object]:
    """Check that ``build`` returned a (model, optimiser) pair; ``fit`` checks the optimiser."""
    if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[0], Module):
        shown = (f"a tuple of {', '.join(type(r).__name__ for r in result)}"
                 if isinstance(result, tuple) else describe(result))
        raise TypeError(f"{call} must return a (model, optimiser) pair, got {shown}")
    return result


def kfold_indices(n: int, k: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` (train, validation) index pairs: a random partition of ``range(n)`` into k folds.

    Every index is in exactly one validation fold; fold sizes differ by at most one.
    """
    n = check_int(n, "n", minimum=2)
    k = check_int(k, "k", minimum=2)
    check_generator(rng)
    if k > n:
        raise ValueError(f"k must be <= n={n} (at least one example per fold), got {k}")
    folds = np.array_split(rng.permutation(n), k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


@dataclass
class EpochCurves:
    """Validation curves of k-fold training: ``val_loss`` and ``val_accuracy`` of shape
    (k, epochs); ``best_epochs`` the epoch count (1-based) minimising the mean validation loss,
    and ``fold_best`` each fold's own best epoch count (k,).

    The rule is the argmin of the mean curve, not the mean of the per-fold argmins: averaging
    the k curves first cancels much of each fold's noise before the minimum is taken, and the
    chosen count is one where the averaged validation loss really is lowest. The mean of the
    per-fold bests (``fold_best.mean()``) averages k noisy minima instead, and can land where
    no fold's curve is low.
    """

    val_loss: np.ndarray
    val_accuracy: np.ndarray
    best_epochs: int
    fold_best: np.ndarray


def cross_validate_epochs(
    build: Callable[[np.random.Generator], tuple],
    X,
    y,
    *,
    epochs: int,
    rng: np.random.Generator,
    k: int = 10,
    loss: str = "cross_entropy",
    batch_size: int | None = 32,
) -> EpochCurves:
    """Choose the number of epochs by k-fold cross-validation.

    ``build(rng)`` returns a fresh ``(model, optimiser)``; each fold trains one for ``epochs``
    epochs and records its validation loss after every epoch, so one run per fold scores every
    epoch count at once.
    """
    check_option(loss, "loss", LOSSES)
    X, y = _check_data(X, y, loss)
    epochs, k = _check_common(build, epochs, rng, k, loss, batch_size, len(X))
    losses, accuracies = [], []
    for train, val in kfold_indices(len(X), k, rng):
        model, optimiser = _built(build(rng), "build(rng)")
        history = fit(
            model,
            optimiser,
            X[train],
            y[train],
            X_val=X[val],
            y_val=y[val],
            loss=loss,
            epochs=epochs,
            batch_size=batch_size,
            rng=rng,
            show_progress=False,
        )
        losses.append(history.val_loss)
        accuracies.append(history.val_accuracy)
    val_loss, val_accuracy = np.array(losses), np.array(accuracies)
    return EpochCurves(
        val_loss,
        val_accuracy,
        int(np.argmin(val_loss.mean(axis=0))) + 1,
        np.argmin(val_loss, axis=1) + 1,
    )


@dataclass
class ChoiceScores:
    """k-fold scores of several settings: ``values`` tried, ``accuracy`` of shape
    (len(values), k) on each held-out fold, and ``best`` the value with the highest mean."""

    values: list
    accuracy: np.ndarray
    best: object


def cross_validate_choice(
    values: Sequence,
    build: Callable[[object, np.random.Generator], tuple],
    X,
    y,
    *,
    epochs: int,
    rng: np.random.Generator,
    k: int = 10,
    loss: str = "cross_entropy",
    batch_size: int | None = 32,
) -> ChoiceScores:
    """Score each setting in ``values`` (e.g. numbers of hidden units) by k-fold validation
    accuracy; ``build(value, rng)`` returns a fresh ``(model, optimiser)``. The folds are the
    same for every value, so the comparison is paired."""
    check_option(loss, "loss", LOSSES)
    X, y = _check_data(X, y, loss)
    epochs, k = _check_common(build, epochs, rng, k, loss, batch_size, len(X))
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise TypeError(f"values must be a sequence of settings, got {describe(values)}")
    values = list(values)
    if not values:
        raise ValueError("values must list at least one setting, got none")
    folds = kfold_indices(len(X), k, rng)
    scores = np.zeros((len(values), len(folds)))
    for i, value in enumerate(values):
        for j, (train, val) in enumerate(folds):
            model, optimiser = _built(build(value, rng), "build(value, rng)")
            fit(
                model,
                optimiser,
                X[train],
                y[train],
                loss=loss,
                epochs=epochs,
                batch_size=batch_size,
                rng=rng,
                show_progress=False,
            )
            scores[i, j] = evaluate(model, loss, X[val], y[val])[1]
    return ChoiceScores(values, scores, values[int(np.argmax(scores.mean(axis=1)))])
