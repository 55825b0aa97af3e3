"""The PyTorch counterpart of ``course_nn`` models, and weight copying between the two.

``to_torch(model)`` builds a ``torch.nn.Sequential`` with the same layers and copies the NumPy
weights into it (``torch.nn.Linear`` stores its weight as (out, in), ours as (in, out), so it is
transposed); ``copy_weights_to_torch`` and ``copy_weights_from_torch`` move weights either way
between models of the same shape; ``torch_gradients`` reads the gradients back under our names.
"""

from __future__ import annotations

import numpy as np

from course_nn.modules import Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from course_nn.validation import check_int, describe

_ACTIVATIONS = {Sigmoid: "Sigmoid", Tanh: "Tanh", ReLU: "ReLU"}


def _check_model(model) -> None:
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a course_nn Sequential (e.g. from modules.mlp), got "
                        f"{describe(model)}")


def _check_torch_model(torch_model, kind: str = "Sequential"):
    import torch

    wanted = torch.nn.Sequential if kind == "Sequential" else torch.nn.Module
    if not isinstance(torch_model, wanted):
        raise TypeError(f"torch_model must be a torch.nn.{kind} (e.g. from to_torch), got "
                        f"{describe(torch_model)}")


def to_torch(model: Sequential, device=None, dtype=None):
    """A ``torch.nn.Sequential`` mirroring ``model``, holding a copy of its weights."""
    import torch

    _check_model(model)
    dtype = torch.float64 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a torch floating dtype such as torch.float64, got "
                        f"{describe(dtype)}")
    if device is not None:
        if not isinstance(device, str | torch.device):
            raise TypeError(f"device must be None, a string or a torch.device, got "
                            f"{describe(device)}")
        try:
            device = torch.device(device)
        except RuntimeError as error:
            raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', got "
                             f"{device!r} ({error})") from None
    layers = []
    for module in model.modules:
        if isinstance(module, Linear):
            layers.append(torch.nn.Linear(module.in_features, module.out_features))
        elif type(module) in _ACTIVATIONS:
            layers.append(getattr(torch.nn, _ACTIVATIONS[type(module)])())
        elif isinstance(module, Dropout):
            layers.append(torch.nn.Dropout(module.drop_prob))
        else:
            raise TypeError(f"no PyTorch counterpart for {type(module).__name__}")
    torch_model = torch.nn.Sequential(*layers).to(device=device, dtype=dtype)
    copy_weights_to_torch(model, torch_model)
    return torch_model


def _pairs(model: Sequential, torch_model):
    import torch

    _check_model(model)
    _check_torch_model(torch_model)
    if len(model.modules) != len(torch_model):
        raise ValueError(
            f"torch_model must mirror model layer by layer, but the models differ in length: "
            f"{len(model.modules)} NumPy modules, {len(torch_model)} torch modules"
        )
    for i, (ours, theirs) in enumerate(zip(model.modules, torch_model, strict=True)):
        if type(ours) in _ACTIVATIONS:
            if type(theirs).__name__ != _ACTIVATIONS[type(ours)]:
                raise ValueError(f"module {i}: {ours!r} does not match torch_model[{i}] "
                                 f"{theirs!r} (torch_model must mirror model layer by layer)")
        if isinstance(ours, Linear):
            if not isinstance(theirs, torch.nn.Linear) or tuple(theirs.weight.shape) != (
                ours.out_features,
                ours.in_features,
            ):
                raise ValueError(f"module {i}: {ours!r} does not match torch_model[{i}] "
                                 f"{theirs!r} (torch_model must mirror model layer by layer)")
            yield i, ours, theirs


def copy_weights_to_torch(model: Sequential, torch_model) -> None:
    """Copy every Linear layer's weight (transposed) and bias into ``torch_model``."""
    import torch

    with torch.no_grad():
        for _, ours, theirs in _pairs(model, torch_model):
            theirs.weight.copy_(torch.as_tensor(ours.weight.T))
            theirs.bias.copy_(torch.as_tensor(ours.bias))


def copy_weights_from_torch(torch_model, model: Sequential) -> None:
    """Copy every torch Linear layer's weight (transposed back) and bias into ``model``."""
    for _, ours, theirs in _pairs(model, torch_model):
        ours.weight[...] = theirs.weight.detach().cpu().double().numpy().T
        ours.bias[...] = theirs.bias.detach().cpu().double().numpy()


def torch_gradients(model: Sequential, torch_model) -> dict[str, np.ndarray]:
    """The torch model's ``.grad`` values under ``model``'s parameter names, as NumPy (in, out)."""
    grads = {}
    for i, _, theirs in _pairs(model, torch_model):
        if theirs.weight.grad is None or theirs.bias.grad is None:
            raise ValueError(f"torch module {i} has no gradient: call backward first")
        grads[f"{i}.weight"] = theirs.weight.grad.detach().cpu().double().numpy().T
        grads[f"{i}.bias"] = theirs.bias.grad.detach().cpu().double().numpy()
    return grads


def _torch_data(torch_model, X, name: str = "X"):
    """Check X: a finite 2-D float tensor on the model's device that the model accepts.

    When the model starts with a ``Linear`` layer, X must be as wide as it; otherwise (a
    ConvNet reshaping its rows, say) one dry forward pass on X's first row must succeed.
    Returns the width of the model's output.
    """
    import torch

    if not isinstance(X, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor (N, D), got {describe(X)}")
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{name} must be a non-empty 2-D tensor (N, D), got shape "
                         f"{tuple(X.shape)}")
    if not X.is_floating_point():
        raise TypeError(f"{name} must hold floats, got {X.dtype}")
    first = next((m for m in torch_model.modules() if not list(m.children())), None)
    if isinstance(first, torch.nn.Linear) and X.shape[1] != first.in_features:
        raise ValueError(f"{name} must have {first.in_features} columns to match the "
                         f"model's first layer, got shape {tuple(X.shape)}")
    params = list(torch_model.parameters())
    if params and (X.device != params[0].device or X.dtype != params[0].dtype):
        raise ValueError(f"{name} must be on the model's device and dtype "
                         f"({params[0].device}, {params[0].dtype}), got ({X.device}, {X.dtype})")
    if not bool(torch.isfinite(X).all()):
        raise ValueError(f"{name} must be finite, got NaN or infinite entries")
    was_training = torch_model.training
    torch_model.eval()
    try:
        with torch.no_grad():
            out = torch_model(X[:1])
    except RuntimeError as error:
        raise ValueError(f"{name} of shape {tuple(X.shape)} does not fit the model: "
                         f"{error}") from None
    finally:
        torch_model.train(was_training)
    return int(out.shape[1]) if out.ndim == 2 else None


def check_torch_training(torch_model, optimiser, generator) -> None:
    """Check the arguments every torch training helper shares: ``optimiser`` is a torch
    optimiser built on ``torch_model``'s trainable parameters, ``generator`` a torch.Generator."""
    import torch

    if not isinstance(optimiser, torch.optim.Optimizer):
        raise TypeError(f"optimiser must be a torch.optim.Optimizer, got {describe(optimiser)}")
    owned = {id(p) for group in optimiser.param_groups for p in group["params"]}
    if not all(id(p) in owned for p in torch_model.parameters() if p.requires_grad):
        raise ValueError("optimiser must be built on torch_model.parameters(), "
                         "got an optimiser for another model")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {describe(generator)}")


def fit_torch(torch_model, optimiser, X, y, *, epochs: int, batch_size: int, generator):
    """Train a torch classifier with cross-entropy, mini-batches drawn by ``generator``.

    The PyTorch twin of ``course_nn.training.fit`` for the notebooks' torch sections: each
    epoch shuffles the examples with ``torch.randperm(N, generator=generator)``, then steps
    ``optimiser`` once per batch. X: (N, D) float tensor, y: (N,) int64 tensor, both on the
    model's device. Returns the per-example mean training loss of each epoch (as measured
    during the epoch, with dropout active if the model has any).
    """
    import torch

    _check_torch_model(torch_model, "Module")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_torch_training(torch_model, optimiser, generator)
    classes = _torch_data(torch_model, X)
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a torch.Tensor (N,) of int64 labels, got {describe(y)}")
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape (N,) with N={len(X)} matching X, got "
                         f"{tuple(y.shape)}")
    if y.dtype != torch.int64:
        raise TypeError(f"y must hold int64 class labels, got {y.dtype}")
    if y.device != X.device:
        raise ValueError(f"y must be on X's device {X.device}, got {y.device}")
    if classes is None:
        raise ValueError("torch_model must output (N, C) class scores for cross-entropy")
    if int(y.min()) < 0 or int(y.max()) >= classes:
        raise ValueError(f"y must hold class labels in [0, {classes - 1}] for a model with "
                         f"{classes} outputs, got min {int(y.min())} max {int(y.max())}")
    losses = []
    torch_model.train()
    for _ in range(epochs):
        total = 0.0
        for idx in torch.randperm(len(y), generator=generator).split(batch_size):
            idx = idx.to(X.device)
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(torch_model(X[idx]), y[idx])
            loss.backward()
            optimiser.step()
            total += loss.item() * len(idx)
        losses.append(total / len(y))
    return losses


def predict_torch(torch_model, X) -> np.ndarray:
    """Class predictions (N,) of a torch classifier in evaluation mode, as a NumPy array.

    X: (N, D) float tensor on the model's device. The model's training/evaluation mode is
    restored afterwards.
    """
    import torch

    _check_torch_model(torch_model, "Module")
    _torch_data(torch_model, X)
    was_training = torch_model.training
    torch_model.eval()
    try:
        with torch.no_grad():
            return torch_model(X).argmax(1).cpu().numpy()
    finally:
        torch_model.train(was_training)
