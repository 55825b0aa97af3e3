"""Data-parallel training with ``torch.distributed`` (appendix notebook 10).

``train_data_parallel`` starts ``nproc`` worker processes (``torch.multiprocessing``, spawn).
Each joins a process group whose rendezvous is on 127.0.0.1 only, reads its shard of the data
through ``DistributedSampler``, wraps the model in ``DistributedDataParallel`` and trains with
SGD; DDP all-reduces (averages) the gradients, so every worker takes the same step. Rank 0
returns the final weights and the per-epoch losses.

``train_single_process_equivalent`` is the same training on one process: each step uses the
concatenation of the ``nproc`` workers' batches, in the samplers' order, and the mean loss
over it. With equal batches on every worker the two give the same weights, up to rounding.

``all_reduce_demo`` shows the collective that DDP runs on the gradients, by hand.

The same worker code runs on several machines when launched by ``torchrun``; here everything
stays on one machine and on the loopback interface. Run a small demo with
``python -m course_nn.parallel --nproc 2``.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing.connection
import os
import pickle
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from course_nn.validation import (
    as_float_array,
    check_int,
    check_option,
    check_positive,
    describe,
)

LOSSES = ("cross_entropy", "mse")
BACKENDS = ("gloo", "nccl")


class WorkerError(RuntimeError):
    """A worker failed and its exception could not be re-raised as itself (not picklable), or
    it died without reporting. ``rank`` says which worker; the message carries its traceback."""

    def __init__(self, message: str, rank: int):
        super().__init__(message)
        self.rank = rank


@dataclass
class ParallelResult:
    """What rank 0 reports after data-parallel training.

    ``state_dict``: the final weights (CPU tensors); ``initial_state_dict``: the weights every
    worker started from (rank 0's, broadcast by DDP); ``epoch_losses``: the mean training loss
    of each epoch over all workers' examples; ``epoch_seconds``: rank 0's wall-clock time of
    each epoch; ``steps_per_epoch``: optimiser steps per epoch (the same on every worker).
    """

    backend: str
    nproc: int
    state_dict: dict
    initial_state_dict: dict
    epoch_losses: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)
    steps_per_epoch: int = 0


# --------------------------------------------------------------------------- validation


def _check_callable(value, name: str):
    if not callable(value):
        raise TypeError(f"{name} must be a callable that builds a torch.nn.Module, got "
                        f"{describe(value)}")
    _check_picklable(value, name)
    return value


def _check_picklable(value, name: str) -> None:
    try:
        pickle.dumps(value)
    except Exception as error:  # lambdas, local functions, open files ...
        raise TypeError(
            f"{name} must be picklable (a module-level function, or functools.partial of one), "
            f"because the workers are started with spawn; got {describe(value)} ({error})"
        ) from None


def _as_numpy(value):
    """Torch tensors as NumPy arrays; anything else unchanged (checked by the caller)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value


def _check_data(dataset_X, dataset_y, loss: str, nproc: int):
    X = as_float_array(_as_numpy(dataset_X), "dataset_X")
    if X.ndim < 2:
        raise ValueError(f"dataset_X must have shape (N, ...) with at least 2 axes, "
                         f"got {X.shape}")
    n = X.shape[0]
    if n < nproc:
        raise ValueError(f"dataset_X must have at least nproc={nproc} rows (one per worker), "
                         f"got {n}")
    y = as_float_array(_as_numpy(dataset_y), "dataset_y")
    if loss == "cross_entropy":
        if y.shape != (n,):
            raise ValueError(f"dataset_y must have shape (N,) with N={n} matching dataset_X, "
                             f"got {y.shape}")
        if np.any(y != np.round(y)) or np.any(y < 0):
            raise ValueError("dataset_y must hold class labels 0, 1, 2, ... for "
                             "loss='cross_entropy', got non-integer or negative values")
        y = y.astype(np.int64)
    elif y.ndim == 0 or y.shape[0] != n:
        raise ValueError(f"dataset_y must have shape (N, ...) with N={n} matching dataset_X, "
                         f"got {y.shape}")
    return X, y


def _cuda_count() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def choose_backend(nproc: int, backend=None) -> str:
    """``backend`` checked, or, for None, ``"nccl"`` when every one of the ``nproc`` workers
    can have its own CUDA device (and NCCL is built in) and ``"gloo"`` otherwise."""
    import torch.distributed as dist

    nproc = check_int(nproc, "nproc", minimum=1)
    if backend is None:
        if _cuda_count() >= nproc and dist.is_nccl_available():
            return "nccl"
        return "gloo"
    backend = check_option(backend, "backend", BACKENDS)
    if backend == "nccl" and (_cuda_count() < nproc or not dist.is_nccl_available()):
        raise ValueError(f"backend='nccl' needs one CUDA device per worker (nproc={nproc}) and "
                         f"a torch built with NCCL; this machine has {_cuda_count()} CUDA "
                         f"devices")
    if backend == "gloo" and not dist.is_gloo_available():  # pragma: no cover
        raise ValueError("backend='gloo' is not built into this torch")
    return backend


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 now (the OS picks it when we bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- launching


def _loopback_only() -> None:
    """Keep gloo's and NCCL's own sockets on the loopback interface too, unless the user chose."""
    names = {name for _, name in socket.if_nameindex()} if hasattr(socket, "if_nameindex") \
        else set()
    loopback = next((name for name in ("lo", "lo0") if name in names), None)
    if loopback is not None:
        os.environ.setdefault("GLOO_SOCKET_IFNAME", loopback)
        os.environ.setdefault("NCCL_SOCKET_IFNAME", loopback)


def _worker_main(rank, nproc, port, backend, timeout_s, target, payload, conn) -> None:
    """Runs in each spawned process: join the group, run ``target``, send its result or error."""
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)  # nproc processes share the cores; 1 thread each avoids contention
    _loopback_only()
    try:
        dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=nproc, timeout=timedelta(seconds=timeout_s))
        try:
            result = target(rank, nproc, backend, payload)
        finally:
            dist.destroy_process_group()
        conn.send(("ok", rank, result))
    except BaseException as error:  # report everything, including KeyboardInterrupt
        try:
            pickled = pickle.dumps(error)
        except Exception:
            pickled = None
        conn.send(("error", rank, (time.monotonic(), type(error).__name__, str(error),
                                   traceback.format_exc(), pickled)))
        conn.close()
        sys.exit(1)
    conn.close()


def _raise_worker_error(rank: int, info) -> None:
    _, type_name, message, remote_traceback, pickled = info
    error = None
    if pickled is not None:
        try:
            error = pickle.loads(pickled)
        except Exception:
            error = None
    if isinstance(error, BaseException):
        if len(error.args) == 1 and isinstance(error.args[0], str):
            error.args = (f"worker rank {rank}: {error.args[0]}",)
        error.add_note(f"raised in data-parallel worker rank {rank}; its traceback:\n"
                       f"{remote_traceback}")
        try:
            error.rank = rank
        except AttributeError:  # pragma: no cover - exceptions with __slots__
            pass
        raise error
    raise WorkerError(f"worker rank {rank} raised {type_name}: {message}\n{remote_traceback}",
                      rank)


def _stop(processes, grace_s: float = 2.0) -> None:
    """Join every process, terminating (then killing) any that does not end within the grace."""
    deadline = time.monotonic() + grace_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5.0)
        if process.is_alive():  # pragma: no cover - ignored SIGTERM
            process.kill()
            process.join(5.0)


def run_workers(target, payload, *, nproc: int, backend: str, timeout_s: float) -> list:
    """Start ``nproc`` spawned workers running ``target(rank, nproc, backend, payload)`` inside a
    process group; return their results by rank.

    The first worker to fail makes this raise its exception (same type, message prefixed with
    its rank) after every worker has been stopped; a worker that dies without reporting raises
    ``WorkerError``; running past ``timeout_s`` raises ``TimeoutError``. No process is left.
    """
    import torch.multiprocessing as tmp

    ctx = tmp.get_context("spawn")
    port = free_port()
    pipes = [ctx.Pipe(duplex=False) for _ in range(nproc)]
    processes = [
        ctx.Process(target=_worker_main, name=f"course_nn-ddp-rank{rank}", daemon=True,
                    args=(rank, nproc, port, backend, timeout_s, target, payload, pipes[rank][1]))
        for rank in range(nproc)
    ]
    results: dict[int, object] = {}
    errors: dict[int, object] = {}
    deadline = time.monotonic() + timeout_s
    try:
        for process in processes:
            process.start()
        for _, sender in pipes:
            sender.close()  # the parent only reads; a dead worker then shows as EOF
        readers = {pipes[rank][0]: rank for rank in range(nproc)}
        sentinels = {processes[rank].sentinel: rank for rank in range(nproc)}
        while len(results) < nproc and not errors:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"data-parallel run did not finish within timeout_s="
                                   f"{timeout_s} s; all {nproc} workers were stopped")
            ready = multiprocessing.connection.wait(list(readers) + list(sentinels), left)
            # A failing worker sends its report before it exits and before its peers can notice,
            # so drain every pipe that has data, then pick the earliest failure.
            for reader, rank in list(readers.items()):
                if reader.poll(0):
                    try:
                        status, _, value = reader.recv()
                    except EOFError:
                        readers.pop(reader)
                        continue
                    readers.pop(reader)
                    (results if status == "ok" else errors)[rank] = value
            for sentinel in ready:
                rank = sentinels.get(sentinel)
                if rank is None:
                    continue
                if rank in results or rank in errors:
                    sentinels.pop(sentinel)  # finished and reported: stop watching it
                    continue
                reader = pipes[rank][0]
                if reader in readers and reader.poll(0):
                    continue  # its report arrived meanwhile; read it on the next pass
                sentinels.pop(sentinel)
                code = processes[rank].exitcode
                errors[rank] = (time.monotonic(), "WorkerError",
                                f"exited with code {code} without reporting", "", None)
        if errors:
            rank = min(errors, key=lambda r: errors[r][0])
            _stop(processes, grace_s=0.5)
            _raise_worker_error(rank, errors[rank])
        _stop(processes)
        return [results[rank] for rank in range(nproc)]
    finally:
        _stop([process for process in processes if process.pid is not None], grace_s=0.0)
        for reader, sender in pipes:
            reader.close()
            sender.close()


# --------------------------------------------------------------------------- training


def _make_loss(loss: str):
    import torch

    return torch.nn.CrossEntropyLoss() if loss == "cross_entropy" else torch.nn.MSELoss()


def _cpu_state(model) -> dict:
    return {name: value.detach().to("cpu", copy=True) for name, value in model.state_dict().items()}


def _serialise(state: dict) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _deserialise(data: bytes) -> dict:
    import torch

    return torch.load(io.BytesIO(data), weights_only=True)


def _build(build_model, seed: int, device):
    import torch

    torch.manual_seed(seed)  # in a worker process (or the reference): the same initial weights
    model = build_model()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"build_model must return a torch.nn.Module, got {describe(model)}")
    return model.to(device)


def _train_worker(rank, nproc, backend, payload):
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader, TensorDataset
    from torch.utils.data.distributed import DistributedSampler

    p = payload
    device = torch.device(f"cuda:{rank}") if backend == "nccl" else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    model = _build(p["build_model"], p["seed"], device)
    dtype = next(model.parameters()).dtype
    initial = _cpu_state(model) if rank == 0 else None
    ddp = DistributedDataParallel(model, device_ids=[rank] if device.type == "cuda" else None)
    X = torch.as_tensor(p["X"], dtype=dtype)
    y = torch.as_tensor(p["y"]) if p["loss"] == "cross_entropy" else torch.as_tensor(
        p["y"], dtype=dtype)
    dataset = TensorDataset(X, y)
    sampler = DistributedSampler(dataset, num_replicas=nproc, rank=rank, shuffle=True,
                                 seed=p["seed"])
    loader = DataLoader(dataset, batch_size=p["batch_size"], sampler=sampler)
    optimiser = torch.optim.SGD(ddp.parameters(), lr=p["lr"])
    loss_fn = _make_loss(p["loss"])
    losses, seconds = [], []
    for epoch in range(p["epochs"]):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every worker
        start = time.perf_counter()
        total = torch.zeros(2, dtype=torch.float64, device=device)  # sum of losses, examples
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimiser.zero_grad()
            loss = loss_fn(ddp(xb), yb)
            loss.backward()  # DDP averages the gradients over the workers here
            optimiser.step()
            total += torch.stack([loss.detach().double() * len(xb),
                                  torch.tensor(float(len(xb)), device=device,
                                               dtype=torch.float64)])
        dist.all_reduce(total)  # every worker's sum: the epoch's loss over all examples
        seconds.append(time.perf_counter() - start)
        losses.append(float(total[0] / total[1]))
    if rank != 0:
        return None
    return {"state": _serialise(_cpu_state(model)), "initial": _serialise(initial),
            "losses": losses, "seconds": seconds, "steps": len(loader)}


def _check_training_args(build_model, dataset_X, dataset_y, nproc, epochs, batch_size, lr,
                         seed, backend, loss, timeout_s):
    nproc = check_int(nproc, "nproc", minimum=1)
    _check_callable(build_model, "build_model")
    loss = check_option(loss, "loss", LOSSES)
    X, y = _check_data(dataset_X, dataset_y, loss, nproc)
    return {
        "build_model": build_model, "X": X, "y": y, "loss": loss,
        "nproc": nproc,
        "epochs": check_int(epochs, "epochs", minimum=1),
        "batch_size": check_int(batch_size, "batch_size", minimum=1),
        "lr": check_positive(lr, "lr"),
        "seed": check_int(seed, "seed", minimum=0),
        "backend": choose_backend(nproc, backend),
        "timeout_s": check_positive(timeout_s, "timeout_s"),
    }


def train_data_parallel(build_model, dataset_X, dataset_y, *, nproc: int, epochs: int,
                        batch_size: int, lr: float, seed: int, backend: str | None = None,
                        loss: str = "cross_entropy", timeout_s: float = 600.0) -> ParallelResult:
    """Train ``build_model()`` with DistributedDataParallel on ``nproc`` worker processes.

    ``build_model``: a picklable callable returning a ``torch.nn.Module`` (called in every
    worker after ``torch.manual_seed(seed)``; DDP then copies rank 0's weights to all).
    ``dataset_X``: (N, ...) floats; ``dataset_y``: (N,) class labels for ``loss="cross_entropy"``,
    (N, ...) targets for ``loss="mse"``; NumPy arrays or tensors, cast to the model's dtype.
    Each worker trains on its shard (``DistributedSampler``, shuffled with ``seed``, reshuffled
    each epoch), ``batch_size`` examples per step per worker, with SGD at rate ``lr``.
    ``backend``: ``"gloo"`` (CPUs), ``"nccl"`` (one GPU per worker) or None to pick.
    A failing worker makes this raise its error (naming its rank) within a few seconds; the run
    is stopped after ``timeout_s`` seconds. Returns rank 0's ``ParallelResult``.
    """
    p = _check_training_args(build_model, dataset_X, dataset_y, nproc, epochs, batch_size, lr,
                             seed, backend, loss, timeout_s)
    results = run_workers(_train_worker, p, nproc=p["nproc"], backend=p["backend"],
                          timeout_s=p["timeout_s"])
    report = results[0]
    return ParallelResult(
        backend=p["backend"], nproc=p["nproc"], state_dict=_deserialise(report["state"]),
        initial_state_dict=_deserialise(report["initial"]), epoch_losses=report["losses"],
        epoch_seconds=report["seconds"], steps_per_epoch=report["steps"],
    )


def shard_batches(n: int, *, nproc: int, batch_size: int, seed: int, epoch: int) -> list:
    """The example indices each step uses, as ``DistributedSampler`` deals them: a list over
    steps of lists over ranks of index arrays (a rank's last batch may be shorter)."""
    from torch.utils.data.distributed import DistributedSampler

    n = check_int(n, "n", minimum=1)
    nproc = check_int(nproc, "nproc", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epoch = check_int(epoch, "epoch", minimum=0)
    shards = []
    for rank in range(nproc):
        sampler = DistributedSampler(range(n), num_replicas=nproc, rank=rank, shuffle=True,
                                     seed=check_int(seed, "seed", minimum=0))
        sampler.set_epoch(epoch)
        shards.append(np.fromiter(iter(sampler), dtype=np.int64))
    steps = -(-len(shards[0]) // batch_size)
    return [[shard[s * batch_size:(s + 1) * batch_size] for shard in shards]
            for s in range(steps)]


def train_single_process_equivalent(build_model, dataset_X, dataset_y, *, nproc: int,
                                    epochs: int, batch_size: int, lr: float, seed: int,
                                    loss: str = "cross_entropy") -> ParallelResult:
    """What ``train_data_parallel`` computes, on one process and without torch.distributed.

    Each step takes the ``nproc`` workers' batches (``shard_batches``), and descends the mean
    over workers of each worker's mean loss; that equals DDP's averaged gradient exactly, and
    the mean loss over the concatenated batch whenever the batches are equal in size.
    """
    import torch

    p = _check_training_args(build_model, dataset_X, dataset_y, nproc, epochs, batch_size, lr,
                             seed, "gloo", loss, 600.0)
    model = _build(build_model, p["seed"], "cpu")
    dtype = next(model.parameters()).dtype
    initial = _cpu_state(model)
    X = torch.as_tensor(p["X"], dtype=dtype)
    y = torch.as_tensor(p["y"]) if p["loss"] == "cross_entropy" else torch.as_tensor(
        p["y"], dtype=dtype)
    optimiser = torch.optim.SGD(model.parameters(), lr=p["lr"])
    loss_fn = _make_loss(p["loss"])
    losses, seconds, steps = [], [], 0
    for epoch in range(p["epochs"]):
        batches = shard_batches(len(X), nproc=nproc, batch_size=batch_size, seed=seed,
                                epoch=epoch)
        steps, start, total, count = len(batches), time.perf_counter(), 0.0, 0
        for per_rank in batches:
            optimiser.zero_grad()
            rank_losses = [loss_fn(model(X[idx]), y[idx]) for idx in per_rank]
            torch.stack(rank_losses).mean().backward()
            optimiser.step()
            total += sum(float(l_.detach()) * len(idx) for l_, idx in zip(rank_losses, per_rank,
                                                                 strict=True))
            count += sum(len(idx) for idx in per_rank)
        seconds.append(time.perf_counter() - start)
        losses.append(total / count)
    return ParallelResult(backend="none", nproc=1, state_dict=_cpu_state(model),
                          initial_state_dict=initial, epoch_losses=losses,
                          epoch_seconds=seconds, steps_per_epoch=steps)


def max_weight_difference(state_a: dict, state_b: dict) -> float:
    """The largest absolute difference between two state dicts with the same entries."""
    import torch

    if not isinstance(state_a, dict) or not isinstance(state_b, dict):
        raise TypeError(f"state_a and state_b must be state dicts, got {describe(state_a)} "
                        f"and {describe(state_b)}")
    if state_a.keys() != state_b.keys():
        raise ValueError(f"state_a and state_b must have the same entries, got "
                         f"{sorted(state_a)} and {sorted(state_b)}")
    gaps = [float((torch.as_tensor(state_a[k]).double() - torch.as_tensor(state_b[k]).double())
                  .abs().max()) for k in state_a if torch.as_tensor(state_a[k]).numel()]
    return max(gaps, default=0.0)


# --------------------------------------------------------------------------- all-reduce


def _all_reduce_worker(rank, nproc, backend, payload):
    import torch
    import torch.distributed as dist

    mine = torch.tensor(payload[rank], dtype=torch.float64)
    before = mine.clone()
    dist.all_reduce(mine, op=dist.ReduceOp.SUM)  # in place: every rank now holds the sum
    summed = mine.clone()
    mine /= nproc  # what DDP does with gradients: the mean
    return {"rank": rank, "before": before.numpy(), "sum": summed.numpy(),
            "mean": mine.numpy()}


def all_reduce_demo(values, *, timeout_s: float = 120.0) -> list[dict]:
    """All-reduce by hand: worker ``r`` starts with ``values[r]`` (a 1-D float vector, one per
    worker, at least one worker), runs ``dist.all_reduce(SUM)`` on gloo, then divides by the
    number of workers. Returns, for each rank, a dict with ``before``, ``sum`` and ``mean``."""
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise TypeError(f"values must be a sequence of 1-D vectors, one per worker, got "
                        f"{describe(values)}")
    if len(values) < 1:
        raise ValueError("values must hold at least one vector (one per worker), got none")
    vectors = [as_float_array(v, f"values[{i}]", ndim=1) for i, v in enumerate(values)]
    for i, v in enumerate(vectors[1:], start=1):
        if v.shape != vectors[0].shape:
            raise ValueError(f"values[{i}] must have shape {vectors[0].shape} like values[0], "
                             f"got {v.shape}")
    timeout_s = check_positive(timeout_s, "timeout_s")
    return run_workers(_all_reduce_worker, vectors, nproc=len(vectors), backend="gloo",
                       timeout_s=timeout_s)


def ring_all_reduce_bytes(n_values: int, nproc: int, bytes_per_value: int = 4) -> float:
    """Bytes each worker sends in one ring all-reduce of ``n_values`` numbers over ``nproc``
    workers: a reduce-scatter then an all-gather, each ``nproc - 1`` steps of a ``1/nproc``
    chunk, so ``2 (nproc - 1) / nproc * n_values * bytes_per_value`` (0 for one worker)."""
    n_values = check_int(n_values, "n_values", minimum=0)
    nproc = check_int(nproc, "nproc", minimum=1)
    bytes_per_value = check_int(bytes_per_value, "bytes_per_value", minimum=1)
    return 2.0 * (nproc - 1) / nproc * n_values * bytes_per_value


def all_reduce_bytes_per_epoch(n_params: int, n_examples: int, *, nproc: int,
                               batch_size: int, bytes_per_value: int = 4) -> float:
    """Bytes each worker sends per epoch: one ring all-reduce of all ``n_params`` gradients per
    step, ``ceil(ceil(n_examples / nproc) / batch_size)`` steps (``DistributedSampler``'s shard,
    then batches of ``batch_size``)."""
    n_examples = check_int(n_examples, "n_examples", minimum=1)
    nproc = check_int(nproc, "nproc", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    per_worker = -(-n_examples // nproc)  # ceil: the sampler pads shards to equal length
    steps = -(-per_worker // batch_size)
    return steps * ring_all_reduce_bytes(n_params, nproc, bytes_per_value)


# --------------------------------------------------------------------------- demo


def demo_mlp(in_features: int = 8, hidden: int = 16, classes: int = 2):
    """A small float64 MLP for the command-line demo and the tests."""
    import torch

    return torch.nn.Sequential(torch.nn.Linear(in_features, hidden), torch.nn.Tanh(),
                               torch.nn.Linear(hidden, classes)).double()


def demo_data(n: int, rng: np.random.Generator, in_features: int = 8):
    """Two Gaussian classes in ``in_features`` dimensions: X (n, in_features), y (n,)."""
    from course_nn.validation import check_generator

    n = check_int(n, "n", minimum=2)
    rng = check_generator(rng)
    y = rng.integers(0, 2, size=n)
    X = rng.normal(size=(n, in_features)) + 1.5 * y[:, None]
    return X, y


def main(argv=None) -> ParallelResult:
    parser = argparse.ArgumentParser(prog="python -m course_nn.parallel",
                                     description="Data-parallel training of a small MLP.")
    parser.add_argument("--nproc", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--examples", type=int, default=512)
    parser.add_argument("--backend", choices=BACKENDS, default=None)
    args = parser.parse_args(argv)
    X, y = demo_data(args.examples, np.random.default_rng(args.seed))
    result = train_data_parallel(demo_mlp, X, y, nproc=args.nproc, epochs=args.epochs,
                                 batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                                 backend=args.backend)
    print(f"rank 0 of {result.nproc} ({result.backend}): {result.steps_per_epoch} steps/epoch")
    for epoch, (value, secs) in enumerate(zip(result.epoch_losses, result.epoch_seconds,
                                              strict=True), start=1):
        print(f"epoch {epoch}: loss {value:.4f}  time {secs:.3f} s")
    return result


if __name__ == "__main__":
    main()
