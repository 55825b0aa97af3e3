"""Sparsity penalties on an autoencoder's code, and their gradients (notebook 05).

A penalty maps a batch of codes ``y`` (N, H) to a number added to the reconstruction error, and
gives its gradient dP/dy (N, H), which ``Autoencoder.backward`` adds to the gradient that comes
down from the decoder. Both are **summed over the batch**, like the squared error that ``fit``
uses by default (``reduction="sum"``), so the penalty keeps the same weight relative to the
reconstruction error whatever the batch size.
"""

from __future__ import annotations

import numpy as np

from course_nn.validation import check_array, check_fraction, check_positive


def _check_code(code) -> np.ndarray:
    return check_array(code, "code", ndim=2, shape_hint="(N, H)")


class L1Penalty:
    """``P(y) = weight * sum_{n,j} |y_nj|``, with gradient ``weight * sign(y)``.

    At ``y = 0`` |y| has no derivative; we use the subgradient 0 there (``np.sign(0) = 0``), as
    PyTorch does for ``abs``. Sigmoid codes are never exactly 0, so this only matters for ReLU.
    """

    def __init__(self, weight: float):
        self.weight = check_positive(weight, "weight", allow_zero=True)

    def value(self, code) -> float:
        return self.weight * float(np.abs(_check_code(code)).sum())

    def gradient(self, code) -> np.ndarray:
        """dP/dy, the shape of ``code`` (N, H)."""
        return self.weight * np.sign(_check_code(code))

    def __repr__(self) -> str:
        return f"L1Penalty(weight={self.weight:g})"


class KLSparsity:
    """``P(y) = weight * N * sum_j KL(rho || rho_hat_j)`` for codes in (0, 1) (sigmoid units).

    ``rho_hat_j = mean_n y_nj`` is unit j's average activation over the batch and
    ``KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q))`` is the divergence
    between coins with those probabilities: it is 0 when every unit is on a fraction ``target``
    of the time on average. The factor N makes it a sum over examples like the squared error.
    Its gradient spreads equally over the batch:
    ``dP/dy_nj = weight * (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j))``.
    """

    def __init__(self, target: float, weight: float):
        self.target = check_fraction(target, "target")
        self.weight = check_positive(weight, "weight", allow_zero=True)

    def _mean(self, code) -> np.ndarray:
        code = _check_code(code)
        if np.any(code <= 0) or np.any(code >= 1):
            raise ValueError("code must lie strictly inside (0, 1) (sigmoid units) for "
                             f"KLSparsity, got values in [{code.min():g}, {code.max():g}]")
        return code.mean(axis=0)

    def value(self, code) -> float:
        rho, q = self.target, self._mean(code)
        kl = rho * np.log(rho / q) + (1 - rho) * np.log((1 - rho) / (1 - q))
        return self.weight * len(code) * float(kl.sum())

    def gradient(self, code) -> np.ndarray:
        rho, q = self.target, self._mean(code)
        per_unit = self.weight * (-rho / q + (1 - rho) / (1 - q))
        return np.broadcast_to(per_unit, code.shape).copy()

    def __repr__(self) -> str:
        return f"KLSparsity(target={self.target:g}, weight={self.weight:g})"


PENALTIES = (L1Penalty, KLSparsity)
