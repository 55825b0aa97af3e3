"""Optimisers: update rules over a model's named parameters (notebook 03 onwards).

``SGD`` follows ``torch.optim.SGD`` exactly, so the two can be cross-checked step by step:
``g = grad + weight_decay * p``; ``v = momentum * v + g``; ``p = p - learning_rate * v``.
With a constant learning rate this is the classic momentum rule of Rumelhart, Hinton and
Williams, ``Delta w(n) = -R dE/dw + alpha Delta w(n-1)``, with ``Delta w = -learning_rate * v``.

``Adam`` follows ``torch.optim.Adam`` (Kingma and Ba, 2015) the same way.

An optimiser takes hold of the model's parameter and gradient *arrays* when it is built: it
updates those arrays in place, and ``owns(model)`` tells whether a model is made of exactly
them (``fit`` refuses an optimiser built for another model). The updates run with in-place
ufuncs (``out=``) into scratch buffers allocated once per parameter, so a step allocates no
temporary arrays: on large layers NumPy's element-wise passes, not the matrix products, are
what would otherwise make a step slower than PyTorch's.
"""

from __future__ import annotations

import math

import numpy as np

from course_nn.modules import Module
from course_nn.validation import check_fraction, check_positive


class Optimiser:
    """Base class: holds the model's parameter and gradient arrays, by name."""

    def __init__(self, model: Module):
        if not isinstance(model, Module):
            raise TypeError(f"model must be a course_nn Module, got {type(model).__name__}")
        params, grads = model.parameters(), model.gradients()
        if not params:
            raise ValueError(f"model must have parameters to optimise, got none in {model!r}")
        self.model = model
        self.params = dict(params)
        self.grads = {name: grads[name] for name in params}

    def owns(self, model: Module) -> bool:
        """Whether ``model``'s parameters are exactly the arrays this optimiser updates."""
        if not isinstance(model, Module):
            return False
        theirs = {id(p) for p in model.parameters().values()}
        return theirs == {id(p) for p in self.params.values()}

    def step(self) -> None:
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every gradient this optimiser reads to zero (in place)."""
        for grad in self.grads.values():
            grad.fill(0.0)


def _check_weight_decay(value) -> float:
    return check_positive(value, "weight_decay", allow_zero=True)


class SGD(Optimiser):
    """Stochastic gradient descent with optional momentum and L2 weight decay."""

    def __init__(
        self,
        model: Module,
        learning_rate: float,
        *,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ):
        super().__init__(model)
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.momentum = check_fraction(momentum, "momentum", low_open=False)
        self.weight_decay = _check_weight_decay(weight_decay)
        self.velocity = {name: np.zeros_like(p) for name, p in self.params.items()}
        self._scratch = {name: np.empty_like(p) for name, p in self.params.items()}

    def step(self) -> None:
        """Update every parameter in place from the gradients the last backward pass left."""
        for name, p in self.params.items():
            g, scratch = self.grads[name], self._scratch[name]
            if self.weight_decay:
                # g = grad + weight_decay * p, built in the scratch buffer (grad stays as is)
                g = np.add(g, np.multiply(p, self.weight_decay, out=scratch), out=scratch)
            if self.momentum:
                v = self.velocity[name]
                v *= self.momentum  # v = momentum * v + g
                v += g
                g = v
            p -= np.multiply(g, self.learning_rate, out=scratch)  # p = p - learning_rate * g


class Adam(Optimiser):
    """Adam: per-parameter step sizes from running moments of the gradient.

    With ``g = grad + weight_decay * p`` (L2 decay, as in ``torch.optim.Adam``) and step count
    t: ``m = beta1 m + (1 - beta1) g``; ``s = beta2 s + (1 - beta2) g^2``;
    ``p = p - learning_rate / (1 - beta1^t) * m / (sqrt(s / (1 - beta2^t)) + eps)``.
    The bias corrections undo the moments' start at zero.
    """

    def __init__(
        self,
        model: Module,
        learning_rate: float = 1e-3,
        *,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(model)
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        if isinstance(betas, str | bytes) or not isinstance(betas, tuple | list) or len(betas) != 2:
            shown = len(betas) if isinstance(betas, tuple | list) else type(betas).__name__
            raise TypeError(f"betas must be a pair (beta1, beta2), got {shown!r}")
        self.betas = (
            check_fraction(betas[0], "betas[0]", low_open=False),
            check_fraction(betas[1], "betas[1]", low_open=False),
        )
        self.eps = check_positive(eps, "eps")
        self.weight_decay = _check_weight_decay(weight_decay)
        self.steps = 0
        self.first_moment = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.second_moment = {name: np.zeros_like(p) for name, p in self.params.items()}
        self._scratch = {name: np.empty_like(p) for name, p in self.params.items()}
        self._decayed = (
            {name: np.empty_like(p) for name, p in self.params.items()} if self.weight_decay else {}
        )

    def step(self) -> None:
        """One Adam update of every parameter, in place."""
        beta1, beta2 = self.betas
        self.steps += 1
        step_size = self.learning_rate / (1.0 - beta1**self.steps)
        root_correction = math.sqrt(1.0 - beta2**self.steps)
        for name, p in self.params.items():
            g, scratch = self.grads[name], self._scratch[name]
            m, s = self.first_moment[name], self.second_moment[name]
            if self.weight_decay:
                decayed = self._decayed[name]  # g = grad + weight_decay * p (grad stays as is)
                g = np.add(g, np.multiply(p, self.weight_decay, out=decayed), out=decayed)
            m *= beta1  # m = beta1 m + (1 - beta1) g
            m += np.multiply(g, 1.0 - beta1, out=scratch)
            s *= beta2  # s = beta2 s + (1 - beta2) g^2
            s += np.multiply(np.square(g, out=scratch), 1.0 - beta2, out=scratch)
            # p = p - step_size * m / (sqrt(s) / root_correction + eps)
            denominator = np.sqrt(s, out=scratch)
            denominator /= root_correction
            denominator += self.eps
            p -= np.multiply(np.divide(m, denominator, out=scratch), step_size, out=scratch)
