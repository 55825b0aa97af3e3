"""Reproducibility: one call seeds a notebook; library code only ever takes generators.

Introduced in every notebook's first cell. Library functions never read or write global random
state: anything random takes an ``np.random.Generator`` (or a ``torch.Generator``) argument.
"""

from __future__ import annotations

import numpy as np

from course_nn.validation import check_int

MAX_SEED = 2**64 - 1


def _check_seed(value) -> int:
    check_int(value, "seed", minimum=0)
    if value > MAX_SEED:
        raise ValueError(f"seed must be at most 2**64 - 1 = {MAX_SEED}, got {value}")
    return int(value)


def seed(value: int = 0) -> np.random.Generator:
    """Seed torch's global generator and return a fresh NumPy generator.

    This is the one place the course touches global state, and only a notebook's first cell
    calls it: torch layers created without an explicit generator (``torch.nn.Linear``, say)
    draw from torch's global generator, so seeding it makes those cells repeatable too.

    Parameters
    ----------
    value : int in [0, 2**64)
        The seed (torch accepts no larger one).

    Returns
    -------
    np.random.Generator
        A PCG64 generator seeded with ``value``; pass it to every function that is random.
    """
    _check_seed(value)
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

    from course_nn.device import as_torch_device

    _check_seed(value)
    device = as_torch_device(device) if device is not None else torch.device("cpu")
    try:
        generator = torch.Generator(device=device)
    except RuntimeError as error:
        reason = str(error).split(". ")[0]
        raise ValueError(f"device {device} cannot hold a generator here: {reason}") from None
    generator.manual_seed(value)
    return generator
