"""Regularisation helpers beyond ``fit``'s own (notebook 04): the L2 penalty, predictions
by weight scaling and by Monte-Carlo averaging of dropout sub-networks.

Early stopping with best-weight restoration and weight decay as shrinking are options of
``course_nn.training.fit`` (``restore_best``, ``shrink_factor``); the L2 form of weight decay
is ``course_nn.optim.SGD``'s ``weight_decay``; dropout is ``course_nn.modules.Dropout``.
"""

from __future__ import annotations

import numpy as np

from course_nn.layers import softmax
from course_nn.modules import Module
from course_nn.training import forward_eval
from course_nn.validation import as_float_array, check_int, check_positive


def l2_penalty(model: Module, strength: float) -> float:
    """``strength / 2 * sum w^2`` over every parameter: the term weight decay adds to the error.

    Its gradient with respect to each parameter is ``strength * w``, which is what
    ``SGD(weight_decay=strength)`` adds to the gradient.
    """
    lam = check_positive(strength, "strength", allow_zero=True)
    return 0.5 * lam * float(sum(np.sum(p**2) for p in model.parameters().values()))


def predict_proba(model: Module, X) -> np.ndarray:
    """Class probabilities (N, C) of the model in evaluation mode (softmax of its scores).

    For a network trained with inverted dropout, evaluation mode is the "weight scaling"
    approximation of averaging all 2^H sub-networks: every unit is kept, and the 1/(1 - p)
    scaling during training already made its expected output match.
    """
    return softmax(forward_eval(model, as_float_array(X, "X", ndim=2)))


def monte_carlo_proba(model: Module, X, n_samples: int) -> np.ndarray:
    """Class probabilities (N, C) averaged over ``n_samples`` random dropout sub-networks.

    Each sample runs the model in training mode, so every Dropout layer draws a fresh mask (from
    its own generator); the probabilities of the sampled networks are averaged. As
    ``n_samples`` grows this approaches the true average over sub-networks, which weight scaling
    (``predict_proba``) approximates in a single pass.
    """
    X = as_float_array(X, "X", ndim=2)
    n = check_int(n_samples, "n_samples", minimum=1)
    was_training = model.training
    model.train()
    try:
        total = softmax(model.forward(X))
        for _ in range(n - 1):
            total += softmax(model.forward(X))
    finally:
        model.train(was_training)
    return total / n
