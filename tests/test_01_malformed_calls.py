"""Every public function of threshold_units and linear_rules refuses malformed input clearly.

Hypothesis picks a function, one of its arguments and a malformed value for it (None, text,
NaN, inf, the wrong number of dimensions, the wrong length, an empty array, a wrong label, a
rate out of range, a wrong option, a seed where a Generator belongs ...), keeps every other
argument valid, and checks that the call raises ``ValueError`` or ``TypeError`` whose message
names the argument as the caller wrote it. A wrong length may be reported under the name of the
argument it disagrees with, so there any argument's name will do.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_nn import linear_rules as lr
from course_nn import threshold_units as tu

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T4 = np.array([0.0, 1.0, 1.0, 1.0])
Y4 = 2 * T4 - 1
W3 = np.array([0.5, -1.0, 0.25])
V3 = np.array([1.0, 0.0, 1.0])

# Each argument: (kind, valid value). Kinds decide which malformed values are tried.
#   matrix / vector / scalar: numbers of that rank; "01" and "pm1" add "values outside {0, 1}
#   / {-1, +1}"; "any_rank" means the function accepts a vector or a matrix (no rank mutation),
#   "elementwise" any shape, empty included; a matrix's rows must match another argument, or
#   with "cols" its columns, or with "free" nothing;
#   rate: a positive real (rate0: >= 0); count: an int >= 1 (count0: >= 0); option; generator
#   (None is valid: no shuffling). "optional" means None is valid.
SPECS = {
    tu.step: {"net": ("vector elementwise", np.array([-1.0, 0.5]))},
    tu.threshold_unit: {"X": ("matrix any_rank cols", X4), "weights": ("vector", np.ones(2)),
                        "threshold": ("scalar", 1.0)},
    tu.gate_weights: {"name": ("option", "and"), "n_inputs": ("count", 2),
                      "threshold": ("rate optional", 1.0)},
    tu.two_layer_network: {"X": ("matrix cols", X4), "hidden_weights": ("matrix", np.eye(2)),
                           "hidden_thresholds": ("vector", np.ones(2)),
                           "output_weights": ("vector", np.ones(2)),
                           "output_threshold": ("scalar", 1.0)},
    tu.dnf_network: {"targets": ("vector 01", T4)},
    tu.cnf_network: {"targets": ("vector 01", T4)},
    tu.linear_separator: {"X": ("matrix", X4), "targets": ("vector 01", T4)},
    tu.count_separable_functions: {"n_inputs": ("count", 2)},
    tu.count_integer_weight_functions: {"n_inputs": ("count", 2), "max_weight": ("count0", 1)},
    tu.fewest_threshold_errors: {"values": ("vector", X4[:, 1] + X4[:, 0] / 2),
                                 "targets": ("vector 01", T4)},
    lr.add_bias: {"X": ("matrix free", X4)},
    lr.hebb_update: {"W": ("matrix", np.zeros((1, 3))), "pre": ("vector", V3),
                     "post": ("vector", np.ones(1)), "learning_rate": ("rate", 1.0)},
    lr.train_hebb: {"X": ("matrix pm1", 2 * X4 - 1), "y": ("vector pm1", Y4),
                    "learning_rate": ("rate", 1.0)},
    lr.perceptron_update: {"w": ("vector", W3), "x": ("vector", V3), "t": ("scalar 01", 1.0),
                           "learning_rate": ("rate", 1.0)},
    lr.train_perceptron: {"X": ("matrix", X4), "t": ("vector 01", T4),
                          "learning_rate": ("rate", 1.0), "max_epochs": ("count", 5),
                          "w0": ("vector optional", W3), "rng": ("generator", None)},
    lr.perceptron_margin_update: {"w": ("vector", W3), "x": ("vector", V3),
                                  "y": ("scalar pm1", 1.0), "learning_rate": ("rate", 1.0),
                                  "margin": ("rate0", 1.0)},
    lr.sgd_step: {"w": ("vector", W3), "x": ("vector any_rank", V3), "y": ("scalar pm1", 1.0),
                  "learning_rate": ("rate", 0.1), "loss": ("option", "hinge")},
    lr.lms_error: {"w": ("vector", W3), "X": ("matrix", X4), "t": ("vector", T4)},
    lr.least_squares: {"X": ("matrix", X4), "t": ("vector", T4)},
    lr.widrow_hoff_batch: {"X": ("matrix", X4), "t": ("vector", T4),
                           "learning_rate": ("rate", 0.1), "epochs": ("count0", 3),
                           "w0": ("vector optional", W3)},
    lr.widrow_hoff_incremental: {"X": ("matrix", X4), "t": ("vector", T4),
                                 "learning_rate": ("rate", 0.1), "epochs": ("count0", 3),
                                 "w0": ("vector optional", W3), "rng": ("generator", None)},
    lr.winnow_update: {"w": ("vector", np.ones(3)), "x": ("vector 01", V3),
                       "t": ("scalar 01", 1.0), "promotion": ("rate", 2.0),
                       "threshold": ("rate optional", 3.0)},
    lr.train_winnow: {"X": ("matrix 01", X4), "t": ("vector 01", T4),
                      "promotion": ("rate", 2.0), "max_epochs": ("count", 5),
                      "rng": ("generator", None)},
    lr.predict_linear: {"w": ("vector", W3), "X": ("matrix cols", X4)},
}
for loss_function in (lr.perceptron_criterion, lr.perceptron_criterion_grad, lr.hinge_loss,
                      lr.hinge_loss_grad):
    SPECS[loss_function] = {"w": ("vector", W3), "x": ("matrix any_rank", np.ones((4, 3))),
                            "y": ("vector pm1", Y4)}
for loss_function in (lr.squared_loss, lr.squared_loss_grad):
    SPECS[loss_function] = {"w": ("vector", W3), "x": ("matrix any_rank", np.ones((4, 3))),
                            "y": ("vector", T4)}


def _with(value, entry):
    bad = np.array(value, dtype=float)
    bad.flat[-1] = entry
    return bad


def malformed_values(kind: str, value) -> list[tuple[str, object]]:
    """(what, malformed value) pairs for an argument of this kind; "length" marks a value whose
    error may name the argument it disagrees with."""
    shape, *flags = kind.split()
    cases = _malformed(shape, flags, value)
    return [(what, bad) for what, bad in cases if not ("optional" in flags and bad is None)]


def _malformed(shape: str, flags: list[str], value) -> list[tuple[str, object]]:
    if shape in ("matrix", "vector", "scalar"):
        cases = [("none", None), ("text", "1.0"), ("texts", ["a", "b"]), ("object", object()),
                 ("nan", _with(value, np.nan)), ("inf", _with(value, -np.inf))]
        if shape != "scalar" and "elementwise" not in flags:
            cases.append(("empty", np.empty((0,) * np.ndim(value))))
            if "free" not in flags:  # a length another argument pins down
                array = np.asarray(value)
                cases.append(("length", array[:, :-1] if "cols" in flags else array[:-1]))
        if shape != "scalar" and "any_rank" not in flags and "elementwise" not in flags:
            cases.append(("rank", np.asarray(value)[None]))
        if "01" in flags:
            cases.append(("value", np.asarray(value) * 0 + 2))
        if "pm1" in flags:
            cases.append(("value", np.asarray(value) * 0))
        if shape == "scalar":
            cases.append(("rank", [value, value]))
        return cases
    if shape in ("rate", "rate0"):
        zero = [("zero", 0.0)] if shape == "rate" else []
        return zero + [("negative", -1.0), ("nan", float("nan")), ("inf", float("inf")),
                       ("text", "0.1"), ("bool", True), ("array", np.array([0.1, 0.2]))]
    if shape in ("count", "count0"):
        return [("below", -1), ("float", 1.5), ("text", "3"), ("bool", True), ("none", None)]
    if shape == "option":
        return [("unknown", "nope"), ("none", None), ("int", 3), ("list", ["and"])]
    if shape == "generator":
        return [("seed", 0), ("legacy", np.random.RandomState(0)), ("text", "rng")]
    raise AssertionError(shape)


CALLS = [(fn, name, what, bad)
         for fn, spec in SPECS.items()
         for name, (kind, value) in spec.items()
         for what, bad in malformed_values(kind, value)]


def _good_arguments(spec: dict) -> dict:
    return {name: (np.random.default_rng(0) if kind == "generator" else
                   np.array(value) if isinstance(value, np.ndarray) else value)
            for name, (kind, value) in spec.items()}


@pytest.mark.parametrize("fn", list(SPECS), ids=lambda f: f.__name__)
def test_valid_call_succeeds(fn):
    fn(**_good_arguments(SPECS[fn]))


def test_every_public_function_is_covered():
    public = {name for module in (tu, lr) for name, obj in vars(module).items()
              if callable(obj) and not name.startswith("_") and not isinstance(obj, type)
              and getattr(obj, "__module__", "") == module.__name__}
    assert public == {fn.__name__ for fn in SPECS}


def _assert_refused(fn, name, what, bad):
    arguments = _good_arguments(SPECS[fn])
    arguments[name] = bad
    with pytest.raises((ValueError, TypeError)) as info:
        fn(**arguments)
    message = str(info.value)
    names = list(SPECS[fn]) if what == "length" else [name]
    assert any(n in message for n in names), (fn.__name__, name, what, message)
    assert "got" in message or "must" in message, message


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CALLS))
def test_malformed_call_is_refused_naming_the_argument(call):
    _assert_refused(*call)


def test_malformed_call_table_is_large_and_all_refused():
    # the whole table, once, so that no case is left to chance
    assert len(CALLS) > 300
    failures = []
    for call in CALLS:
        try:
            _assert_refused(*call)
        except (AssertionError, pytest.fail.Exception) as error:
            failures.append(f"{call[0].__name__}({call[1]}={call[2]}): {error}")
    assert not failures, "\n".join(failures)
