"""Autoencoders built from the layer library (notebook 05).

An autoencoder computes a code ``y = f(x W + b)`` (N, H) from its input x (N, D), and from the
code a reconstruction ``x_hat = g(y W' + b')`` (N, D); it is trained to make x_hat close to x.
``Autoencoder`` holds an encoder and a decoder (``Sequential`` stacks of ``modules``), an
optional sparsity penalty on the code (``course_nn.sparsity``), and is itself a ``Module``:
``fit(ae, optimiser, X, X, loss="squared")`` trains it, and ``train_autoencoder`` adds the
cross-entropy loss for inputs in [0, 1] and records the penalty. ``TiedLinear`` is a decoder
layer that uses the encoder's weight transposed, ``W' = W^T``.

Also here: a trainer for many small networks at once, used for the 8-3-8 encoder over 100
seeds, and the PyTorch denoising-autoencoder training loop. Stacking and classifiers on a
pre-trained encoder are in ``course_nn.stacking``, the penalties in ``course_nn.sparsity``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course_nn import layers
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.modules import Linear, Module, ReLU, Sequential, Sigmoid, Tanh, mlp
from course_nn.optim import Optimiser
from course_nn.progress import progress
from course_nn.sparsity import PENALTIES
from course_nn.validation import (
    as_float_array,
    check_array,
    check_generator,
    check_int,
    check_option,
    check_positive,
    describe,
)

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "identity": None}
OUTPUTS = ("sigmoid", "identity")
LOSSES = ("squared", "cross_entropy")


# --- kernels ------------------------------------------------------------------------------------

def tied_affine_forward(y, w, c):
    """The tied decoder ``out = y @ w.T + c``. y: (N, H), w: (D, H) (the encoder's weight),
    c: (D,) -> out: (N, D), cache."""
    check_array(y, "y", ndim=2, shape_hint="(N, H)")
    check_array(w, "w", ndim=2, shape_hint="(D, H)")
    if w.shape[1] != y.shape[1]:
        raise ValueError(f"w must have shape (D, H) with H={y.shape[1]} matching y, got {w.shape}")
    check_array(c, "c")
    if c.shape != (w.shape[0],):
        raise ValueError(f"c must have shape (D,) with D={w.shape[0]} matching w, got {c.shape}")
    return y @ w.T + c, (y, w)


def tied_affine_backward(dout, cache):
    """dout: (N, D) -> dy: (N, H), dw: (D, H), dc: (D,).

    ``dw = dout^T y`` is this use's share of the shared matrix's gradient: the transpose of the
    ``y^T dout`` an untied decoder would get. The encoder adds its own share ``x^T delta``.
    """
    y, w = cache
    check_array(dout, "dout")
    if dout.shape != (y.shape[0], w.shape[0]):
        raise ValueError(f"dout must have shape (N, D) = ({y.shape[0]}, {w.shape[0]}), "
                         f"got {dout.shape}")
    return dout @ w, dout.T @ y, dout.sum(axis=0)


def bernoulli_cross_entropy(logits, targets):
    """Cross-entropy of sigmoid(logits) against targets in [0, 1], summed, and d/d(logits).

    ``E = -sum [x log p + (1 - x) log(1 - p)]`` with ``p = sigmoid(z)``, computed stably as
    ``sum [max(z, 0) - x z + log(1 + exp(-|z|))]``; its gradient is ``sigmoid(z) - x``.
    logits, targets: (N, D). Returns ``(loss, dlogits)``.
    """
    check_array(logits, "logits", ndim=2, shape_hint="(N, D)")
    targets = as_float_array(targets, "targets", ndim=2)
    if targets.shape != logits.shape:
        raise ValueError(f"targets must have shape {logits.shape} matching logits, "
                         f"got {targets.shape}")
    if targets.min() < 0 or targets.max() > 1:
        raise ValueError("targets must lie in [0, 1] for the cross-entropy loss, got values in "
                         f"[{targets.min():g}, {targets.max():g}]")
    z = logits
    loss = np.maximum(z, 0) - targets * z + np.log1p(np.exp(-np.abs(z)))
    return float(loss.sum()), layers.sigmoid(z) - targets


# --- modules ------------------------------------------------------------------------------------

class TiedLinear(Module):
    """A decoder layer ``out = y @ encoder.weight.T + bias`` that shares the encoder's weight.

    Its only own parameter is ``bias`` (D,). ``backward`` adds its share of the shared weight's
    gradient into ``encoder.weight_grad``, so after a full backward pass that array holds the
    sum of both uses, and the optimiser updates the one matrix once.
    """

    def __init__(self, encoder: Linear):
        if not isinstance(encoder, Linear):
            raise TypeError(f"encoder must be a course_nn Linear, got {type(encoder).__name__}")
        self.encoder = encoder
        self.bias = np.zeros(encoder.in_features)
        self.bias_grad = np.zeros_like(self.bias)
        self._cache = None

    def forward(self, y):
        out, self._cache = tied_affine_forward(y, self.encoder.weight, self.bias)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        dy, dw, dc = tied_affine_backward(dout, self._cache)
        self.encoder.weight_grad += dw
        self.bias_grad += dc
        return dy if input_grad else None

    def parameters(self):
        return {"bias": self.bias}

    def gradients(self):
        return {"bias": self.bias_grad}

    def __repr__(self) -> str:
        return f"TiedLinear({self.encoder.out_features}, {self.encoder.in_features})"


def _as_sequential(module, name: str) -> Sequential:
    if not isinstance(module, Module):
        raise TypeError(f"{name} must be a course_nn Module, got {type(module).__name__}")
    return module if isinstance(module, Sequential) else Sequential(module)


class Autoencoder(Module):
    """``x_hat = output(decoder(encoder(x)))``, with an optional penalty on the code.

    encoder: (N, D) -> (N, H); decoder: (N, H) -> (N, D) logits; ``output`` is "sigmoid"
    (inputs in [0, 1]) or "identity". ``penalty`` (``L1Penalty`` or ``KLSparsity``) adds its
    gradient to the code's in ``backward``. Parameters are named like one flat ``Sequential``
    of the encoder's then the decoder's modules (``"0.weight"``, ..., as ``as_sequential``).
    After ``forward`` the last batch's ``code`` and ``logits`` are kept.
    """

    def __init__(self, encoder: Module, decoder: Module, *, output: str = "sigmoid",
                 penalty=None):
        self.encoder = _as_sequential(encoder, "encoder")
        self.decoder = _as_sequential(decoder, "decoder")
        self.output = check_option(output, "output", OUTPUTS)
        if penalty is not None and not isinstance(penalty, PENALTIES):
            raise TypeError(f"penalty must be an L1Penalty, a KLSparsity or None, "
                            f"got {describe(penalty)}")
        self.penalty = penalty
        self.code = self.logits = self._out = None

    @property
    def modules(self) -> list[Module]:
        return [*self.encoder.modules, *self.decoder.modules]

    def forward(self, x):
        self.code = self.encoder.forward(x)
        self.logits = self.decoder.forward(self.code)
        self._out = layers.sigmoid(self.logits) if self.output == "sigmoid" else self.logits
        return self._out

    def backward(self, dout, input_grad=True):
        """dout = dE/d(x_hat) (N, D) -> dE/dx, through the output nonlinearity."""
        if self._out is None:
            raise RuntimeError("backward called before forward")
        check_array(dout, "dout")
        if dout.shape != self._out.shape:
            raise ValueError(f"dout must have shape {self._out.shape}, the shape of the "
                             f"reconstruction, got {dout.shape}")
        if self.output == "sigmoid":
            dout = dout * self._out * (1.0 - self._out)
        return self.backward_logits(dout, input_grad)

    def backward_logits(self, dlogits, input_grad=True):
        """Backward from dE/d(decoder output before the sigmoid), e.g. from the cross-entropy."""
        if self.code is None:
            raise RuntimeError("backward called before forward")
        dcode = self.decoder.backward(dlogits)
        if self.penalty is not None:
            dcode = dcode + self.penalty.gradient(self.code)
        return self.encoder.backward(dcode, input_grad)

    def encode(self, X) -> np.ndarray:
        """Codes (N, H) of the rows of X (N, D)."""
        return self.encoder.forward(as_float_array(X, "X", ndim=2))

    def decode(self, code) -> np.ndarray:
        """Reconstructions (N, D) from codes (N, H)."""
        logits = self.decoder.forward(as_float_array(code, "code", ndim=2))
        return layers.sigmoid(logits) if self.output == "sigmoid" else logits

    def penalty_value(self, X) -> float:
        """The penalty summed over the rows of X (0 without a penalty)."""
        return 0.0 if self.penalty is None else self.penalty.value(self.encode(X))

    def parameters(self):
        return {f"{i}.{k}": v for i, m in enumerate(self.modules)
                for k, v in m.parameters().items()}

    def gradients(self):
        return {f"{i}.{k}": v for i, m in enumerate(self.modules)
                for k, v in m.gradients().items()}

    def train(self, mode: bool = True):
        self.training = mode
        self.encoder.train(mode)
        self.decoder.train(mode)
        return self

    def as_sequential(self) -> Sequential:
        """The same modules (shared, not copied) as one ``Sequential``, for ``to_torch``.

        The penalty is not part of it. A tied decoder has no PyTorch counterpart there."""
        extra = [Sigmoid()] if self.output == "sigmoid" else []
        return Sequential(*self.modules, *extra)

    def __repr__(self) -> str:
        extra = f", penalty={self.penalty!r}" if self.penalty is not None else ""
        return f"Autoencoder({self.encoder!r}, {self.decoder!r}, output={self.output!r}{extra})"


def autoencoder(n_inputs: int, n_hidden: int, rng: np.random.Generator, *,
                activation: str = "sigmoid", output: str = "sigmoid", tied: bool = False,
                penalty=None, init: str = "xavier", init_range: float = 0.3) -> Autoencoder:
    """A one-hidden-layer autoencoder D -> H -> D.

    ``activation`` is the code's nonlinearity f ("identity" for a linear autoencoder),
    ``output`` the reconstruction's g. Weights are drawn like ``mlp([D, H, D], rng, ...)``
    (encoder first), so the same generator state gives the same network. ``tied=True`` makes
    the decoder ``TiedLinear`` (W' = W^T, one matrix fewer).
    """
    check_option(activation, "activation", ACTIVATIONS)
    if not isinstance(tied, bool):
        raise TypeError(f"tied must be True or False, got {describe(tied)}")
    first = Linear(n_inputs, n_hidden, rng, init=init, init_range=init_range)
    act = ACTIVATIONS[activation]
    encoder = Sequential(first, act()) if act is not None else Sequential(first)
    second = TiedLinear(first) if tied else Linear(n_hidden, n_inputs, rng, init=init,
                                                   init_range=init_range)
    return Autoencoder(encoder, Sequential(second), output=output, penalty=penalty)


# --- training -----------------------------------------------------------------------------------

def reconstruction_error(ae: Autoencoder, X, loss: str = "squared") -> float:
    """Per-example mean of ``||x_hat - x||^2`` ("squared") or of the cross-entropy."""
    check_option(loss, "loss", LOSSES)
    if not isinstance(ae, Autoencoder):
        raise TypeError(f"ae must be an Autoencoder, got {type(ae).__name__}")
    X = as_float_array(X, "X", ndim=2)
    out = ae.forward(X)
    if loss == "squared":
        return float(np.sum((out - X) ** 2) / len(X))
    return bernoulli_cross_entropy(ae.logits, X)[0] / len(X)


def objective(ae: Autoencoder, X, loss: str = "squared") -> float:
    """The training objective summed over the rows of X: ``1/2 ||x_hat - x||^2`` (or the
    cross-entropy) plus the penalty, what ``train_autoencoder`` descends."""
    X = as_float_array(X, "X", ndim=2)
    error = reconstruction_error(ae, X, loss) * len(X)
    return (0.5 * error if loss == "squared" else error) + ae.penalty_value(X)


def gradient_errors(ae: Autoencoder, X, loss: str = "squared", eps: float = 1e-6
                    ) -> dict[str, float]:
    """Relative error between ``ae``'s backward pass and centred finite differences of
    ``objective``, per parameter name. Gradients are left in ``ae.gradients()``."""
    X = as_float_array(X, "X", ndim=2)
    check_option(loss, "loss", LOSSES)
    ae.zero_grad()
    out = ae.forward(X)
    if loss == "squared":
        ae.backward(out - X)
    else:
        ae.backward_logits(bernoulli_cross_entropy(ae.logits, X)[1])
    errors = {}
    for name, param in ae.parameters().items():
        def at(value, param=param):
            saved = param.copy()
            param[...] = value
            try:
                return objective(ae, X, loss)
            finally:
                param[...] = saved
        numeric = numerical_gradient(at, param, eps=eps)
        errors[name] = relative_error(ae.gradients()[name], numeric)
    return errors


@dataclass
class AutoencoderHistory:
    """Per-epoch, per-example means over the training set: reconstruction error (as
    ``reconstruction_error`` measures it) and penalty."""

    reconstruction: list[float] = field(default_factory=list)
    penalty: list[float] = field(default_factory=list)


def train_autoencoder(ae: Autoencoder, optimiser: Optimiser, X, *, loss: str = "squared",
                      epochs: int = 10, batch_size: int | None = 32,
                      rng: np.random.Generator | None = None,
                      show_progress: bool = True) -> AutoencoderHistory:
    """Train ``ae`` to reconstruct X (N, D) by mini-batch steps of ``optimiser``.

    The batch objective is the reconstruction loss summed over the batch (``1/2 ||x_hat - x||^2``
    or the cross-entropy, which needs X in [0, 1] and a sigmoid output) plus the penalty.
    Examples are shuffled each epoch with ``rng`` (in order when it is None).
    """
    if not isinstance(ae, Autoencoder):
        raise TypeError(f"ae must be an Autoencoder, got {type(ae).__name__}")
    if not isinstance(optimiser, Optimiser) or not optimiser.owns(ae):
        raise ValueError("optimiser must be a course_nn optimiser built on ae, "
                         f"got {describe(optimiser)}")
    check_option(loss, "loss", LOSSES)
    X = as_float_array(X, "X", ndim=2)
    if loss == "cross_entropy" and ae.output != "sigmoid":
        raise ValueError("loss='cross_entropy' needs an autoencoder with output='sigmoid'")
    epochs = check_int(epochs, "epochs", minimum=1)
    n = len(X)
    batch = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    if rng is not None:
        check_generator(rng)
    first = next((m for m in ae.modules if isinstance(m, Linear)), None)
    width = first.in_features if first is not None else ae.forward(X[:1]).shape[1]
    if width != X.shape[1]:
        raise ValueError(f"X must have {width} columns to match ae's input, got {X.shape[1]}")
    history = AutoencoderHistory()
    ae.train()
    for _ in progress(range(epochs), desc="autoencoder epochs", disable_if=not show_progress):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch):
            xb = X[order[start:start + batch]]
            optimiser.zero_grad()
            out = ae.forward(xb)
            if loss == "squared":
                ae.backward(out - xb, input_grad=False)  # d/dx_hat of 1/2 ||x_hat - x||^2
            else:
                ae.backward_logits(bernoulli_cross_entropy(ae.logits, xb)[1], input_grad=False)
            optimiser.step()
        history.reconstruction.append(reconstruction_error(ae, X, loss))
        history.penalty.append(ae.penalty_value(X) / n)
    return history


# --- many small networks at once (the 8-3-8 encoder over many seeds) ---------------------------

@dataclass
class NetworkBatch:
    """K sigmoid networks D -> H -> D: w1 (K, D, H), b1 (K, H), w2 (K, H, D), b2 (K, D)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def hidden(self, X) -> np.ndarray:
        """Hidden values (K, P, H) for patterns X (P, D)."""
        X = as_float_array(X, "X", ndim=2)
        return layers.sigmoid(np.einsum("pd,kdh->kph", X, self.w1) + self.b1[:, None, :])

    def outputs(self, X) -> np.ndarray:
        """Outputs (K, P, D) for patterns X (P, D)."""
        h = self.hidden(X)
        return layers.sigmoid(np.einsum("kph,khd->kpd", h, self.w2) + self.b2[:, None, :])


def train_per_example_batch(X, n_networks: int, n_hidden: int, rng: np.random.Generator, *,
                            epochs: int = 5000, learning_rate: float = 0.3,
                            init_range: float = 0.1) -> NetworkBatch:
    """Train K independent sigmoid autoencoders on the patterns X (P, D) at once.

    Each network is drawn as ``mlp([D, H, D], rng, init="uniform", init_range=init_range,
    output_activation="sigmoid")`` (network k from the k-th draws of ``rng``) and trained by
    the per-example rule (one SGD step of ``1/2 ||o - x||^2`` per pattern, patterns in order),
    exactly as ``fit(net, SGD(net, learning_rate), X, X, loss="squared", batch_size=1)`` would;
    the K networks' steps are done together with array operations.
    """
    X = as_float_array(X, "X", ndim=2)
    k = check_int(n_networks, "n_networks", minimum=1)
    h = check_int(n_hidden, "n_hidden", minimum=1)
    check_generator(rng)
    epochs = check_int(epochs, "epochs", minimum=1)
    rate = check_positive(learning_rate, "learning_rate")
    nets = [mlp([X.shape[1], h, X.shape[1]], rng, init="uniform", init_range=init_range,
                output_activation="sigmoid") for _ in range(k)]
    w1, b1, w2, b2 = (np.stack([net.modules[i].parameters()[name] for net in nets])
                      for i, name in ((0, "weight"), (0, "bias"), (2, "weight"), (2, "bias")))
    for _ in range(epochs):
        for x in X:
            hid = layers.sigmoid(x @ w1 + b1)                               # (K, H)
            out = layers.sigmoid(np.einsum("kh,khd->kd", hid, w2) + b2)     # (K, D)
            d_out = (out - x) * out * (1.0 - out)                           # dE/d(net_out)
            d_hid = np.einsum("kd,khd->kh", d_out, w2) * hid * (1.0 - hid)  # before w2 moves
            w2 -= rate * hid[:, :, None] * d_out[:, None, :]
            b2 -= rate * d_out
            w1 -= rate * x[None, :, None] * d_hid[:, None, :]
            b1 -= rate * d_hid
    return NetworkBatch(w1, b1, w2, b2)


# --- PyTorch: a denoising autoencoder -----------------------------------------------------------

def masking_noise_torch(x, drop_prob: float, generator):
    """Vincent et al.'s (2008) masking noise: each entry of x set to 0 with prob. drop_prob."""
    import torch

    from course_nn.validation import check_fraction

    check_fraction(drop_prob, "drop_prob", low_open=False)
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    keep = torch.rand(tuple(x.shape), generator=generator) >= drop_prob
    return x * keep.to(device=x.device, dtype=x.dtype)


def train_denoising_torch(torch_model, optimiser, X, *, drop_prob: float, epochs: int,
                          batch_size: int, generator) -> list[float]:
    """Train a torch autoencoder (sigmoid outputs) to rebuild clean X from masked X.

    Each batch is corrupted afresh by ``masking_noise_torch``; the loss is the cross-entropy
    of the reconstruction against the *clean* batch, summed over pixels, averaged over examples.
    Returns the per-epoch mean training loss.
    """
    import torch

    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(X, torch.Tensor) or X.ndim != 2:
        raise TypeError(f"X must be a 2-D torch.Tensor, got {describe(X)}")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    losses = []
    for _ in range(epochs):
        total = 0.0
        for idx in torch.randperm(len(X), generator=generator).split(batch_size):
            clean = X[idx.to(X.device)]
            noisy = masking_noise_torch(clean, drop_prob, generator)
            optimiser.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy(
                torch_model(noisy), clean, reduction="sum") / len(idx)
            loss.backward()
            optimiser.step()
            total += loss.item() * len(idx)
        losses.append(total / len(X))
    return losses

