"""Layer kernels as forward/backward pairs (notebooks 02 and 03).

Each layer is two pure functions in the style of cs231n: ``out, cache = *_forward(...)`` and
``grads = *_backward(dout, cache)``, where ``dout`` is dE/d(out) from the layer above and the
backward pass returns dE/d(input) (and dE/d(parameters)) of the same shapes as the inputs.
Losses return ``(loss, dE/d(prediction))`` in one call.

Shapes: N examples, D inputs, M outputs, C classes. Only O(1) shape and dtype checks run here
(they are in every training step); data are checked for NaN where they enter, in ``fit``.
Every backward pass checks that ``dout`` has exactly the shape of the forward pass's output:
NumPy would otherwise broadcast a wrongly shaped ``dout`` into a plausible-looking gradient.
"""

from __future__ import annotations

import numpy as np

from course_nn.validation import (
    check_array,
    check_bool,
    check_fraction,
    check_generator,
    check_option,
    check_real_array,
    describe,
)

REDUCTIONS = ("sum", "mean")


def _check_2d(array, name: str, shape: str = "(N, D)") -> np.ndarray:
    return check_array(array, name, ndim=2, shape_hint=shape)


def _check_dout(dout, shape: tuple, layer: str) -> None:
    """dout must be a float array of exactly the forward output's ``shape`` (no broadcasting)."""
    check_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(
            f"dout must have shape {shape}, the shape of {layer}'s output, got {dout.shape}"
        )


def _check_cache(cache, forward: str) -> np.ndarray:
    if not isinstance(cache, np.ndarray):
        raise TypeError(f"cache must be the cache {forward} returned, got {describe(cache)}")
    return cache


def affine_forward(x, w, b):
    """``out = x @ w + b``. x: (N, D), w: (D, M), b: (M,) -> out: (N, M), cache."""
    _check_2d(x, "x")
    _check_2d(w, "w", "(D, M)")
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"w must have shape (D, M) with D={x.shape[1]} matching x, got {w.shape}")
    check_array(b, "b")
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape (M,) with M={w.shape[1]} matching w, got {b.shape}")
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    """dout: (N, M) -> dx: (N, D), dw: (D, M), db: (M,).

    ``dw = x^T dout`` sums, over the examples, each input times the delta of the unit it feeds:
    the slides' ``Delta w_ij = R delta_j x_i`` for a whole batch at once.
    """
    x, w = _check_affine_cache(cache)
    check_array(dout, "dout")
    if dout.shape != (x.shape[0], w.shape[1]):
        raise ValueError(
            f"dout must have shape (N, M) = ({x.shape[0]}, {w.shape[1]}), got {dout.shape}"
        )
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def _check_affine_cache(cache) -> tuple[np.ndarray, np.ndarray]:
    if not (
        isinstance(cache, tuple)
        and len(cache) == 2
        and all(isinstance(a, np.ndarray) and a.ndim == 2 for a in cache)
    ):
        raise TypeError(f"cache must be the (x, w) that affine_forward returned, got {cache!r:.60}")
    return cache


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, without overflow for any finite z.

    For z >= 0 it evaluates ``1 / (1 + exp(-z))``; for z < 0 the equal form
    ``exp(z) / (1 + exp(z))``. Either way the exponent is ``-|z| <= 0``, so exp never overflows.
    """
    z = check_real_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_forward(z):
    """o = sigmoid(z), any shape -> out (same shape), cache."""
    out = sigmoid(z)
    return out, out


def sigmoid_backward(dout, cache):
    """dz = dout * o (1 - o): the derivative of the sigmoid written with its own output."""
    out = _check_cache(cache, "sigmoid_forward")
    _check_dout(dout, out.shape, "sigmoid_forward")
    return dout * out * (1.0 - out)


def tanh_forward(z):
    """o = tanh(z) (stable for any z), any shape -> out, cache."""
    out = np.tanh(check_real_array(z, "z"))
    return out, out


def tanh_backward(dout, cache):
    """dz = dout * (1 - o^2)."""
    out = _check_cache(cache, "tanh_forward")
    _check_dout(dout, out.shape, "tanh_forward")
    return dout * (1.0 - out**2)


def relu_forward(z):
    """o = max(0, z), any shape -> out, cache."""
    z = check_real_array(z, "z")
    return np.maximum(z, 0.0), z


def relu_backward(dout, cache):
    """dz = dout where z > 0, else 0 (we take the derivative at 0 to be 0)."""
    z = _check_cache(cache, "relu_forward")
    _check_dout(dout, z.shape, "relu_forward")
    return dout * (z > 0)


def log_softmax(scores):
    """Row-wise ``log softmax``: scores (N, C) -> (N, C), via the log-sum-exp trick.

    Subtracting each row's maximum first leaves the result unchanged and keeps every exponent
    at most 0, so nothing overflows even for scores of 1e4.
    """
    _check_2d(scores, "scores", "(N, C)")
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores):
    """Row-wise softmax probabilities, scores (N, C) -> (N, C), each row summing to 1."""
    return np.exp(log_softmax(scores))


def _check_reduction(reduction: str) -> None:
    check_option(reduction, "reduction", REDUCTIONS)


def softmax_cross_entropy(scores, labels, reduction: str = "mean"):
    """Cross-entropy of softmax(scores) against integer labels, and its gradient.

    scores: (N, C) floats; labels: (N,) ints in [0, C). Returns ``(loss, dscores)`` with
    ``loss = -sum_n log softmax(scores)[n, labels[n]]`` (divided by N when
    ``reduction="mean"``) and ``dscores = softmax(scores) - onehot(labels)`` (divided likewise).
    """
    _check_2d(scores, "scores", "(N, C)")
    _check_reduction(reduction)
    if labels is None or isinstance(labels, str | bytes):
        raise TypeError(f"labels must be an integer array, got {describe(labels)}")
    labels = np.asarray(labels)
    n, c = scores.shape
    if labels.shape != (n,):
        raise ValueError(
            f"labels must have shape (N,) with N={n} matching scores, got {labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    if n and (labels.min() < 0 or labels.max() >= c):
        raise ValueError(
            f"labels must lie in [0, {c - 1}] for {c} classes, got min {labels.min()} "
            f"max {labels.max()}"
        )
    if n == 0:
        raise ValueError("scores must hold at least one example, got shape (0, C)")
    log_p = log_softmax(scores)
    loss = -log_p[np.arange(n), labels].sum()
    dscores = np.exp(log_p)
    dscores[np.arange(n), labels] -= 1.0
    if reduction == "mean":
        loss, dscores = loss / n, dscores / n
    return float(loss), dscores


def squared_error(outputs, targets, reduction: str = "sum"):
    """``E = 1/2 sum (t - o)^2`` over every example and output, and dE/do = -(t - o).

    outputs, targets: (N, K). ``reduction="sum"`` is the slides' error; ``"mean"`` divides
    by N (examples, not N*K entries). Returns ``(loss, doutputs)``.
    """
    _check_2d(outputs, "outputs", "(N, K)")
    _check_reduction(reduction)
    targets = check_real_array(targets, "targets")
    if targets.shape != outputs.shape:
        raise ValueError(
            f"targets must have shape {outputs.shape} matching outputs, got {targets.shape}"
        )
    if len(outputs) == 0:
        raise ValueError("outputs must hold at least one example, got shape (0, K)")
    diff = outputs - targets
    loss, grad = 0.5 * float(np.sum(diff**2)), diff
    if reduction == "mean":
        loss, grad = loss / len(outputs), grad / len(outputs)
    return loss, grad


def dropout_forward(x, drop_prob: float, *, rng=None, mask=None, training: bool = True):
    """Inverted dropout: zero each entry with probability ``drop_prob``, scale the rest.

    x: any shape. In training, ``out = x * mask / (1 - drop_prob)`` where ``mask`` is 1 with
    probability ``1 - drop_prob`` (drawn from ``rng``, or given, e.g. fixed for a gradient
    check). Dividing by the keep probability keeps every unit's expected output unchanged, so
    evaluation (``training=False``) is the identity: no rescaling at test time.
    Returns ``(out, cache)``.
    """
    check_fraction(drop_prob, "drop_prob", low_open=False)
    check_bool(training, "training")
    x = check_real_array(x, "x")
    if mask is not None:
        mask = check_real_array(mask, "mask")
        if mask.shape != x.shape:
            raise ValueError(f"mask must have shape {x.shape} matching x, got {mask.shape}")
    elif rng is not None or (training and drop_prob > 0):
        check_generator(rng, "rng")
    if not training or drop_prob == 0:
        return x, np.broadcast_to(1.0, x.shape)  # the identity; its cache keeps x's shape
    if mask is None:
        mask = rng.random(x.shape) >= drop_prob
    scale = mask / (1.0 - drop_prob)
    return x * scale, scale


def dropout_backward(dout, cache):
    """dx = dout * mask / (1 - drop_prob): the same scale the forward pass applied."""
    scale = _check_cache(cache, "dropout_forward")
    _check_dout(dout, scale.shape, "dropout_forward")
    return dout * scale
