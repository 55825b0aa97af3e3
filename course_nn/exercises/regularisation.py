"""Checkers for notebook 04's exercises (weight decay, inverted dropout, cross-validation).

Every checker accepts any numeric form of an answer (see ``course_nn.exercises.result``),
never raises, and never restates the answer when it says "Correct.".
"""

from __future__ import annotations

import numpy as np

from course_nn import layers
from course_nn.exercises.coding import check_function
from course_nn.exercises.result import (
    CheckResult,
    _to_numpy,
    answer_number,
    correct,
    near_message,
    never_raises,
    not_yet,
)
from course_nn.gradcheck import numerical_gradient, relative_error

#: Exercise 1: plain SGD with this learning rate and L2 strength; the reader finds the
#: shrink factor that makes "multiply every weight, then step" the same update.
WEIGHT_DECAY = {"learning_rate": 0.05, "strength": 0.004}
#: Exercise 3: 10-fold cross-validation over this many hidden-layer sizes, then a retrain.
CV_PLAN = {"k": 10, "settings": 5}

#: gamma is asked exactly; float32 holds numbers near 1 to about 6e-8, so this accepts it.
_GAMMA_TOLERANCE = 1e-7


def shrink_factor() -> float:
    return 1.0 - WEIGHT_DECAY["learning_rate"] * WEIGHT_DECAY["strength"]


@never_raises
def check_shrink_factor(answer) -> CheckResult:
    """Exercise 1: the factor ``gamma = 1 - R lambda`` for ``WEIGHT_DECAY`` (exact)."""
    value = answer_number(answer, "gamma")
    if isinstance(value, CheckResult):
        return value
    want = shrink_factor()
    rate, lam = WEIGHT_DECAY["learning_rate"], WEIGHT_DECAY["strength"]
    if abs(value - want) <= _GAMMA_TOLERANCE:
        return correct("The L2 step and the shrink-then-step rule are the same update.")
    if abs(value - (1 - lam)) <= _GAMMA_TOLERANCE:
        return not_yet("the L2 term's gradient lambda w is also multiplied by the learning rate R.")
    if abs(value - (1 - rate)) <= _GAMMA_TOLERANCE:
        return not_yet("the shrinking comes from R times lambda w, not from R alone.")
    if abs(value - rate * lam) <= _GAMMA_TOLERANCE:
        return not_yet("that is how much of each weight is taken away; gamma is what is kept.")
    if abs(value - (1 + rate * lam)) <= _GAMMA_TOLERANCE:
        return not_yet("the sign is flipped: weight decay shrinks the weights, so gamma < 1.")
    if abs(value - want) <= 1e-3:
        return near_message("gamma")
    return not_yet("that is not 1 - R lambda for the values above.")


def _forward_reference(x, mask, drop_prob):
    return layers.dropout_forward(x, drop_prob, mask=mask)[0]


def _backward_reference(dout, mask, drop_prob):
    _, cache = layers.dropout_forward(np.zeros_like(dout), drop_prob, mask=mask)
    return layers.dropout_backward(dout, cache)


def _dropout_cases(rng: np.random.Generator) -> list[tuple]:
    cases = []
    for shape, p in [((4, 5), 0.5), ((3, 7), 0.2), ((6,), 0.75)]:
        mask = rng.random(shape) >= p
        mask.flat[0], mask.flat[-1] = True, False  # at least one kept and one dropped unit
        cases.append((rng.standard_normal(shape), mask, p))
    return cases


@never_raises
def check_dropout_functions(forward, backward) -> CheckResult:
    """Exercise 2: ``forward(x, mask, drop_prob)`` and ``backward(dout, mask, drop_prob)`` of
    inverted dropout with a given 0/1 mask, against ``course_nn.layers`` and against finite
    differences of the reader's own forward pass."""
    rng = np.random.default_rng(404)
    cases = _dropout_cases(rng)
    verdict = check_function(forward, "forward", _forward_reference, cases,
                             hint="Kept units are divided by the keep probability 1 - drop_prob.")
    if not verdict:
        return verdict
    if not callable(backward):
        return not_yet(f"backward should be a function, got {type(backward).__name__}.")
    for x, mask, p in cases:  # the backward pass must be the derivative of *this* forward pass
        dout = rng.standard_normal(x.shape)
        try:
            got = backward(dout.copy(), mask.copy(), p)
        except Exception as error:  # the reader's code may fail in any way
            return not_yet(f"backward raised {type(error).__name__}: {error}")
        if got is None:
            return not_yet("backward still returns None: write its body.")
        got = _to_numpy(got)
        if isinstance(got, str):
            return not_yet(f"backward returned something that {got}")
        if got.shape != x.shape:
            return not_yet(f"backward returned shape {got.shape}; dx has x's shape {x.shape}.")

        def loss(v, mask=mask, p=p, dout=dout):  # copies: a forward that edits x in place is fine
            return float(np.sum(_to_numpy(forward(v.copy(), mask.copy(), p)) * dout))

        numeric = numerical_gradient(loss, x.copy())
        if relative_error(numeric, got) > 1e-6:
            return not_yet("backward does not match finite differences of your forward pass: "
                           "the derivative of x * mask / (1 - p) with respect to x is "
                           "mask / (1 - p), the same scale the forward pass applied.")
    verdict = check_function(backward, "backward", _backward_reference, cases)
    if not verdict:
        return verdict
    return correct("Both agree with course_nn.layers on every test case, and backward passes a "
                   "gradient check against your forward.")


def networks_trained() -> int:
    return CV_PLAN["k"] * CV_PLAN["settings"] + 1


@never_raises
def check_networks_trained(answer) -> CheckResult:
    """Exercise 3: networks trained by k-fold CV over ``CV_PLAN['settings']`` values plus the
    final retrain on all the data."""
    value = answer_number(answer, "count")
    if isinstance(value, CheckResult):
        return value
    k, settings = CV_PLAN["k"], CV_PLAN["settings"]
    if value == networks_trained():
        return correct("Every setting once per fold, then the chosen one once on all the data.")
    if value == k * settings:
        return not_yet("that is the cross-validation; the chosen setting is then retrained on "
                       "all the data once more.")
    if value == k * settings + settings:
        return not_yet("only the chosen setting is retrained on all the data, not every one.")
    if value in (k + 1, k, settings, settings + 1):
        return not_yet("every setting is trained once per fold.")
    if value != round(value):
        return not_yet("a number of networks is a whole number.")
    return not_yet("count the trainings: settings times folds, then the final retrain.")
