"""Malformed calls to the engine (layers, modules, optim, training, gradcheck, device, seeding).

Each must raise a ``ValueError`` or ``TypeError`` whose message names the argument as the caller
wrote it: never return silently, never broadcast a wrong shape into a number, never fail with an
AttributeError from deep inside NumPy. Two parts: a table of the cases issue 9 lists, and
hypothesis properties that generate wrong ranks, shapes, types, NaN/inf, empty arrays and
out-of-range options per public function. ``test_zz_count_of_malformed_calls`` (last) prints
how many malformed calls the file made.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from malformed import (
    CALLS,
    assert_clear_error,
    bad_options,
    non_numbers,
    not_arrays,
    with_nonfinite,
    wrong_ndim,
)

from course_nn import layers
from course_nn.device import choose_device, describe_device, limit_cpu_threads
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.modules import Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh, mlp
from course_nn.optim import SGD, Adam
from course_nn.seeding import seed, torch_generator
from course_nn.training import accuracy, evaluate, fit, forward_eval, loss_and_grad

EXAMPLES = 20
FAST = settings(max_examples=EXAMPLES, deadline=None)
VE, TE, EITHER = ValueError, TypeError, (ValueError, TypeError)

RNG = np.random.default_rng(0)
X4 = RNG.standard_normal((6, 4))
Y3 = np.array([0, 1, 2, 0, 1, 2])
Z34 = RNG.standard_normal((3, 4))


def model_4_8_3(**kwargs):
    return mlp([4, 8, 3], np.random.default_rng(1), **kwargs)


OWN = object()  # fit_call's default: an optimiser built for the model


def fit_call(model=None, optimiser=OWN, X=X4, y=Y3, **kwargs):
    """A zero-argument call of ``fit`` with one thing changed; quiet and short by default."""
    model = model_4_8_3() if model is None else model
    optimiser = SGD(model, 0.1) if optimiser is OWN else optimiser
    kwargs = {"epochs": 1, "show_progress": False, **kwargs}
    return lambda: fit(model, optimiser, X, y, **kwargs)


def backward_after_forward(module, x=Z34):
    module.forward(x)
    return module.backward


# --- the cases of issue 9 ---------------------------------------------------------------------

ISSUE_CASES = [
    # (id, call, exception types, argument named)
    ("optimiser of another model",
     lambda: fit_call(model_4_8_3(), SGD(model_4_8_3(), 0.5))(), VE, "optimiser"),
    ("optimiser=None", lambda: fit_call(optimiser=None)(), TE, "optimiser"),
    ("torch optimiser", lambda: fit_call(optimiser=torch.optim.SGD(
        torch.nn.Linear(4, 3).parameters(), lr=0.1))(), TE, "optimiser"),
    ("X with 5 columns for Linear(4, 8)",
     lambda: fit_call(X=RNG.standard_normal((6, 5)))(), VE, "X"),
    ("X_val with 5 columns", lambda: fit_call(
        X_val=RNG.standard_normal((2, 5)), y_val=Y3[:2])(), VE, "X_val"),
    ("cross-entropy on one output",
     lambda: fit_call(model=mlp([4, 1], RNG))(), VE, "loss"),
    ("restore_best='yes'", lambda: fit_call(restore_best="yes")(), TE, "restore_best"),
    ("show_progress=1", lambda: fit_call(show_progress=1)(), TE, "show_progress"),
    ("X=None", lambda: fit_call(X=None)(), TE, "X"),
    ("y=None", lambda: fit_call(y=None)(), TE, "y"),
    ("float labels", lambda: fit_call(y=Y3.astype(float))(), VE, "y"),
    ("X_val without y_val", lambda: fit_call(X_val=X4)(), VE, "y_val"),
    ("reduction='avg'", lambda: fit_call(reduction="avg")(), VE, "reduction"),
    ("model=None", lambda: fit(None, SGD(model_4_8_3(), 0.1), X4, Y3), TE, "model"),
    ("sigmoid(None)", lambda: layers.sigmoid(None), TE, "z"),
    ("sigmoid('1.5')", lambda: layers.sigmoid("1.5"), TE, "z"),
    ("tanh_forward(None)", lambda: layers.tanh_forward(None), TE, "z"),
    ("relu_forward([[None]])", lambda: layers.relu_forward([[None]]), TE, "z"),
    ("log_softmax of 1-D", lambda: layers.log_softmax(np.zeros(3)), VE, "scores"),
    ("softmax of a list", lambda: layers.softmax([[1.0, 2.0]]), TE, "scores"),
    ("affine_forward of a list", lambda: layers.affine_forward(
        [[1.0] * 4], RNG.standard_normal((4, 2)), np.zeros(2)), TE, "x"),
    ("cross-entropy labels None", lambda: layers.softmax_cross_entropy(Z34, None), TE, "labels"),
    ("squared_error targets '1'", lambda: layers.squared_error(Z34, "1"), TE, "targets"),
    ("accuracy(ones((3, 2)), eye(3))", lambda: accuracy(np.ones((3, 2)), np.eye(3)), VE, "targets"),
    ("accuracy with float labels",
     lambda: accuracy(np.ones((3, 2)), np.array([0.0, 1.0, 1.0])), TE, "targets"),
    ("accuracy on empty input", lambda: accuracy(np.zeros((0, 2)), np.zeros(0, int)), VE,
     "outputs"),
    ("accuracy labels of wrong length",
     lambda: accuracy(np.ones((3, 2)), np.array([0, 1])), VE, "targets"),
    ("accuracy labels out of range",
     lambda: accuracy(np.ones((3, 2)), np.array([0, 1, 2])), VE, "targets"),
    ("accuracy of a 1-D output", lambda: accuracy(np.ones(3), np.array([0, 1, 0])), VE,
     "outputs"),
    ("accuracy targets None", lambda: accuracy(np.ones((3, 2)), None), TE, "targets"),
    ("load_state_dict NaN", lambda: model_4_8_3().load_state_dict(
        {k: np.full_like(v, np.nan) for k, v in model_4_8_3().state_dict().items()}), VE,
     "state"),
    ("load_state_dict '1.5'", lambda: Linear(1, 1, RNG).load_state_dict(
        {"weight": np.ones((1, 1)), "bias": "1.5"}), TE, "state"),
    ("load_state_dict objects", lambda: Linear(1, 1, RNG).load_state_dict(
        {"weight": np.ones((1, 1)), "bias": [object()]}), TE, "state"),
    ("load_state_dict None", lambda: Linear(1, 1, RNG).load_state_dict(None), TE, "state"),
    ("Linear(init_range=-1) with xavier",
     lambda: Linear(2, 3, RNG, init="xavier", init_range=-1), VE, "init_range"),
    ("Linear(init_range=-1) by mlp", lambda: mlp([2, 3], RNG, init_range=-1), VE, "init_range"),
    ("mlp(sizes=None)", lambda: mlp(None, RNG), TE, "sizes"),
    ("mlp(sizes='784')", lambda: mlp("784", RNG), TE, "sizes"),
    ("mlp(sizes=[4, 2.5])", lambda: mlp([4, 2.5], RNG), TE, "sizes[1]"),
    ("model.forward(list)", lambda: model_4_8_3().forward([[0.0] * 4]), TE, "x"),
    ("Linear.forward 5 columns", lambda: Linear(4, 2, RNG).forward(np.zeros((2, 5))), VE, "x"),
    ("train('no')", lambda: model_4_8_3().train("no"), TE, "mode"),
    ("relative_error(None, ...)", lambda: relative_error(None, np.ones(2)), TE, "a"),
    ("relative_error of lists of str", lambda: relative_error(["1"], [1.0]), TE, "a"),
    ("numerical_gradient of a vector f",
     lambda: numerical_gradient(lambda v: v, np.ones(2)), TE, "f"),
    ("check_layer_gradients wrong gradient shape", lambda: check_layer_gradients(
        layers.relu_forward, lambda d, c: d[:1], {"z": np.ones((2, 2))}, RNG), VE, "backward"),
    ("SGD(model=None)", lambda: SGD(None, 0.1), TE, "model"),
    ("Adam(betas=0.9)", lambda: Adam(model_4_8_3(), betas=0.9), TE, "betas"),
    ("seed(2**64)", lambda: seed(2**64), VE, "seed"),
    ("describe_device(None)", lambda: describe_device(None), TE, "device"),
    ("limit_cpu_threads('gpu0')", lambda: limit_cpu_threads("gpu0"), VE, "device"),
    ("torch_generator(device=3)", lambda: torch_generator(0, device=3), TE, "device"),
    ("choose_device(prefer=['cpu'])", lambda: choose_device(prefer=["cpu"]), VE, "prefer"),
]

# dout of a wrong, broadcastable shape against a (3, 4) output: every backward pass refuses it
BROADCASTABLE = [(3, 1), (1, 4), (4,), (), (1, 3, 4)]
BACKWARDS = {
    "sigmoid_backward": lambda: (layers.sigmoid_backward, layers.sigmoid_forward(Z34)[1]),
    "tanh_backward": lambda: (layers.tanh_backward, layers.tanh_forward(Z34)[1]),
    "relu_backward": lambda: (layers.relu_backward, layers.relu_forward(Z34)[1]),
    "dropout_backward (training)": lambda: (
        layers.dropout_backward, layers.dropout_forward(Z34, 0.5, rng=RNG)[1]),
    "dropout_backward (eval)": lambda: (
        layers.dropout_backward, layers.dropout_forward(Z34, 0.5, training=False)[1]),
}
for label, make in BACKWARDS.items():
    for shape in BROADCASTABLE:
        ISSUE_CASES.append((f"{label} dout {shape}", lambda make=make, shape=shape: (
            make()[0](np.ones(shape), make()[1])), VE, "dout"))
MODULES = {
    "Sigmoid": Sigmoid, "Tanh": Tanh, "ReLU": ReLU,
    "Dropout": lambda: Dropout(0.5, np.random.default_rng(0)),
    "Dropout (eval)": lambda: Dropout(0.5, np.random.default_rng(0)).eval(),
    "sigmoid-output mlp": lambda: mlp([4, 4], RNG, output_activation="sigmoid"),
}
for label, make in MODULES.items():
    for shape in [(3, 1), (4,)]:
        ISSUE_CASES.append((f"{label}.backward dout {shape}", lambda make=make, shape=shape: (
            backward_after_forward(make())(np.ones(shape))), VE, "dout"))


@pytest.mark.parametrize(
    "call, exc_types, arg_name", [c[1:] for c in ISSUE_CASES], ids=[c[0] for c in ISSUE_CASES]
)
def test_issue_case_raises_clearly(call, exc_types, arg_name):
    assert_clear_error(call, exc_types, arg_name)


def test_width_mismatch_message_speaks_of_the_model():
    error = assert_clear_error(fit_call(X=RNG.standard_normal((6, 5))), ValueError, "X")
    assert str(error) == (
        "X must have 4 columns to match the model's first layer (Linear(4, 8)), got 5"
    )


def test_optimiser_of_the_same_arrays_is_accepted():
    # A model holding the very same parameter arrays (another container of the same layers) is
    # the optimiser's model: fit accepts it and trains it.
    model = model_4_8_3()
    optimiser = SGD(model, 0.5)
    same = Sequential(*model.modules)
    before = model.state_dict()
    fit(same, optimiser, X4, Y3, epochs=2, show_progress=False)
    assert any(not np.array_equal(v, before[k]) for k, v in model.state_dict().items())


def test_fit_with_another_models_optimiser_leaves_both_untouched():
    model_a, model_b = model_4_8_3(), model_4_8_3()
    a, b = model_a.state_dict(), model_b.state_dict()
    assert_clear_error(fit_call(model_a, SGD(model_b, 0.5)), ValueError, "optimiser")
    for name in a:
        np.testing.assert_array_equal(model_a.state_dict()[name], a[name])
        np.testing.assert_array_equal(model_b.state_dict()[name], b[name])
        assert not model_b.gradients()[name].any()


def test_load_state_dict_refusal_changes_nothing():
    model = model_4_8_3()
    before = model.state_dict()
    bad = {k: v + 1.0 for k, v in before.items()}
    bad["2.bias"] = np.array([1.0, np.nan, 2.0])
    assert_clear_error(lambda: model.load_state_dict(bad), ValueError, "state")
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


# --- properties: layers -----------------------------------------------------------------------

W42, B2 = RNG.standard_normal((4, 2)), np.zeros(2)


@FAST
@given(which=st.sampled_from("xwb"),
       value=st.one_of(not_arrays(), st.lists(st.floats(), max_size=3)))
def test_affine_forward_refuses_non_arrays(which, value):
    args = {"x": X4, "w": W42, "b": B2, which: value}
    assert_clear_error(lambda: layers.affine_forward(**args), TypeError, which)


@FAST
@given(which=st.sampled_from("xw"), value=wrong_ndim(2))
def test_affine_forward_refuses_wrong_rank(which, value):
    args = {"x": X4, "w": W42, "b": B2, which: value}
    assert_clear_error(lambda: layers.affine_forward(**args), ValueError, which)


@FAST
@given(d=st.integers(1, 6).filter(lambda d: d != 4), m=st.integers(1, 3))
def test_affine_forward_refuses_mismatched_shapes(d, m):
    assert_clear_error(lambda: layers.affine_forward(X4, np.ones((d, 2)), B2), ValueError, "w")
    assert_clear_error(lambda: layers.affine_forward(X4, W42, np.ones(m + 2)), ValueError, "b")


@FAST
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=7).filter(
    lambda s: s != (6, 2)))
def test_affine_backward_refuses_every_other_dout_shape(shape):
    _, cache = layers.affine_forward(X4, W42, B2)
    assert_clear_error(lambda: layers.affine_backward(np.ones(shape), cache), ValueError, "dout")


@FAST
@given(
    kernel=st.sampled_from(["sigmoid", "tanh", "relu", "dropout"]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5).filter(
        lambda s: s != (3, 4)),
)
def test_elementwise_backward_refuses_every_other_dout_shape(kernel, shape):
    if kernel == "dropout":
        _, cache = layers.dropout_forward(Z34, 0.3, rng=np.random.default_rng(0))
    else:
        _, cache = getattr(layers, f"{kernel}_forward")(Z34)
    backward = getattr(layers, f"{kernel}_backward")
    assert_clear_error(lambda: backward(np.ones(shape), cache), ValueError, "dout")


@FAST
@given(kernel=st.sampled_from(["sigmoid_backward", "tanh_backward", "relu_backward",
                               "dropout_backward", "affine_backward"]),
       dout=st.one_of(not_arrays(), st.lists(st.floats(), max_size=3)))
def test_backward_refuses_non_array_dout(kernel, dout):
    cache = (layers.affine_forward(X4, W42, B2)[1] if kernel == "affine_backward"
             else np.ones((3, 4)))
    assert_clear_error(lambda: getattr(layers, kernel)(dout, cache), TypeError, "dout")


@FAST
@given(kernel=st.sampled_from(["sigmoid", "tanh_forward", "relu_forward", "sigmoid_forward"]),
       z=not_arrays())
def test_elementwise_forward_refuses_non_numbers(kernel, z):
    assert_clear_error(lambda: getattr(layers, kernel)(z), TypeError, "z")


@FAST
@given(fn=st.sampled_from(["log_softmax", "softmax"]), scores=wrong_ndim(2))
def test_softmax_refuses_wrong_rank(fn, scores):
    assert_clear_error(lambda: getattr(layers, fn)(scores), ValueError, "scores")


@FAST
@given(labels=st.one_of(
    hnp.arrays(np.int64, st.integers(0, 5).filter(lambda n: n != 3), elements=st.integers(0, 3)),
    hnp.arrays(np.int64, 3, elements=st.integers(4, 100)),
    hnp.arrays(np.int64, 3, elements=st.integers(-100, -1)),
    hnp.arrays(np.float64, 3, elements=st.floats(0, 3)),
    not_arrays(),
))
def test_cross_entropy_refuses_bad_labels(labels):
    assert_clear_error(lambda: layers.softmax_cross_entropy(Z34, labels), EITHER, "labels")


@FAST
@given(targets=st.one_of(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=5).filter(
        lambda s: s != (3, 4))),
    not_arrays(),
))
def test_squared_error_refuses_bad_targets(targets):
    assert_clear_error(lambda: layers.squared_error(Z34, targets), EITHER, "targets")


@FAST
@given(reduction=bad_options(layers.REDUCTIONS))
def test_losses_refuse_unknown_reduction(reduction):
    assert_clear_error(lambda: layers.squared_error(Z34, Z34, reduction), ValueError, "reduction")
    assert_clear_error(lambda: layers.softmax_cross_entropy(Z34, np.zeros(3, int), reduction),
                       ValueError, "reduction")


@FAST
@given(drop_prob=st.one_of(non_numbers(), st.floats().filter(lambda p: not 0 <= p < 1)))
def test_dropout_refuses_bad_drop_prob(drop_prob):
    assert_clear_error(lambda: layers.dropout_forward(Z34, drop_prob, rng=RNG), EITHER,
                       "drop_prob")
    assert_clear_error(lambda: Dropout(drop_prob, RNG), EITHER, "drop_prob")


@FAST
@given(mask=st.one_of(
    hnp.arrays(np.bool_, hnp.array_shapes(min_dims=0, max_dims=3, max_side=5).filter(
        lambda s: s != (3, 4))),
    not_arrays().filter(lambda m: m is not None),  # None: draw the mask from rng
), training=st.one_of(st.just(True), non_numbers().filter(lambda v: not isinstance(v, bool))))
def test_dropout_refuses_bad_mask_and_training(mask, training):
    assert_clear_error(lambda: layers.dropout_forward(Z34, 0.5, mask=mask), EITHER, "mask")
    if training is not True:
        assert_clear_error(lambda: layers.dropout_forward(Z34, 0.5, training=training),
                           TypeError, "training")


# --- properties: modules and optimisers -------------------------------------------------------


@FAST
@given(
    arg=st.sampled_from(["in_features", "out_features", "init_range", "init", "rng"]),
    value=st.one_of(non_numbers(), st.integers(-5, 0), st.floats(allow_nan=True).filter(
        lambda v: not (v > 0 and np.isfinite(v)))),
)
def test_linear_refuses_bad_arguments(arg, value):
    kwargs = {"in_features": 2, "out_features": 3, "rng": RNG, "init": "uniform",
              "init_range": 0.3, arg: value}
    if arg == "init_range" and isinstance(value, float) and value > 0:
        return
    assert_clear_error(lambda: Linear(**kwargs), EITHER, arg)


@FAST
@given(x=st.one_of(wrong_ndim(2), not_arrays(),
                   hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 7)).filter(
                       lambda s: s[1] != 4))))
def test_model_forward_refuses_bad_x(x):
    assert_clear_error(lambda: model_4_8_3().forward(x), EITHER, "x")


@FAST
@given(name=st.sampled_from(["0.weight", "0.bias", "2.weight", "2.bias"]), data=st.data())
def test_load_state_dict_refuses_bad_values(name, data):
    model = model_4_8_3()
    state = model.state_dict()
    shape = state[name].shape
    state[name] = data.draw(st.one_of(not_arrays(), wrong_ndim(len(shape)), with_nonfinite(shape),
                                      st.just(np.ones(shape[:-1] + (shape[-1] + 1,)))))
    assert_clear_error(lambda: model.load_state_dict(state), EITHER, "state")


@FAST
@given(sizes=st.one_of(
    not_arrays(),
    st.lists(st.integers(1, 5), max_size=1),
    st.lists(st.one_of(st.integers(-3, 0), st.floats(1, 5), st.none()), min_size=2, max_size=3),
))
def test_mlp_refuses_bad_sizes(sizes):
    assert_clear_error(lambda: mlp(sizes, RNG), EITHER, "sizes")


@FAST
@given(arg=st.sampled_from(["activation", "output_activation", "init"]),
       value=bad_options(["sigmoid", "tanh", "relu", "xavier", "uniform"]))
def test_mlp_refuses_unknown_options(arg, value):
    if arg == "output_activation" and value is None:
        return  # None means raw scores
    assert_clear_error(lambda: mlp([2, 3], RNG, **{arg: value}), ValueError, arg)


@FAST
@given(mode=non_numbers().filter(lambda v: not isinstance(v, bool)))
def test_train_and_input_grad_must_be_bools(mode):
    model = model_4_8_3()
    assert_clear_error(lambda: model.train(mode), TypeError, "mode")
    model.forward(X4)
    assert_clear_error(lambda: model.backward(np.ones((6, 3)), input_grad=mode), TypeError,
                       "input_grad")


@FAST
@given(
    arg=st.sampled_from(["learning_rate", "momentum", "weight_decay"]),
    value=st.one_of(non_numbers(), st.sampled_from([-1.0, -1e-9, np.nan, np.inf, -np.inf])),
)
def test_sgd_refuses_bad_hyper_parameters(arg, value):
    kwargs = {"learning_rate": 0.1, arg: value}
    assert_clear_error(lambda: SGD(model_4_8_3(), **kwargs), EITHER, arg)


@FAST
@given(
    arg=st.sampled_from(["learning_rate", "eps", "weight_decay", "betas"]),
    value=st.one_of(non_numbers(), st.sampled_from([-1.0, np.nan, np.inf])),
    beta=st.one_of(st.floats().filter(lambda b: not 0 <= b < 1), non_numbers()),
    which=st.integers(0, 1),
)
def test_adam_refuses_bad_hyper_parameters(arg, value, beta, which):
    if arg == "betas":
        betas = [0.9, 0.999]
        betas[which] = beta
        assert_clear_error(lambda: Adam(model_4_8_3(), betas=tuple(betas)), EITHER,
                           f"betas[{which}]")
        value = value if not isinstance(value, list) else 0.5  # a 1-item list is not a pair
        assert_clear_error(lambda: Adam(model_4_8_3(), betas=value), TypeError, "betas")
    else:
        assert_clear_error(lambda: Adam(model_4_8_3(), **{arg: value}), EITHER, arg)


@FAST
@given(model=st.one_of(not_arrays(), st.builds(lambda: torch.nn.Linear(2, 1))))
def test_optimisers_refuse_non_modules(model):
    assert_clear_error(lambda: SGD(model, 0.1), TypeError, "model")
    assert_clear_error(lambda: Adam(model), TypeError, "model")


# --- properties: training ---------------------------------------------------------------------


@FAST
@given(X=st.one_of(wrong_ndim(2), not_arrays(), with_nonfinite((6, 4)),
                   hnp.arrays(np.float64, (6, 0)),
                   hnp.arrays(np.float64, st.tuples(st.just(6), st.integers(1, 7).filter(
                       lambda d: d != 4)), elements=st.floats(-1, 1))))
def test_fit_refuses_bad_X(X):
    assert_clear_error(fit_call(X=X), EITHER, "X")


@FAST
@given(y=st.one_of(
    not_arrays(),
    hnp.arrays(np.int64, st.integers(0, 9).filter(lambda n: n != 6), elements=st.integers(0, 2)),
    hnp.arrays(np.int64, 6, elements=st.integers(3, 50)),
    hnp.arrays(np.float64, 6, elements=st.floats(0, 2)),
    hnp.arrays(np.int64, (6, 1), elements=st.integers(0, 2)),
))
def test_fit_refuses_bad_labels(y):
    assert_clear_error(fit_call(y=y), EITHER, "y")


@FAST
@given(y=st.one_of(wrong_ndim(2), with_nonfinite((6, 3)),
                   hnp.arrays(np.float64, st.tuples(st.integers(1, 9), st.integers(1, 5)).filter(
                       lambda s: s != (6, 3)), elements=st.floats(0, 1))))
def test_fit_squared_refuses_bad_targets(y):
    assert_clear_error(fit_call(y=y, loss="squared"), ValueError, "y")


@FAST
@given(X_val=st.one_of(wrong_ndim(2), with_nonfinite((2, 4)), not_arrays()))
def test_fit_refuses_bad_validation_data(X_val):
    assert_clear_error(fit_call(X_val=X_val, y_val=Y3[:2]), EITHER, "X_val")


@FAST
@given(
    arg=st.sampled_from(["epochs", "batch_size", "patience", "rng", "restore_best",
                         "show_progress", "target_loss", "shrink_factor"]),
    value=st.one_of(non_numbers(), st.sampled_from([0, -1, 1.5, np.nan, -0.5, 2.0])),
)
def test_fit_refuses_bad_options(arg, value):
    valid = {
        "batch_size": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)
                                              and v >= 1),
        "patience": lambda v: v is None,
        "rng": lambda v: v is None,
        "target_loss": lambda v: v is None or (isinstance(v, float | int)
                                               and not isinstance(v, bool) and v >= 0),
        "shrink_factor": lambda v: v is None or (isinstance(v, float) and 0 < v <= 1),
        "restore_best": lambda v: isinstance(v, bool),
        "show_progress": lambda v: isinstance(v, bool),
    }.get(arg, lambda v: False)
    if valid(value):
        return
    assert_clear_error(fit_call(**{arg: value}), EITHER, arg)


@FAST
@given(arg=st.sampled_from(["loss", "reduction"]), value=bad_options(["cross_entropy", "squared",
                                                                      "sum", "mean"]))
def test_fit_refuses_unknown_loss_and_reduction(arg, value):
    if arg == "reduction" and value is None:
        return  # None: the loss's default reduction
    assert_clear_error(fit_call(**{arg: value}), ValueError, arg)
    if arg == "loss":
        assert_clear_error(lambda: loss_and_grad(value, Z34, np.zeros(3, int)), ValueError, arg)


@FAST
@given(optimiser=st.one_of(not_arrays(), st.builds(lambda: SGD(model_4_8_3(), 0.1)),
                           st.builds(lambda: Adam(mlp([4, 3], RNG)))))
def test_fit_refuses_a_foreign_optimiser(optimiser):
    assert_clear_error(fit_call(optimiser=optimiser), EITHER, "optimiser")


@FAST
@given(outputs=st.one_of(wrong_ndim(2), not_arrays(), hnp.arrays(np.float64, (0, 3))))
def test_accuracy_refuses_bad_outputs(outputs):
    assert_clear_error(lambda: accuracy(outputs, Y3), EITHER, "outputs")


@FAST
@given(targets=st.one_of(
    not_arrays(),
    hnp.arrays(np.float64, 6, elements=st.floats(0, 2)),
    hnp.arrays(np.int64, st.integers(0, 9).filter(lambda n: n != 6), elements=st.integers(0, 2)),
    hnp.arrays(np.int64, 6, elements=st.integers(3, 9)),
    hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 4)).filter(
        lambda s: s != (6, 3)), elements=st.floats(0, 1)),
))
def test_accuracy_refuses_bad_targets(targets):
    assert_clear_error(lambda: accuracy(np.ones((6, 3)), targets), EITHER, "targets")


@FAST
@given(X=st.one_of(wrong_ndim(2), not_arrays(), hnp.arrays(np.float64, (2, 5))),
       fn=st.sampled_from(["evaluate", "forward_eval"]))
def test_evaluation_refuses_bad_X(X, fn):
    model = model_4_8_3()
    if fn == "evaluate":
        assert_clear_error(lambda: evaluate(model, "cross_entropy", X, Y3[:2]), EITHER, "X")
    else:
        assert_clear_error(lambda: forward_eval(model, X), EITHER, "X")


# --- properties: gradcheck, device, seeding ---------------------------------------------------


@FAST
@given(a=st.one_of(not_arrays(), hnp.arrays(np.float64, 0)),
       b_shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3).filter(lambda s: s != (2,)))
def test_relative_error_refuses_bad_arrays(a, b_shape):
    assert_clear_error(lambda: relative_error(a, np.ones(2)), EITHER, "a")
    assert_clear_error(lambda: relative_error(np.ones(2), np.ones(b_shape)), ValueError, "b")


@FAST
@given(f=not_arrays(), x=st.one_of(not_arrays(), with_nonfinite((2, 2))),
       eps=st.one_of(non_numbers(), st.sampled_from([0.0, -1e-6, np.nan])))
def test_numerical_gradient_refuses_bad_arguments(f, x, eps):
    assert_clear_error(lambda: numerical_gradient(f, np.ones(2)), TypeError, "f")
    assert_clear_error(lambda: numerical_gradient(np.sum, x), EITHER, "x")
    assert_clear_error(lambda: numerical_gradient(np.sum, np.ones(2), eps=eps), EITHER, "eps")


@FAST
@given(arg=st.sampled_from(["forward", "backward", "inputs", "rng"]), value=not_arrays())
def test_check_layer_gradients_refuses_bad_arguments(arg, value):
    args = {"forward": layers.relu_forward, "backward": layers.relu_backward,
            "inputs": {"z": np.ones((2, 2))}, "rng": RNG, arg: value}
    assert_clear_error(lambda: check_layer_gradients(**args), EITHER, arg)


@FAST
@given(value=st.one_of(non_numbers(), st.integers(max_value=-1), st.integers(min_value=2**64)))
def test_seeds_must_be_small_non_negative_ints(value):
    assert_clear_error(lambda: seed(value), EITHER, "seed")
    assert_clear_error(lambda: torch_generator(value), EITHER, "seed")


@FAST
@given(device=st.one_of(st.none(), st.integers(), st.builds(object),
                        st.sampled_from(["gpu", "cuda0", "tpu", ""])))
def test_device_arguments_are_checked(device):
    assert_clear_error(lambda: describe_device(device), EITHER, "device")
    assert_clear_error(lambda: limit_cpu_threads(device), EITHER, "device")
    if device is not None:  # None: the automatic choice
        assert_clear_error(lambda: choose_device(prefer=device), ValueError, "prefer")


@FAST
@given(threads=st.one_of(non_numbers(), st.integers(max_value=0)))
def test_limit_cpu_threads_refuses_bad_counts(threads):
    assert_clear_error(lambda: limit_cpu_threads("cpu", threads), EITHER, "threads")


def test_zz_count_of_malformed_calls():
    """Runs last: how many malformed calls this file made (see the report with ``-s``)."""
    total = sum(CALLS.values())
    print(f"\nmalformed calls made: {total} ({len(ISSUE_CASES)} table cases)")
    assert total >= len(ISSUE_CASES)
