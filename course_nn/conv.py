"""Convolution: the operator, the layers' forward/backward passes, and modules (notebook 06).

Layout is PyTorch's, batch first: 1-D inputs ``(N, C, L)``, 2-D inputs ``(N, C, H, W)``;
filters ``(F, C, K)`` and ``(F, C, KH, KW)``; biases ``(F,)``.

**The flip.** Mathematics defines the (discrete) convolution of a signal ``x`` with a kernel
``w`` as ``(w * x)_i = sum_a w_a x_{i-a}``: the kernel is flipped as it slides. Deep-learning
"convolution" layers (ours, PyTorch's, everybody's) compute the *cross-correlation*
``y_i = sum_a w_a x_{i+a}``, without the flip. A learned kernel does not care (it learns the
flipped weights), but a reference implementation does: ``correlate1d``/``correlate2d`` match
``scipy.signal.correlate`` and ``torch.nn.functional.conv1d/conv2d``; ``convolve1d``/
``convolve2d`` (the flipped kernel) match ``scipy.signal.convolve``.

**The layers.** ``out[n, f, i] = b[f] + sum_{c, a} w[f, c, a] x_pad[n, c, s i + a]`` (stride s,
zero padding p on both sides). Backward, with ``delta = dE/d out``:

- ``dE/dw[f, c, a] = sum_{n, i} delta[n, f, i] x_pad[n, c, s i + a]`` (the input windows
  weighted by the deltas, a correlation of x with delta);
- ``dE/dx_pad[n, c, j] = sum_{f, i, a: s i + a = j} delta[n, f, i] w[f, c, a]`` (each delta
  sent back through the weights it was made with: a *full convolution* of delta with w);
- ``dE/db[f] = sum_{n, i} delta[n, f, i]``.

The fast versions build every window at once with
``numpy.lib.stride_tricks.sliding_window_view`` and reduce them with one matrix product; the
only Python loop is over the K (or KH x KW) kernel taps when the input gradient is scattered
back, never over pixels or examples. ``conv1d_loops`` and ``conv2d_loops`` are the same sums
written as plain loops, for reading (and testing), not for use.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_nn.modules import Dropout, Linear, Module, ReLU, Sequential, Sigmoid, Tanh
from course_nn.validation import (
    as_float_array,
    check_array,
    check_generator,
    check_int,
    check_option,
    describe,
)

MODES = ("full", "valid", "same")


# --- the operator: correlation, convolution (the flip), FFT -----------------------------------


def _signal(x, name: str, ndim: int) -> np.ndarray:
    return as_float_array(x, name, ndim=ndim)


def _centred(full: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The central ``shape`` part of ``full`` (scipy's rule for mode="same")."""
    starts = [(f - s) // 2 for f, s in zip(full.shape, shape, strict=True)]
    return full[tuple(slice(a, a + s) for a, s in zip(starts, shape, strict=True))]


def _correlate(x: np.ndarray, k: np.ndarray, mode: str) -> np.ndarray:
    """n-D cross-correlation ``y_i = sum_a k_a x_{i+a}`` (windows times kernel, summed)."""
    check_option(mode, "mode", MODES)
    if mode == "valid" and any(kd > xd for kd, xd in zip(k.shape, x.shape, strict=True)):
        raise ValueError(f"kernel must fit inside x for mode='valid', got kernel {k.shape} "
                         f"and x {x.shape}")
    xp = x if mode == "valid" else np.pad(x, [(kd - 1, kd - 1) for kd in k.shape])
    windows = sliding_window_view(xp, k.shape)  # (*out_shape, *k.shape)
    axes = tuple(range(x.ndim))
    full_or_valid = np.tensordot(windows, k, axes=(tuple(a + x.ndim for a in axes), axes))
    return _centred(full_or_valid, x.shape) if mode == "same" else full_or_valid


def correlate1d(x, kernel, mode: str = "valid") -> np.ndarray:
    """Cross-correlation of signals (L,) and (K,): ``y_i = sum_a kernel_a x_{i+a}``.

    ``mode`` as in ``scipy.signal.correlate``: "valid" (L-K+1,), "full" (L+K-1,), "same" (L,).
    """
    return _correlate(_signal(x, "x", 1), _signal(kernel, "kernel", 1), mode)


def convolve1d(x, kernel, mode: str = "full") -> np.ndarray:
    """True convolution ``y_i = sum_a kernel_a x_{i-a}``: correlation with the kernel flipped.

    ``mode`` as in ``scipy.signal.convolve`` (default "full", like ``np.convolve``).
    """
    kernel = _signal(kernel, "kernel", 1)
    return _correlate(_signal(x, "x", 1), kernel[::-1], mode)


def correlate2d(image, kernel, mode: str = "valid") -> np.ndarray:
    """2-D cross-correlation of an image (H, W) with a kernel (KH, KW), modes as in scipy."""
    return _correlate(_signal(image, "image", 2), _signal(kernel, "kernel", 2), mode)


def convolve2d(image, kernel, mode: str = "full") -> np.ndarray:
    """2-D true convolution: the kernel flipped in both axes, then correlated."""
    kernel = _signal(kernel, "kernel", 2)
    return _correlate(_signal(image, "image", 2), kernel[::-1, ::-1], mode)


def fft_convolve(x, kernel) -> np.ndarray:
    """Full true convolution of two 1-D or two 2-D arrays through the FFT, in O(n log n).

    Convolution in space is multiplication of spectra: zero-pad both to the full output size
    (so the FFT's circular convolution does not wrap around), multiply ``rfftn``s, invert.
    Equal to ``convolve1d(x, kernel, "full")`` / ``convolve2d`` up to rounding.
    """
    x = as_float_array(x, "x")
    kernel = as_float_array(kernel, "kernel")
    if x.ndim not in (1, 2) or kernel.ndim != x.ndim:
        raise ValueError(f"x and kernel must both be 1-D or both 2-D, got shapes {x.shape} "
                         f"and {kernel.shape}")
    shape = tuple(a + b - 1 for a, b in zip(x.shape, kernel.shape, strict=True))
    # Pad to powers of two: the FFT is fastest there (a length with a large prime factor is not).
    fast = tuple(1 << (s - 1).bit_length() for s in shape)
    axes = tuple(range(x.ndim))
    spectrum = np.fft.rfftn(x, fast, axes) * np.fft.rfftn(kernel, fast, axes)
    return np.fft.irfftn(spectrum, fast, axes)[tuple(slice(0, s) for s in shape)]


# --- plain loops, for reading -----------------------------------------------------------------


def conv1d_loops(x, w, b, stride: int = 1, padding: int = 0) -> np.ndarray:
    """``conv1d_forward``'s output computed with explicit loops (slow; for teaching and tests)."""
    x, w, b, stride, padding = _check_conv_args(x, w, b, stride, padding, 1)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding)))
    n_ex, _, length = xp.shape
    n_filters, n_channels, k = w.shape
    out = np.zeros((n_ex, n_filters, (length - k) // stride + 1), dtype=x.dtype)
    for n in range(n_ex):
        for f in range(n_filters):
            for i in range(out.shape[2]):
                total = b[f]
                for c in range(n_channels):
                    for a in range(k):
                        total += w[f, c, a] * xp[n, c, stride * i + a]
                out[n, f, i] = total
    return out


def conv2d_loops(x, w, b, stride: int = 1, padding: int = 0) -> np.ndarray:
    """``conv2d_forward``'s output computed with explicit loops (slow; for teaching and tests)."""
    x, w, b, stride, padding = _check_conv_args(x, w, b, stride, padding, 2)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n_ex, _, height, width = xp.shape
    n_filters, _, kh, kw = w.shape
    oh, ow = (height - kh) // stride + 1, (width - kw) // stride + 1
    out = np.zeros((n_ex, n_filters, oh, ow), dtype=x.dtype)
    for n in range(n_ex):
        for f in range(n_filters):
            for i in range(oh):
                for j in range(ow):
                    window = xp[n, :, stride * i : stride * i + kh, stride * j : stride * j + kw]
                    out[n, f, i, j] = b[f] + np.sum(window * w[f])
    return out


# --- the layers, vectorised -------------------------------------------------------------------


def _check_conv_args(x, w, b, stride, padding, dims: int):
    names = ("(N, C, L)", "(F, C, K)") if dims == 1 else ("(N, C, H, W)", "(F, C, KH, KW)")
    check_array(x, "x", ndim=dims + 2, shape_hint=names[0])
    check_array(w, "w", ndim=dims + 2, shape_hint=names[1])
    check_array(b, "b", ndim=1, shape_hint="(F,)")
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w must have shape {names[1]} with C={x.shape[1]} matching x's "
                         f"channels, got {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (F,) with F={w.shape[0]} matching w, got {b.shape}")
    if x.dtype != w.dtype or b.dtype != w.dtype:
        raise TypeError(f"x, w and b must share one float dtype, got {x.dtype}, {w.dtype} "
                        f"and {b.dtype}")
    spatial, kernel = x.shape[2:], w.shape[2:]
    if any(s + 2 * padding < k for s, k in zip(spatial, kernel, strict=True)):
        raise ValueError(f"the kernel {kernel} must fit in the padded input: x's spatial shape "
                         f"{spatial} plus padding 2*{padding} is too small")
    return x, w, b, stride, padding


def conv1d_forward(x, w, b, stride: int = 1, padding: int = 0):
    """x: (N, C, L), w: (F, C, K), b: (F,) -> out: (N, F, L_out), cache.

    ``L_out = (L + 2 padding - K) // stride + 1``. Cross-correlation, like PyTorch's conv1d.
    """
    x, w, b, stride, padding = _check_conv_args(x, w, b, stride, padding, 1)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2], axis=2)[:, :, ::stride]  # (N, C, L_out, K)
    # out[n, f, i] = sum_{c, a} windows[n, c, i, a] w[f, c, a]  (+ b[f])
    out = np.tensordot(windows, w, axes=([1, 3], [1, 2])).transpose(0, 2, 1) + b[:, None]
    return out, (x.shape, xp.shape, windows, w, stride, padding)


def conv1d_backward(dout, cache):
    """dout: (N, F, L_out) -> dx: (N, C, L), dw: (F, C, K), db: (F,)."""
    x_shape, xp_shape, windows, w, stride, padding = _check_cache(cache, 6, "conv1d_forward")
    n_ex, _, length_out, k = windows.shape
    _check_dout(dout, (n_ex, w.shape[0], length_out), "conv1d_forward")
    # dw[f, c, a] = sum_{n, i} delta[n, f, i] x_pad[n, c, s i + a]
    dw = np.tensordot(dout, windows, axes=([0, 2], [0, 2]))
    db = dout.sum(axis=(0, 2))
    # dwindows[n, c, i, a] = sum_f delta[n, f, i] w[f, c, a]: what window i sends back to tap a
    dwindows = np.tensordot(dout, w, axes=([1], [0])).transpose(0, 2, 1, 3)
    dxp = np.zeros(xp_shape, dtype=dout.dtype)
    for a in range(k):  # tap a of window i lands on input position s i + a
        dxp[:, :, a : a + stride * length_out : stride] += dwindows[..., a]
    return dxp[:, :, padding : padding + x_shape[2]], dw, db


def _im2col(xp: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """Padded (N, C, H, W) -> (C * KH * KW, N * OH * OW): every window as a column (one copy).

    Window-major rows ((N, OH, OW, C, KH, KW)) would copy runs of only KW numbers; this order
    copies whole output rows (OW numbers) at a time and measured 2-6x faster.
    """
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    n_ex, n_channels, oh, ow = windows.shape[:4]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(n_channels * kh * kw, n_ex * oh * ow)


def conv2d_forward(x, w, b, stride: int = 1, padding: int = 0):
    """x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) -> out: (N, F, OH, OW), cache.

    ``OH = (H + 2 padding - KH) // stride + 1`` (OW likewise). One matrix product of the
    (F, C KH KW) filter matrix with the (C KH KW, N OH OW) window matrix.
    """
    x, w, b, stride, padding = _check_conv_args(x, w, b, stride, padding, 2)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))) if padding else x
    n_filters, _, kh, kw = w.shape
    oh, ow = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    cols = _im2col(xp, kh, kw, stride)
    out = (w.reshape(n_filters, -1) @ cols).reshape(n_filters, x.shape[0], oh, ow)
    out += b[:, None, None, None]
    return out.transpose(1, 0, 2, 3), (x.shape, xp.shape, cols, w, stride, padding, (oh, ow))


def conv2d_backward(dout, cache, input_grad: bool = True):
    """dout: (N, F, OH, OW) -> dx: (N, C, H, W) (None if not ``input_grad``), dw, db."""
    x_shape, xp_shape, cols, w, stride, padding, (oh, ow) = _check_cache(
        cache, 7, "conv2d_forward")
    n_filters, n_channels, kh, kw = w.shape
    n_ex = x_shape[0]
    _check_dout(dout, (n_ex, n_filters, oh, ow), "conv2d_forward")
    delta = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)  # (F, N OH OW)
    dw = (delta @ cols.T).reshape(w.shape)  # each filter tap: its inputs weighted by the deltas
    db = delta.sum(axis=1)
    if not input_grad:
        return None, dw, db
    # Each delta sent back through the weights that made it, tap by tap.
    dcols = (w.reshape(n_filters, -1).T @ delta).reshape(n_channels, kh, kw, n_ex, oh, ow)
    dxp = np.zeros((n_channels, n_ex, xp_shape[2], xp_shape[3]), dtype=dcols.dtype)
    for i in range(kh):  # scatter tap (i, j) of every window back onto the input
        for j in range(kw):
            dxp[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride] += dcols[:, i, j]
    dxp = dxp.transpose(1, 0, 2, 3)
    return dxp[:, :, padding : padding + x_shape[2], padding : padding + x_shape[3]], dw, db


def _check_cache(cache, length: int, forward: str):
    if not isinstance(cache, tuple) or len(cache) != length:
        raise TypeError(f"cache must be the cache {forward} returned, got {describe(cache)}")
    return cache


def _check_dout(dout, shape: tuple, layer: str) -> None:
    check_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(
            f"dout must have shape {shape}, the shape of {layer}'s output, got {dout.shape}"
        )


# --- modules ----------------------------------------------------------------------------------


class _Conv(Module):
    _dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int,
                 rng: np.random.Generator, *, stride: int = 1, padding: int = 0,
                 dtype=np.float64):
        self.in_channels = check_int(in_channels, "in_channels", minimum=1)
        self.out_channels = check_int(out_channels, "out_channels", minimum=1)
        self.kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
        self.stride = check_int(stride, "stride", minimum=1)
        self.padding = check_int(padding, "padding", minimum=0)
        check_generator(rng)
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        taps = kernel_size**self._dims
        # Glorot/Xavier uniform, counting each filter tap as an input and an output.
        limit = np.sqrt(6.0 / ((in_channels + out_channels) * taps))
        shape = (out_channels, in_channels) + (kernel_size,) * self._dims
        self.weight = rng.uniform(-limit, limit, size=shape).astype(dtype)
        self.bias = np.zeros(out_channels, dtype=dtype)
        self.weight_grad = np.zeros_like(self.weight)
        self.bias_grad = np.zeros_like(self.bias)
        self._cache = None

    def _cast(self, array, name: str) -> np.ndarray:
        """A float array in the layer's dtype (float32 layers take float64 data from ``fit``)."""
        check_array(array, name)
        return array.astype(self.weight.dtype, copy=False)

    def parameters(self):
        return {"weight": self.weight, "bias": self.bias}

    def gradients(self):
        return {"weight": self.weight_grad, "bias": self.bias_grad}

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding})")


class Conv1d(_Conv):
    """A 1-D convolutional layer: (N, C, L) -> (N, F, L_out), weight (F, C, K), bias (F,)."""

    _dims = 1

    def forward(self, x):
        out, self._cache = conv1d_forward(self._cast(x, 'x'), self.weight, self.bias, self.stride,
                                          self.padding)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        dx, dw, db = conv1d_backward(self._cast(dout, 'dout'), self._cache)
        self.weight_grad += dw
        self.bias_grad += db
        return dx if input_grad else None


class Conv2d(_Conv):
    """A 2-D convolutional layer: (N, C, H, W) -> (N, F, OH, OW), weight (F, C, K, K).

    Inputs and upstream gradients are cast to the layer's ``dtype`` (float64 by default;
    float32 halves the memory traffic and roughly doubles the speed of the matrix products).
    """

    def forward(self, x):
        out, self._cache = conv2d_forward(self._cast(x, 'x'), self.weight, self.bias, self.stride,
                                          self.padding)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        dx, dw, db = conv2d_backward(self._cast(dout, 'dout'), self._cache, input_grad)
        self.weight_grad += dw
        self.bias_grad += db
        return dx


class Flatten(Module):
    """(N, ...) -> (N, D): joins every axis after the first (as ``torch.nn.Flatten``)."""

    def __init__(self):
        self._shape = None

    def forward(self, x):
        check_array(x, "x")
        if x.ndim < 2:
            raise ValueError(f"x must have a batch axis and at least one more, got {x.shape}")
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout, input_grad=True):
        if self._shape is None:
            raise RuntimeError("backward called before forward")
        _check_dout(dout, (self._shape[0], int(np.prod(self._shape[1:]))), "Flatten")
        return dout.reshape(self._shape) if input_grad else None

    def __repr__(self) -> str:
        return "Flatten()"


class Unflatten(Module):
    """(N, D) -> (N, *shape): rows back into images, so ``fit`` (which takes (N, D)) can train
    a ConvNet. Like ``torch.nn.Unflatten(1, shape)``."""

    def __init__(self, shape):
        if not isinstance(shape, tuple | list) or not shape:
            raise TypeError(f"shape must be a tuple of ints such as (1, 28, 28), got "
                            f"{describe(shape)}")
        self.shape = tuple(check_int(s, "shape[i]", minimum=1) for s in shape)
        self.dtype = None

    def forward(self, x):
        check_array(x, "x", ndim=2, shape_hint="(N, D)")
        size = int(np.prod(self.shape))
        if x.shape[1] != size:
            raise ValueError(f"x must have shape (N, {size}) to become (N, *{self.shape}), "
                             f"got {x.shape}")
        return x.reshape((x.shape[0],) + self.shape)

    def backward(self, dout, input_grad=True):
        if not input_grad:
            return None
        check_array(dout, "dout")
        return dout.reshape(dout.shape[0], -1)

    def __repr__(self) -> str:
        return f"Unflatten({self.shape})"


# --- the torch twin ---------------------------------------------------------------------------


def convnet_to_torch(model: Sequential, device=None, dtype=None):
    """A ``torch.nn.Sequential`` mirroring a NumPy ConvNet, holding a copy of its weights.

    Maps Conv1d/Conv2d, the pooling modules, Flatten, Unflatten, Linear, Dropout and the
    activations. Convolution weights have the same layout in both; Linear's is transposed.
    """
    import torch

    from course_nn import pooling

    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a course_nn Sequential, got {type(model).__name__}")
    acts = {Sigmoid: torch.nn.Sigmoid, Tanh: torch.nn.Tanh, ReLU: torch.nn.ReLU}
    layers = []
    for m in model.modules:
        if isinstance(m, Conv2d | Conv1d):
            cls = torch.nn.Conv2d if isinstance(m, Conv2d) else torch.nn.Conv1d
            layers.append(cls(m.in_channels, m.out_channels, m.kernel_size, stride=m.stride,
                              padding=m.padding))
        elif isinstance(m, Linear):
            layers.append(torch.nn.Linear(m.in_features, m.out_features))
        elif type(m) in acts:
            layers.append(acts[type(m)]())
        elif isinstance(m, Flatten):
            layers.append(torch.nn.Flatten())
        elif isinstance(m, Unflatten):
            layers.append(torch.nn.Unflatten(1, m.shape))
        elif isinstance(m, Dropout):
            layers.append(torch.nn.Dropout(m.drop_prob))
        elif isinstance(m, pooling.Pool2d | pooling.GlobalPool2d):
            layers.append(m.to_torch())
        else:
            raise TypeError(f"no PyTorch counterpart for {type(m).__name__}")
    torch_model = torch.nn.Sequential(*layers).to(device=device, dtype=dtype or torch.float64)
    with torch.no_grad():
        for _, ours, theirs in _weighted_pairs(model, torch_model):
            weight = ours.weight.T if isinstance(ours, Linear) else ours.weight
            theirs.weight.copy_(torch.as_tensor(np.ascontiguousarray(weight)))
            theirs.bias.copy_(torch.as_tensor(ours.bias))
    return torch_model


def _weighted_pairs(model: Sequential, torch_model):
    if len(model.modules) != len(torch_model):
        raise ValueError(f"models differ in length: {len(model.modules)} NumPy modules, "
                         f"{len(torch_model)} torch modules")
    for i, (ours, theirs) in enumerate(zip(model.modules, torch_model, strict=True)):
        if isinstance(ours, Linear | Conv1d | Conv2d):
            want = ours.weight.T.shape if isinstance(ours, Linear) else ours.weight.shape
            if tuple(getattr(getattr(theirs, "weight", None), "shape", ())) != want:
                raise ValueError(f"module {i}: {ours!r} does not match {theirs!r}")
            yield i, ours, theirs


def convnet_torch_gradients(model: Sequential, torch_model) -> dict[str, np.ndarray]:
    """The torch twin's ``.grad`` values under ``model``'s parameter names, in our layouts."""
    grads = {}
    for i, ours, theirs in _weighted_pairs(model, torch_model):
        if theirs.weight.grad is None:
            raise ValueError(f"torch module {i} has no gradient: call backward first")
        weight = theirs.weight.grad.detach().cpu().double().numpy()
        grads[f"{i}.weight"] = weight.T if isinstance(ours, Linear) else weight
        grads[f"{i}.bias"] = theirs.bias.grad.detach().cpu().double().numpy()
    return grads


# --- image kernels and the roots and variants in torch ----------------------------------------

#: Classic 3x3 image kernels, applied with ``correlate2d`` (the ones that are not symmetric
#: would look mirrored with a true convolution).
IMAGE_KERNELS = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "edges": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
    "vertical edges (Sobel)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
}


def lenet5_torch():
    """A LeNet-5-style network (LeCun et al., 1998) for (N, 784) rows of 28x28 digits:
    conv 5x5 (6) -> tanh -> avg-pool -> conv 5x5 (16) -> tanh -> avg-pool -> 120 -> 84 -> 10."""
    import torch.nn as nn

    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))


def inception_net_torch(width: int = 8):
    """A network with one GoogLeNet-style block (Szegedy et al., 2015): 1x1, 3x3 and 5x5
    convolutions and a 3x3 max-pool (+1x1) side by side on the same input, concatenated."""
    import torch
    import torch.nn as nn

    width = check_int(width, "width", minimum=1)

    class Inception(nn.Module):
        def __init__(self, c: int):
            super().__init__()
            self.branches = nn.ModuleList([
                nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 3, padding=1), nn.Conv2d(c, c, 5, padding=2),
                nn.Sequential(nn.MaxPool2d(3, 1, padding=1), nn.Conv2d(c, c, 1))])

        def forward(self, x):
            return torch.cat([branch(x) for branch in self.branches], dim=1)

    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, width, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), Inception(width), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(4 * width * 49, 10))


def residual_net_torch(width: int = 16):
    """A network with one residual block (He et al., 2016): ``x + conv(relu(conv(x)))``, so
    the block only has to learn a correction to the identity."""
    import torch.nn as nn

    width = check_int(width, "width", minimum=1)

    class Residual(nn.Module):
        def __init__(self, c: int):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU(),
                                      nn.Conv2d(c, c, 3, padding=1))

        def forward(self, x):
            return x + self.body(x)

    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, width, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), Residual(width), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(width * 49, 10))
