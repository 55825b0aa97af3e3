"""Shared helpers for the benchmark scripts: a median timer and a BLAS report."""

from __future__ import annotations

import time

import numpy as np


def median_time(fn, repeats: int = 20, warmup: int = 3) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def print_blas_report() -> None:
    """Print which BLAS/OpenMP libraries NumPy and torch loaded, their kernel and threads."""
    import torch
    from threadpoolctl import threadpool_info

    for pool in threadpool_info():
        print(f"{pool['user_api']}: {pool['internal_api']} {pool.get('version')} "
              f"kernel={pool.get('architecture')} threads={pool['num_threads']}")
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}")
