"""fit_torch and predict_torch: the PyTorch twin of fit, checked against the NumPy loop."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_nn import modules, optim
from course_nn.torch_bridge import fit_torch, predict_torch, to_torch
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


def test_fit_torch_refuses_bad_arguments():
    X, y = _data()
    twin = to_torch(modules.mlp([4, 3], np.random.default_rng(0)))
    other = to_torch(modules.mlp([4, 3], np.random.default_rng(1)))
    Xt, yt, g = torch.tensor(X), torch.tensor(y), torch.Generator()
    good = torch.optim.SGD(twin.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="optimiser"):
        fit_torch(twin, torch.optim.SGD(other.parameters(), lr=0.1), Xt, yt, epochs=1,
                  batch_size=4, generator=g)
    with pytest.raises(TypeError, match="y must hold int64"):
        fit_torch(twin, good, Xt, yt.double(), epochs=1, batch_size=4, generator=g)
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        fit_torch(twin, good, X, yt, epochs=1, batch_size=4, generator=g)
    with pytest.raises(ValueError, match="X must be"):
        fit_torch(twin, good, Xt, yt[:5], epochs=1, batch_size=4, generator=g)
    with pytest.raises(TypeError, match="generator"):
        fit_torch(twin, good, Xt, yt, epochs=1, batch_size=4, generator=0)
    with pytest.raises(ValueError, match="epochs"):
        fit_torch(twin, good, Xt, yt, epochs=0, batch_size=4, generator=g)
