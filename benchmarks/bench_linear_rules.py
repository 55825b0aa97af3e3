"""Time one epoch of batch Widrow-Hoff (LMS) in NumPy against the same update in PyTorch (CPU).

Prints the median time of each and their ratio (NumPy / PyTorch) for a few problem sizes.
"""

from __future__ import annotations

import numpy as np
import torch
from timing import median_time, print_blas_report

from course_nn import linear_rules


def main() -> None:
    print_blas_report()
    rng = np.random.default_rng(0)
    print(f"{'N':>6} {'n':>5} {'numpy ms':>9} {'torch ms':>9} {'ratio':>6}")
    for n_examples, n_features in [(1_000, 10), (10_000, 100), (50_000, 500)]:
        X = rng.standard_normal((n_examples, n_features))
        t = X @ rng.standard_normal(n_features) + 0.1 * rng.standard_normal(n_examples)
        rate = 1.0 / n_examples / n_features

        def numpy_epoch(X=X, t=t, rate=rate):
            linear_rules.widrow_hoff_batch(X, t, learning_rate=rate, epochs=1)

        Xb = torch.tensor(linear_rules.add_bias(X))
        tt = torch.tensor(t)
        w = torch.zeros(Xb.shape[1], dtype=torch.float64)

        def torch_epoch(Xb=Xb, tt=tt, w=w, rate=rate):
            w.add_(rate * Xb.T @ (tt - Xb @ w))

        t_np, t_torch = median_time(numpy_epoch), median_time(torch_epoch)
        print(f"{n_examples:>6} {n_features:>5} {1e3 * t_np:>9.3f} {1e3 * t_torch:>9.3f} "
              f"{t_np / t_torch:>6.2f}")
    print("numpy_epoch includes input validation, the bias column and the error bookkeeping;"
          " torch_epoch is the bare update.")


if __name__ == "__main__":
    main()
