"""Modules that wrap the layer kernels and hold parameters (notebooks 02 and 03).

A module has ``forward(x)``, ``backward(dout)`` and named ``parameters()`` and ``gradients()``
dictionaries, so optimisers and the training loop work for any model.

Gradients **accumulate**: each ``backward`` adds into ``gradients()``, exactly like PyTorch's
``.grad``. Call ``zero_grad()`` before each backward pass (``fit`` does), or calling backward
twice on the same batch doubles them.

``backward(dout, input_grad=False)`` skips dE/d(input) of the first layer, which training never
needs (PyTorch skips it too, since the data do not require gradients); it then returns None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from course_nn import layers
from course_nn.validation import (
    as_float_array,
    check_array,
    check_bool,
    check_fraction,
    check_generator,
    check_int,
    check_option,
    check_positive,
    describe,
)

INITS = ("xavier", "uniform")


class Module:
    """Base class: no parameters; subclasses override ``forward`` and ``backward``."""

    training = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def parameters(self) -> dict[str, np.ndarray]:
        return {}

    def gradients(self) -> dict[str, np.ndarray]:
        return {}

    def zero_grad(self) -> None:
        for grad in self.gradients().values():
            grad.fill(0.0)

    def train(self, mode: bool = True) -> Module:
        self.training = check_bool(mode, "mode")
        return self

    def eval(self) -> Module:
        return self.train(False)

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter, by name."""
        return {name: value.copy() for name, value in self.parameters().items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy values into the parameters (names and shapes must match exactly).

        Every value is checked (numeric, finite, the right shape) before any is copied, so a
        bad state leaves the model as it was.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"state must be a dict of arrays by name, got {describe(state)}")
        params = self.parameters()
        if set(state) != set(params):
            got = sorted(map(str, state))
            raise ValueError(f"state must have keys {sorted(params)}, got {got}")
        values = {}
        for name, value in state.items():
            label = f"state[{name!r}]"
            values[name] = as_float_array(value, label, allow_empty=True)
            if values[name].shape != params[name].shape:
                raise ValueError(
                    f"{label} must have shape {params[name].shape}, got {values[name].shape}"
                )
        for name, value in values.items():
            params[name][...] = value


class Linear(Module):
    """A fully connected layer ``out = x @ weight + bias``.

    weight: (in_features, out_features), bias: (out_features,). In the slides' notation unit j
    computes ``net_j = sum_i w_ij x_i - T_j``, so ``weight[i, j] = w_ij`` and ``bias[j] = -T_j``.

    ``init="xavier"`` (default) draws weights uniformly from +-sqrt(6 / (in + out));
    ``init="uniform"`` draws weights and biases from +-``init_range`` (the classic choice, e.g.
    0.3). Biases start at 0 under xavier.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        rng: np.random.Generator,
        *,
        init: str = "xavier",
        init_range: float = 0.3,
    ):
        self.in_features = check_int(in_features, "in_features", minimum=1)
        self.out_features = check_int(out_features, "out_features", minimum=1)
        check_generator(rng)
        check_option(init, "init", INITS)
        r = check_positive(init_range, "init_range")  # checked even when xavier ignores it
        if init == "xavier":
            limit = np.sqrt(6.0 / (in_features + out_features))
            self.weight = rng.uniform(-limit, limit, size=(in_features, out_features))
            self.bias = np.zeros(out_features)
        else:
            self.weight = rng.uniform(-r, r, size=(in_features, out_features))
            self.bias = rng.uniform(-r, r, size=out_features)
        self.weight_grad = np.zeros_like(self.weight)
        self.bias_grad = np.zeros_like(self.bias)
        self._cache = None

    def forward(self, x):
        check_array(x, "x", ndim=2, shape_hint=f"(N, {self.in_features})")
        if x.shape[1] != self.in_features:
            raise ValueError(
                f"x must have {self.in_features} columns to match {self!r}, got {x.shape[1]}"
            )
        out, self._cache = layers.affine_forward(x, self.weight, self.bias)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        x, w = self._cache
        if not check_bool(input_grad, "input_grad"):
            # The same sums as affine_backward, without dx = dout @ w.T (a third of the work).
            check_array(dout, "dout")
            if dout.shape != (x.shape[0], w.shape[1]):
                raise ValueError(
                    f"dout must have shape (N, M) = ({x.shape[0]}, {w.shape[1]}), "
                    f"got {dout.shape}"
                )
            self.weight_grad += x.T @ dout
            self.bias_grad += dout.sum(axis=0)
            return None
        dx, dw, db = layers.affine_backward(dout, self._cache)
        self.weight_grad += dw
        self.bias_grad += db
        return dx

    def parameters(self):
        return {"weight": self.weight, "bias": self.bias}

    def gradients(self):
        return {"weight": self.weight_grad, "bias": self.bias_grad}

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


class _Activation(Module):
    _forward = staticmethod(layers.sigmoid_forward)
    _backward = staticmethod(layers.sigmoid_backward)

    def __init__(self):
        self._cache = None

    def forward(self, x):
        out, self._cache = self._forward(x)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        dx = self._backward(dout, self._cache)  # checks dout's shape even when dx is not needed
        return dx if check_bool(input_grad, "input_grad") else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(_Activation):
    """Elementwise logistic function (stable for large |x|)."""


class Tanh(_Activation):
    """Elementwise hyperbolic tangent."""

    _forward = staticmethod(layers.tanh_forward)
    _backward = staticmethod(layers.tanh_backward)


class ReLU(_Activation):
    """Elementwise ``max(0, x)``."""

    _forward = staticmethod(layers.relu_forward)
    _backward = staticmethod(layers.relu_backward)


class Dropout(Module):
    """Inverted dropout (Hinton et al., 2012): in training, each unit is dropped with
    probability ``drop_prob`` and the survivors scaled by ``1 / (1 - drop_prob)``; in
    evaluation (``model.eval()``) it passes its input through unchanged.

    Masks are drawn from the explicit generator ``rng``.
    """

    def __init__(self, drop_prob: float, rng: np.random.Generator):
        layers.dropout_forward(np.zeros(1), drop_prob, training=False)  # validates drop_prob
        self.drop_prob = float(drop_prob)
        self.rng = check_generator(rng)
        self._cache = None
        self._called = False

    def forward(self, x):
        out, self._cache = layers.dropout_forward(
            x, self.drop_prob, rng=self.rng, training=self.training
        )
        self._called = True
        return out

    def backward(self, dout, input_grad=True):
        if not self._called:
            raise RuntimeError("backward called before forward")
        dx = layers.dropout_backward(dout, self._cache)
        return dx if check_bool(input_grad, "input_grad") else None

    def __repr__(self) -> str:
        return f"Dropout(drop_prob={self.drop_prob})"


class Sequential(Module):
    """Modules applied in order. Parameters are named ``"<index>.<name>"``, e.g. ``"0.weight"``."""

    def __init__(self, *modules: Module):
        if not modules:
            raise ValueError("Sequential needs at least one module, got none")
        for m in modules:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Module instances, got {type(m).__name__}")
        self.modules = list(modules)

    def forward(self, x):
        for module in self.modules:
            x = module.forward(x)
        return x

    def backward(self, dout, input_grad=True):
        for module in reversed(self.modules[1:]):
            dout = module.backward(dout)
        return self.modules[0].backward(dout, input_grad)

    def parameters(self):
        return {
            f"{i}.{name}": value
            for i, m in enumerate(self.modules)
            for name, value in m.parameters().items()
        }

    def gradients(self):
        return {
            f"{i}.{name}": value
            for i, m in enumerate(self.modules)
            for name, value in m.gradients().items()
        }

    def train(self, mode: bool = True):
        self.training = check_bool(mode, "mode")
        for module in self.modules:
            module.train(mode)
        return self

    def __getitem__(self, index: int) -> Module:
        return self.modules[index]

    def __len__(self) -> int:
        return len(self.modules)

    def __repr__(self) -> str:
        inner = ", ".join(repr(m) for m in self.modules)
        return f"Sequential({inner})"


def first_linear(model: Module) -> Linear | None:
    """The first ``Linear`` layer data meet in ``model`` (None if it cannot be told).

    Dropout and activations keep the width, so the first Linear fixes how many columns the
    input must have; ``fit`` uses it to say so in terms of the model.
    """
    if isinstance(model, Linear):
        return model
    if isinstance(model, Sequential):
        for module in model.modules:
            if isinstance(module, Linear | Sequential):
                return first_linear(module)
            if module.parameters() or not isinstance(module, _Activation | Dropout):
                return None  # a layer of unknown kind: it may change the width
    return None


def mlp(
    sizes,
    rng: np.random.Generator,
    *,
    activation: str = "sigmoid",
    output_activation: str | None = None,
    init: str = "xavier",
    init_range: float = 0.3,
    input_drop_prob: float = 0.0,
    hidden_drop_prob: float = 0.0,
) -> Sequential:
    """A multi-layer perceptron: Linear layers of the given ``sizes`` with activations between.

    ``mlp([64, 100, 10], rng)`` is Linear(64, 100), Sigmoid, Linear(100, 10). The output layer
    gets ``output_activation`` (None: raw scores, for softmax cross-entropy).
    ``input_drop_prob`` puts a Dropout before the first layer and ``hidden_drop_prob`` one after
    every hidden activation (Hinton et al. used 0.2 and 0.5); their masks are drawn from ``rng``.
    """
    acts = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}
    check_option(activation, "activation", acts)
    if output_activation is not None:
        check_option(output_activation, "output_activation", acts)
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"sizes must be a list of layer widths, got {describe(sizes)}")
    sizes = [check_int(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes}")
    check_fraction(input_drop_prob, "input_drop_prob", low_open=False)
    check_fraction(hidden_drop_prob, "hidden_drop_prob", low_open=False)
    modules: list[Module] = []
    if input_drop_prob:
        modules.append(Dropout(input_drop_prob, rng))
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        modules.append(Linear(n_in, n_out, rng, init=init, init_range=init_range))
        last = i == len(sizes) - 2
        if not last:
            modules.append(acts[activation]())
            if hidden_drop_prob:
                modules.append(Dropout(hidden_drop_prob, rng))
        elif output_activation is not None:
            modules.append(acts[output_activation]())
    return Sequential(*modules)
