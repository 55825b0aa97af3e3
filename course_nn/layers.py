"""Layer kernels as forward/backward pairs (notebooks 02 and 03).

Each layer is two pure functions in the style of cs231n: ``out, cache = *_forward(...)`` and
``grads = *_backward(dout, cache)``, where ``dout`` is dE/d(out) from the layer above and the
backward pass returns dE/d(input) (and dE/d(parameters)) of the same shapes as the inputs.
Losses return ``(loss, dE/d(prediction))`` in one call.

Shapes: N examples, D inputs, M outputs, C classes. Only O(1) shape and dtype checks run here
(they are in every training step); data are checked for NaN where they enter, in ``fit``.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_nn.validation import check_option

REDUCTIONS = ("sum", "mean")


def _check_2d(array, name: str) -> np.ndarray:
    if not isinstance(array, np.ndarray) or array.ndim != 2:
        shape = getattr(array, "shape", type(array).__name__)
        raise ValueError(f"{name} must be a 2-D array of shape (N, D), got {shape}")
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be a float array, got dtype {array.dtype}")
    return array


def affine_forward(x, w, b):
    """``out = x @ w + b``. x: (N, D), w: (D, M), b: (M,) -> out: (N, M), cache."""
    _check_2d(x, "x")
    _check_2d(w, "w")
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"w must have shape (D, M) with D={x.shape[1]} matching x, got {w.shape}")
    if np.shape(b) != (w.shape[1],):
        raise ValueError(
            f"b must have shape (M,) with M={w.shape[1]} matching w, got {np.shape(b)}"
        )
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    """dout: (N, M) -> dx: (N, D), dw: (D, M), db: (M,).

    ``dw = x^T dout`` sums, over the examples, each input times the delta of the unit it feeds:
    the slides' ``Delta w_ij = R delta_j x_i`` for a whole batch at once.
    """
    x, w = cache
    if np.shape(dout) != (x.shape[0], w.shape[1]):
        raise ValueError(
            f"dout must have shape (N, M) = ({x.shape[0]}, {w.shape[1]}), got {np.shape(dout)}"
        )
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, without overflow for any finite z.

    For z >= 0 it evaluates ``1 / (1 + exp(-z))``; for z < 0 the equal form
    ``exp(z) / (1 + exp(z))``. Either way the exponent is ``-|z| <= 0``, so exp never overflows.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_forward(z):
    """o = sigmoid(z), any shape -> out (same shape), cache."""
    out = sigmoid(z)
    return out, out


def sigmoid_backward(dout, cache):
    """dz = dout * o (1 - o): the derivative of the sigmoid written with its own output."""
    out = cache
    return dout * out * (1.0 - out)


def tanh_forward(z):
    """o = tanh(z) (stable for any z), any shape -> out, cache."""
    out = np.tanh(z)
    return out, out


def tanh_backward(dout, cache):
    """dz = dout * (1 - o^2)."""
    return dout * (1.0 - cache**2)


def relu_forward(z):
    """o = max(0, z), any shape -> out, cache."""
    return np.maximum(z, 0.0), z


def relu_backward(dout, cache):
    """dz = dout where z > 0, else 0 (we take the derivative at 0 to be 0)."""
    return dout * (cache > 0)


def log_softmax(scores):
    """Row-wise ``log softmax``: scores (N, C) -> (N, C), via the log-sum-exp trick.

    Subtracting each row's maximum first leaves the result unchanged and keeps every exponent
    at most 0, so nothing overflows even for scores of 1e4.
    """
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
    _check_2d(scores, "scores")
    _check_reduction(reduction)
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
    _check_2d(outputs, "outputs")
    _check_reduction(reduction)
    targets = np.asarray(targets, dtype=np.float64)
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
    if isinstance(drop_prob, bool) or not isinstance(drop_prob, numbers.Real):
        raise TypeError(f"drop_prob must be a number in [0, 1), got {drop_prob!r}")
    if not 0 <= drop_prob < 1:
        raise ValueError(f"drop_prob must lie in [0, 1), got {drop_prob}")
    if not training or drop_prob == 0:
        return x, None
    if mask is None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy.random.Generator when training with dropout, "
                f"got {type(rng).__name__}"
            )
        mask = rng.random(np.shape(x)) >= drop_prob
    elif np.shape(mask) != np.shape(x):
        raise ValueError(f"mask must have shape {np.shape(x)} matching x, got {np.shape(mask)}")
    scale = np.asarray(mask, dtype=np.float64) / (1.0 - drop_prob)
    return x * scale, scale


def dropout_backward(dout, cache):
    """dx = dout * mask / (1 - drop_prob); the identity when the forward pass dropped nothing."""
    return dout if cache is None else dout * cache
