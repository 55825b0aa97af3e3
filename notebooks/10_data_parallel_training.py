# %% [markdown]
# # 10 · Appendix: data-parallel training
#
# The lectures' last practical tip for a network that trains too slowly is "use a GPU, go
# distributed". This appendix shows what "distributed" means for the most common case, *data
# parallelism*: several workers hold a copy of the same model, each computes gradients on its
# own share of every batch, and the workers average their gradients before each step. We do not
# write our own parallel engine: we use PyTorch's `torch.distributed`
# (`DistributedDataParallel`, with the `gloo` backend on CPUs and `nccl` on GPUs), the same code
# that runs from a laptop to a cluster.
#
# **After this notebook you can**
#
# 1. tell data parallelism from model parallelism;
# 2. say what an all-reduce computes, and run one by hand on 2 processes;
# 3. explain why 2 workers with averaged gradients take exactly the steps of one worker on the
#    concatenated batch, and check it;
# 4. measure, and honestly explain, the speed of 1 and 2 workers on a small machine;
# 5. launch the same training on several machines with `torchrun`.
#
# **You should already know** notebook 06 (the ConvNet and its torch twin) and notebook 03
# (SGD on mini-batches).

# %% tags=["nbval-ignore-output"]
import functools
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

import course_nn
from course_nn import conv, data, modules, parallel, pooling
from course_nn.exercises import parallel as exercises
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import use_course_style

use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))
print("CPU cores:", os.cpu_count(), "| CUDA devices:", torch.cuda.device_count())

# %% [markdown]
# ## 1 · The idea
#
# ### 1.1 · Data parallelism and model parallelism
#
# There are two ways to split training over $p$ workers (processes, GPUs or machines):
#
# * **Data parallelism.** Every worker holds a full copy of the model. Each step, every worker
#   takes its own mini-batch of $b$ examples, computes the gradient on it, and the workers
#   *average* their gradients (an all-reduce, below); then every worker takes the same SGD
#   step, so the copies stay identical. It is $p$ times the data per step for the price of one
#   exchange of gradients. It needs the model to fit on one worker.
# * **Model parallelism.** The model itself is split: different layers (or different parts of
#   a large layer) live on different workers, and activations flow from one to the next. It is
#   what makes models too large for one device trainable, at the price of workers waiting for
#   each other.
#
# Our ConvNet has about 6,000 weights; it fits anywhere, so data parallelism is the one to use.

# %%
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.0))
for ax, title in zip(axes, ["data parallel", "model parallel"], strict=True):
    ax.set_xlim(0, 10), ax.set_ylim(0, 6), ax.axis("off"), ax.set_title(title, fontsize=11)
for y0, name in ((3.4, "worker 0"), (0.6, "worker 1")):
    axes[0].add_patch(plt.Rectangle((0.3, y0), 2.2, 1.8, color="#cfe2f3"))
    axes[0].text(1.4, y0 + 0.9, f"shard {name[-1]}", ha="center", va="center")
    axes[0].add_patch(plt.Rectangle((3.5, y0), 3.0, 1.8, color="#f4cccc"))
    axes[0].text(5.0, y0 + 0.9, f"full model\n({name})", ha="center", va="center")
    axes[0].annotate("", (3.5, y0 + 0.9), (2.5, y0 + 0.9), arrowprops={"arrowstyle": "->"})
axes[0].annotate("", (7.2, 4.3), (7.2, 1.5), arrowprops={"arrowstyle": "<->", "lw": 1.5})
axes[0].text(7.5, 2.9, "all-reduce\ngradients", va="center")
for x0, part in ((0.3, "layers 1-2\n(worker 0)"), (5.3, "layers 3-4\n(worker 1)")):
    axes[1].add_patch(plt.Rectangle((x0, 2.0), 4.0, 2.0, color="#f4cccc"))
    axes[1].text(x0 + 2.0, 3.0, part, ha="center", va="center")
axes[1].annotate("", (5.3, 3.0), (4.3, 3.0), arrowprops={"arrowstyle": "->", "lw": 1.5})
axes[1].text(4.8, 1.4, "activations", ha="center")
plt.show()

# %% [markdown]
# ### 1.2 · Why averaging gradients is exact
#
# With the mean loss over a batch, the gradient of a batch of $2b$ examples made of worker 0's
# batch $B_0$ and worker 1's batch $B_1$ (each of size $b$) is the mean of the two workers'
# gradients:
#
# $$
# \begin{aligned}
# \nabla_w \frac{1}{2b}\sum_{n \in B_0 \cup B_1} E_n
#   &= \frac{1}{2}\Big(\frac{1}{b}\sum_{n \in B_0} \nabla_w E_n
#      + \frac{1}{b}\sum_{n \in B_1} \nabla_w E_n\Big) \\
#   &= \tfrac{1}{2}\,(g_0 + g_1).
# \end{aligned}
# $$
#
# So if both workers start from the same weights and each step replaces every worker's gradient
# by the mean $\frac1p\sum_r g_r$, the workers take exactly the steps that one process would
# take on the concatenated batches. Only rounding can differ (the sums are added in another
# order). The operation that turns every worker's $g_r$ into $\sum_r g_r$ on every worker is
# called an **all-reduce**.

# %% [markdown]
# ## 2 · The collective and the trainer, from `course_nn.parallel`
#
# ### 2.1 · All-reduce by hand on 2 processes
#
# `parallel.all_reduce_demo` starts 2 processes; each joins a process group (rendezvous on
# 127.0.0.1), holds its own vector, calls `torch.distributed.all_reduce` with `SUM`, then
# divides by the number of workers, as DDP does with gradients:

# %%
show_source(parallel._all_reduce_worker)

# %%
reports = parallel.all_reduce_demo([[1.0, 2.0, 3.0], [10.0, 20.0, 40.0]])
for r in reports:
    print(f"rank {r['rank']}: before {r['before']}  after SUM {r['sum']}  "
          f"divided by 2 {r['mean']}")
print("both ranks hold the same mean:", np.array_equal(reports[0]["mean"], reports[1]["mean"]))

# %% [markdown]
# ### 2.2 · The trainer
#
# `parallel.train_data_parallel(build_model, X, y, nproc=..., ...)` starts `nproc` worker
# processes with `torch.multiprocessing` (spawn). Each worker builds the model, wraps it in
# `DistributedDataParallel` (which copies rank 0's weights to everyone, then all-reduces the
# gradients in buckets *during* `backward()`), reads its shard of the data through a
# `DistributedSampler` (a permutation seeded with `seed + epoch`, dealt round-robin to the
# workers), and trains with SGD. Rank 0 sends back the final weights and the per-epoch losses.
# A worker that raises makes the whole call raise its error, and no process is left behind.
# The loop each worker runs:

# %%
show_source(parallel._train_worker)

# %% [markdown]
# ## 3 · Experiments: the notebook-06 ConvNet on 1 and 2 workers
#
# The ConvNet of notebook 06 (two convolution + ReLU + max-pooling stages, then a fully
# connected layer), built from the package's layers, and handed to the workers as a builder of
# its torch twin (`conv.convnet_to_torch`), in float64 so that rounding is far below what we
# compare. Data: 1,024 of notebook 06's training digits, 2 epochs.

# %%
mnist = data.load_mnist_split(rng)  # notebook 06's split: a generator seeded with 0
X, y = mnist.X_train[:1024], mnist.y_train[:1024]
r = np.random.default_rng(1)
convnet = modules.Sequential(
    conv.Unflatten((1, 28, 28)),
    conv.Conv2d(1, 8, 5, r), modules.ReLU(), pooling.MaxPool2d(2),
    conv.Conv2d(8, 16, 5, r), modules.ReLU(), pooling.MaxPool2d(2),
    conv.Flatten(), modules.Linear(16 * 4 * 4, 10, r))
build = functools.partial(conv.convnet_to_torch, convnet, dtype=torch.float64)
n_params = sum(p.numel() for p in build().parameters())
print("digits:", X.shape, "| ConvNet parameters:", n_params)

# %% [markdown]
# One worker with batches of 64, and two workers with batches of 32 each. The sampler shuffles
# the indices with the same seed whatever the number of workers, and deals them round-robin:
# worker 0 gets positions 0, 2, 4, ..., worker 1 positions 1, 3, 5, .... So at every step the
# two workers' batches together are exactly the 64 examples the single worker uses: the two
# runs are the same training, and section 1.2 says they must end with the same weights.

# %%
SETTINGS = dict(epochs=2, lr=0.3, seed=0)
runs, call_seconds = {}, {}
for nproc, batch_size in ((1, 64), (2, 32)):
    start = time.perf_counter()
    runs[nproc] = parallel.train_data_parallel(build, X, y, nproc=nproc,
                                               batch_size=batch_size, **SETTINGS)
    call_seconds[nproc] = time.perf_counter() - start
for nproc, run in runs.items():
    print(f"{nproc} worker(s), {run.backend}: {run.steps_per_epoch} steps per epoch, "
          f"losses per epoch {np.round(run.epoch_losses, 2)}")

# %% [markdown]
# The check that makes data parallelism correct: 2 workers against 1, and each against the
# same training on **one** process without `torch.distributed`, each step on the
# concatenation of the workers' batches in the samplers' order
# (`parallel.train_single_process_equivalent`).

# %%
single = {1: parallel.train_single_process_equivalent(build, X, y, nproc=1, batch_size=64,
                                                      **SETTINGS),
          2: parallel.train_single_process_equivalent(build, X, y, nproc=2, batch_size=32,
                                                      **SETTINGS)}
gaps = {n: parallel.max_weight_difference(runs[n].state_dict, single[n].state_dict)
        for n in runs}
moved = parallel.max_weight_difference(runs[2].state_dict, runs[2].initial_state_dict)
print("training moved the weights by more than 0.01:", moved > 1e-2)
gap_1_2 = parallel.max_weight_difference(runs[1].state_dict, runs[2].state_dict)
print("1 worker against 2: largest |weight difference| < 1e-12:", gap_1_2 < 1e-12)
for n in runs:
    print(f"{n} worker(s): largest |weight difference| to one process < 1e-12:", gaps[n] < 1e-12)
print("same losses:", all(np.allclose(runs[n].epoch_losses, single[n].epoch_losses,
                                      rtol=1e-12, atol=0) for n in runs))

# %% [markdown]
# The weights agree to float64 rounding: the sums over the 64 examples run in a different
# order (two means of 32, averaged, against one mean of 64), and training moved the weights
# by more than $10^{-2}$, so the agreement is not an accident of weights that did not move.
# `tests/test_parallel.py` checks the same property on a small MLP in every test run.
#
# The losses side by side:

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for (n, run), style in zip(runs.items(), ["o-", "x--"], strict=True):
    epochs = np.arange(1, len(run.epoch_losses) + 1)
    ax.plot(epochs, run.epoch_losses, style, markersize=9, label=f"{n} worker(s)")
ax.set(xlabel="epoch", ylabel="mean training loss", xticks=[1, 2],
       title="the ConvNet on 1 and 2 workers")
ax.legend()
plt.show()
print("both runs learn (loss falls in epoch 2):",
      all(run.epoch_losses[1] < run.epoch_losses[0] for run in runs.values()))
print("same losses for 1 and 2 workers:",
      np.allclose(runs[1].epoch_losses, runs[2].epoch_losses, rtol=1e-12, atol=0))

# %% [markdown]
# ### 3.2 · Time per epoch on this machine
#
# Each worker runs with one torch thread (`torch.set_num_threads(1)`). The times are rank 0's
# wall-clock time per epoch; the first epoch includes warm-up, so we compare the second.

# %% tags=["nbval-ignore-output"]
for n, run in runs.items():
    print(f"{n} worker(s): seconds per epoch {np.round(run.epoch_seconds, 2)}, whole call "
          f"(starting the processes included) {call_seconds[n]:.1f} s")
speedup = runs[1].epoch_seconds[-1] / runs[2].epoch_seconds[-1]
print(f"speed-up of 2 workers in the last epoch: {speedup:.2f}x on {os.cpu_count()} cores, "
      f"load average {os.getloadavg()[0]:.1f}")

# %% [markdown]
# What to expect, honestly. On a 2-core machine two worker processes have one core each, and
# anything else running (the notebook's own kernel, NumPy's BLAS threads, other jobs) competes
# for the same cores. Each worker does half the work per epoch but waits for the other at every
# all-reduce, so the gain per epoch is at most 2x, and what you measure depends on what else
# the machine is doing: on different runs we saw from no gain to well short of 2x. Starting
# the processes (each imports torch and DDP) costs seconds, far more than this small
# training, so for a model this size one process is the faster choice overall. On a
# multi-GPU node the picture changes: each worker has its own GPU, `nccl` exchanges the gradients over NVLink
# or PCIe while `backward()` is still running, and for a model whose step takes much longer
# than the exchange the time per epoch falls nearly in proportion to the number of GPUs.
#
# ### 3.3 · How much is sent: workers and batch size against bytes all-reduced
#
# A ring all-reduce of $n$ numbers over $p$ workers makes each worker send $2\frac{p-1}{p}n$
# numbers (a reduce-scatter, then an all-gather), and there is one all-reduce per step. Larger
# batches mean fewer steps and fewer bytes; more workers shrink each worker's shard but barely
# change the traffic per all-reduce.

# %%
def show_traffic(batch_size=32, ax=None):
    ax = ax or plt.subplots(figsize=(5.5, 3.2))[1]
    workers = np.arange(1, 17)
    per_epoch = [parallel.all_reduce_bytes_per_epoch(n_params, 3000, nproc=int(p),
                                                     batch_size=batch_size) / 1e6
                 for p in workers]
    ax.plot(workers, per_epoch, "o-")
    ax.set(xlabel="workers p", ylabel="MB sent per worker per epoch",
           title=f"ConvNet (float32), 3,000 digits, batch {batch_size} per worker")
    return ax


# %% tags=["nbval-ignore-output", "remove-output"]
live_interact(show_traffic, batch_size=(8, 256, 8))

# %%
show_traffic(32)
plt.show()
print("2 workers send more per epoch than 8 workers:",
      parallel.all_reduce_bytes_per_epoch(n_params, 3000, nproc=2, batch_size=32)
      > parallel.all_reduce_bytes_per_epoch(n_params, 3000, nproc=8, batch_size=32))

# %% [markdown]
# ## 4 · On GPUs and on several machines
#
# `train_data_parallel` picks `nccl` when every worker can have its own CUDA device, and `gloo`
# otherwise; each worker then uses `cuda:<rank>`. With one GPU here, or none, it runs `gloo`:

# %% tags=["nbval-ignore-output"]
print("backend for 2 workers on this machine:", parallel.choose_backend(2))

# %% [markdown]
# On several machines one does not start the workers from a notebook. The worker code is
# launched by `torchrun`, which starts the processes on each machine, gives each its rank and
# world size through environment variables, and runs the rendezvous. On each of 2 machines
# with 4 GPUs each, for example (as instructions; not run here):
#
# ```bash
# torchrun --nnodes 2 --nproc-per-node 4 \
#     --rdzv-backend c10d --rdzv-id convnet-1 --rdzv-endpoint node0.example:29400 \
#     train.py
# ```
#
# Here `train.py` calls `torch.distributed.init_process_group("nccl")` without a rank or an
# address (it reads `RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `MASTER_ADDR` and `MASTER_PORT`), sets
# `torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))`, and then runs the same loop as
# `_train_worker` above. The rendezvous endpoint must be reachable from every machine; our
# notebook kept everything on 127.0.0.1.
#
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.parallel`. Replace the `None`, run the
# cell, and read the verdict. A worked solution is hidden below each.
#
# **Exercise 1 (steps per epoch).** With the settings below, how many optimiser steps does each
# worker take in one epoch? (`DistributedSampler` pads the shards to equal length; a last,
# shorter batch is still a step.)

# %%
print(exercises.STEPS_RUN)
my_steps = None
exercises.check_steps_per_epoch(my_steps)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Each worker gets ceil(examples / workers) examples, then batches of batch_size: round up.
run = exercises.STEPS_RUN
per_worker = int(np.ceil(run["n_examples"] / run["nproc"]))
exercises.check_steps_per_epoch(int(np.ceil(per_worker / run["batch_size"])))

# %% [markdown]
# **Exercise 2 (the ring all-reduce, coded).** Write `ring_all_reduce_bytes(n_values, nproc,
# bytes_per_value)`: the bytes each of `nproc` workers sends in one ring all-reduce of
# `n_values` numbers of `bytes_per_value` bytes each. In a ring, the vector is cut into `nproc`
# chunks; a reduce-scatter passes chunks round the ring `nproc - 1` times, and an all-gather
# passes the summed chunks round `nproc - 1` times more.

# %% tags=["stub"]
def ring_all_reduce_bytes(n_values, nproc, bytes_per_value):
    return None  # your code here


exercises.check_ring_all_reduce_bytes(ring_all_reduce_bytes)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def ring_all_reduce_bytes(n_values, nproc, bytes_per_value):
    # Two passes (reduce-scatter, all-gather), each nproc - 1 chunks of n_values / nproc.
    chunk = n_values / nproc * bytes_per_value
    return 2 * (nproc - 1) * chunk


exercises.check_ring_all_reduce_bytes(ring_all_reduce_bytes)

# %% [markdown]
# ## 6 · Summary
#
# * Data parallelism copies the model to every worker and splits each step's batch; model
#   parallelism splits the model. Data parallelism is the one for models that fit on a device.
# * An all-reduce leaves the sum of every worker's tensor on every worker; divided by the
#   number of workers it is the mean gradient that DDP uses.
# * Because the mean loss's gradient over a concatenated batch is the mean of the workers'
#   gradients, 2 workers train exactly like one process on the concatenated batches: checked
#   here on the notebook-06 ConvNet (weights equal to below $10^{-12}$), and in the tests.
# * On a 2-core machine 2 workers give little or no speed-up; on a multi-GPU node with `nccl`
#   the time per epoch falls nearly in proportion to the number of GPUs for a model whose
#   compute dominates the exchange.
# * `torchrun --nnodes ... --rdzv-endpoint ...` runs the same worker code on several machines.
