"""Checkers for notebook 03's exercises (backpropagation)."""

from __future__ import annotations

import numpy as np

from course_nn.exercises.result import CheckResult, answer_array, correct, not_yet

#: Exercise 1: an output unit's delta. Exercise 2: a hidden unit's delta, fed by two outputs.
OUTPUT_UNIT = {"o_k": 0.8, "t_k": 1.0}
HIDDEN_UNIT = {"o_j": 0.6, "downstream_deltas": [0.032, -0.05], "w_jk": [0.5, -1.0]}
#: Exercise 3: the layer sizes of an MLP whose parameters the reader counts.
MLP_SIZES = [64, 100, 10]


def _number(answer, name: str) -> float | CheckResult:
    value = answer_array(answer, name, ())
    return value if isinstance(value, CheckResult) else float(value)


def output_delta() -> float:
    o, t = OUTPUT_UNIT["o_k"], OUTPUT_UNIT["t_k"]
    return (t - o) * o * (1 - o)


def hidden_delta() -> float:
    o = HIDDEN_UNIT["o_j"]
    downstream = np.dot(HIDDEN_UNIT["downstream_deltas"], HIDDEN_UNIT["w_jk"])
    return float(o * (1 - o) * downstream)


def check_output_delta(answer) -> CheckResult:
    """Exercise 1: ``delta_k = (t_k - o_k) o_k (1 - o_k)`` for ``OUTPUT_UNIT``."""
    value = _number(answer, "delta_k")
    if isinstance(value, CheckResult):
        return value
    want = output_delta()
    if np.isclose(value, want, rtol=1e-6, atol=1e-12):
        return correct(f"delta_k = (1 - 0.8) * 0.8 * 0.2 = {want:.4g}.")
    if np.isclose(value, -want):
        return not_yet("the sign is flipped: delta_k uses (t_k - o_k), which is positive here.")
    if np.isclose(value, OUTPUT_UNIT["t_k"] - OUTPUT_UNIT["o_k"]):
        return not_yet(
            "that is only the error t_k - o_k; multiply by the sigmoid's slope o_k (1 - o_k)."
        )
    return not_yet(f"{value:.4g} is not (t_k - o_k) o_k (1 - o_k).")


def check_hidden_delta(answer) -> CheckResult:
    """Exercise 2: ``delta_j = o_j (1 - o_j) sum_k delta_k w_jk`` for ``HIDDEN_UNIT``."""
    value = _number(answer, "delta_j")
    if isinstance(value, CheckResult):
        return value
    want = hidden_delta()
    if np.isclose(value, want, rtol=1e-6, atol=1e-12):
        return correct(f"the downstream sum is 0.066, times 0.6 * 0.4 gives {want:.4g}.")
    downstream = np.dot(HIDDEN_UNIT["downstream_deltas"], HIDDEN_UNIT["w_jk"])
    if np.isclose(value, downstream):
        return not_yet("that is the downstream sum alone; multiply by o_j (1 - o_j).")
    return not_yet(f"{value:.4g} is not o_j (1 - o_j) sum_k delta_k w_jk.")


def parameter_count(sizes) -> int:
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True)))


def check_parameter_count(answer) -> CheckResult:
    """Exercise 3: the number of weights and biases of an MLP with layer sizes ``MLP_SIZES``."""
    value = _number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    want = parameter_count(MLP_SIZES)
    if value == want:
        return correct(f"64*100 + 100 + 100*10 + 10 = {want}.")
    weights_only = sum(a * b for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:], strict=True))
    if value == weights_only:
        return not_yet("you counted the weights; every unit also has a bias (threshold).")
    return not_yet(f"{value:g} is not the number of weights plus biases.")
