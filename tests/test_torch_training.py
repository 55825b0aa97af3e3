"""fit_torch and predict_torch: the PyTorch twin of fit, checked against the NumPy loop; and
every torch_bridge function refusing bad input with an error that names the argument."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from malformed import assert_clear_error

from course_nn import conv, modules, optim
from course_nn.torch_bridge import (
    copy_weights_from_torch,
    copy_weights_to_torch,
    fit_torch,
    predict_torch,
    to_torch,
    torch_gradients,
)
from course_nn.training import fit


def _data(n=60, d=4, c=3):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d))
    return X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int)


def test_fit_torch_equals_fit_on_a_full_batch():
    # With one batch per epoch the shuffling order cannot matter: both loops take the same steps.
    X, y = _data()
    model = modules.mlp([4, 8, 3], np.random.default_rng(0), activation="tanh")
    twin = to_torch(model)
    fit(model, optim.SGD(model, 0.1, momentum=0.9), X, y, epochs=5, batch_size=None,
        show_progress=False)
    losses = fit_torch(twin, torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9),
                       torch.tensor(X), torch.tensor(y), epochs=5, batch_size=len(y),
                       generator=torch.Generator().manual_seed(0))
    assert len(losses) == 5 and losses[-1] < losses[0]
    for ours, theirs in zip(model.parameters().values(), twin.parameters(), strict=True):
        mine = ours if ours.ndim == 1 else ours.T
        np.testing.assert_allclose(theirs.detach().numpy(), mine, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(predict_torch(twin, torch.tensor(X)),
                                  model.forward(X).argmax(1))


def test_predict_torch_restores_the_mode():
    twin = to_torch(modules.mlp([4, 3], np.random.default_rng(0)))
    twin.train()
    predict_torch(twin, torch.zeros(2, 4, dtype=torch.float64))
    assert twin.training


def test_fit_torch_with_mini_batches_trains_and_returns_a_loss_per_epoch():
    X, y = _data()
    twin = to_torch(modules.mlp([4, 8, 3], np.random.default_rng(0), activation="relu"))
    losses = fit_torch(twin, torch.optim.SGD(twin.parameters(), lr=0.1), torch.tensor(X),
                       torch.tensor(y), epochs=30, batch_size=8,
                       generator=torch.Generator().manual_seed(0))
    assert len(losses) == 30 and losses[-1] < 0.7 * losses[0]
    assert np.mean(predict_torch(twin, torch.tensor(X)) == y) > 0.8


# --- bad input: a clear error naming the argument ---------------------------------------------

X_np, y_np = _data()
MODEL = modules.mlp([4, 3], np.random.default_rng(0))
TWIN = to_torch(MODEL)
OTHER = to_torch(modules.mlp([4, 5, 3], np.random.default_rng(1)))
Xt, yt = torch.tensor(X_np), torch.tensor(y_np)
GOOD = torch.optim.SGD(TWIN.parameters(), lr=0.1)


def fit_with(**changes):
    args = dict(torch_model=TWIN, optimiser=GOOD, X=Xt, y=yt, epochs=1, batch_size=4,
                generator=torch.Generator())
    args.update(changes)
    return lambda: fit_torch(args.pop("torch_model"), args.pop("optimiser"), args.pop("X"),
                             args.pop("y"), **args)


BAD_CALLS = [
    # (description, call, error type, argument the message must name)
    ("to_torch of a torch model", lambda: to_torch(TWIN), TypeError, "model"),
    ("to_torch of None", lambda: to_torch(None), TypeError, "model"),
    ("to_torch integer dtype", lambda: to_torch(MODEL, dtype=torch.int64), TypeError, "dtype"),
    ("to_torch dtype as text", lambda: to_torch(MODEL, dtype="float64"), TypeError, "dtype"),
    ("to_torch unknown device", lambda: to_torch(MODEL, device="gpu0"), ValueError, "device"),
    ("to_torch device a number", lambda: to_torch(MODEL, device=1.5), TypeError, "device"),
    ("copy into more layers", lambda: copy_weights_to_torch(MODEL, OTHER), ValueError,
     "torch_model"),
    ("copy into another width", lambda: copy_weights_to_torch(
        MODEL, to_torch(modules.mlp([4, 2], np.random.default_rng(0)))), ValueError,
     "torch_model[0]"),
    ("copy into None", lambda: copy_weights_to_torch(MODEL, None), TypeError, "torch_model"),
    ("copy from a list", lambda: copy_weights_from_torch([TWIN], MODEL), TypeError,
     "torch_model"),
    ("copy back into None", lambda: copy_weights_from_torch(TWIN, None), TypeError, "model"),
    ("gradients before backward", lambda: torch_gradients(MODEL, to_torch(MODEL)), ValueError,
     "backward"),
    ("fit: optimiser of another model", fit_with(optimiser=torch.optim.SGD(
        to_torch(MODEL).parameters(), lr=0.1)), ValueError, "optimiser"),
    ("fit: optimiser None", fit_with(optimiser=None), TypeError, "optimiser"),
    ("fit: course_nn optimiser", fit_with(optimiser=optim.SGD(MODEL, 0.1)), TypeError,
     "optimiser"),
    ("fit: model None", fit_with(torch_model=None), TypeError, "torch_model"),
    ("fit: float labels", fit_with(y=yt.double()), TypeError, "y"),
    ("fit: NumPy X", fit_with(X=X_np), TypeError, "X"),
    ("fit: NumPy y", fit_with(y=y_np), TypeError, "y"),
    ("fit: short y", fit_with(y=yt[:5]), ValueError, "y"),
    ("fit: X of 5 columns", fit_with(X=torch.zeros(60, 5, dtype=torch.float64)), ValueError, "X"),
    ("fit: X 1-D", fit_with(X=Xt[:, 0]), ValueError, "X"),
    ("fit: X empty", fit_with(X=Xt[:0], y=yt[:0]), ValueError, "X"),
    ("fit: X float32 for a float64 model", fit_with(X=Xt.float()), ValueError, "X"),
    ("fit: X integers", fit_with(X=Xt.long()), TypeError, "X"),
    ("fit: X with NaN", fit_with(X=torch.full((60, 4), float("nan"), dtype=torch.float64)),
     ValueError, "X"),
    ("fit: label 3 for 3 classes", fit_with(y=torch.full((60,), 3)), ValueError, "y"),
    ("fit: negative label", fit_with(y=torch.full((60,), -1)), ValueError, "y"),
    ("fit: generator a seed", fit_with(generator=0), TypeError, "generator"),
    ("fit: 0 epochs", fit_with(epochs=0), ValueError, "epochs"),
    ("fit: batch 2.5", fit_with(batch_size=2.5), TypeError, "batch_size"),
    ("predict: NumPy X", lambda: predict_torch(TWIN, X_np), TypeError, "X"),
    ("predict: X too wide", lambda: predict_torch(TWIN, torch.zeros(2, 5, dtype=torch.float64)),
     ValueError, "X"),
    ("predict: model None", lambda: predict_torch(None, Xt), TypeError, "torch_model"),
]


@pytest.mark.parametrize("call, error, name", [c[1:] for c in BAD_CALLS],
                         ids=[c[0] for c in BAD_CALLS])
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, name):
    assert_clear_error(call, error, name)


def test_fit_torch_trains_and_predicts_a_convnet_fed_rows():
    torch.manual_seed(0)
    net = conv.residual_net_torch(4)
    rng = np.random.default_rng(0)
    X = torch.tensor(rng.random((40, 784)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, 10, 40))
    losses = fit_torch(net, torch.optim.Adam(net.parameters(), 1e-2), X, y,
                       epochs=15, batch_size=10, generator=torch.Generator())
    assert losses[-1] < 0.5 * losses[0]
    assert predict_torch(net, X).shape == (40,)
    with pytest.raises(ValueError, match="class labels"):
        fit_torch(net, torch.optim.SGD(net.parameters(), 0.1), X, y + 10,
                  epochs=1, batch_size=10, generator=torch.Generator())
    with pytest.raises(TypeError, match="X must be"):
        predict_torch(net, X.numpy())
    with pytest.raises(ValueError, match="does not fit the model"):
        predict_torch(net, X[:, :100])
