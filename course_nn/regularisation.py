"""Regularisation helpers beyond ``fit``'s own (notebook 04): the L2 penalty, predictions by
weight scaling and by Monte-Carlo averaging of dropout sub-networks, and the exact averages
over every sub-network of one softmax layer.

Early stopping with best-weight restoration and weight decay as shrinking are options of
``course_nn.training.fit`` (``restore_best``, ``shrink_factor``); the L2 form of weight decay
is ``course_nn.optim.SGD``'s ``weight_decay``; dropout is ``course_nn.modules.Dropout``.

Which average is which: Monte-Carlo averaging of sampled sub-networks converges to the
*arithmetic* mean of their class probabilities. Weight scaling (evaluation mode of inverted
dropout) approximates the normalised *geometric* mean instead; for a single softmax layer with
dropout on its inputs it equals that geometric mean exactly (Hinton et al., 2012; Srivastava et
al., 2014, section 9), which ``subnetwork_means`` shows by enumerating every mask.
"""

from __future__ import annotations

import numpy as np

from course_nn.layers import log_softmax, softmax
from course_nn.modules import Dropout, Linear, Module, Sequential, _Activation
from course_nn.training import forward_eval
from course_nn.validation import (
    as_float_array,
    check_fraction,
    check_int,
    check_positive,
    describe,
)

#: ``subnetwork_means`` enumerates 2^D masks; beyond this many inputs that is too slow.
MAX_ENUMERATED_INPUTS = 16


def _check_model(model, name: str = "model") -> Module:
    if not isinstance(model, Module):
        raise TypeError(f"{name} must be a course_nn Module (e.g. from modules.mlp), "
                        f"got {describe(model)}")
    return model


def _check_scores_model(model, X, name: str = "model") -> np.ndarray:
    """X as (N, D) floats for a model that outputs raw class scores (no output activation)."""
    _check_model(model, name)
    X = as_float_array(X, "X", ndim=2)
    if isinstance(model, Sequential):
        last = model.modules[-1]
        if isinstance(last, _Activation):
            raise ValueError(
                f"{name} must output raw class scores (no output activation) for a softmax, "
                f"got a model ending in {last!r}: its outputs are already activations; use "
                "training.forward_eval(model, X) for them"
            )
        first = next((m for m in model.modules if isinstance(m, Linear)), None)
        if first is not None and X.shape[1] != first.in_features:
            raise ValueError(
                f"X must have shape (N, {first.in_features}) to match {name}'s first layer "
                f"Linear({first.in_features}, {first.out_features}), got {X.shape}"
            )
    return X


def l2_penalty(model: Module, strength: float) -> float:
    """``strength / 2 * sum w^2`` over every parameter: the term weight decay adds to the error.

    Its gradient with respect to each parameter is ``strength * w``, which is what
    ``SGD(weight_decay=strength)`` adds to the gradient.
    """
    _check_model(model)
    lam = check_positive(strength, "strength", allow_zero=True)
    return 0.5 * lam * float(sum(np.sum(p**2) for p in model.parameters().values()))


def predict_proba(model: Module, X) -> np.ndarray:
    """Class probabilities (N, C) of the model in evaluation mode: softmax of its scores.

    X: (N, D). The model must output raw scores (``mlp(..., output_activation=None)``); a model
    ending in a Sigmoid, Tanh or ReLU is refused with a ValueError rather than given a softmax
    of its activations, which would not be probabilities of anything.

    For a network trained with inverted dropout, evaluation mode is the "weight scaling" rule:
    every unit is kept, and the 1/(1 - p) scaling during training made each unit's expected
    input match. It approximates the normalised geometric mean of the sub-networks'
    predictions (exactly so for a single softmax layer, see ``subnetwork_means``).
    """
    X = _check_scores_model(model, X)
    return softmax(forward_eval(model, X))


def _sampled_proba(model: Module, X: np.ndarray) -> np.ndarray:
    """One sampled sub-network's probabilities (training mode: fresh masks per example)."""
    was_training = model.training
    model.train()
    try:
        return softmax(model.forward(X))
    finally:
        model.train(was_training)


def monte_carlo_proba(model: Module, X, n_samples: int) -> np.ndarray:
    """Class probabilities (N, C) averaged over ``n_samples`` random dropout sub-networks.

    X: (N, D). Each sample runs the model in training mode, so every Dropout layer draws a
    fresh mask (from its own generator) for every example, and the probabilities are averaged
    per example (a model without dropout gives its one prediction ``n_samples`` times). As
    ``n_samples`` grows this converges to the arithmetic mean over all
    sub-networks (weighted by their mask probabilities), which is *not* what weight scaling
    (``predict_proba``) computes: that approximates the geometric mean. The model's training
    or evaluation mode is restored afterwards.
    """
    X = _check_scores_model(model, X)
    n = check_int(n_samples, "n_samples", minimum=1)
    total = _sampled_proba(model, X)
    for _ in range(n - 1):
        total += _sampled_proba(model, X)
    return total / n


def monte_carlo_errors(model: Module, X, y, counts) -> np.ndarray:
    """Error rates (len(counts),) of Monte-Carlo averages over growing numbers of sub-networks.

    X: (N, D), y: (N,) integer labels; ``counts`` strictly increasing positive ints. One stream
    of sampled sub-networks is drawn; entry i is the error rate of the average of its first
    ``counts[i]`` members, so the whole curve costs ``counts[-1]`` forward passes.
    """
    X = _check_scores_model(model, X)
    y = np.asarray(y)
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer class labels of shape (N,) with N={len(X)} "
                         f"matching X, got {y.dtype} {y.shape}")
    if isinstance(counts, str | bytes) or not hasattr(counts, "__iter__"):
        raise TypeError(f"counts must be a sequence of ints, got {describe(counts)}")
    counts = [check_int(c, "counts[i]", minimum=1) for c in counts]
    if not counts or any(b <= a for a, b in zip(counts, counts[1:], strict=False)):
        raise ValueError(f"counts must be a non-empty, strictly increasing list, got {counts}")
    errors = np.zeros(len(counts))
    total = None
    for n in range(1, counts[-1] + 1):
        sample = _sampled_proba(model, X)
        total = sample if total is None else total + sample
        if n in counts:
            errors[counts.index(n)] = np.mean(total.argmax(axis=1) != y)
    return errors


def subnetwork_means(weight, bias, x, drop_prob: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact averages over all 2^D dropout sub-networks of one softmax layer, for one input.

    weight: (D, C), bias: (C,), x: (D,), with inverted dropout of probability ``drop_prob`` on
    the D inputs. Sub-network m (a 0/1 mask of length D, probability (1-p)^|m| p^(D-|m|))
    predicts ``softmax((m * x / (1 - p)) @ weight + bias)``. Returns ``(arithmetic, geometric)``,
    both (C,): the probability-weighted arithmetic mean of the 2^D predictions, and their
    weighted geometric mean renormalised to sum to 1. The geometric one equals the weight-scaled
    prediction ``softmax(x @ weight + bias)`` exactly, because log-softmax is linear in the
    scores up to a constant that the renormalisation removes. D <= 16.
    """
    W = as_float_array(weight, "weight", ndim=2)
    b = as_float_array(bias, "bias", ndim=1)
    x = as_float_array(x, "x", ndim=1)
    p = check_fraction(drop_prob, "drop_prob")
    D, C = W.shape
    if x.shape != (D,):
        raise ValueError(f"x must have shape ({D},) matching weight's {D} rows, got {x.shape}")
    if b.shape != (C,):
        raise ValueError(f"bias must have shape ({C},) matching weight's {C} columns, "
                         f"got {b.shape}")
    if D > MAX_ENUMERATED_INPUTS:
        raise ValueError(f"weight must have at most {MAX_ENUMERATED_INPUTS} rows (2^D "
                         f"sub-networks are enumerated), got {D}")
    masks = (np.arange(2**D)[:, None] >> np.arange(D)) & 1  # (2^D, D), every mask once
    kept = masks.sum(axis=1)
    prob = (1 - p) ** kept * p ** (D - kept)
    scores = (masks * x / (1 - p)) @ W + b
    arithmetic = prob @ softmax(scores)
    log_geometric = prob @ log_softmax(scores)
    geometric = softmax(log_geometric[None, :])[0]
    return arithmetic, geometric


def forward_with_masks(model: Sequential, X) -> tuple[np.ndarray, list[np.ndarray]]:
    """A training-mode forward pass that also returns every Dropout's scaled mask.

    X: (N, D). Returns ``(outputs, scales)``: the model's outputs (N, C) and, for each Dropout
    module in order, the array ``mask / (1 - p)`` it multiplied its input by (the input's
    shape: one mask per example). The modules keep their caches, so ``model.backward`` can
    follow, and ``torch_forward_with_masks`` can replay the same masks in PyTorch.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a course_nn Sequential, got {describe(model)}")
    h = _check_scores_model(model, X)
    was_training = model.training
    model.train()
    scales = []
    try:
        for module in model.modules:
            h = module.forward(h)
            if isinstance(module, Dropout):
                scales.append(np.array(module._cache, dtype=np.float64))
    finally:
        model.train(was_training)
    return h, scales


def torch_forward_with_masks(torch_model, X, scales):
    """Run a ``torch.nn.Sequential`` with each ``torch.nn.Dropout`` replaced by multiplication
    with the given scaled mask (from ``forward_with_masks``), so that NumPy and PyTorch drop
    exactly the same units of exactly the same examples. X: (N, D) tensor; returns the output
    tensor, differentiable with respect to the model's parameters."""
    import torch

    if not isinstance(torch_model, torch.nn.Sequential):
        raise TypeError(f"torch_model must be a torch.nn.Sequential, got {describe(torch_model)}")
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a torch.Tensor, got {describe(X)}")
    if isinstance(scales, str | bytes) or not isinstance(scales, list | tuple):
        raise TypeError(f"scales must be a list of arrays, got {describe(scales)}")
    dropouts = sum(isinstance(m, torch.nn.Dropout) for m in torch_model)
    if len(scales) != dropouts:
        raise ValueError(f"scales must hold one mask per Dropout ({dropouts}), "
                         f"got {len(scales)}")
    remaining = list(scales)
    h = X
    for module in torch_model:
        if isinstance(module, torch.nn.Dropout):
            scale = torch.as_tensor(np.asarray(remaining.pop(0)), dtype=h.dtype, device=h.device)
            if scale.shape != h.shape:
                raise ValueError(f"scales[{len(scales) - len(remaining) - 1}] must have shape "
                                 f"{tuple(h.shape)}, got {tuple(scale.shape)}")
            h = h * scale
        else:
            h = module(h)
    return h
