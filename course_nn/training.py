"""A generic training loop with the slides' termination criteria (notebook 03 onwards).

``fit`` trains any ``Module`` with an optimiser, by per-example (``batch_size=1``),
mini-batch or full-batch (``batch_size=None``) updates, records a ``History`` and stops on the
first of: the epoch budget; the training loss reaching ``target_loss``; every output within
``output_tolerance`` of its target; no training-loss improvement for ``patience`` epochs; the
validation loss failing to improve for ``val_patience`` epochs (it has started rising).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course_nn import layers
from course_nn.modules import Module
from course_nn.progress import progress
from course_nn.validation import (
    as_float_array,
    check_fraction,
    check_generator,
    check_int,
    check_option,
    check_positive,
)

LOSSES = ("cross_entropy", "squared")


@dataclass
class History:
    """Per-epoch records of a ``fit`` run.

    Losses are per-example means (whatever the reduction used for the updates), accuracies
    fractions in [0, 1]; validation lists stay empty without validation data. ``stop_reason``
    names the criterion that ended training; ``best_epoch`` is the epoch (1-based) with the
    lowest validation loss, or training loss without validation data; ``restored_best`` says
    whether ``fit`` loaded that epoch's weights back.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    stop_reason: str = ""
    best_epoch: int = 0
    restored_best: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


def loss_and_grad(loss: str, outputs: np.ndarray, targets, reduction: str | None = None):
    """Dispatch to ``layers.softmax_cross_entropy`` (mean by default) or ``squared_error``
    (sum by default, the slides' error)."""
    check_option(loss, "loss", LOSSES)
    if loss == "cross_entropy":
        return layers.softmax_cross_entropy(outputs, targets, reduction or "mean")
    return layers.squared_error(outputs, targets, reduction or "sum")


def accuracy(outputs, targets) -> float:
    """Fraction of correct predictions.

    Integer targets (N,) are compared with ``argmax`` of (N, C) outputs; 2-D float targets
    with one column are compared with ``outputs > 0.5``; one-hot targets (N, C) by argmax.
    """
    outputs = np.asarray(outputs)
    targets = np.asarray(targets)
    if targets.ndim == 1:
        return float(np.mean(outputs.argmax(axis=1) == targets))
    if targets.shape[1] == 1:
        return float(np.mean((outputs > 0.5) == (targets > 0.5)))
    return float(np.mean(outputs.argmax(axis=1) == targets.argmax(axis=1)))


def forward_eval(model: Module, X) -> np.ndarray:
    """The model's outputs in evaluation mode (dropout off), restoring its mode afterwards."""
    was_training = model.training
    model.eval()
    try:
        return model.forward(X)
    finally:
        model.train(was_training)


def evaluate(model: Module, loss: str, X, y) -> tuple[float, float]:
    """Per-example mean loss and accuracy of ``model`` on (X, y), in evaluation mode."""
    outputs = forward_eval(model, X)
    value, _ = loss_and_grad(loss, outputs, y, "mean")
    return value, accuracy(outputs, y)


def _check_data(X, y, loss: str, x_name: str, y_name: str):
    X = as_float_array(X, x_name, ndim=2)
    if loss == "cross_entropy":
        y = np.asarray(y)
        if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"{y_name} must be integer class labels of shape (N,) with N={len(X)} "
                f"matching {x_name}, got {y.dtype} {y.shape}"
            )
    else:
        y = as_float_array(y, y_name, ndim=2)
        if len(y) != len(X):
            raise ValueError(
                f"{y_name} must have shape (N, K) with N={len(X)} matching {x_name}, got {y.shape}"
            )
    return X, y


def _check_against_model(model: Module, loss: str, X, y, y_name: str) -> None:
    """A dry forward pass on one row tells how many outputs the model has; check y fits it."""
    width = forward_eval(model, X[:1]).shape[1]
    if loss == "cross_entropy":
        if y.min() < 0 or y.max() >= width:
            raise ValueError(
                f"{y_name} must hold class labels in [0, {width - 1}] for a model with {width} "
                f"outputs, got min {y.min()} max {y.max()}"
            )
    elif y.shape[1] != width:
        raise ValueError(
            f"{y_name} must have shape (N, {width}) to match the model's {width} outputs, "
            f"got {y.shape}"
        )


def fit(
    model: Module,
    optimiser,
    X,
    y,
    *,
    loss: str = "cross_entropy",
    epochs: int = 100,
    batch_size: int | None = 32,
    rng: np.random.Generator | None = None,
    X_val=None,
    y_val=None,
    reduction: str | None = None,
    target_loss: float | None = None,
    output_tolerance: float | None = None,
    patience: int | None = None,
    val_patience: int | None = None,
    restore_best: bool = False,
    shrink_factor: float | None = None,
    show_progress: bool = True,
) -> History:
    """Train ``model`` in place and return its ``History``.

    X: (N, D); y: (N,) int labels for ``loss="cross_entropy"`` or (N, K) targets for
    ``loss="squared"``. Examples are shuffled each epoch with ``rng``; with ``rng=None`` they
    go in their given order every epoch (the slides' per-example algorithm, or full batch).
    Labels and target widths are checked against the model's output before any update.

    ``restore_best=True`` keeps a copy of the weights from the epoch with the lowest validation
    loss (training loss without validation data) and loads them back when training stops:
    early stopping that returns the best network, not the last. ``shrink_factor`` multiplies
    every parameter by that fraction before each update (weight decay as shrinking); with a
    plain SGD step of rate R this equals an L2 term ``lambda/2 sum w^2`` in the error when
    ``shrink_factor = 1 - R lambda``.
    """
    check_option(loss, "loss", LOSSES)
    X, y = _check_data(X, y, loss, "X", "y")
    has_val = X_val is not None or y_val is not None
    if has_val:
        X_val, y_val = _check_data(X_val, y_val, loss, "X_val", "y_val")
    epochs = check_int(epochs, "epochs", minimum=1)
    n = len(X)
    batch = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    if rng is not None:
        check_generator(rng)
    if val_patience is not None and not has_val:
        raise ValueError("val_patience needs validation data: pass X_val and y_val")
    if output_tolerance is not None and loss != "squared":
        raise ValueError("output_tolerance applies to loss='squared' only")
    if patience is not None:
        check_int(patience, "patience", minimum=1)
    if val_patience is not None:
        check_int(val_patience, "val_patience", minimum=1)
    if output_tolerance is not None:
        check_positive(output_tolerance, "output_tolerance")
    if target_loss is not None:
        check_positive(target_loss, "target_loss", allow_zero=True)
    if shrink_factor is not None:
        check_fraction(shrink_factor, "shrink_factor", high_open=False)
    _check_against_model(model, loss, X, y, "y")
    if has_val:
        _check_against_model(model, loss, X_val, y_val, "y_val")

    history = History()
    best, best_train, since_best_train = np.inf, np.inf, 0
    model.train()
    bar = progress(range(epochs), desc="epochs", disable_if=not show_progress)
    for epoch in bar:
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            optimiser.zero_grad()
            outputs = model.forward(X[idx])
            _, dout = loss_and_grad(loss, outputs, y[idx], reduction)
            model.backward(dout, input_grad=False)
            if shrink_factor is not None:
                for p in model.parameters().values():
                    p *= shrink_factor
            optimiser.step()

        train_loss, train_acc = evaluate(model, loss, X, y)
        history.train_loss.append(train_loss)
        history.train_accuracy.append(train_acc)
        monitored = train_loss
        if has_val:
            val_loss, val_acc = evaluate(model, loss, X_val, y_val)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_acc)
            monitored = val_loss
        if monitored < best:
            best, history.best_epoch = monitored, epoch + 1
            if restore_best:
                best_state = model.state_dict()
        if train_loss < best_train - 1e-12:
            best_train, since_best_train = train_loss, 0
        else:
            since_best_train += 1

        if target_loss is not None and train_loss <= target_loss:
            history.stop_reason = f"training loss reached {target_loss}"
        elif output_tolerance is not None and _within_tolerance(model, X, y, output_tolerance):
            history.stop_reason = f"every output within {output_tolerance} of its target"
        elif patience is not None and since_best_train >= patience:
            history.stop_reason = f"no training-loss improvement for {patience} epochs"
        elif val_patience is not None and epoch + 1 - history.best_epoch >= val_patience:
            history.stop_reason = f"validation loss rose for {val_patience} epochs"
        if history.stop_reason:
            break
    else:
        history.stop_reason = f"epoch budget of {epochs} used"
    if restore_best and history.best_epoch:
        model.load_state_dict(best_state)
        history.restored_best = True
    return history


def _within_tolerance(model: Module, X, y, tolerance: float) -> bool:
    outputs = forward_eval(model, X)
    return bool(np.max(np.abs(outputs - y)) < tolerance)
