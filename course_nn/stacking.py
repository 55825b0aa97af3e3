"""Greedy layer-wise stacking of autoencoders, and classifiers on a pre-trained encoder
(notebook 05).

``train_stack`` trains an autoencoder, sets its decoder aside and trains the next on its codes;
``stacked_encoder`` joins the encoders; ``encoder_classifier`` puts a softmax layer on top of an
encoder that is either ``Frozen`` (only the new layer learns) or copied for fine-tuning.
"""

from __future__ import annotations

import copy

import numpy as np

from course_nn.autoencoders import Autoencoder, autoencoder, train_autoencoder
from course_nn.modules import Linear, Module, Sequential
from course_nn.optim import Adam
from course_nn.validation import (
    as_float_array,
    check_generator,
    check_int,
    check_positive,
    describe,
)


def _as_sequential(module, name: str) -> Sequential:
    if not isinstance(module, Module):
        raise TypeError(f"{name} must be a course_nn Module, got {type(module).__name__}")
    return module if isinstance(module, Sequential) else Sequential(module)


def train_stack(X, hidden_sizes, rng: np.random.Generator, *, epochs: int = 10,
                batch_size: int = 50, learning_rate: float = 1e-2, loss: str = "squared",
                penalty=None, start=(), show_progress: bool = True) -> list[Autoencoder]:
    """Greedy layer-wise training: an autoencoder on X, then one on its codes, and so on.

    Each new layer (one per entry of ``hidden_sizes``) is a sigmoid autoencoder trained with
    Adam on the codes of the layers below; its decoder is then set aside and the next layer
    learns to reconstruct its codes. ``start`` may hold layers already trained (bottom first),
    which are kept as they are. Returns all the layers' autoencoders, bottom first.
    """
    X = as_float_array(X, "X", ndim=2)
    sizes = [check_int(h, "hidden_sizes[i]", minimum=1) for h in hidden_sizes]
    if not sizes:
        raise ValueError("hidden_sizes must list at least one layer size, got none")
    check_generator(rng)
    check_positive(learning_rate, "learning_rate")
    empty = isinstance(start, list | tuple) and not start
    stack = [] if empty else _check_stack(start, "start")
    codes = X
    for ae in stack:
        codes = ae.encode(codes)
    for size in sizes:
        ae = autoencoder(codes.shape[1], size, rng, penalty=penalty)
        train_autoencoder(ae, Adam(ae, learning_rate), codes, loss=loss, epochs=epochs,
                          batch_size=batch_size, rng=rng, show_progress=show_progress)
        stack.append(ae)
        codes = ae.encode(codes)
    return stack


def _check_stack(stack, name: str = "stack") -> list[Autoencoder]:
    if not isinstance(stack, list | tuple) or not stack or not all(
            isinstance(a, Autoencoder) for a in stack):
        raise TypeError(f"{name} must be a non-empty list of Autoencoders, got {describe(stack)}")
    return list(stack)


def stacked_encoder(stack) -> Sequential:
    """The encoders of a stack, in order, as one ``Sequential`` (sharing their arrays)."""
    return Sequential(*[m for ae in _check_stack(stack) for m in ae.encoder.modules])


def reconstruct_through(stack, X) -> np.ndarray:
    """Encode X through every layer of the stack, then decode back down through every layer."""
    stack = _check_stack(stack)
    codes = as_float_array(X, "X", ndim=2)
    for ae in stack:
        codes = ae.encode(codes)
    for ae in reversed(stack):
        codes = ae.decode(codes)
    return codes


class Frozen(Module):
    """Wraps a module so that training leaves it unchanged: it exposes no parameters.

    As the first module of a network it does no backward work at all (``input_grad=False``).
    """

    def __init__(self, module: Module):
        if not isinstance(module, Module):
            raise TypeError(f"module must be a course_nn Module, got {type(module).__name__}")
        self.module = module

    def forward(self, x):
        return self.module.forward(x)

    def backward(self, dout, input_grad=True):
        if not input_grad:
            return None
        dx = self.module.backward(dout)
        self.module.zero_grad()  # its gradients are never used; keep them from piling up
        return dx

    def __repr__(self) -> str:
        return f"Frozen({self.module!r})"


def encoder_classifier(encoder: Sequential, n_classes: int, rng: np.random.Generator, *,
                       freeze: bool) -> Sequential:
    """A softmax classifier (raw scores, for ``loss="cross_entropy"``) on top of ``encoder``.

    ``freeze=True`` wraps the encoder in ``Frozen`` (only the new output layer learns);
    ``freeze=False`` copies it, so fine-tuning leaves the pre-trained encoder as it was.
    """
    encoder = _as_sequential(encoder, "encoder")
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    if not isinstance(freeze, bool):
        raise TypeError(f"freeze must be True or False, got {describe(freeze)}")
    linears = [m for m in encoder.modules if isinstance(m, Linear)]
    if not linears:
        raise ValueError(f"encoder must contain a Linear layer, got {encoder!r}")
    width = linears[-1].out_features
    body = Frozen(encoder) if freeze else copy.deepcopy(encoder)
    return Sequential(body, Linear(width, n_classes, rng))


def balanced_subset(y, n_labels: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n_labels`` examples, the same number from each class (labelled subsets).

    y: (N,) integer labels; ``n_labels`` must be a multiple of the number of classes and no
    class may have too few examples. Returns the indices (n_labels,), in random order.
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must be a 1-D array of integer labels, got {describe(y)}")
    n = check_int(n_labels, "n_labels", minimum=1)
    check_generator(rng)
    classes = np.unique(y)
    if n % len(classes):
        raise ValueError(f"n_labels must be a multiple of the {len(classes)} classes, got {n}")
    per_class = n // len(classes)
    picks = []
    for c in classes:
        members = np.flatnonzero(y == c)
        if len(members) < per_class:
            raise ValueError(f"n_labels={n} needs {per_class} examples of class {c}, "
                             f"y has {len(members)}")
        picks.append(rng.choice(members, per_class, replace=False))
    return rng.permutation(np.concatenate(picks))
