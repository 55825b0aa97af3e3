"""Checkers for notebook 03's exercises (backpropagation).

Every checker returns a ``CheckResult``, never raises, accepts any numeric form of a right
answer (see ``course_nn.exercises.result``) and never restates the answer when it is right.
"""

from __future__ import annotations

import numpy as np

from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    THREE_FIGURES,
    CheckResult,
    answer_number,
    closeness,
    correct,
    near_message,
    never_raises,
    not_yet,
)

#: Exercise 1: an output unit's delta (3 significant figures).
OUTPUT_UNIT = {"o_k": 0.8, "t_k": 1.0}
#: Exercise 2: a hidden unit's delta, fed by two output units (3 significant figures).
HIDDEN_UNIT = {"o_j": 0.6, "downstream_deltas": [0.032, -0.05], "w_jk": [0.5, -1.0]}
#: Exercise 4: the layer sizes of an MLP whose parameters the reader counts.
MLP_SIZES = [64, 100, 10]


def output_delta() -> float:
    o, t = OUTPUT_UNIT["o_k"], OUTPUT_UNIT["t_k"]
    return (t - o) * o * (1 - o)


def _downstream_sum() -> float:
    return float(np.dot(HIDDEN_UNIT["downstream_deltas"], HIDDEN_UNIT["w_jk"]))


def hidden_delta() -> float:
    o = HIDDEN_UNIT["o_j"]
    return o * (1 - o) * _downstream_sum()


# --- exercise 1: an output delta --------------------------------------------------------------


@never_raises
def check_output_delta(answer) -> CheckResult:
    """Exercise 1: ``delta_k = (t_k - o_k) o_k (1 - o_k)`` for ``OUTPUT_UNIT`` (3 figures)."""
    value = answer_number(answer, "delta_k")
    if isinstance(value, CheckResult):
        return value
    want = output_delta()
    verdict = closeness(value, want, THREE_FIGURES)
    if verdict == "right":
        return correct("The error times the sigmoid's slope, both read off the output.")
    if closeness(-value, want) == "right":
        return not_yet("the sign is flipped: delta_k uses (t_k - o_k), which is positive here.")
    if closeness(value, OUTPUT_UNIT["t_k"] - OUTPUT_UNIT["o_k"]) == "right":
        return not_yet(
            "that is only the error t_k - o_k; multiply by the sigmoid's slope o_k (1 - o_k)."
        )
    if verdict == "near":
        return near_message("delta_k")
    return not_yet(f"{value:.4g} is not (t_k - o_k) o_k (1 - o_k).")


# --- exercise 2: a hidden delta ---------------------------------------------------------------


@never_raises
def check_hidden_delta(answer) -> CheckResult:
    """Exercise 2: ``delta_j = o_j (1 - o_j) sum_k delta_k w_jk`` for ``HIDDEN_UNIT``
    (3 significant figures)."""
    value = answer_number(answer, "delta_j")
    if isinstance(value, CheckResult):
        return value
    verdict = closeness(value, hidden_delta(), THREE_FIGURES)
    if verdict == "right":
        return correct("Both downstream units contribute, weighted by their connections.")
    if closeness(value, _downstream_sum()) == "right":
        return not_yet("that is the downstream sum alone; multiply by o_j (1 - o_j).")
    o = HIDDEN_UNIT["o_j"]
    first_only = HIDDEN_UNIT["downstream_deltas"][0] * HIDDEN_UNIT["w_jk"][0]
    if closeness(value, o * (1 - o) * first_only) == "right":
        return not_yet("j feeds both output units: sum delta_k w_jk over both of them.")
    if verdict == "near":
        return near_message("delta_j")
    return not_yet(f"{value:.4g} is not o_j (1 - o_j) sum_k delta_k w_jk.")


# --- exercise 3 (coding): the deltas of a tanh hidden layer -----------------------------------


def reference_tanh_hidden_deltas(deltas_above, W_above, o):
    """Exercise 3's reference: deltas (N, J) of a layer of J tanh units with outputs o (N, J),
    feeding K units with deltas ``deltas_above`` (N, K) through ``W_above`` (J, K).

    ``delta_j = (1 - o_j^2) sum_k delta_k w_jk`` for each example: tanh's slope, written with
    its output, in place of the sigmoid's ``o (1 - o)``.
    """
    return (1.0 - o**2) * (deltas_above @ W_above.T)


def _exercise3_cases():
    rng = np.random.default_rng(3)
    cases = []
    for n, j, k in ((1, 3, 2), (4, 2, 1), (5, 4, 3)):
        cases.append((rng.normal(0, 0.1, (n, k)), rng.normal(0, 1, (j, k)),
                      np.tanh(rng.normal(0, 1, (n, j)))))
    return cases


@never_raises
def check_tanh_hidden_deltas(candidate) -> CheckResult:
    """Exercise 3: ``candidate(deltas_above, W_above, o)`` must return the (N, J) deltas of a
    tanh hidden layer; compared with ``reference_tanh_hidden_deltas`` on three cases."""
    verdict = check_function(candidate, "tanh_hidden_deltas", reference_tanh_hidden_deltas,
                             _exercise3_cases())
    if verdict or "wrong in" not in verdict.message:
        return verdict
    deltas_above, W_above, o = _exercise3_cases()[-1]
    got = np.asarray(candidate(deltas_above.copy(), W_above.copy(), o.copy()), dtype=float)
    back = deltas_above @ W_above.T
    if np.allclose(got, o * (1 - o) * back):
        return not_yet("that is the sigmoid's slope o (1 - o); what is the slope of tanh, "
                       "written with its output o?")
    if np.allclose(got, back):
        return not_yet("the sum over the layer above is right; now multiply by the slope of "
                       "tanh at each unit.")
    return verdict


# --- exercise 4: counting parameters ----------------------------------------------------------


def parameter_count(sizes) -> int:
    """Weights plus biases of an MLP with layer ``sizes``: sum of in * out + out per layer."""
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True)))


@never_raises
def check_parameter_count(answer) -> CheckResult:
    """Exercise 4: the number of weights and biases of an MLP with layer sizes ``MLP_SIZES``."""
    value = answer_number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    if value != int(value):
        return not_yet(f"a count is a whole number, got {value:g}.")
    want = parameter_count(MLP_SIZES)
    if value == want:
        return correct("Every layer contributes in * out weights and one bias per unit.")
    weights_only = sum(a * b for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:], strict=True))
    if value == weights_only:
        return not_yet("you counted the weights; every unit also has a bias (threshold).")
    if closeness(value, want, 0.0) == "near":
        return not_yet("close: check each layer's count, and that every hidden and output unit "
                       "has one bias.")
    return not_yet(f"{value:g} is not the number of weights plus biases.")
