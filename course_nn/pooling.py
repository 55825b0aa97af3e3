"""Pooling: max (with its switches), average and L2, and global pooling (notebook 06).

Inputs are (N, C, H, W); a window of ``kernel`` x ``kernel`` moves by ``stride`` (default:
``kernel``, non-overlapping windows, as in ``torch.nn.MaxPool2d``). Output size
``OH = (H - kernel) // stride + 1``; rows and columns that no window reaches are dropped.

- **max**: each output is its window's largest input. Backward, the gradient flows only to
  that input: the forward pass remembers *where* it was (the "switches"), and the backward
  pass routes each ``dout`` there (added up where overlapping windows share a winner).
- **average**: the window's mean; backward spreads ``dout / kernel^2`` evenly over it.
- **L2**: ``sqrt(sum of squares)`` over the window (``torch.nn.functional.lp_pool2d`` with
  ``norm_type=2``); backward ``dout * x / out`` (0 where a window is all zeros).
- **global** pooling takes the max or mean over all of H x W, so inputs of any size give a
  fixed-size (N, C) output: the way to feed variable-sized images to a fully connected layer.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_nn.modules import Module
from course_nn.validation import check_array, check_int, check_option, describe

KINDS = ("max", "avg", "l2")


def _check_pool_args(x, kernel, stride):
    check_array(x, "x", ndim=4, shape_hint="(N, C, H, W)")
    kernel = check_int(kernel, "kernel", minimum=1)
    stride = kernel if stride is None else check_int(stride, "stride", minimum=1)
    if min(x.shape[2:]) < kernel:
        raise ValueError(f"kernel must fit in x's spatial shape {x.shape[2:]}, got {kernel}")
    return x, kernel, stride


def _windows(x: np.ndarray, kernel: int, stride: int) -> np.ndarray:
    """(N, C, H, W) -> (N, C, OH, OW, kernel * kernel): each window's values, flattened."""
    win = sliding_window_view(x, (kernel, kernel), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.reshape(win.shape[:4] + (kernel * kernel,))


def _check_cache(cache, kind: str) -> tuple:
    if not (isinstance(cache, tuple) and len(cache) == 5 and cache[0] == kind):
        raise TypeError(f"cache must be the cache {kind}_pool2d_forward returned, "
                        f"got {describe(cache)}")
    return cache[1:]


def _check_dout(dout, shape) -> None:
    check_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(f"dout must have shape {shape}, the shape of the pooling output, "
                         f"got {dout.shape}")


def _scatter_taps(per_tap: np.ndarray, x_shape, kernel: int, stride: int) -> np.ndarray:
    """Add (N, C, OH, OW, kernel^2) window gradients back onto an (N, C, H, W) input.

    A loop over the kernel^2 taps of a window (not over pixels): tap (i, j) of window (r, c)
    sits on input pixel (stride r + i, stride c + j).
    """
    dx = np.zeros(x_shape, dtype=per_tap.dtype)
    oh, ow = per_tap.shape[2:4]
    for t in range(kernel * kernel):
        i, j = divmod(t, kernel)
        dx[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride] += per_tap[..., t]
    return dx


def max_pool2d_forward(x, kernel: int, stride: int | None = None):
    """x: (N, C, H, W) -> out: (N, C, OH, OW), cache holding the switches (argmax per window)."""
    x, kernel, stride = _check_pool_args(x, kernel, stride)
    windows = _windows(x, kernel, stride)
    switches = windows.argmax(axis=-1)  # which of the kernel^2 inputs won, per window
    out = np.take_along_axis(windows, switches[..., None], axis=-1)[..., 0]
    return out, ("max", x.shape, switches, kernel, stride)


def max_pool2d_backward(dout, cache):
    """dout: (N, C, OH, OW) -> dx: (N, C, H, W): each dout goes to its window's winner."""
    x_shape, switches, kernel, stride = _check_cache(cache, "max")
    _check_dout(dout, switches.shape)
    per_tap = np.zeros(switches.shape + (kernel * kernel,), dtype=dout.dtype)
    np.put_along_axis(per_tap, switches[..., None], dout[..., None], axis=-1)
    return _scatter_taps(per_tap, x_shape, kernel, stride)


def avg_pool2d_forward(x, kernel: int, stride: int | None = None):
    """x: (N, C, H, W) -> out: (N, C, OH, OW), the mean of each window."""
    x, kernel, stride = _check_pool_args(x, kernel, stride)
    out = _windows(x, kernel, stride).mean(axis=-1)
    return out, ("avg", x.shape, out.shape, kernel, stride)


def avg_pool2d_backward(dout, cache):
    """dout: (N, C, OH, OW) -> dx: every input of a window gets ``dout / kernel^2``."""
    x_shape, out_shape, kernel, stride = _check_cache(cache, "avg")
    _check_dout(dout, out_shape)
    per_tap = np.broadcast_to((dout / kernel**2)[..., None], out_shape + (kernel * kernel,))
    return _scatter_taps(per_tap, x_shape, kernel, stride)


def l2_pool2d_forward(x, kernel: int, stride: int | None = None):
    """x: (N, C, H, W) -> out: (N, C, OH, OW), ``sqrt(sum of squares)`` of each window."""
    x, kernel, stride = _check_pool_args(x, kernel, stride)
    windows = _windows(x, kernel, stride)
    out = np.sqrt(np.einsum("nchwk,nchwk->nchw", windows, windows))
    return out, ("l2", x.shape, windows, out, stride)


def l2_pool2d_backward(dout, cache):
    """dout -> dx: ``d sqrt(sum x^2) / dx = x / out`` for each window (0 for an all-zero one)."""
    x_shape, windows, out, stride = _check_cache(cache, "l2")
    _check_dout(dout, out.shape)
    scale = np.divide(dout, out, out=np.zeros_like(dout), where=out > 0)
    kernel = int(round(np.sqrt(windows.shape[-1])))
    return _scatter_taps(windows * scale[..., None], x_shape, kernel, stride)


_FORWARD = {"max": max_pool2d_forward, "avg": avg_pool2d_forward, "l2": l2_pool2d_forward}
_BACKWARD = {"max": max_pool2d_backward, "avg": avg_pool2d_backward, "l2": l2_pool2d_backward}


def global_pool_forward(x, kind: str = "avg"):
    """x: (N, C, H, W) with any H, W -> out: (N, C): the max or mean over each whole map."""
    check_option(kind, "kind", ("max", "avg"))
    check_array(x, "x", ndim=4, shape_hint="(N, C, H, W)")
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    if kind == "max":
        switches = flat.argmax(axis=-1)
        return np.take_along_axis(flat, switches[..., None], -1)[..., 0], (kind, x.shape, switches)
    return flat.mean(axis=-1), (kind, x.shape, None)


def global_pool_backward(dout, cache):
    """dout: (N, C) -> dx: (N, C, H, W)."""
    if not (isinstance(cache, tuple) and len(cache) == 3 and cache[0] in ("max", "avg")):
        raise TypeError(f"cache must be the cache global_pool_forward returned, "
                        f"got {describe(cache)}")
    kind, x_shape, switches = cache
    _check_dout(dout, x_shape[:2])
    size = x_shape[2] * x_shape[3]
    if kind == "avg":
        return np.broadcast_to((dout / size)[..., None, None], x_shape).copy()
    flat = np.zeros(x_shape[:2] + (size,), dtype=dout.dtype)
    np.put_along_axis(flat, switches[..., None], dout[..., None], axis=-1)
    return flat.reshape(x_shape)


class Pool2d(Module):
    """Pooling over ``kernel`` x ``kernel`` windows moved by ``stride`` (default ``kernel``)."""

    kind = "max"

    def __init__(self, kernel: int, stride: int | None = None):
        self.kernel = check_int(kernel, "kernel", minimum=1)
        self.stride = self.kernel if stride is None else check_int(stride, "stride", minimum=1)
        self._cache = None

    def forward(self, x):
        out, self._cache = _FORWARD[self.kind](x, self.kernel, self.stride)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        return _BACKWARD[self.kind](dout, self._cache) if input_grad else None

    def to_torch(self):
        import torch

        if self.kind == "max":
            return torch.nn.MaxPool2d(self.kernel, self.stride)
        if self.kind == "avg":
            return torch.nn.AvgPool2d(self.kernel, self.stride)
        return torch.nn.LPPool2d(2, self.kernel, self.stride)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel={self.kernel}, stride={self.stride})"


class MaxPool2d(Pool2d):
    """Max pooling; the switches are kept for the backward pass."""


class AvgPool2d(Pool2d):
    """Average pooling."""

    kind = "avg"


class L2Pool2d(Pool2d):
    """L2 pooling, ``sqrt(sum x^2)`` per window (``torch.nn.LPPool2d(2, ...)``)."""

    kind = "l2"


class GlobalPool2d(Module):
    """Global max or average pooling: (N, C, H, W) of any H, W -> (N, C)."""

    def __init__(self, kind: str = "avg"):
        self.kind = check_option(kind, "kind", ("max", "avg"))
        self._cache = None

    def forward(self, x):
        out, self._cache = global_pool_forward(x, self.kind)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        return global_pool_backward(dout, self._cache) if input_grad else None

    def to_torch(self):
        import torch

        pool = (torch.nn.AdaptiveMaxPool2d(1) if self.kind == "max"
                else torch.nn.AdaptiveAvgPool2d(1))
        return torch.nn.Sequential(pool, torch.nn.Flatten())

    def __repr__(self) -> str:
        return f"GlobalPool2d({self.kind!r})"
