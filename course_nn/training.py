"""A generic training loop with the slides' termination criteria (notebook 03 onwards).

``fit`` trains any ``Module`` with an optimiser, by per-example (``batch_size=1``),
mini-batch or full-batch (``batch_size=None``) updates, records a ``History`` and stops on the
first of: the epoch budget; the training loss reaching ``target_loss``; every output within
``output_tolerance`` of its target; no training-loss improvement for ``patience`` epochs; the
validation loss failing to improve for ``val_patience`` epochs (it has stopped falling,
and may have started rising).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course_nn import layers
from course_nn.modules import Module, first_linear
from course_nn.optim import Optimiser
from course_nn.progress import finish, progress
from course_nn.validation import (
    as_float_array,
    check_bool,
    check_fraction,
    check_generator,
    check_int,
    check_option,
    check_positive,
    describe,
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
    if reduction is not None:
        check_option(reduction, "reduction", layers.REDUCTIONS)
    if loss == "cross_entropy":
        return layers.softmax_cross_entropy(outputs, targets, reduction or "mean")
    return layers.squared_error(outputs, targets, reduction or "sum")


def accuracy(outputs, targets) -> float:
    """Fraction of correct predictions.

    outputs: (N, C). Integer targets (N,) are class labels in [0, C), compared with
    ``argmax`` of the outputs; 2-D targets must have the outputs' shape: with one column they
    are compared with ``outputs > 0.5``, with C columns (one-hot) by argmax.
    """
    outputs = as_float_array(outputs, "outputs", ndim=2, allow_nonfinite=True)
    if targets is None or isinstance(targets, str | bytes):
        raise TypeError(f"targets must be an array of labels or targets, got {describe(targets)}")
    targets = np.asarray(targets)
    if targets.ndim == 1:
        n, c = outputs.shape
        if not np.issubdtype(targets.dtype, np.integer):
            raise TypeError(
                f"targets of shape (N,) must be integer class labels, got dtype {targets.dtype} "
                "(convert with targets.astype(int), or pass (N, K) targets)"
            )
        if targets.shape != (n,):
            raise ValueError(
                f"targets must have shape (N,) with N={n} matching outputs, got {targets.shape}"
            )
        if targets.min() < 0 or targets.max() >= c:
            raise ValueError(
                f"targets must be class labels in [0, {c - 1}] for {c} output columns, "
                f"got min {targets.min()} max {targets.max()}"
            )
        return float(np.mean(outputs.argmax(axis=1) == targets))
    targets = as_float_array(targets, "targets", ndim=2)
    if targets.shape != outputs.shape:
        raise ValueError(
            f"targets must have shape {outputs.shape} matching outputs (or be (N,) labels), "
            f"got {targets.shape}"
        )
    if targets.shape[1] == 1:
        return float(np.mean((outputs > 0.5) == (targets > 0.5)))
    return float(np.mean(outputs.argmax(axis=1) == targets.argmax(axis=1)))


def _check_model(model) -> Module:
    if not isinstance(model, Module):
        raise TypeError(f"model must be a course_nn Module, got {describe(model)}")
    return model


def _check_width(model: Module, X: np.ndarray, x_name: str) -> None:
    """X's columns against the model's first layer, in the caller's names (O(1))."""
    first = first_linear(model)
    if first is not None and X.shape[1] != first.in_features:
        raise ValueError(
            f"{x_name} must have {first.in_features} columns to match the model's first layer "
            f"({first!r}), got {X.shape[1]}"
        )


def _forward_eval(model: Module, X: np.ndarray) -> np.ndarray:
    was_training = model.training
    model.eval()
    try:
        return model.forward(X)
    finally:
        model.train(was_training)


def forward_eval(model: Module, X) -> np.ndarray:
    """The model's outputs in evaluation mode (dropout off), restoring its mode afterwards."""
    _check_model(model)
    X = as_float_array(X, "X", ndim=2, allow_nonfinite=True)
    _check_width(model, X, "X")
    return _forward_eval(model, X)


def _evaluate(model: Module, loss: str, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    outputs = _forward_eval(model, X)
    value, _ = loss_and_grad(loss, outputs, y, "mean")
    return value, accuracy(outputs, y)


def evaluate(model: Module, loss: str, X, y) -> tuple[float, float]:
    """Per-example mean loss and accuracy of ``model`` on (X, y), in evaluation mode."""
    _check_model(model)
    check_option(loss, "loss", LOSSES)
    X, y = _check_data(X, y, loss, "X", "y")
    _check_width(model, X, "X")
    return _evaluate(model, loss, X, y)


def _check_data(X, y, loss: str, x_name: str, y_name: str):
    """Convert and check X and y once, where they enter (every entry is scanned for NaN)."""
    if X is None:
        raise TypeError(f"{x_name} must be a 2-D array of inputs (N, D), got None")
    X = as_float_array(X, x_name, ndim=2)
    if y is None or isinstance(y, str | bytes):
        raise TypeError(f"{y_name} must be an array of labels or targets, got {describe(y)}")
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
    outputs = _forward_eval(model, X[:1])
    if not (isinstance(outputs, np.ndarray) and outputs.ndim == 2):
        raise ValueError(f"model must output a 2-D array (N, K), got {describe(outputs)}")
    width = outputs.shape[1]
    if loss == "cross_entropy":
        if width < 2:
            raise ValueError(
                "loss='cross_entropy' needs a model with at least 2 outputs (a softmax over one "
                f"class is always 1, so its loss is constantly 0), got {width} output; for two "
                "classes use 2 outputs, or one sigmoid output with loss='squared'"
            )
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
    _check_model(model)
    if not isinstance(optimiser, Optimiser):
        raise TypeError(
            "optimiser must be a course_nn optimiser built for model, e.g. "
            f"SGD(model, learning_rate=0.1), got {describe(optimiser)}"
        )
    if not optimiser.owns(model):
        raise ValueError(
            f"optimiser must update model's parameters, but it holds another model's arrays "
            f"(it was built for {optimiser.model!r}); build it from this model, e.g. "
            f"{type(optimiser).__name__}(model, ...)"
        )
    check_option(loss, "loss", LOSSES)
    if reduction is not None:
        check_option(reduction, "reduction", layers.REDUCTIONS)
    check_bool(restore_best, "restore_best")
    check_bool(show_progress, "show_progress")
    X, y = _check_data(X, y, loss, "X", "y")
    if (X_val is None) != (y_val is None):
        missing = "y_val" if y_val is None else "X_val"
        raise ValueError(f"X_val and y_val must be given together, got {missing}=None")
    has_val = X_val is not None
    if has_val:
        X_val, y_val = _check_data(X_val, y_val, loss, "X_val", "y_val")
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(
                f"X_val must have {X.shape[1]} columns like X, got {X_val.shape[1]}"
            )
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
    _check_width(model, X, "X")
    _check_against_model(model, loss, X, y, "y")
    if has_val:
        _check_against_model(model, loss, X_val, y_val, "y_val")

    history = History()
    best, best_train, since_best_train = np.inf, np.inf, 0
    model.train()
    bar = progress(total=epochs, desc="epochs", disable_if=not show_progress)
    for epoch in range(epochs):
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

        train_loss, train_acc = _evaluate(model, loss, X, y)
        history.train_loss.append(train_loss)
        history.train_accuracy.append(train_acc)
        monitored = train_loss
        if has_val:
            val_loss, val_acc = _evaluate(model, loss, X_val, y_val)
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
            history.stop_reason = f"no validation-loss improvement for {val_patience} epochs"
        bar.update()
        if history.stop_reason:
            finish(bar, f"stopped: {history.stop_reason}")
            break
    else:
        history.stop_reason = f"epoch budget of {epochs} used"
        bar.close()
    if restore_best and history.best_epoch:
        model.load_state_dict(best_state)
        history.restored_best = True
    return history


def _within_tolerance(model: Module, X, y, tolerance: float) -> bool:
    outputs = _forward_eval(model, X)
    return bool(np.max(np.abs(outputs - y)) < tolerance)
