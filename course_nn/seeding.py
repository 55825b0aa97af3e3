"""Reproducibility: one call seeds a notebook; library code only ever takes generators.

Introduced in every notebook's first cell. Library functions never read or write global random
state: anything random takes an ``np.random.Generator`` (or a ``torch.Generator``) argument.
"""

from __future__ import annotations

import numpy as np

from course_nn.validation import check_int


def seed(value: int = 0) -> np.random.Generator:
    """Seed torch's global generator and return a fresh NumPy generator.

    This is the one place the course touches global state, and only a notebook's first cell
    calls it: torch layers created without an explicit generator (``torch.nn.Linear``, say)
    draw from torch's global generator, so seeding it makes those cells repeatable too.

    Parameters
    ----------
    value : non-negative int
        The seed.

    Returns
    -------
    np.random.Generator
        A PCG64 generator seeded with ``value``; pass it to every function that is random.
    """
    check_int(value, "seed", minimum=0)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency, but NumPy parts work alone
        pass
    else:
        torch.manual_seed(value)
    return np.random.default_rng(value)


def torch_generator(value: int = 0, device=None):
    """Return a ``torch.Generator`` on ``device`` (default CPU) seeded with ``value``."""
    import torch

    check_int(value, "seed", minimum=0)
    generator = torch.Generator(device=device if device is not None else "cpu")
    generator.manual_seed(value)
    return generator
