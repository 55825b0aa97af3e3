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

import numbers

import numpy as np

from course_nn import layers
from course_nn.validation import check_generator, check_int, check_option, check_positive

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
        self.training = mode
        return self

    def eval(self) -> Module:
        return self.train(False)

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter, by name."""
        return {name: value.copy() for name, value in self.parameters().items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy values into the parameters (names and shapes must match exactly)."""
        params = self.parameters()
        if set(state) != set(params):
            raise ValueError(f"state must have keys {sorted(params)}, got {sorted(state)}")
        for name, value in state.items():
            if np.shape(value) != params[name].shape:
                raise ValueError(
                    f"state[{name!r}] must have shape {params[name].shape}, got {np.shape(value)}"
                )
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
        if init == "xavier":
            limit = np.sqrt(6.0 / (in_features + out_features))
            self.weight = rng.uniform(-limit, limit, size=(in_features, out_features))
            self.bias = np.zeros(out_features)
        else:
            r = check_positive(init_range, "init_range")
            self.weight = rng.uniform(-r, r, size=(in_features, out_features))
            self.bias = rng.uniform(-r, r, size=out_features)
        self.weight_grad = np.zeros_like(self.weight)
        self.bias_grad = np.zeros_like(self.bias)
        self._cache = None

    def forward(self, x):
        out, self._cache = layers.affine_forward(x, self.weight, self.bias)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        x, w = self._cache
        if not input_grad:
            # The same sums as affine_backward, without dx = dout @ w.T (a third of the work).
            if np.shape(dout) != (x.shape[0], w.shape[1]):
                raise ValueError(
                    f"dout must have shape (N, M) = ({x.shape[0]}, {w.shape[1]}), "
                    f"got {np.shape(dout)}"
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
        return self._backward(dout, self._cache) if input_grad else None

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
        return layers.dropout_backward(dout, self._cache) if input_grad else None

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
        self.training = mode
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
    sizes = [check_int(s, "sizes[i]", minimum=1) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes}")
    drop_probs = (("input_drop_prob", input_drop_prob), ("hidden_drop_prob", hidden_drop_prob))
    for name, prob in drop_probs:
        if isinstance(prob, bool) or not isinstance(prob, numbers.Real):
            raise TypeError(f"{name} must be a number in [0, 1), got {prob!r}")
        if not 0 <= prob < 1:
            raise ValueError(f"{name} must lie in [0, 1), got {prob}")
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
