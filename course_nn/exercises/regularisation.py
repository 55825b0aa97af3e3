"""Checkers for notebook 04's exercises (over-fitting, weight decay, dropout)."""

from __future__ import annotations

import numpy as np

from course_nn.exercises.result import CheckResult, answer_array, correct, not_yet

#: Exercise 1: plain SGD with this learning rate and L2 strength; the reader finds the
#: shrink factor that makes "multiply every weight, then step" the same update.
WEIGHT_DECAY = {"learning_rate": 0.1, "strength": 0.01}
#: Exercise 2: one hidden unit's output, passed through inverted dropout.
DROPOUT_UNIT = {"h": 0.6, "drop_prob": 0.2}
#: Exercise 3: 10-fold cross-validation over this many hidden-layer sizes, then a retrain.
CV_PLAN = {"k": 10, "settings": 4}


def _number(answer, name: str) -> float | CheckResult:
    value = answer_array(answer, name, ())
    return value if isinstance(value, CheckResult) else float(value)


def shrink_factor() -> float:
    return 1.0 - WEIGHT_DECAY["learning_rate"] * WEIGHT_DECAY["strength"]


def check_shrink_factor(answer) -> CheckResult:
    """Exercise 1: the factor ``gamma = 1 - R lambda`` for ``WEIGHT_DECAY``."""
    value = _number(answer, "gamma")
    if isinstance(value, CheckResult):
        return value
    want = shrink_factor()
    rate, lam = WEIGHT_DECAY["learning_rate"], WEIGHT_DECAY["strength"]
    if np.isclose(value, want, rtol=0, atol=1e-12):
        return correct(f"w - R (grad + lambda w) = (1 - R lambda) w - R grad, so gamma = {want:g}.")
    if np.isclose(value, 1 - lam):
        return not_yet("the L2 term's gradient lambda w is also multiplied by the learning rate R.")
    if np.isclose(value, rate * lam):
        return not_yet(f"{value:g} is how much is taken away; gamma is what is kept, 1 - R lambda.")
    if np.isclose(value, 1 + rate * lam):
        return not_yet("the sign is flipped: weight decay shrinks the weights, so gamma < 1.")
    return not_yet(f"{value:g} is not 1 - R lambda.")


def dropout_outputs() -> np.ndarray:
    h, p = DROPOUT_UNIT["h"], DROPOUT_UNIT["drop_prob"]
    return np.array([h / (1 - p), h])


def check_dropout_outputs(answer) -> CheckResult:
    """Exercise 2: ``[value passed on in training when kept, value passed on in evaluation]``."""
    value = answer_array(answer, "[kept_in_training, in_evaluation]", (2,))
    if isinstance(value, CheckResult):
        return value
    want = dropout_outputs()
    h, p = DROPOUT_UNIT["h"], DROPOUT_UNIT["drop_prob"]
    if np.allclose(value, want, rtol=1e-6, atol=1e-12):
        return correct(f"kept: {h} / (1 - {p}) = {want[0]:g}; evaluation passes h unchanged.")
    if np.isclose(value[0], h) and np.isclose(value[1], h * (1 - p)):
        return not_yet("that is the original (non-inverted) scheme, which scales at test time; "
                       "inverted dropout scales the kept units during training instead.")
    if np.isclose(value[0], h * (1 - p)) or np.isclose(value[0], h / p):
        return not_yet("a kept unit is divided by the keep probability 1 - drop_prob.")
    if not np.isclose(value[1], h):
        return not_yet("in evaluation inverted dropout is the identity: nothing is scaled.")
    return not_yet(f"{value[0]:g} is not h / (1 - drop_prob).")


def networks_trained() -> int:
    return CV_PLAN["k"] * CV_PLAN["settings"] + 1


def check_networks_trained(answer) -> CheckResult:
    """Exercise 3: networks trained by k-fold CV over ``CV_PLAN['settings']`` values plus the
    final retrain on all the data."""
    value = _number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    want = networks_trained()
    k, settings = CV_PLAN["k"], CV_PLAN["settings"]
    if value == want:
        return correct(f"{settings} settings x {k} folds = {k * settings}, plus the final retrain.")
    if value == k * settings:
        return not_yet("that is the cross-validation; the chosen setting is then retrained on "
                       "all the data once more.")
    if value in (k + 1, k, settings, settings + 1):
        return not_yet("every setting is trained once per fold.")
    return not_yet(f"{value:g} is not settings x folds + 1.")
