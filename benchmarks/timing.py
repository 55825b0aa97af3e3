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


def interleaved_median_times(fns, repeats: int = 20, warmup: int = 3) -> list[float]:
    """Median wall time in seconds of each function in ``fns``, calling them in turn.

    Each round times every function once, so a burst of load from other processes slows all
    of them alike and their *ratio* stays meaningful on a busy machine.
    """
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, record in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            record.append(time.perf_counter() - start)
    return [float(np.median(record)) for record in times]


def print_blas_report() -> None:
    """Print which BLAS/OpenMP libraries NumPy and torch loaded, their kernel and threads."""
    import torch
    from threadpoolctl import threadpool_info

    for pool in threadpool_info():
        print(f"{pool['user_api']}: {pool['internal_api']} {pool.get('version')} "
              f"kernel={pool.get('architecture')} threads={pool['num_threads']}")
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}")
