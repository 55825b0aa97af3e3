"""Recurrent networks and backpropagation through time (notebook 08).

A vanilla recurrent layer over a batch of padded sequences, in the course's row convention
(``x @ w``; the slides' ``W_h h_{t-1}`` is our ``h_{t-1} @ w_h`` with ``w_h = W_h^T``)::

    a_t = h_{t-1} @ w_h + x_t @ w_in + b          pre-activation
    h_t = m_t f(a_t) + (1 - m_t) h_{t-1}          m_t = 1 while t < length, else 0

so a padded step (``m_t = 0``) carries the state through unchanged, and ``h[:, -1]`` is every
sequence's state after its own last word. Shapes: N sequences, T steps (the longest), D inputs,
H hidden units, C classes. ``lengths`` (N,) are ints in 1..T; padding sits at the end.

- ``rnn_forward`` / ``rnn_backward``: the layer and BPTT (one backward sweep, O(T));
- ``hidden_jacobian`` and ``rnn_backward_by_paths``: BPTT written literally as the sum over
  time of the gradients through ``dh_t/dh_{t-k}`` (O(T^2), for teaching and testing);
- output forms: per step (``StepLinear`` + ``masked_cross_entropy``), one output for the whole
  sequence (``last_state``), a window over past states (``window_forward``);
- ``reverse_padded`` and the ``RNN`` module (stacked, optionally bidirectional);
- ``to_torch_rnn`` and friends: the same network as ``torch.nn.RNN``, weights copied.
"""

from __future__ import annotations

import numpy as np

from course_nn import layers
from course_nn.modules import Linear, Module
from course_nn.validation import (
    check_array,
    check_bool,
    check_generator,
    check_int,
    check_option,
    describe,
)

ACTIVATIONS = ("tanh", "relu")  # the two torch.nn.RNN offers


# --- checks ---------------------------------------------------------------------------------------


def check_lengths(lengths, n: int, t_max: int, name: str = "lengths") -> np.ndarray:
    """``lengths`` must be N ints in 1..T (the number of real steps of each sequence)."""
    if lengths is None or isinstance(lengths, str | bytes):
        raise TypeError(f"{name} must be an integer array of shape (N,), got {describe(lengths)}")
    array = np.asarray(lengths)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape (N,) with N={n} matching x, got {array.shape}")
    if array.min() < 1 or array.max() > t_max:
        raise ValueError(f"{name} must lie in [1, {t_max}] (T={t_max} steps in x), got min "
                         f"{array.min()} max {array.max()}")
    return array.astype(np.int64)


def step_mask(lengths: np.ndarray, t_max: int) -> np.ndarray:
    """``m[n, t] = 1.0`` if step t is a real step of sequence n, else 0.0: (N, T)."""
    return (np.arange(t_max)[None, :] < np.asarray(lengths)[:, None]).astype(np.float64)


def _check_sizes(name: str, array, shape: tuple, hint: str) -> None:
    check_array(array, name, ndim=len(shape), shape_hint=hint)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {hint} = {shape}, got {array.shape}")


# --- the layer: forward and backward through time -------------------------------------------


def rnn_forward(x, lengths, h0, w_in, w_h, b, activation: str = "tanh"):
    """x: (N, T, D), lengths: (N,), h0: (N, H), w_in: (D, H), w_h: (H, H), b: (H,).

    Returns ``h`` (N, T, H), the state after every step, and a cache for ``rnn_backward``.
    """
    check_array(x, "x", ndim=3, shape_hint="(N, T, D)")
    n, t_max, d = x.shape
    lengths = check_lengths(lengths, n, t_max)
    check_array(w_h, "w_h", ndim=2, shape_hint="(H, H)")
    hidden = w_h.shape[1]
    _check_sizes("w_h", w_h, (hidden, hidden), "(H, H)")
    _check_sizes("w_in", w_in, (d, hidden), "(D, H)")
    _check_sizes("b", b, (hidden,), "(H,)")
    _check_sizes("h0", h0, (n, hidden), "(N, H)")
    check_option(activation, "activation", ACTIVATIONS)
    f = np.tanh if activation == "tanh" else (lambda a: np.maximum(a, 0.0))

    mask = step_mask(lengths, t_max)
    h = np.empty((n, t_max, hidden))
    a = np.empty((n, t_max, hidden))
    h_prev = h0
    for t in range(t_max):
        a[:, t] = h_prev @ w_h + x[:, t] @ w_in + b
        m = mask[:, t, None]
        h[:, t] = m * f(a[:, t]) + (1.0 - m) * h_prev
        h_prev = h[:, t]
    return h, (x, mask, h0, w_in, w_h, a, h, activation)


def _unpack(cache):
    if not (isinstance(cache, tuple) and len(cache) == 8):
        raise TypeError(f"cache must be the cache rnn_forward returned, got {describe(cache)}")
    return cache


def _f_prime(a, h, activation):
    """f'(a_t), written with the output: tanh' = 1 - h_t^2. At a padded step h_t is not
    f(a_t), but there the mask m_t = 0 multiplies the result away."""
    return 1.0 - h**2 if activation == "tanh" else (a > 0).astype(np.float64)


def rnn_backward(dh, cache):
    """BPTT in one backward sweep. dh: (N, T, H) = dE/dh_t from outside the recurrence (the
    output layer at each step). Returns ``dx, dh0, dw_in, dw_h, db`` shaped like the inputs.

    The running ``carry`` holds dE/dh_t through all later steps, so it already is the sum
    over k of every path ``dE/dh_{t+k} dh_{t+k}/dh_t`` (``rnn_backward_by_paths`` sums them
    one by one and gets the same numbers).
    """
    x, mask, h0, w_in, w_h, a, h, activation = _unpack(cache)
    _check_sizes("dh", dh, h.shape, "(N, T, H)")
    dx = np.zeros_like(x)
    dw_in, dw_h, db = np.zeros_like(w_in), np.zeros_like(w_h), np.zeros(w_h.shape[0])
    carry = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        m = mask[:, t, None]
        h_prev = h[:, t - 1] if t > 0 else h0
        g = dh[:, t] + carry                                 # dE/dh_t: here + via h_{t+1}
        da = m * g * _f_prime(a[:, t], h[:, t], activation)  # dE/da_t = dE/dh_t f'(a_t)
        dw_in += x[:, t].T @ da                              # a_t = ... + x_t w_in
        dw_h += h_prev.T @ da                                # a_t = h_{t-1} w_h + ...
        db += da.sum(axis=0)
        dx[:, t] = da @ w_in.T
        carry = da @ w_h.T + (1.0 - m) * g                   # dE/dh_{t-1} via h_t
    return dx, carry, dw_in, dw_h, db


def hidden_jacobian(cache, t: int, k: int) -> np.ndarray:
    """``dh_t / dh_{t-k}`` for every sequence: (N, H, H), entry [n, i, j] = dh_t,i / dh_{t-k},j.

    ``0 <= k <= t + 1``; ``h_{-1}`` is the initial state h0. One step:
    ``dh_s/dh_{s-1} = m_s diag(f'(a_s)) W_h + (1 - m_s) I`` (W_h = w_h^T); k steps multiply k of
    these, which is why the gradient can vanish or explode with k (notebook 09).
    """
    x, mask, h0, w_in, w_h, a, h, activation = _unpack(cache)
    t_max, hidden = x.shape[1], w_h.shape[0]
    t = check_int(t, "t", minimum=0)
    k = check_int(k, "k", minimum=0)
    if t >= t_max or k > t + 1:
        raise ValueError(f"t and k must satisfy 0 <= k <= t + 1 and t < T={t_max}, "
                         f"got t={t}, k={k}")
    eye = np.eye(hidden)
    jac = np.broadcast_to(eye, (x.shape[0], hidden, hidden)).copy()
    for s in range(t, t - k, -1):  # dh_t/dh_{t-k} = prod over s of dh_s/dh_{s-1}
        m = mask[:, s, None, None]
        f_prime = _f_prime(a[:, s], h[:, s], activation)[:, :, None]
        jac = jac @ (m * f_prime * w_h.T + (1.0 - m) * eye)
    return jac


def rnn_backward_by_paths(dh, cache):
    """The same gradients as ``rnn_backward``, as the double sum of the derivation::

        dE/dw_h = sum_t sum_{k=0..t} (dE/dh_t) (dh_t/dh_{t-k}) (d+h_{t-k}/dw_h)

    where ``d+`` is the direct derivative of one step (h_{t-k-1} held fixed), and likewise for
    w_in, b and x; h0 receives ``sum_t (dE/dh_t) (dh_t/dh_{-1})``. O(T^2) products of explicit
    Jacobians: for teaching and testing, not for training.
    """
    x, mask, h0, w_in, w_h, a, h, activation = _unpack(cache)
    _check_sizes("dh", dh, h.shape, "(N, T, H)")
    dx = np.zeros_like(x)
    dh0, dw_in, dw_h = np.zeros_like(h0), np.zeros_like(w_in), np.zeros_like(w_h)
    db = np.zeros(w_h.shape[0])
    for t in range(x.shape[1]):
        for k in range(t + 1):
            s = t - k
            # dE_t/dh_s = dE/dh_t . dh_t/dh_s, one row vector per sequence
            g = np.einsum("ni,nij->nj", dh[:, t], hidden_jacobian(cache, t, k))
            # then the direct derivative of step s: a_s = h_{s-1} w_h + x_s w_in + b
            da = mask[:, s, None] * g * _f_prime(a[:, s], h[:, s], activation)
            h_prev = h[:, s - 1] if s > 0 else h0
            dw_in += x[:, s].T @ da
            dw_h += h_prev.T @ da
            db += da.sum(axis=0)
            dx[:, s] += da @ w_in.T
        dh0 += np.einsum("ni,nij->nj", dh[:, t], hidden_jacobian(cache, t, t + 1))
    return dx, dh0, dw_in, dw_h, db


# --- output forms ---------------------------------------------------------------------------------


def masked_cross_entropy(scores, labels, lengths):
    """Mean cross-entropy of softmax(scores_t) over the real steps only (padding adds nothing).

    scores: (N, T, C), labels: (N, T) ints in [0, C) (anything at padded steps), lengths: (N,).
    Returns ``(loss, dscores)``; dscores is 0 at every padded step.
    """
    check_array(scores, "scores", ndim=3, shape_hint="(N, T, C)")
    n, t_max, _ = scores.shape
    mask = step_mask(check_lengths(lengths, n, t_max), t_max).astype(bool)
    labels = np.asarray(labels) if labels is not None else labels
    if not isinstance(labels, np.ndarray) or labels.shape != (n, t_max):
        raise ValueError(f"labels must be an integer array of shape (N, T) = {(n, t_max)} "
                         f"matching scores, got {describe(labels)}")
    loss, d_real = layers.softmax_cross_entropy(scores[mask], labels[mask], "mean")
    dscores = np.zeros_like(scores)
    dscores[mask] = d_real
    return loss, dscores


def last_state(h, lengths):
    """One output for the whole sequence: each sequence's state after its last real step.

    h: (N, T, H) -> (N, H). (With masking this equals ``h[:, -1]``; indexing says what we mean.)
    """
    check_array(h, "h", ndim=3, shape_hint="(N, T, H)")
    lengths = check_lengths(lengths, h.shape[0], h.shape[1])
    return h[np.arange(h.shape[0]), lengths - 1]


def last_state_backward(dout, h_shape: tuple, lengths):
    """dout: (N, H) -> dh: (N, T, H), zero except at each sequence's last real step."""
    _check_sizes("dout", dout, (h_shape[0], h_shape[2]), "(N, H)")
    lengths = check_lengths(lengths, h_shape[0], h_shape[1])
    dh = np.zeros(h_shape)
    dh[np.arange(h_shape[0]), lengths - 1] = dout
    return dh


def window_forward(h, v, c):
    """A windowed output: ``scores_t = sum_{j<K} h_{t-j} @ v[j] + c`` (h_{t-j} = 0 before the
    start). h: (N, T, H), v: (K, H, C), c: (C,) -> scores (N, T, C), cache."""
    check_array(h, "h", ndim=3, shape_hint="(N, T, H)")
    check_array(v, "v", ndim=3, shape_hint="(K, H, C)")
    _check_sizes("v", v, (v.shape[0], h.shape[2], v.shape[2]), "(K, H, C)")
    _check_sizes("c", c, (v.shape[2],), "(C,)")
    scores = np.broadcast_to(c, h.shape[:2] + (c.size,)).copy()
    for j in range(min(v.shape[0], h.shape[1])):
        scores[:, j:] += h[:, : h.shape[1] - j] @ v[j]
    return scores, (h, v)


def window_backward(dscores, cache):
    """dscores: (N, T, C) -> dh (N, T, H), dv (K, H, C), dc (C,)."""
    h, v = cache
    _check_sizes("dscores", dscores, h.shape[:2] + (v.shape[2],), "(N, T, C)")
    dh, dv = np.zeros_like(h), np.zeros_like(v)
    t_max = h.shape[1]
    for j in range(min(v.shape[0], t_max)):
        dh[:, : t_max - j] += dscores[:, j:] @ v[j].T
        dv[j] = np.einsum("nth,ntc->hc", h[:, : t_max - j], dscores[:, j:])
    return dh, dv, dscores.sum(axis=(0, 1))


class StepLinear(Linear):
    """The same ``Linear`` layer applied at every step: (N, T, H) -> (N, T, C)."""

    def forward(self, x):
        check_array(x, "x", ndim=3, shape_hint=f"(N, T, {self.in_features})")
        self._steps = x.shape[:2]
        return super().forward(x.reshape(-1, x.shape[2])).reshape(*x.shape[:2], -1)

    def backward(self, dout, input_grad=True):
        check_array(dout, "dout", ndim=3, shape_hint=f"(N, T, {self.out_features})")
        dx = super().backward(dout.reshape(-1, dout.shape[2]), input_grad)
        return None if dx is None else dx.reshape(*self._steps, -1)

    def __repr__(self) -> str:
        return f"StepLinear({self.in_features}, {self.out_features})"


# --- bidirectional and stacked ---------------------------------------------------------------


def reverse_padded(x, lengths):
    """Reverse each sequence's real steps, leaving its padding in place: (N, T, ...) -> same.

    Its own inverse. The backward direction of a bidirectional layer reads the reversed input.
    """
    check_array(x, "x", shape_hint="(N, T, ...)")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 axes (N, T, ...), got shape {x.shape}")
    lengths = check_lengths(lengths, x.shape[0], x.shape[1])
    t = np.arange(x.shape[1])[None, :]
    source = np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)
    return np.take_along_axis(x, source.reshape(source.shape + (1,) * (x.ndim - 2)), axis=1)


class RNN(Module):
    """A stack of ``num_layers`` recurrent layers, each optionally bidirectional.

    ``forward(x, lengths)``: x (N, T, D) -> outputs (N, T, H) or (N, T, 2H) for bidirectional
    (forward states, then backward states h'_t, so that ``StepLinear`` computes
    ``W_o h_t + W'_o h'_t``), 0 at padded steps (as ``torch.nn.RNN`` on a packed batch).
    Layer l > 0 reads layer l - 1's outputs. ``final_states``
    (num_layers * directions, N, H) are the states after each sequence's last (for the backward
    direction: first) real step, ordered like ``torch.nn.RNN``'s ``h_n``. Initial states are 0.

    Parameters ``"l{k}.w_in"``, ``"l{k}.w_h"``, ``"l{k}.b"`` (and ``"l{k}r.*"`` for the backward
    direction), drawn uniformly from +-1/sqrt(H) like PyTorch's.
    """

    def __init__(self, input_size: int, hidden_size: int, rng: np.random.Generator, *,
                 num_layers: int = 1, bidirectional: bool = False, activation: str = "tanh"):
        self.input_size = check_int(input_size, "input_size", minimum=1)
        self.hidden_size = check_int(hidden_size, "hidden_size", minimum=1)
        self.num_layers = check_int(num_layers, "num_layers", minimum=1)
        self.bidirectional = check_bool(bidirectional, "bidirectional")
        self.activation = check_option(activation, "activation", ACTIVATIONS)
        check_generator(rng)
        self.directions = ("", "r") if self.bidirectional else ("",)
        bound = 1.0 / np.sqrt(hidden_size)
        self._params, self._grads = {}, {}
        for layer in range(num_layers):
            d_in = input_size if layer == 0 else hidden_size * len(self.directions)
            for direction in self.directions:
                for name, shape in (("w_in", (d_in, hidden_size)),
                                    ("w_h", (hidden_size, hidden_size)), ("b", (hidden_size,))):
                    key = f"l{layer}{direction}.{name}"
                    self._params[key] = rng.uniform(-bound, bound, size=shape)
                    self._grads[key] = np.zeros(shape)
        self._caches = None

    def parameters(self):
        return dict(self._params)

    def gradients(self):
        return dict(self._grads)

    def _weights(self, layer: int, direction: str):
        p = self._params
        return tuple(p[f"l{layer}{direction}.{n}"] for n in ("w_in", "w_h", "b"))

    def __call__(self, x, lengths):
        return self.forward(x, lengths)

    def forward(self, x, lengths):
        check_array(x, "x", ndim=3, shape_hint=f"(N, T, {self.input_size})")
        if x.shape[2] != self.input_size:
            raise ValueError(f"x must have {self.input_size} features (last axis) to match "
                             f"{self!r}, got shape {x.shape}")
        lengths = check_lengths(lengths, x.shape[0], x.shape[1])
        self._lengths, self._caches, finals = lengths, [], []
        h0 = np.zeros((x.shape[0], self.hidden_size))
        for layer in range(self.num_layers):
            outs = []
            for direction in self.directions:
                source = x if direction == "" else reverse_padded(x, lengths)
                h, cache = rnn_forward(source, lengths, h0, *self._weights(layer, direction),
                                       activation=self.activation)
                self._caches.append(cache)
                finals.append(h[:, -1])
                outs.append(h if direction == "" else reverse_padded(h, lengths))
            x = np.concatenate(outs, axis=2)
        self.final_states = np.stack(finals)
        return x * step_mask(lengths, x.shape[1])[:, :, None]  # padded outputs are 0, as in torch

    def backward(self, dout, input_grad=True):
        """dout: dE/d(outputs), (N, T, directions * H) -> dE/dx (N, T, D), or None."""
        if self._caches is None:
            raise RuntimeError("backward called before forward")
        check_bool(input_grad, "input_grad")
        n, t_max = self._lengths.size, self._caches[0][0].shape[1]
        _check_sizes("dout", dout, (n, t_max, self.hidden_size * len(self.directions)),
                     "(N, T, directions * H)")
        dout = dout * step_mask(self._lengths, t_max)[:, :, None]  # padded outputs are constant
        caches = iter(reversed(self._caches))
        for layer in reversed(range(self.num_layers)):
            dx = 0.0
            for i, direction in reversed(list(enumerate(self.directions))):
                d_here = dout[:, :, i * self.hidden_size:(i + 1) * self.hidden_size]
                if direction == "r":
                    d_here = reverse_padded(np.ascontiguousarray(d_here), self._lengths)
                d_source, _, dw_in, dw_h, db = rnn_backward(d_here, next(caches))
                for name, grad in (("w_in", dw_in), ("w_h", dw_h), ("b", db)):
                    self._grads[f"l{layer}{direction}.{name}"] += grad
                dx = dx + (d_source if direction == "" else reverse_padded(d_source,
                                                                           self._lengths))
            dout = dx
        return dout if input_grad else None

    def __repr__(self) -> str:
        extra = ", bidirectional=True" if self.bidirectional else ""
        return (f"RNN({self.input_size}, {self.hidden_size}, num_layers={self.num_layers}"
                f"{extra}, activation={self.activation!r})")


# --- the same network in PyTorch ------------------------------------------------------------------


def _torch_names(rnn: RNN):
    """(our name, torch name, transpose) for every weight; our b goes to bias_ih (bias_hh = 0)."""
    for layer in range(rnn.num_layers):
        for direction in rnn.directions:
            suffix = f"_l{layer}" + ("_reverse" if direction == "r" else "")
            ours = f"l{layer}{direction}."
            yield ours + "w_in", "weight_ih" + suffix, True
            yield ours + "w_h", "weight_hh" + suffix, True
            yield ours + "b", "bias_ih" + suffix, False


def _check_pair(rnn, torch_rnn) -> None:
    import torch

    if not isinstance(rnn, RNN):
        raise TypeError(f"rnn must be a course_nn.recurrent.RNN, got {describe(rnn)}")
    if not isinstance(torch_rnn, torch.nn.RNN):
        raise TypeError(f"torch_rnn must be a torch.nn.RNN (e.g. from to_torch_rnn), got "
                        f"{describe(torch_rnn)}")
    ours = (rnn.input_size, rnn.hidden_size, rnn.num_layers, rnn.bidirectional, rnn.activation)
    theirs = (torch_rnn.input_size, torch_rnn.hidden_size, torch_rnn.num_layers,
              torch_rnn.bidirectional, torch_rnn.nonlinearity)
    if ours != theirs or not torch_rnn.bias or not torch_rnn.batch_first:
        raise ValueError(f"torch_rnn must mirror rnn (input, hidden, layers, bidirectional, "
                         f"nonlinearity = {ours}, bias and batch_first on), got {theirs}")


def to_torch_rnn(rnn: RNN, dtype=None):
    """A ``torch.nn.RNN(batch_first=True)`` of the same shape holding a copy of the weights."""
    import torch

    if not isinstance(rnn, RNN):
        raise TypeError(f"rnn must be a course_nn.recurrent.RNN, got {describe(rnn)}")
    torch_rnn = torch.nn.RNN(rnn.input_size, rnn.hidden_size, num_layers=rnn.num_layers,
                             nonlinearity=rnn.activation, bias=True, batch_first=True,
                             bidirectional=rnn.bidirectional,
                             dtype=torch.float64 if dtype is None else dtype)
    copy_rnn_weights_to_torch(rnn, torch_rnn)
    return torch_rnn


def copy_rnn_weights_to_torch(rnn: RNN, torch_rnn) -> None:
    """w_in -> weight_ih (transposed, torch stores (H, D)), w_h -> weight_hh (transposed),
    b -> bias_ih, and bias_hh = 0 (torch adds both biases; we keep one)."""
    import torch

    _check_pair(rnn, torch_rnn)
    theirs = dict(torch_rnn.named_parameters())
    with torch.no_grad():
        for ours, name, transpose in _torch_names(rnn):
            value = rnn._params[ours].T if transpose else rnn._params[ours]
            theirs[name].copy_(torch.as_tensor(value))
            if name.startswith("bias_ih"):
                theirs[name.replace("bias_ih", "bias_hh")].zero_()


def copy_rnn_weights_from_torch(torch_rnn, rnn: RNN) -> None:
    """The inverse of ``copy_rnn_weights_to_torch``; b = bias_ih + bias_hh."""
    _check_pair(rnn, torch_rnn)
    theirs = {k: v.detach().cpu().double().numpy() for k, v in torch_rnn.named_parameters()}
    for ours, name, transpose in _torch_names(rnn):
        value = theirs[name].T if transpose else theirs[name]
        if name.startswith("bias_ih"):
            value = value + theirs[name.replace("bias_ih", "bias_hh")]
        rnn._params[ours][...] = value


def torch_rnn_gradients(rnn: RNN, torch_rnn) -> dict[str, np.ndarray]:
    """The torch RNN's ``.grad`` values under ``rnn``'s parameter names, in our layout."""
    _check_pair(rnn, torch_rnn)
    theirs = dict(torch_rnn.named_parameters())
    grads = {}
    for ours, name, transpose in _torch_names(rnn):
        if theirs[name].grad is None:
            raise ValueError(f"torch parameter {name} has no gradient: call backward first")
        value = theirs[name].grad.detach().cpu().double().numpy()
        grads[ours] = value.T if transpose else value
    return grads


def run_torch_rnn(torch_rnn, x, lengths):
    """Run ``torch_rnn`` on a padded batch: x (N, T, D) tensor, lengths (N,) -> outputs
    (N, T, directions * H), zero at padded steps, and h_n. Packing makes each sequence (and
    the backward direction) start at its own last real step, as our masking does."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    if not isinstance(x, torch.Tensor) or x.dim() != 3:
        raise TypeError(f"x must be a 3-D torch tensor (N, T, D), got {describe(x)}")
    lengths = torch.as_tensor(check_lengths(np.asarray(lengths), x.shape[0], x.shape[1]))
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, h_n = torch_rnn(packed)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, h_n
