"""Optimisers: update rules over a model's named parameters (notebook 03).

``SGD`` follows ``torch.optim.SGD`` exactly, so the two can be cross-checked step by step:
``g = grad + weight_decay * p``; ``v = momentum * v + g``; ``p = p - learning_rate * v``.
With a constant learning rate this is the classic momentum rule of Rumelhart, Hinton and
Williams, ``Delta w(n) = -R dE/dw + alpha Delta w(n-1)``, with ``Delta w = -learning_rate * v``.
"""

from __future__ import annotations

import numpy as np

from course_nn.modules import Module
from course_nn.validation import check_positive


class SGD:
    """Stochastic gradient descent with optional momentum and L2 weight decay."""

    def __init__(
        self,
        model: Module,
        learning_rate: float,
        *,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ):
        if not isinstance(model, Module):
            raise TypeError(f"model must be a course_nn Module, got {type(model).__name__}")
        self.model = model
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.momentum = check_positive(momentum, "momentum", allow_zero=True)
        if self.momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.velocity = {name: np.zeros_like(p) for name, p in model.parameters().items()}

    def step(self) -> None:
        """Update every parameter in place from the gradients the last backward pass left."""
        params, grads = self.model.parameters(), self.model.gradients()
        for name, p in params.items():
            g = grads[name]
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                v = self.velocity[name]
                v *= self.momentum
                v += g
                g = v
            p -= self.learning_rate * g

    def zero_grad(self) -> None:
        self.model.zero_grad()
