"""Checkers for notebook 10's exercises (data-parallel training)."""

from __future__ import annotations

import numpy as np

from course_nn import parallel
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    CheckResult,
    answer_number,
    closeness,
    correct,
    near_message,
    never_raises,
    not_yet,
)

#: Exercise 1: a run whose optimiser steps per epoch the reader counts.
STEPS_RUN = {"n_examples": 3000, "nproc": 4, "batch_size": 32}


def steps_per_epoch() -> int:
    n, p, b = STEPS_RUN["n_examples"], STEPS_RUN["nproc"], STEPS_RUN["batch_size"]
    per_worker = -(-n // p)  # ceil: DistributedSampler pads the shards to equal length
    return -(-per_worker // b)


@never_raises
def check_steps_per_epoch(answer) -> CheckResult:
    """Exercise 1: steps each worker takes per epoch for ``STEPS_RUN``."""
    value = answer_number(answer, "steps")
    if isinstance(value, CheckResult):
        return value
    if value != int(value):
        return not_yet(f"a number of steps is a whole number, got {value:g}.")
    n, p, b = STEPS_RUN["n_examples"], STEPS_RUN["nproc"], STEPS_RUN["batch_size"]
    if value == steps_per_epoch():
        return correct("Each worker sees only its shard, so the steps per epoch fall with the "
                       "number of workers, and every step all-reduces once.")
    if value == -(-n // b):
        return not_yet("that is the count for one worker; each worker sees only its shard.")
    if value == n // p // b:
        return not_yet("the last, shorter batch is still a step (round up).")
    return not_yet(f"{value:g} is not (examples per worker) / (batch size), rounded up.")


# --- exercise 2: bytes sent by a ring all-reduce, coded ---------------------------------------


def _ring_cases():
    return [(1000, 2, 4), (6000, 1, 4), (6138, 4, 8), (10, 3, 2), (1_000_000, 8, 4)]


@never_raises
def check_ring_all_reduce_bytes(candidate) -> CheckResult:
    """Exercise 2: ``candidate(n_values, nproc, bytes_per_value)`` must return the bytes each
    worker sends in a ring all-reduce (``parallel.ring_all_reduce_bytes``)."""
    verdict = check_function(candidate, "ring_all_reduce_bytes", parallel.ring_all_reduce_bytes,
                             _ring_cases(), rtol=1e-9, atol=1e-9)
    if verdict:
        return correct("Each worker sends two passes of (p - 1) chunks of size n/p: the "
                       "traffic per worker hardly grows with the number of workers.")
    if "wrong in" in verdict.message:
        try:
            got = float(np.asarray(candidate(1000, 2, 4), dtype=float))
        except Exception:  # the reader's code may fail in any way
            return verdict
        if closeness(got, 2000.0) == "right":
            return not_yet("that is one pass; a ring all-reduce is a reduce-scatter "
                           "followed by an all-gather.")
        if closeness(got, parallel.ring_all_reduce_bytes(1000, 2, 4)) == "near":
            return near_message("ring_all_reduce_bytes")
    return verdict
