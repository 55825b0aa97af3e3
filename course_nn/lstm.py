"""The long short-term memory (LSTM) layer, forward and backward through time (notebook 09).

Hochreiter & Schmidhuber (1997) with the forget gate of Gers, Schmidhuber & Cummins (2000), in
the course's row convention (``x @ w``). With ``a_t = x_t @ w_in + h_{t-1} @ w_h + b``, split
into four blocks of H columns in the order **i, f, g, o**::

    i_t = sigmoid(a_i)        input gate: how much of the candidate to write
    f_t = sigmoid(a_f)        forget gate: how much of the old cell to keep
    g_t = tanh(a_g)           candidate cell value
    o_t = sigmoid(a_o)        output gate: how much of the cell to show
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

The cell path ``c_{t-1} -> c_t`` is multiplied only by ``f_t`` (no weight matrix, no squashing),
so with ``f_t`` near 1 a gradient flows back over many steps without vanishing.

Shapes: N sequences, T steps (all of the same length: no padding), D inputs, H hidden units;
batch first, ``x`` (N, T, D). Weights ``w_in`` (D, 4H), ``w_h`` (H, 4H), ``b`` (4H,).

**Mapping to torch.nn.LSTM** (``to_torch_lstm`` and friends do it):

- torch stores ``weight_ih_l0`` (4H, D) and ``weight_hh_l0`` (4H, H) with rows in the same gate
  order i, f, g, o, and computes ``x W_ih^T``: so ``weight_ih_l0 = w_in.T``,
  ``weight_hh_l0 = w_h.T`` (a plain transpose; the gate blocks line up).
- torch keeps two bias vectors, ``bias_ih_l0`` and ``bias_hh_l0`` (4H each), and adds both; we
  keep one. Copying to torch sets ``bias_ih_l0 = b`` and ``bias_hh_l0 = 0``; copying back sets
  ``b = bias_ih_l0 + bias_hh_l0``; the gradient of ``b`` is the gradient of either (they are
  equal, both being dE/da summed over N and T).
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from course_nn import layers
from course_nn.modules import Linear, Module
from course_nn.recurrent import RNN, to_torch_rnn
from course_nn.torch_bridge import check_torch_training
from course_nn.validation import (
    check_array,
    check_bool,
    check_generator,
    check_int,
    check_option,
    check_positive,
    describe,
)

GATES = ("i", "f", "g", "o")  # the column blocks of w_in, w_h and b, in torch's order


def _check_sizes(name: str, array, shape: tuple, hint: str) -> None:
    check_array(array, name, ndim=len(shape), shape_hint=hint)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {hint} = {shape}, got {array.shape}")


def _check_weights(x_name, x, h_prev, c_prev, w_in, w_h, b):
    """Check the shapes of one call's inputs; returns (N, D, H)."""
    check_array(w_h, "w_h", ndim=2, shape_hint="(H, 4H)")
    hidden = w_h.shape[0]
    _check_sizes("w_h", w_h, (hidden, 4 * hidden), "(H, 4H)")
    n, d = x.shape[0], x.shape[-1]
    check_array(w_in, "w_in", ndim=2, shape_hint="(D, 4H)")
    if w_in.shape[0] != d:
        raise ValueError(f"{x_name} and w_in must agree on D, the number of input features: "
                         f"{x_name} has {d} (shape {x.shape}), w_in has {w_in.shape[0]} rows "
                         f"(shape {w_in.shape})")
    _check_sizes("w_in", w_in, (d, 4 * hidden), "(D, 4H)")
    _check_sizes("b", b, (4 * hidden,), "(4H,)")
    _check_sizes(h_prev[0], h_prev[1], (n, hidden), "(N, H)")
    _check_sizes(c_prev[0], c_prev[1], (n, hidden), "(N, H)")
    return n, d, hidden


# --- one step ------------------------------------------------------------------------------------


def lstm_step_forward(x_t, h_prev, c_prev, w_in, w_h, b):
    """One step. x_t: (N, D), h_prev, c_prev: (N, H), w_in: (D, 4H), w_h: (H, 4H), b: (4H,).

    Returns ``(h_t, c_t), cache``.
    """
    check_array(x_t, "x_t", ndim=2, shape_hint="(N, D)")
    _check_weights("x_t", x_t, ("h_prev", h_prev), ("c_prev", c_prev), w_in, w_h, b)
    return _step(x_t, h_prev, c_prev, w_in, w_h, b)


def _step(x_t, h_prev, c_prev, w_in, w_h, b):
    hidden = w_h.shape[0]
    a = x_t @ w_in + h_prev @ w_h + b
    i = layers.sigmoid(a[:, :hidden])            # stable for large |a|
    f = layers.sigmoid(a[:, hidden:2 * hidden])
    g = np.tanh(a[:, 2 * hidden:3 * hidden])
    o = layers.sigmoid(a[:, 3 * hidden:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return (h, c), (x_t, h_prev, c_prev, i, f, g, o, tanh_c, w_in, w_h)


def _unpack_step(cache):
    if not (isinstance(cache, tuple) and len(cache) == 10):
        raise TypeError(f"cache must be the cache lstm_step_forward returned, got "
                        f"{describe(cache)}")
    return cache


def lstm_step_backward(dh, dc, cache):
    """One step back. dh = dE/dh_t and dc = dE/dc_t (N, H), from everything after this step.

    Returns ``dx_t (N, D), dh_prev (N, H), dc_prev (N, H), dw_in (D, 4H), dw_h (H, 4H),
    db (4H,)``.
    """
    x_t, h_prev, c_prev, i, f, g, o, tanh_c, w_in, w_h = _unpack_step(cache)
    _check_sizes("dh", dh, i.shape, "(N, H)")
    _check_sizes("dc", dc, i.shape, "(N, H)")
    return _step_backward(dh, dc, cache)


def _step_backward(dh, dc, cache):
    x_t, h_prev, c_prev, i, f, g, o, tanh_c, w_in, w_h = cache
    do = dh * tanh_c                                   # h_t = o_t tanh(c_t): dE/do_t
    dc = dc + dh * o * (1.0 - tanh_c**2)               # dE/dc_t = via c_{t+1} + via h_t
    di, df, dg = dc * g, dc * c_prev, dc * i           # c_t = f_t c_{t-1} + i_t g_t
    dc_prev = dc * f                                   # the cell path: only f_t multiplies
    da = np.concatenate([di * i * (1.0 - i),           # i = sigmoid(a_i): sigmoid' = i (1 - i)
                         df * f * (1.0 - f),           # f = sigmoid(a_f)
                         dg * (1.0 - g**2),            # g = tanh(a_g): tanh' = 1 - g^2
                         do * o * (1.0 - o)], axis=1)  # o = sigmoid(a_o); da: (N, 4H)
    dx_t = da @ w_in.T                                 # a_t = x_t w_in + h_{t-1} w_h + b
    dh_prev = da @ w_h.T
    return dx_t, dh_prev, dc_prev, x_t.T @ da, h_prev.T @ da, da.sum(axis=0)


# --- the layer: all steps ------------------------------------------------------------------------


def lstm_forward(x, h0, c0, w_in, w_h, b):
    """x: (N, T, D), h0, c0: (N, H), w_in: (D, 4H), w_h: (H, 4H), b: (4H,).

    Returns ``h`` (N, T, H) (the hidden state after every step), ``(h_T, c_T)`` (the final
    states, (N, H) each, as torch's ``(h_n, c_n)`` without the layer axis) and a cache.
    """
    check_array(x, "x", ndim=3, shape_hint="(N, T, D)")
    n, _, hidden = _check_weights("x", x, ("h0", h0), ("c0", c0), w_in, w_h, b)
    h = np.empty((n, x.shape[1], hidden))
    caches = []
    h_prev, c_prev = h0, c0
    for t in range(x.shape[1]):
        (h_prev, c_prev), cache = _step(x[:, t], h_prev, c_prev, w_in, w_h, b)
        h[:, t] = h_prev
        caches.append(cache)
    return h, (h_prev, c_prev), ("lstm", caches, x.shape, w_in, w_h, b)


def lstm_backward(dh, cache, dh_n=None, dc_n=None):
    """BPTT in one backward sweep.

    dh: (N, T, H) = dE/dh_t from outside the recurrence (an output layer at each step; zeros
    where there is none). ``dh_n`` and ``dc_n`` (N, H), optional, are dE/d(final states) from
    outside (torch's ``h_n``, ``c_n``); ``dh_n`` adds to ``dh[:, -1]`` (h_n *is* h_T).

    Returns ``dx (N, T, D), dh0 (N, H), dc0 (N, H), dw_in (D, 4H), dw_h (H, 4H), db (4H,)``.
    """
    if not (isinstance(cache, tuple) and len(cache) == 6 and cache[0] == "lstm"):
        raise TypeError(f"cache must be the cache lstm_forward returned, got {describe(cache)}")
    _, caches, x_shape, w_in, w_h, b = cache
    n, t_max, _ = x_shape
    hidden = w_h.shape[0]
    _check_sizes("dh", dh, (n, t_max, hidden), "(N, T, H)")
    zeros = np.zeros((n, hidden))
    dh_n = zeros if dh_n is None else dh_n
    dc_n = zeros if dc_n is None else dc_n
    _check_sizes("dh_n", dh_n, (n, hidden), "(N, H)")
    _check_sizes("dc_n", dc_n, (n, hidden), "(N, H)")
    dx = np.empty(x_shape)
    dw_in, dw_h, db = np.zeros_like(w_in), np.zeros_like(w_h), np.zeros_like(b)
    carry_h, carry_c = dh_n, dc_n                      # dE/dh_t, dE/dc_t via the steps after t
    for t in reversed(range(t_max)):
        dx[:, t], carry_h, carry_c, dwi, dwh, dbt = _step_backward(
            dh[:, t] + carry_h, carry_c, caches[t])    # dE/dh_t: here + via h_{t+1}
        dw_in += dwi                                   # the same weights at every step:
        dw_h += dwh                                    # their gradients add over t
        db += dbt
    return dx, carry_h, carry_c, dw_in, dw_h, db


# --- modules -------------------------------------------------------------------------------------


class LSTM(Module):
    """One LSTM layer as a Module: ``forward(x)``: x (N, T, D) -> h (N, T, H), all hidden
    states; ``final_states`` holds ``(h_T, c_T)`` after a forward pass. Initial states are 0.

    Parameters ``"w_in"`` (D, 4H), ``"w_h"`` (H, 4H), ``"b"`` (4H,), drawn uniformly from
    +-1/sqrt(H) like PyTorch's; ``forget_bias`` is then added to the forget gate's block of ``b``
    (Gers et al. 2000 and Jozefowicz et al. 2015 start it positive, e.g. 1, so the cell
    remembers from the start; 0 keeps torch's initialisation). Gradients accumulate.
    """

    def __init__(self, input_size: int, hidden_size: int, rng: np.random.Generator, *,
                 forget_bias: float = 0.0):
        self.input_size = check_int(input_size, "input_size", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        check_generator(rng)
        if isinstance(forget_bias, bool) or not isinstance(forget_bias, numbers.Real):
            raise TypeError(f"forget_bias must be a real number, got {describe(forget_bias)}")
        forget = float(forget_bias)
        if not np.isfinite(forget):
            raise ValueError(f"forget_bias must be a finite number, got {forget}")
        bound = 1.0 / np.sqrt(hidden_size)
        h = hidden_size
        self.w_in = rng.uniform(-bound, bound, size=(input_size, 4 * h))
        self.w_h = rng.uniform(-bound, bound, size=(h, 4 * h))
        self.b = rng.uniform(-bound, bound, size=4 * h)
        self.b[h:2 * h] += forget
        self.w_in_grad, self.w_h_grad = np.zeros_like(self.w_in), np.zeros_like(self.w_h)
        self.b_grad = np.zeros_like(self.b)
        self._cache = None
        self.final_states = None

    def parameters(self):
        return {"w_in": self.w_in, "w_h": self.w_h, "b": self.b}

    def gradients(self):
        return {"w_in": self.w_in_grad, "w_h": self.w_h_grad, "b": self.b_grad}

    def forward(self, x):
        check_array(x, "x", ndim=3, shape_hint=f"(N, T, {self.input_size})")
        if x.shape[2] != self.input_size:
            raise ValueError(f"x must have {self.input_size} features (last axis) to match "
                             f"{self!r}, got shape {x.shape}")
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise ValueError(f"x must hold at least one sequence of at least one step, got "
                             f"shape {x.shape}")
        zeros = np.zeros((x.shape[0], self.hidden_size))
        h, self.final_states, self._cache = lstm_forward(x, zeros, zeros, self.w_in, self.w_h,
                                                         self.b)
        return h

    def backward(self, dout, input_grad=True):
        """dout: dE/dh (N, T, H) -> dE/dx (N, T, D), or None with ``input_grad=False``."""
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        check_bool(input_grad, "input_grad")
        dx, _, _, dw_in, dw_h, db = lstm_backward(dout, self._cache)
        self.w_in_grad += dw_in
        self.w_h_grad += dw_h
        self.b_grad += db
        return dx if input_grad else None

    def __repr__(self) -> str:
        return f"LSTM({self.input_size}, {self.hidden_size})"


class SequenceRegressor(Module):
    """One number per sequence from the last hidden state: ``y = h_T @ w + b``.

    ``forward(x)``: x (N, T, D) -> (N, 1), like ``Linear``'s output; ``recurrent`` is an
    ``LSTM`` or a one-direction ``recurrent.RNN`` (run on full-length sequences), and
    ``adding_problem.train_regressor`` trains either. Parameters are ``"rnn.*"`` and
    ``"head.weight"``, ``"head.bias"``.
    """

    def __init__(self, recurrent: Module, head: Linear):
        if not isinstance(recurrent, LSTM | RNN) or getattr(recurrent, "bidirectional", False):
            raise TypeError(f"recurrent must be a course_nn LSTM or a one-direction RNN, got "
                            f"{describe(recurrent)}")
        if not isinstance(head, Linear):
            raise TypeError(f"head must be a course_nn Linear, got {describe(head)}")
        hidden = recurrent.hidden_size
        if head.in_features != hidden:
            raise ValueError(f"head must read {hidden} features (the recurrent layer's hidden "
                             f"size), got {head!r}")
        self.recurrent, self.head = recurrent, head
        self._h_shape = None

    @classmethod
    def lstm(cls, input_size: int, hidden_size: int, rng: np.random.Generator, *,
             forget_bias: float = 0.0) -> SequenceRegressor:
        """An ``LSTM(input_size, hidden_size)`` followed by ``Linear(hidden_size, 1)``."""
        recurrent = LSTM(input_size, hidden_size, rng, forget_bias=forget_bias)
        return cls(recurrent, Linear(hidden_size, 1, rng))

    @classmethod
    def rnn(cls, input_size: int, hidden_size: int, rng: np.random.Generator, *,
            activation: str = "tanh") -> SequenceRegressor:
        """A ``recurrent.RNN(input_size, hidden_size)`` followed by ``Linear(hidden_size, 1)``."""
        recurrent = RNN(input_size, hidden_size, rng, activation=activation)
        return cls(recurrent, Linear(hidden_size, 1, rng))

    def forward(self, x):
        if isinstance(self.recurrent, RNN):
            check_array(x, "x", ndim=3, shape_hint="(N, T, D)")
            h = self.recurrent.forward(x, np.full(x.shape[0], x.shape[1]))
        else:
            h = self.recurrent.forward(x)
        self._h_shape = h.shape
        return self.head.forward(np.ascontiguousarray(h[:, -1]))

    def backward(self, dout, input_grad=True):
        if self._h_shape is None:
            raise RuntimeError("backward called before forward")
        d_last = self.head.backward(dout)              # checks dout is (N, 1)
        dh = np.zeros(self._h_shape)
        dh[:, -1] = d_last                             # only h_T feeds the output
        return self.recurrent.backward(dh, input_grad)

    def parameters(self):
        return {**{f"rnn.{k}": v for k, v in self.recurrent.parameters().items()},
                **{f"head.{k}": v for k, v in self.head.parameters().items()}}

    def gradients(self):
        return {**{f"rnn.{k}": v for k, v in self.recurrent.gradients().items()},
                **{f"head.{k}": v for k, v in self.head.gradients().items()}}

    def __repr__(self) -> str:
        return f"SequenceRegressor({self.recurrent!r}, {self.head!r})"


# --- the same layer in PyTorch -------------------------------------------------------------------


def _check_pair(lstm, torch_lstm) -> None:
    import torch

    if not isinstance(lstm, LSTM):
        raise TypeError(f"lstm must be a course_nn.lstm.LSTM, got {describe(lstm)}")
    if not isinstance(torch_lstm, torch.nn.LSTM):
        raise TypeError(f"torch_lstm must be a torch.nn.LSTM (e.g. from to_torch_lstm), got "
                        f"{describe(torch_lstm)}")
    ours = (lstm.input_size, lstm.hidden_size, 1, False, 0)
    theirs = (torch_lstm.input_size, torch_lstm.hidden_size, torch_lstm.num_layers,
              torch_lstm.bidirectional, torch_lstm.proj_size)
    if ours != theirs or not torch_lstm.bias or not torch_lstm.batch_first:
        raise ValueError(f"torch_lstm must mirror lstm (input, hidden, layers, bidirectional, "
                         f"proj_size = {ours}, bias and batch_first on), got {theirs}")


def to_torch_lstm(lstm: LSTM, dtype=None, device=None):
    """A ``torch.nn.LSTM(batch_first=True)`` of the same shape holding a copy of the weights
    (float64 unless ``dtype`` says otherwise)."""
    import torch

    if not isinstance(lstm, LSTM):
        raise TypeError(f"lstm must be a course_nn.lstm.LSTM, got {describe(lstm)}")
    dtype = torch.float64 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a torch floating dtype such as torch.float64, got "
                        f"{describe(dtype)}")
    device = _check_device(device)
    torch_lstm = torch.nn.LSTM(lstm.input_size, lstm.hidden_size, batch_first=True, dtype=dtype)
    copy_lstm_weights_to_torch(lstm, torch_lstm)
    return torch_lstm if device is None else torch_lstm.to(device)


def copy_lstm_weights_to_torch(lstm: LSTM, torch_lstm) -> None:
    """weight_ih_l0 = w_in.T, weight_hh_l0 = w_h.T (gate blocks i, f, g, o line up),
    bias_ih_l0 = b, bias_hh_l0 = 0."""
    import torch

    _check_pair(lstm, torch_lstm)
    with torch.no_grad():
        torch_lstm.weight_ih_l0.copy_(torch.as_tensor(lstm.w_in.T))
        torch_lstm.weight_hh_l0.copy_(torch.as_tensor(lstm.w_h.T))
        torch_lstm.bias_ih_l0.copy_(torch.as_tensor(lstm.b))
        torch_lstm.bias_hh_l0.zero_()


def copy_lstm_weights_from_torch(torch_lstm, lstm: LSTM) -> None:
    """The inverse of ``copy_lstm_weights_to_torch``; b = bias_ih_l0 + bias_hh_l0."""
    _check_pair(lstm, torch_lstm)

    def numpy(p):
        return p.detach().cpu().double().numpy()

    lstm.w_in[...] = numpy(torch_lstm.weight_ih_l0).T
    lstm.w_h[...] = numpy(torch_lstm.weight_hh_l0).T
    lstm.b[...] = numpy(torch_lstm.bias_ih_l0) + numpy(torch_lstm.bias_hh_l0)


def torch_lstm_gradients(lstm: LSTM, torch_lstm) -> dict[str, np.ndarray]:
    """The torch LSTM's ``.grad`` values under ``lstm``'s names, in our layout (``b``'s is
    ``bias_ih_l0.grad``, which equals ``bias_hh_l0.grad``)."""
    _check_pair(lstm, torch_lstm)
    pairs = (("w_in", "weight_ih_l0", True), ("w_h", "weight_hh_l0", True),
             ("b", "bias_ih_l0", False))
    grads = {}
    for ours, name, transpose in pairs:
        grad = getattr(torch_lstm, name).grad
        if grad is None:
            raise ValueError(f"torch parameter {name} has no gradient: call backward first")
        value = grad.detach().cpu().double().numpy()
        grads[ours] = value.T if transpose else value
    return grads


# --- the sequence regressor in PyTorch, and its training loop -----------------------------------


def _check_device(device):
    import torch

    if device is None:
        return None
    if not isinstance(device, str | torch.device):
        raise TypeError(f"device must be None, a string or a torch.device, got {describe(device)}")
    try:
        return torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', got "
                         f"{device!r} ({error})") from None


@functools.cache
def _torch_regressor_class():
    import torch

    class TorchSequenceRegressor(torch.nn.Module):
        """``recurrent`` (a batch-first torch.nn.LSTM or RNN), then ``head`` on the last state."""

        def __init__(self, recurrent, head):
            super().__init__()
            self.recurrent, self.head = recurrent, head

        def forward(self, x):
            out, _ = self.recurrent(x)
            return self.head(out[:, -1])

    return TorchSequenceRegressor


def to_torch_regressor(model: SequenceRegressor, dtype=None, device=None):
    """A torch twin of ``model`` (LSTM or RNN, then Linear on the last state) holding a copy of
    its weights: ``torch_model(x)`` maps (N, T, D) to (N, 1).

    torch's second bias ``bias_hh_l0`` is set to 0 and frozen (``requires_grad=False``), so the
    twin has exactly our parameters and trains step for step like ours (a trainable second
    bias would move the sum of the two biases twice as fast under SGD).
    """
    import torch

    if not isinstance(model, SequenceRegressor):
        raise TypeError(f"model must be a course_nn.lstm.SequenceRegressor, got "
                        f"{describe(model)}")
    device = _check_device(device)
    if isinstance(model.recurrent, LSTM):
        recurrent = to_torch_lstm(model.recurrent, dtype=dtype)
    else:
        recurrent = to_torch_rnn(model.recurrent, dtype=dtype)
    recurrent.bias_hh_l0.requires_grad_(False)
    head = torch.nn.Linear(model.head.in_features, 1, dtype=recurrent.weight_ih_l0.dtype)
    with torch.no_grad():
        head.weight.copy_(torch.as_tensor(model.head.weight.T))
        head.bias.copy_(torch.as_tensor(model.head.bias))
    torch_model = _torch_regressor_class()(recurrent, head)
    return torch_model if device is None else torch_model.to(device)


def _check_torch_sequences(torch_model, X, name: str = "X"):
    import torch

    if not isinstance(torch_model, torch.nn.Module):
        raise TypeError(f"torch_model must be a torch.nn.Module (e.g. from to_torch_regressor), "
                        f"got {describe(torch_model)}")
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor (N, T, D), got {describe(X)}")
    if X.ndim != 3 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 3-D tensor (N, T, D), got shape "
                         f"{tuple(X.shape)}")
    param = next(iter(torch_model.parameters()), None)
    if param is not None and (X.device != param.device or X.dtype != param.dtype):
        raise ValueError(f"{name} must be on the model's device and dtype ({param.device}, "
                         f"{param.dtype}), got ({X.device}, {X.dtype})")
    if not bool(torch.isfinite(X).all()):
        raise ValueError(f"{name} must be finite, got NaN or infinite entries")


def fit_torch_regressor(torch_model, optimiser, X, y, *, epochs: int, batch_size: int,
                        generator, clip: str | None = None, threshold: float | None = None):
    """The torch twin of ``adding_problem.train_regressor``: mean squared error, minibatches
    shuffled by ``torch.randperm(N, generator=generator)``, and optional clipping with
    ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_`` (NaN/inf gradients raise, as in
    ``course_nn.clipping``). X: (N, T, D), y: (N,) tensors on the model's device and dtype.

    Returns the mean training MSE of each epoch.
    """
    import torch

    _check_torch_sequences(torch_model, X)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_torch_training(torch_model, optimiser, generator)
    if not isinstance(y, torch.Tensor) or tuple(y.shape) != (X.shape[0],):
        raise ValueError(f"y must be a tensor of shape (N,) with N={X.shape[0]} matching X, "
                         f"got {describe(y) if not torch.is_tensor(y) else tuple(y.shape)}")
    if y.device != X.device or y.dtype != X.dtype:
        raise ValueError(f"y must be on X's device and dtype ({X.device}, {X.dtype}), got "
                         f"({y.device}, {y.dtype})")
    if clip is not None:
        check_option(clip, "clip", ("norm", "value"))
        threshold = check_positive(threshold, "threshold")
    elif threshold is not None:
        raise ValueError(f"threshold must be None when clip is None, got {threshold!r}")
    params = [p for p in torch_model.parameters() if p.requires_grad]
    losses = []
    torch_model.train()
    for _ in range(epochs):
        total = 0.0
        for idx in torch.randperm(len(y), generator=generator).split(batch_size):
            idx = idx.to(X.device)
            optimiser.zero_grad()
            loss = torch.mean((torch_model(X[idx])[:, 0] - y[idx]) ** 2)
            loss.backward()
            if clip == "norm":
                torch.nn.utils.clip_grad_norm_(params, threshold, error_if_nonfinite=True)
            elif clip == "value":
                if not all(bool(torch.isfinite(p.grad).all()) for p in params):
                    raise ValueError("gradients hold NaN or infinite entries: the step has "
                                     "already diverged, and clipping cannot repair it")
                torch.nn.utils.clip_grad_value_(params, threshold)
            optimiser.step()
            total += loss.item() * len(idx)
        losses.append(total / len(y))
    return losses


def predict_torch_regressor(torch_model, X) -> np.ndarray:
    """Predictions (N,) of a torch sequence regressor in evaluation mode, as a NumPy array."""
    import torch

    _check_torch_sequences(torch_model, X)
    was_training = torch_model.training
    torch_model.eval()
    try:
        with torch.no_grad():
            return torch_model(X)[:, 0].double().cpu().numpy()
    finally:
        torch_model.train(was_training)
