"""The PyTorch counterpart of ``course_nn`` models, and weight copying between the two.

``to_torch(model)`` builds a ``torch.nn.Sequential`` with the same layers and copies the NumPy
weights into it (``torch.nn.Linear`` stores its weight as (out, in), ours as (in, out), so it is
transposed); ``copy_weights_to_torch`` and ``copy_weights_from_torch`` move weights either way
between models of the same shape; ``torch_gradients`` reads the gradients back under our names.
"""

from __future__ import annotations

import numpy as np

from course_nn.modules import Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh

_ACTIVATIONS = {Sigmoid: "Sigmoid", Tanh: "Tanh", ReLU: "ReLU"}


def to_torch(model: Sequential, device=None, dtype=None):
    """A ``torch.nn.Sequential`` mirroring ``model``, holding a copy of its weights."""
    import torch

    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a course_nn Sequential, got {type(model).__name__}")
    dtype = dtype or torch.float64
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

    if len(model.modules) != len(torch_model):
        raise ValueError(
            f"models differ in length: {len(model.modules)} NumPy modules, "
            f"{len(torch_model)} torch modules"
        )
    for i, (ours, theirs) in enumerate(zip(model.modules, torch_model, strict=True)):
        if type(ours) in _ACTIVATIONS:
            if type(theirs).__name__ != _ACTIVATIONS[type(ours)]:
                raise ValueError(f"module {i}: {ours!r} does not match {theirs!r}")
        if isinstance(ours, Linear):
            if not isinstance(theirs, torch.nn.Linear) or tuple(theirs.weight.shape) != (
                ours.out_features,
                ours.in_features,
            ):
                raise ValueError(f"module {i}: {ours!r} does not match {theirs!r}")
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
        if theirs.weight.grad is None:
            raise ValueError(f"torch module {i} has no gradient: call backward first")
        grads[f"{i}.weight"] = theirs.weight.grad.detach().cpu().double().numpy().T
        grads[f"{i}.bias"] = theirs.bias.grad.detach().cpu().double().numpy()
    return grads


def fit_torch(torch_model, optimiser, X, y, *, epochs: int, batch_size: int, generator):
    """Train a torch classifier with cross-entropy, mini-batches drawn by ``generator``.

    The PyTorch twin of ``course_nn.training.fit`` for the notebooks' torch sections: each
    epoch shuffles the examples with ``torch.randperm(N, generator=generator)``, then steps
    ``optimiser`` once per batch. X: (N, D) float tensor, y: (N,) int64 tensor, both on the
    model's device. Returns the per-example mean training loss of each epoch (as measured
    during the epoch, with dropout active if the model has any).
    """
    import torch

    from course_nn.validation import check_int

    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(torch_model, torch.nn.Module):
        raise TypeError(f"torch_model must be a torch.nn.Module, got {type(torch_model).__name__}")
    if not isinstance(optimiser, torch.optim.Optimizer):
        raise TypeError(f"optimiser must be a torch.optim.Optimizer, got {type(optimiser).__name__}")
    owned = {id(p) for group in optimiser.param_groups for p in group["params"]}
    if not all(id(p) in owned for p in torch_model.parameters()):
        raise ValueError("optimiser must be built on torch_model.parameters(), "
                         "got an optimiser for another model")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    for name, tensor in (("X", X), ("y", y)):
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"X must be (N, D) and y (N,) with the same N, got {tuple(X.shape)} "
                         f"and {tuple(y.shape)}")
    if y.dtype != torch.int64:
        raise TypeError(f"y must hold int64 class labels, got {y.dtype}")
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

    The model's training/evaluation mode is restored afterwards.
    """
    import torch

    was_training = torch_model.training
    torch_model.eval()
    try:
        with torch.no_grad():
            return torch_model(X).argmax(1).cpu().numpy()
    finally:
        torch_model.train(was_training)
