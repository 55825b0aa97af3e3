"""Malformed calls to notebook 04's modules: regularisation, model_selection, projection, data.

Each call must raise a ValueError or TypeError whose message names the argument as the caller
wrote it (``assert_clear_error`` checks the name as a whole word). A table of hand-picked cases
(including those issue 9 found returning silently) and a few hypothesis-generated families.
Everything here is tiny: no call trains more than a few epochs on a few rows.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from malformed import assert_clear_error, non_numbers, not_arrays, with_nonfinite, wrong_ndim

from course_nn import data, model_selection, projection
from course_nn import regularisation as reg
from course_nn.modules import mlp
from course_nn.optim import SGD


def _build(rng):
    net = mlp([3, 4, 2], rng)
    return net, SGD(net, 0.1)


def _xy(n=12, d=3):
    rng = np.random.default_rng(0)
    return rng.random((n, d)), np.arange(n) % 2


RNG = np.random.default_rng(0)
SCORES = mlp([3, 4, 2], RNG, hidden_drop_prob=0.5)
SIGMOID_OUT = mlp([3, 4, 2], RNG, output_activation="sigmoid", hidden_drop_prob=0.5)
X3, Y3 = _xy()

CASES = [
    # model selection: issue 9's silent case and its relatives
    ("cv choice: 10 rows of X, 12 labels",
     lambda: model_selection.cross_validate_choice([2], lambda h, r: _build(r), X3[:10], Y3,
                                                   epochs=1, rng=RNG, k=2), "y"),
    ("cv epochs: 10 rows of X, 12 labels",
     lambda: model_selection.cross_validate_epochs(_build, X3[:10], Y3, epochs=1, rng=RNG, k=2),
     "y"),
    ("cv epochs: float labels for cross-entropy",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3.astype(float), epochs=1,
                                                   rng=RNG, k=2), "y"),
    ("cv epochs: y None",
     lambda: model_selection.cross_validate_epochs(_build, X3, None, epochs=1, rng=RNG, k=2), "y"),
    ("cv epochs: X a list of strings",
     lambda: model_selection.cross_validate_epochs(_build, ["a"], Y3, epochs=1, rng=RNG, k=2), "X"),
    ("cv epochs: build not callable",
     lambda: model_selection.cross_validate_epochs(None, X3, Y3, epochs=1, rng=RNG, k=2), "build"),
    ("cv epochs: build returns a model only",
     lambda: model_selection.cross_validate_epochs(lambda r: mlp([3, 2], r), X3, Y3, epochs=1,
                                                   rng=RNG, k=2), "build(rng)"),
    ("cv epochs: epochs 0",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3, epochs=0, rng=RNG, k=2),
     "epochs"),
    ("cv epochs: epochs 2.5",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3, epochs=2.5, rng=RNG, k=2),
     "epochs"),
    ("cv epochs: k larger than N",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3, epochs=1, rng=RNG, k=13), "k"),
    ("cv epochs: seed instead of generator",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3, epochs=1, rng=0, k=2), "rng"),
    ("cv epochs: unknown loss",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3, epochs=1, rng=RNG, k=2,
                                                   loss="hinge"), "loss"),
    ("cv epochs: batch size 0",
     lambda: model_selection.cross_validate_epochs(_build, X3, Y3, epochs=1, rng=RNG, k=2,
                                                   batch_size=0), "batch_size"),
    ("cv choice: values a string",
     lambda: model_selection.cross_validate_choice("abc", lambda h, r: _build(r), X3, Y3,
                                                   epochs=1, rng=RNG, k=2), "values"),
    ("cv choice: values empty",
     lambda: model_selection.cross_validate_choice([], lambda h, r: _build(r), X3, Y3,
                                                   epochs=1, rng=RNG, k=2), "values"),
    ("cv choice: build returns None",
     lambda: model_selection.cross_validate_choice([1], lambda h, r: None, X3, Y3,
                                                   epochs=1, rng=RNG, k=2), "build(value, rng)"),
    ("kfold: k = 1", lambda: model_selection.kfold_indices(10, 1, RNG), "k"),
    # regularisation: issue 9's silent softmax of sigmoids, and the other boundaries
    ("predict_proba on a sigmoid-output model", lambda: reg.predict_proba(SIGMOID_OUT, X3),
     "model"),
    ("monte_carlo_proba on a sigmoid-output model",
     lambda: reg.monte_carlo_proba(SIGMOID_OUT, X3, 2), "model"),
    ("predict_proba: X with 5 columns for a 3-input model",
     lambda: reg.predict_proba(SCORES, np.ones((4, 5))), "X"),
    ("predict_proba: X 1-D", lambda: reg.predict_proba(SCORES, np.ones(3)), "X"),
    ("predict_proba: model None", lambda: reg.predict_proba(None, X3), "model"),
    ("monte_carlo_proba: n_samples 0", lambda: reg.monte_carlo_proba(SCORES, X3, 0), "n_samples"),
    ("monte_carlo_proba: n_samples 2.0",
     lambda: reg.monte_carlo_proba(SCORES, X3, 2.0), "n_samples"),
    ("monte_carlo_errors: labels of another length",
     lambda: reg.monte_carlo_errors(SCORES, X3, Y3[:5], [1, 2]), "y"),
    ("monte_carlo_errors: float labels",
     lambda: reg.monte_carlo_errors(SCORES, X3, Y3.astype(float), [1, 2]), "y"),
    ("monte_carlo_errors: counts not increasing",
     lambda: reg.monte_carlo_errors(SCORES, X3, Y3, [2, 1]), "counts"),
    ("monte_carlo_errors: counts None", lambda: reg.monte_carlo_errors(SCORES, X3, Y3, None),
     "counts"),
    ("l2_penalty: model a dict", lambda: reg.l2_penalty({"w": np.ones(2)}, 0.1), "model"),
    ("l2_penalty: negative strength", lambda: reg.l2_penalty(SCORES, -1.0), "strength"),
    ("subnetwork_means: x of the wrong length",
     lambda: reg.subnetwork_means(np.ones((3, 2)), np.zeros(2), np.ones(4), 0.5), "x"),
    ("subnetwork_means: bias of the wrong length",
     lambda: reg.subnetwork_means(np.ones((3, 2)), np.zeros(3), np.ones(3), 0.5), "bias"),
    ("subnetwork_means: too many inputs",
     lambda: reg.subnetwork_means(np.ones((17, 2)), np.zeros(2), np.ones(17), 0.5), "weight"),
    ("subnetwork_means: drop_prob 1",
     lambda: reg.subnetwork_means(np.ones((3, 2)), np.zeros(2), np.ones(3), 1.0), "drop_prob"),
    ("forward_with_masks: a Linear, not a Sequential",
     lambda: reg.forward_with_masks(SCORES[0], X3), "model"),
    # projection
    ("random_projection: X None", lambda: projection.random_projection(None, 2, RNG), "X"),
    ("random_projection: X a string", lambda: projection.random_projection("ab", 2, RNG), "X"),
    ("random_projection: X 1-D", lambda: projection.random_projection(np.ones(4), 2, RNG), "X"),
    ("random_projection: complex sparse X",
     lambda: projection.random_projection(sp.csr_matrix(np.ones((2, 2)) * 1j), 2, RNG), "X"),
    ("random_projection: n_components 0",
     lambda: projection.random_projection(np.ones((2, 3)), 0, RNG), "n_components"),
    ("pairwise_distances: no rows", lambda: projection.pairwise_distances(np.ones((0, 3))), "A"),
    ("pairwise_distances: NaN",
     lambda: projection.pairwise_distances(np.array([[0.0, np.nan], [1, 1]])), "A"),
    ("pairwise_distances: None", lambda: projection.pairwise_distances(None), "A"),
    # data
    ("stratified_split: X None", lambda: data.stratified_split(None, Y3, RNG), "X"),
    ("stratified_split: y of another length",
     lambda: data.stratified_split(X3, Y3[:5], RNG), "y"),
    ("stratified_split: float labels",
     lambda: data.stratified_split(X3, Y3.astype(float), RNG), "y"),
    ("separable_clusters: offset a string",
     lambda: data.separable_clusters(5, RNG, offset="0.1"), "offset"),
    ("load_mnist_split: seed instead of generator", lambda: data.load_mnist_split(0), "rng"),
    ("load_digits_split: None", lambda: data.load_digits_split(None), "rng"),
    ("noisy_labels: float labels", lambda: data.noisy_labels([0.0, 1.0], 0.5, 2, RNG), "labels"),
    ("noisy_labels: label out of range", lambda: data.noisy_labels([0, 3], 0.5, 2, RNG), "labels"),
    ("noisy_labels: fraction 1.5", lambda: data.noisy_labels([0, 1], 1.5, 2, RNG), "fraction"),
    ("noisy_labels: one class", lambda: data.noisy_labels([0, 0], 0.5, 1, RNG), "n_classes"),
    ("topic_documents: topics larger than the vocabulary",
     lambda: data.topic_documents(5, 100, RNG, n_topics=2, topic_size=60), "n_topics"),
    ("topic_documents: more topic words than the topic has",
     lambda: data.topic_documents(5, 1000, RNG, topic_size=10, topic_words=11), "topic_words"),
    ("topic_documents: vocabulary a float",
     lambda: data.topic_documents(5, 1000.0, RNG), "vocabulary"),
]


@pytest.mark.parametrize("call, arg", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_call_raises_a_clear_error(call, arg):
    assert_clear_error(call, (ValueError, TypeError), arg)


@settings(max_examples=15, deadline=None)
@given(X=not_arrays())
def test_predict_and_monte_carlo_refuse_non_arrays(X):
    assert_clear_error(lambda: reg.predict_proba(SCORES, X), (ValueError, TypeError), "X")
    assert_clear_error(lambda: reg.monte_carlo_proba(SCORES, X, 2), (ValueError, TypeError), "X")


@settings(max_examples=15, deadline=None)
@given(X=wrong_ndim(2))
def test_cross_validation_and_projection_refuse_X_of_wrong_rank(X):
    assert_clear_error(
        lambda: model_selection.cross_validate_epochs(_build, X, Y3, epochs=1, rng=RNG, k=2),
        ValueError, "X")
    assert_clear_error(lambda: projection.random_projection(X, 2, RNG), ValueError, "X")
    assert_clear_error(lambda: projection.pairwise_distances(X), ValueError, "A")


@settings(max_examples=15, deadline=None)
@given(X=with_nonfinite((12, 3)))
def test_non_finite_data_are_refused_where_they_enter(X):
    assert_clear_error(
        lambda: model_selection.cross_validate_choice([1], lambda h, r: _build(r), X, Y3,
                                                      epochs=1, rng=RNG, k=2), ValueError, "X")
    assert_clear_error(lambda: reg.predict_proba(SCORES, X), ValueError, "X")
    assert_clear_error(lambda: projection.random_projection(X, 2, RNG), ValueError, "X")


@settings(max_examples=15, deadline=None)
@given(bad=non_numbers())
def test_numbers_refuse_non_numbers(bad):
    assert_clear_error(lambda: reg.l2_penalty(SCORES, bad), TypeError, "strength")
    assert_clear_error(lambda: reg.monte_carlo_proba(SCORES, X3, bad), TypeError, "n_samples")
    assert_clear_error(lambda: data.noisy_labels([0, 1], bad, 2, RNG), TypeError, "fraction")


def test_valid_calls_still_work():
    """The same functions on well-formed input: the checks above refuse only what is wrong."""
    assert reg.predict_proba(SCORES, X3).shape == (12, 2)
    assert reg.monte_carlo_errors(SCORES, X3, Y3, [1, 3]).shape == (2,)
    scores = model_selection.cross_validate_choice([2, 4], lambda h, r: _build(r), X3, Y3,
                                                   epochs=1, rng=np.random.default_rng(1), k=3)
    assert scores.accuracy.shape == (2, 3)
    assert projection.pairwise_distances(np.eye(3)).shape == (3,)
