"""Device choice for the PyTorch sections: CUDA, else Apple MPS, else the CPU."""

from __future__ import annotations


def choose_device(prefer: str | None = None):
    """Return the ``torch.device`` the course runs its PyTorch sections on.

    The order is CUDA (an NVIDIA GPU), then Apple's MPS, then the CPU. Passing ``prefer``
    ("cuda", "mps" or "cpu") forces one, and fails clearly if it is not available.
    """
    import torch

    available = {
        "cuda": torch.cuda.is_available(),
        "mps": bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available(),
        "cpu": True,
    }
    if prefer is not None:
        if not isinstance(prefer, str) or prefer not in available:
            raise ValueError(
                f"prefer must be one of {sorted(available)} or None, got {prefer!r}"
            )
        if not available[prefer]:
            raise ValueError(f"prefer={prefer!r} asks for a device that is not available here")
        return torch.device(prefer)
    for name in ("cuda", "mps", "cpu"):
        if available[name]:
            return torch.device(name)
    raise AssertionError("unreachable: the CPU is always available")  # pragma: no cover


def as_torch_device(device, name: str = "device"):
    """``device`` (a ``torch.device`` or a name such as ``"cpu"`` or ``"cuda:0"``) as a
    ``torch.device``; anything else is a ``TypeError``, an unknown name a ``ValueError``."""
    import torch

    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(
            f"{name} must be a torch.device or a device name such as 'cpu', "
            f"got {type(device).__name__}"
        )
    try:
        return torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"{name} must name a torch device, got {device!r} ({error})") from None


def describe_device(device) -> str:
    """One line naming the device, e.g. ``cuda (NVIDIA H200)`` or ``cpu``."""
    import torch

    device = as_torch_device(device)
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type


def limit_cpu_threads(device, threads: int = 1) -> None:
    """On the CPU, give torch ``threads`` worker threads (default 1); elsewhere do nothing.

    On a small machine torch's threads and NumPy's BLAS threads compete for the same cores and
    spin while they wait for each other; for the course's small models a single torch thread
    trains several times faster (measured in benchmarks/bench_mlp_step.py).
    """
    import torch

    from course_nn.validation import check_int

    check_int(threads, "threads", minimum=1)
    if as_torch_device(device).type == "cpu":
        torch.set_num_threads(threads)
