"""Time forward + backward of the NumPy conv2d layer against torch's conv2d on the CPU.

One step is ``conv2d_forward`` then ``conv2d_backward`` (weight, bias and, except for a first
layer, input gradients) against ``torch.nn.functional.conv2d`` forward and ``.backward()`` of
the same upstream gradient. Both run in the same process on the same arrays, in float32 and
float64, on the layer shapes of notebook 06's ConvNet and on one larger layer. The ratio is
NumPy time / torch time (below 1: NumPy is faster), with both libraries at their default thread
counts and with both limited to one thread (like for like; the notebooks give torch one thread,
see README "GPUs"). The four are timed in alternating short rounds and the median taken, so a
load from other processes that comes and goes hits them alike; on a loaded machine OpenBLAS's
threaded matrix products sometimes stall for milliseconds, which the one-thread columns avoid.
The last line gives the largest one-thread ratio over the notebook's shapes and both dtypes;
the line before it the same with default threads.
"""

from __future__ import annotations

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from timing import median_time, print_blas_report

from course_nn import conv

# (label, batch, in channels, out channels, kernel, image size, padding, first layer?)
NOTEBOOK_SHAPES = [
    ("conv1 1->8 5x5 28x28", 32, 1, 8, 5, 28, 0, True),
    ("conv2 8->16 5x5 12x12", 32, 8, 16, 5, 12, 0, False),
]
LARGER = [("16->32 3x3 28x28 pad 1", 64, 16, 32, 3, 28, 1, False)]


def time_layer(batch, c_in, c_out, k, size, padding, first, dtype, rounds_count):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, c_in, size, size)).astype(dtype)
    w = (0.1 * rng.standard_normal((c_out, c_in, k, k))).astype(dtype)
    b = np.zeros(c_out, dtype=dtype)
    out_size = size + 2 * padding - k + 1
    dout = rng.standard_normal((batch, c_out, out_size, out_size)).astype(dtype)

    def numpy_step():
        _, cache = conv.conv2d_forward(x, w, b, 1, padding)
        conv.conv2d_backward(dout, cache, input_grad=not first)

    xt = torch.tensor(x, requires_grad=not first)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    dt = torch.tensor(dout)

    def torch_step():
        wt.grad = bt.grad = xt.grad = None
        torch.nn.functional.conv2d(xt, wt, bt, padding=padding).backward(dt)

    # Alternate short timings of the three, so that all see the same load from other processes
    # (a shared machine's load comes and goes); report the median over the rounds.
    default_threads = torch.get_num_threads()
    rounds: dict[str, list[float]] = {"numpy": [], "torch": [], "numpy1": [], "torch1": []}
    for _ in range(rounds_count):
        rounds["numpy"].append(median_time(numpy_step, repeats=5, warmup=1))
        rounds["torch"].append(median_time(torch_step, repeats=5, warmup=1))
        with threadpool_limits(1):
            rounds["numpy1"].append(median_time(numpy_step, repeats=5, warmup=1))
        torch.set_num_threads(1)
        rounds["torch1"].append(median_time(torch_step, repeats=5, warmup=1))
        torch.set_num_threads(default_threads)
    return {k: float(np.median(v)) for k, v in rounds.items()}


def main() -> None:
    print_blas_report()
    print("default: NumPy's BLAS and torch with their default threads; 1 thread: both limited "
          "to one")
    print(f"{'layer':>23} {'dtype':>7} {'numpy ms':>8} {'torch ms':>8} {'ratio':>5} "
          f"{'numpy(1)':>8} {'torch(1)':>8} {'ratio(1)':>8}")
    worst = {"default": 0.0, "1 thread": 0.0}
    for shapes, rounds in [(NOTEBOOK_SHAPES, 15), (LARGER, 5)]:
        for label, batch, c_in, c_out, k, size, padding, first in shapes:
            for dtype in (np.float32, np.float64):
                t = time_layer(batch, c_in, c_out, k, size, padding, first, dtype, rounds)
                ratio, ratio1 = t["numpy"] / t["torch"], t["numpy1"] / t["torch1"]
                if shapes is NOTEBOOK_SHAPES:
                    worst["default"] = max(worst["default"], ratio)
                    worst["1 thread"] = max(worst["1 thread"], ratio1)
                print(f"{label:>23} {np.dtype(dtype).name:>7} {1e3 * t['numpy']:>8.3f} "
                      f"{1e3 * t['torch']:>8.3f} {ratio:>5.2f} {1e3 * t['numpy1']:>8.3f} "
                      f"{1e3 * t['torch1']:>8.3f} {ratio1:>8.2f}")
    print(f"notebook shapes, default threads: largest NumPy/torch ratio {worst['default']:.2f}")
    print(f"notebook shapes: largest NumPy/torch ratio {worst['1 thread']:.2f}")


if __name__ == "__main__":
    main()
