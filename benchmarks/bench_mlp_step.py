"""Time one training step of the NumPy MLP against the same step in PyTorch on the CPU.

A step is: zero the gradients, forward, softmax cross-entropy, backward, SGD with momentum and
weight decay. Both run in float64 on the same sizes in the same process; the ratio is
NumPy time / PyTorch time (below 1: NumPy is faster). PyTorch is timed with its default thread
count and with one thread, because on a 2-core machine its threads and NumPy's BLAS threads
compete for the cores. The NumPy and PyTorch steps are timed in alternation, so that load from
other processes slows both alike and the ratios stay meaningful on a shared machine.
"""

from __future__ import annotations

import numpy as np
import torch
from timing import interleaved_median_times, print_blas_report

from course_nn import layers, modules, optim
from course_nn.torch_bridge import to_torch


def main() -> None:
    print_blas_report()
    default_threads = torch.get_num_threads()
    print(f"{'sizes':>14} {'batch':>5} {'numpy ms':>9} {'torch ms':>9} {'ratio':>6} "
          f"{'torch(1) ms':>11} {'ratio(1)':>8}")
    rng = np.random.default_rng(0)
    for sizes, batch in [([64, 256, 10], 32), ([64, 100, 10], 32), ([784, 800, 10], 128)]:
        X = rng.standard_normal((batch, sizes[0]))
        y = rng.integers(0, sizes[-1], size=batch)
        model = modules.mlp(sizes, rng, activation="relu")
        sgd = optim.SGD(model, learning_rate=0.01, momentum=0.9, weight_decay=1e-4)

        def numpy_step(model=model, sgd=sgd, X=X, y=y):
            sgd.zero_grad()
            _, dscores = layers.softmax_cross_entropy(model.forward(X), y)
            model.backward(dscores, input_grad=False)  # torch skips it too
            sgd.step()

        net = to_torch(model)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
        Xt, yt = torch.tensor(X), torch.tensor(y)

        def torch_step(net=net, opt=opt, Xt=Xt, yt=yt):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(Xt), yt).backward()
            opt.step()

        torch.set_num_threads(default_threads)
        t_numpy, t_torch = interleaved_median_times([numpy_step, torch_step], 200, warmup=10)
        torch.set_num_threads(1)
        t_numpy_1, t_torch1 = interleaved_median_times([numpy_step, torch_step], 200, warmup=10)
        torch.set_num_threads(default_threads)
        label = "-".join(map(str, sizes))
        print(f"{label:>14} {batch:>5} {1e3 * t_numpy:>9.3f} {1e3 * t_torch:>9.3f} "
              f"{t_numpy / t_torch:>6.2f} {1e3 * t_torch1:>11.3f} {t_numpy_1 / t_torch1:>8.2f}")


if __name__ == "__main__":
    main()
