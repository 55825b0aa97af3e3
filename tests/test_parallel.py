"""Data-parallel training (course_nn.parallel): DDP on 2 CPU workers equals one process on the
concatenated batches; a failing worker fails the call promptly and leaves no process behind.

Each launch spawns 2 Python processes that import torch (a few seconds on a busy machine), so
the module keeps to four launches; every launch runs under a timeout.
"""

import functools
import multiprocessing
import os
import time

import numpy as np
import pytest
import torch

from course_nn import parallel
from course_nn.parallel import (
    all_reduce_demo,
    demo_data,
    demo_mlp,
    max_weight_difference,
    shard_batches,
    train_data_parallel,
    train_single_process_equivalent,
)

LAUNCH_TIMEOUT_S = 120.0  # generous: 2 cores may be shared with other jobs
BUILD = functools.partial(demo_mlp, in_features=4, hidden=5, classes=3)


def _data(n=48, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = rng.integers(0, 3, size=n)
    return X, y


def build_failing_on_rank_1():
    """A model builder that raises on worker rank 1 only (importable by spawned workers)."""
    import torch.distributed as dist

    if dist.get_rank() == 1:
        raise ValueError("no model for rank 1")
    return BUILD()


def _live_children() -> list:
    """Child processes of this one still alive (multiprocessing's list, then the OS's), but not
    multiprocessing's resource tracker, a helper that spawn starts once and keeps."""
    alive = {p.pid for p in multiprocessing.active_children()}
    try:
        import psutil

        for child in psutil.Process(os.getpid()).children(recursive=True):
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    continue
                if "resource_tracker" in " ".join(child.cmdline()):
                    continue
            except psutil.NoSuchProcess:
                continue
            alive.add(child.pid)
    except ImportError:  # pragma: no cover
        pass
    return sorted(alive)


def test_two_workers_equal_one_process_on_the_concatenated_batches():
    X, y = _data()
    settings = dict(epochs=2, batch_size=4, lr=0.3, seed=7)
    ddp = train_data_parallel(BUILD, X, y, nproc=2, backend="gloo",
                              timeout_s=LAUNCH_TIMEOUT_S, **settings)
    single = train_single_process_equivalent(BUILD, X, y, nproc=2, **settings)
    assert ddp.backend == "gloo" and ddp.nproc == 2
    assert ddp.steps_per_epoch == 48 // 2 // 4
    assert max_weight_difference(ddp.initial_state_dict, single.initial_state_dict) == 0.0
    assert ddp.state_dict["0.weight"].dtype == torch.float64
    # 12 steps of SGD moved the weights far more than rounding ...
    moved = max_weight_difference(ddp.state_dict, ddp.initial_state_dict)
    assert moved > 1e-2
    # ... and the two runs agree to float64 rounding.
    assert max_weight_difference(ddp.state_dict, single.state_dict) < 1e-12
    by_hand = _concatenated_batch_sgd(X, y, **settings)
    assert max_weight_difference(ddp.state_dict, by_hand) < 1e-12
    np.testing.assert_allclose(ddp.epoch_losses, single.epoch_losses, rtol=1e-12)
    assert len(ddp.epoch_seconds) == 2 and all(s > 0 for s in ddp.epoch_seconds)
    assert ddp.epoch_losses[1] < ddp.epoch_losses[0]
    assert _live_children() == []


def _concatenated_batch_sgd(X, y, *, epochs, batch_size, lr, seed):
    """SGD on one process written out by hand, for 2 workers' data order: a permutation seeded
    with seed + epoch, rank r taking every 2nd entry from r, each step the two ranks' batches
    concatenated (2 * batch_size examples) and the mean loss over them."""
    torch.manual_seed(seed)
    model = BUILD()
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)
    n = len(X)
    assert n % (2 * batch_size) == 0, "equal batches on both ranks"
    for epoch in range(epochs):
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch))
        shards = [order[0::2], order[1::2]]
        for step in range(n // 2 // batch_size):
            batch = torch.cat([s[step * batch_size:(step + 1) * batch_size] for s in shards])
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(Xt[batch]), yt[batch]).backward()
            optimiser.step()
    return model.state_dict()


def test_single_process_equivalent_matches_a_hand_written_loop():
    X, y = _data(n=16)
    single = train_single_process_equivalent(BUILD, X, y, nproc=2, epochs=2, batch_size=2,
                                             lr=0.5, seed=3)
    by_hand = _concatenated_batch_sgd(X, y, epochs=2, batch_size=2, lr=0.5, seed=3)
    assert max_weight_difference(single.state_dict, by_hand) < 1e-12


def test_shard_batches_cover_the_data_once_per_epoch():
    batches = shard_batches(10, nproc=2, batch_size=2, seed=0, epoch=1)
    assert [len(b) for b in batches[0]] == [2, 2] and len(batches) == 3
    assert sorted(np.concatenate([i for step in batches for i in step]).tolist()) == \
        list(range(10))
    assert not np.array_equal(np.concatenate(batches[0]),
                              np.concatenate(shard_batches(10, nproc=2, batch_size=2,
                                                           seed=0, epoch=0)[0]))


def test_a_failing_worker_fails_the_call_promptly_and_leaves_no_process():
    X, y = _data(n=8)
    start = time.monotonic()
    with pytest.raises(ValueError, match="rank 1: no model for rank 1") as info:
        train_data_parallel(build_failing_on_rank_1, X, y, nproc=2, epochs=1, batch_size=2,
                            lr=0.1, seed=0, backend="gloo", timeout_s=LAUNCH_TIMEOUT_S)
    elapsed = time.monotonic() - start
    assert elapsed < 30.0, f"took {elapsed:.1f} s"
    assert info.value.rank == 1
    assert any("build_failing_on_rank_1" in note for note in info.value.__notes__)
    assert _live_children() == []


def test_all_reduce_demo_sums_then_averages():
    values = [[1.0, 2.0, 3.0], [10.0, 20.0, 40.0]]
    reports = all_reduce_demo(values, timeout_s=LAUNCH_TIMEOUT_S)
    assert [r["rank"] for r in reports] == [0, 1]
    for report, mine in zip(reports, values, strict=True):
        np.testing.assert_array_equal(report["before"], mine)
        np.testing.assert_array_equal(report["sum"], [11.0, 22.0, 43.0])
        np.testing.assert_array_equal(report["mean"], [5.5, 11.0, 21.5])
    assert _live_children() == []


def test_command_line_demo_prints_rank_0_report(capsys):
    # One worker keeps this launch cheap; the two-worker path is tested above.
    result = parallel.main(["--nproc", "1", "--epochs", "2", "--examples", "64",
                            "--batch-size", "8", "--backend", "gloo"])
    out = capsys.readouterr().out
    assert "rank 0 of 1 (gloo): 8 steps/epoch" in out
    assert "epoch 2: loss" in out
    assert result.epoch_losses[1] < result.epoch_losses[0]


def test_backend_choice():
    expected = "nccl" if (torch.cuda.is_available() and torch.cuda.device_count() >= 2
                          and torch.distributed.is_nccl_available()) else "gloo"
    assert parallel.choose_backend(2) == expected
    assert parallel.choose_backend(1, "gloo") == "gloo"
    if torch.cuda.device_count() < 64:
        with pytest.raises(ValueError, match="backend='nccl' needs one CUDA device"):
            parallel.choose_backend(64, "nccl")
    with pytest.raises(ValueError, match="backend must be one of"):
        parallel.choose_backend(2, "mpi")


def test_free_port_is_a_loopback_port():
    port = parallel.free_port()
    assert isinstance(port, int) and 0 < port < 65536


@pytest.mark.parametrize(
    ("change", "error", "pattern"),
    [
        ({"nproc": 0}, ValueError, "nproc must be >= 1"),
        ({"nproc": 2.0}, TypeError, "nproc must be an int"),
        ({"nproc": True}, TypeError, "nproc must be an int"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"batch_size": "4"}, TypeError, "batch_size must be an int"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"lr": -0.1}, ValueError, "lr must be a finite number > 0"),
        ({"seed": None}, TypeError, "seed must be an int"),
        ({"backend": "mpi"}, ValueError, "backend must be one of"),
        ({"loss": "hinge"}, ValueError, "loss must be one of"),
        ({"timeout_s": 0}, ValueError, "timeout_s must be a finite number > 0"),
        ({"build_model": None}, TypeError, "build_model must be a callable"),
        ({"build_model": lambda: demo_mlp()}, TypeError, "build_model must be picklable"),
        ({"dataset_X": np.zeros(8)}, ValueError, "dataset_X must have shape \\(N, ...\\)"),
        ({"dataset_X": "abc"}, TypeError, "dataset_X must be a numeric array"),
        ({"dataset_X": np.full((8, 4), np.nan)}, ValueError, "dataset_X must be finite"),
        ({"dataset_y": np.zeros(7)}, ValueError, "dataset_y must have shape \\(N,\\) with N=8"),
        ({"dataset_y": np.zeros((8, 1))}, ValueError, "dataset_y must have shape \\(N,\\)"),
        ({"dataset_y": np.full(8, 0.5)}, ValueError, "dataset_y must hold class labels"),
        ({"dataset_y": None}, TypeError, "dataset_y must be a numeric array"),
        ({"nproc": 9}, ValueError, "dataset_X must have at least nproc=9 rows"),
    ],
)
def test_bad_arguments_are_named(change, error, pattern):
    X, y = _data(n=8)
    kwargs = dict(build_model=BUILD, dataset_X=X, dataset_y=y, nproc=2, epochs=1,
                  batch_size=2, lr=0.1, seed=0, backend="gloo")
    kwargs.update(change)
    with pytest.raises(error, match=pattern):
        train_data_parallel(**kwargs)
    assert _live_children() == []


def test_torch_tensors_are_accepted_as_data():
    X, y = _data(n=8)
    single = train_single_process_equivalent(BUILD, torch.as_tensor(X), torch.as_tensor(y),
                                             nproc=2, epochs=1, batch_size=2, lr=0.1, seed=0)
    from_numpy = train_single_process_equivalent(BUILD, X, y, nproc=2, epochs=1, batch_size=2,
                                                 lr=0.1, seed=0)
    assert max_weight_difference(single.state_dict, from_numpy.state_dict) == 0.0


@pytest.mark.parametrize(
    ("values", "error", "pattern"),
    [
        ("ab", TypeError, "values must be a sequence"),
        ([], ValueError, "values must hold at least one vector"),
        ([[1.0, 2.0], [1.0]], ValueError, "values\\[1\\] must have shape \\(2,\\)"),
        ([[1.0], None], TypeError, "values\\[1\\] must be a numeric array"),
        ([[[1.0]]], ValueError, "values\\[0\\] must be a 1-D array"),
    ],
)
def test_all_reduce_demo_bad_values(values, error, pattern):
    with pytest.raises(error, match=pattern):
        all_reduce_demo(values)


def test_max_weight_difference_checks_its_inputs():
    a = {"w": torch.zeros(2)}
    assert max_weight_difference(a, {"w": torch.tensor([0.0, -0.5])}) == 0.5
    with pytest.raises(ValueError, match="same entries"):
        max_weight_difference(a, {"v": torch.zeros(2)})
    with pytest.raises(TypeError, match="must be state dicts"):
        max_weight_difference(a, None)


def test_demo_data_is_seeded():
    X1, y1 = demo_data(20, np.random.default_rng(0))
    X2, y2 = demo_data(20, np.random.default_rng(0))
    assert X1.shape == (20, 8) and y1.shape == (20,)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


def test_a_run_past_its_timeout_is_stopped():
    """The workers are still importing torch when the deadline passes: the call raises
    TimeoutError and stops them, so a stuck run cannot hang CI."""
    X, y = _data(n=8)
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="did not finish within timeout_s=0.2 s"):
        train_data_parallel(BUILD, X, y, nproc=2, epochs=1, batch_size=2, lr=0.1, seed=0,
                            backend="gloo", timeout_s=0.2)
    assert time.monotonic() - start < 15.0
    assert _live_children() == []


def test_ring_all_reduce_bytes():
    assert parallel.ring_all_reduce_bytes(1000, 1) == 0.0
    assert parallel.ring_all_reduce_bytes(1000, 2) == 4000.0  # each sends half, twice
    assert parallel.ring_all_reduce_bytes(1000, 4, 8) == 2 * 3 / 4 * 8000
    # per epoch: 3000 examples on 4 workers -> 750 each -> 24 steps of 32
    assert parallel.all_reduce_bytes_per_epoch(1000, 3000, nproc=4, batch_size=32) == \
        24 * parallel.ring_all_reduce_bytes(1000, 4)
    with pytest.raises(ValueError, match="nproc must be >= 1"):
        parallel.ring_all_reduce_bytes(10, 0)
    with pytest.raises(TypeError, match="n_values must be an int"):
        parallel.ring_all_reduce_bytes(1.5, 2)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        parallel.all_reduce_bytes_per_epoch(10, 100, nproc=2, batch_size=0)


def test_exercise_checkers_for_notebook_10():
    from fractions import Fraction

    from course_nn.exercises import parallel as ex

    right = ex.steps_per_epoch()
    for form in (right, float(right), np.int64(right), torch.tensor(right), [right],
                 Fraction(right), torch.tensor(float(right), dtype=torch.float32)):
        verdict = ex.check_steps_per_epoch(form)
        assert verdict and str(right) not in verdict.message
    for wrong in (None, "24", True, right + 1, right - 0.5, float("nan")):
        assert not ex.check_steps_per_epoch(wrong)

    def ring(n, p, b):
        return 2 * (p - 1) / p * n * b

    verdict = ex.check_ring_all_reduce_bytes(ring)
    assert verdict and str(verdict).startswith("Correct.")
    assert "one pass" in ex.check_ring_all_reduce_bytes(lambda n, p, b: ring(n, p, b) / 2).message
    for bad in (None, 3, lambda n, p, b: None, lambda n, p, b: 1 / 0, lambda n, p, b: n * b):
        assert not ex.check_ring_all_reduce_bytes(bad)
