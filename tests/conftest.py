"""Shared fixtures: a seeded generator and a display-free matplotlib backend."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, seeded generator for every test (tests never share random state)."""
    return np.random.default_rng(0)
