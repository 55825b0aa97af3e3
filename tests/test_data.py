"""course_nn.data: truth tables, generated data sets, splits and the digits."""

import itertools

import numpy as np
import pytest

from course_nn import data
from course_nn.data import (
    LOGIC_FUNCTIONS,
    Split,
    gaussian_clusters,
    load_digits_split,
    logic_function,
    one_hot,
    quadratic_1d,
    separable_clusters,
    sparse_disjunction,
    stratified_split,
    truth_table,
)

# --- truth tables -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_truth_table_rows_count_in_binary(n):
    X = truth_table(n)
    assert X.shape == (2**n, n) and X.dtype == np.float64
    assert set(np.unique(X).tolist()) <= {0.0, 1.0}
    # itertools.product over (0, 1) is counting order, most significant bit first
    expected = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.float64)
    np.testing.assert_array_equal(X, expected)
    assert len({tuple(row) for row in X}) == 2**n


def test_truth_table_two_inputs_by_hand():
    np.testing.assert_array_equal(truth_table(2), [[0, 0], [0, 1], [1, 0], [1, 1]])


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (17, ValueError),
                                            (2.0, TypeError), (True, TypeError)])
def test_truth_table_bad_n(bad, error):
    with pytest.raises(error, match="n_inputs"):
        truth_table(bad)


DEFINITIONS = {
    "and": lambda bits: all(bits),
    "or": lambda bits: any(bits),
    "nand": lambda bits: not all(bits),
    "nor": lambda bits: not any(bits),
    "xor": lambda bits: sum(bits) % 2 == 1,
    "xnor": lambda bits: sum(bits) % 2 == 0,
}


@pytest.mark.parametrize("name", LOGIC_FUNCTIONS)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_logic_function_matches_definition(name, n):
    X, t = logic_function(name, n)
    assert X.shape == (2**n, n) and t.shape == (2**n,)
    for row, target in zip(X, t, strict=True):
        bits = [int(b) for b in row]
        assert target == float(DEFINITIONS[name](bits)), (name, bits)


def test_logic_function_two_input_xor_by_hand():
    _, t = logic_function("xor")
    np.testing.assert_array_equal(t, [0, 1, 1, 0])


@pytest.mark.parametrize("bad", ["AND", "xand", "", "not"])
def test_logic_function_unknown_name(bad):
    with pytest.raises(ValueError, match="name must be one of"):
        logic_function(bad)


# --- separable clusters -----------------------------------------------------------------------


@pytest.mark.parametrize("margin", [0.05, 0.2, 0.5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_separable_clusters_respect_margin(margin, seed):
    rng = np.random.default_rng(seed)
    X, t, (normal, offset) = separable_clusters(200, rng, margin=margin, return_separator=True)
    assert X.shape == (200, 2) and t.shape == (200,)
    assert set(np.unique(t).tolist()) == {0.0, 1.0}
    assert np.all(np.abs(X) <= 1.0)
    net = X @ normal + offset
    distance = np.abs(net) / np.hypot(*normal)
    assert distance.min() >= margin
    np.testing.assert_array_equal(t, (net > 0).astype(float))


def test_separable_clusters_custom_line(rng):
    X, t, (normal, offset) = separable_clusters(
        100, rng, margin=0.1, normal=(0.0, 2.0), offset=-0.4, return_separator=True
    )
    np.testing.assert_array_equal(normal, [0.0, 2.0])
    assert offset == -0.4
    # the line is x2 = 0.2; class 1 above it, each point at least 0.1 away
    np.testing.assert_array_equal(t, (X[:, 1] > 0.2).astype(float))
    assert np.abs(X[:, 1] - 0.2).min() >= 0.1


def test_separable_clusters_reproducible():
    a = separable_clusters(50, np.random.default_rng(7))
    b = separable_clusters(50, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = separable_clusters(50, np.random.default_rng(8))
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_points": 0}, ValueError, "n_points"),
        ({"margin": 0.0}, ValueError, "margin"),
        ({"margin": -0.1}, ValueError, "margin"),
        ({"margin": 1.5}, ValueError, "margin"),
        ({"normal": (0.0, 0.0)}, ValueError, "normal"),
        ({"normal": (1.0, 2.0, 3.0)}, ValueError, "normal"),
        ({"rng": 0}, TypeError, "rng"),
        ({"rng": np.random.RandomState(0)}, TypeError, "rng"),
    ],
)
def test_separable_clusters_bad_input(kwargs, error, name):
    args = {"n_points": 10, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=name):
        separable_clusters(**args)


# --- gaussian clusters ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 101, 400])
def test_gaussian_clusters_half_and_half(n, rng):
    X, t = gaussian_clusters(n, rng)
    assert X.shape == (n, 2) and t.shape == (n,)
    assert np.sum(t == 1) == n - n // 2 and np.sum(t == 0) == n // 2


def test_gaussian_clusters_centres(rng):
    X, t = gaussian_clusters(4000, rng, distance=4.0, spread=0.5)
    # centres at -+ distance/2 * (1, 0.5); sample means within a few standard errors
    np.testing.assert_allclose(X[t == 1].mean(axis=0), [2.0, 1.0], atol=0.05)
    np.testing.assert_allclose(X[t == 0].mean(axis=0), [-2.0, -1.0], atol=0.05)
    np.testing.assert_allclose(X[t == 1].std(axis=0), [0.5, 0.5], atol=0.05)


def test_gaussian_clusters_reproducible_and_bad_input():
    a = gaussian_clusters(30, np.random.default_rng(3))
    b = gaussian_clusters(30, np.random.default_rng(3))
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="n_points"):
        gaussian_clusters(1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="spread"):
        gaussian_clusters(10, np.random.default_rng(0), spread=0)
    with pytest.raises(TypeError, match="rng"):
        gaussian_clusters(10, 0)


# --- quadratic_1d -----------------------------------------------------------------------------


def _threshold_errors(x, t):
    """Fewest errors of any rule ``t = [x > c]`` or ``t = [x < c]`` over all cut points c."""
    xs = np.sort(x)
    cuts = np.concatenate([[xs[0] - 1], (xs[:-1] + xs[1:]) / 2, [xs[-1] + 1]])
    best = len(x)
    for c in cuts:
        above = (x > c).astype(float)
        best = min(best, int(np.sum(above != t)), int(np.sum((1 - above) != t)))
    return best


@pytest.mark.parametrize("seed", [0, 1])
def test_quadratic_1d_not_separable_by_a_threshold(seed):
    x, t = quadratic_1d(200, np.random.default_rng(seed))
    assert x.shape == (200,) and t.shape == (200,)
    assert np.all(np.abs(x) <= 2.0)
    assert _threshold_errors(x, t) >= 1


def test_threshold_helper_finds_separable_1d_data():
    # sanity check of the helper used above: a plainly separable set has 0 errors
    x = np.array([-2.0, -1.0, 0.5, 3.0])
    assert _threshold_errors(x, np.array([0.0, 0.0, 1.0, 1.0])) == 0
    assert _threshold_errors(x, np.array([1.0, 1.0, 0.0, 0.0])) == 0


@pytest.mark.parametrize("inner", [0.5, 1.0, 1.5])
def test_quadratic_1d_separable_in_x_squared(inner, rng):
    x, t = quadratic_1d(300, rng, inner=inner, extent=2.0)
    np.testing.assert_array_equal(t, (x**2 < inner**2).astype(float))
    assert 0 < t.sum() < len(t)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"n_points": 0}, "n_points"), ({"inner": 0}, "inner"), ({"inner": 2.0}, "inner"),
     ({"extent": -1.0}, "extent")],
)
def test_quadratic_1d_bad_input(kwargs, name):
    args = {"n_points": 10, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(ValueError, match=name):
        quadratic_1d(**args)


# --- sparse disjunction -----------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 3, 8])
def test_sparse_disjunction_labels_and_balance(k, rng):
    X, t = sparse_disjunction(4000, 20, k, rng)
    assert X.shape == (4000, 20) and t.shape == (4000,)
    assert set(np.unique(X).tolist()) == {0.0, 1.0}
    expected = np.array([float(any(row[:k])) for row in X])
    np.testing.assert_array_equal(t, expected)
    assert 0.35 <= t.mean() <= 0.65


@pytest.mark.parametrize(
    ("args", "name"),
    [((0, 5, 1), "n_examples"), ((5, 0, 1), "n_features"), ((5, 5, 0), "n_relevant"),
     ((5, 3, 4), "n_relevant")],
)
def test_sparse_disjunction_bad_input(args, name, rng):
    with pytest.raises(ValueError, match=name):
        sparse_disjunction(*args, rng)


def test_sparse_disjunction_needs_generator():
    with pytest.raises(TypeError, match="rng"):
        sparse_disjunction(5, 5, 1, 42)


# --- one_hot ----------------------------------------------------------------------------------


def test_one_hot_by_hand():
    np.testing.assert_array_equal(
        one_hot(np.array([2, 0, 1, 2]), 3),
        [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]],
    )


def test_one_hot_rows_sum_to_one(rng):
    labels = rng.integers(0, 10, size=50)
    out = one_hot(labels, 10)
    assert out.shape == (50, 10) and out.dtype == np.float64
    np.testing.assert_array_equal(out.sum(axis=1), 1.0)
    np.testing.assert_array_equal(out.argmax(axis=1), labels)


@pytest.mark.parametrize(
    ("labels", "k", "match"),
    [(np.array([0, 3]), 3, "labels must lie in"), (np.array([-1, 0]), 3, "labels must lie in"),
     (np.array([0.0, 1.0]), 3, "labels must be a 1-D integer"),
     (np.array([[0, 1]]), 3, "labels must be a 1-D integer"), (np.array([0]), 0, "n_classes")],
)
def test_one_hot_bad_input(labels, k, match):
    with pytest.raises(ValueError, match=match):
        one_hot(labels, k)


# --- stratified split -------------------------------------------------------------------------


def _labels():
    return np.repeat(np.arange(4), [50, 31, 17, 102])


@pytest.mark.parametrize(("val", "test"), [(0.2, 0.2), (0.1, 0.3), (0.0, 0.25)])
def test_stratified_split_partitions_and_keeps_proportions(val, test, rng):
    y = _labels()
    X = np.zeros((len(y), 2))
    train, valid, held = stratified_split(X, y, rng, val_fraction=val, test_fraction=test)
    everything = np.concatenate([train, valid, held])
    assert len(everything) == len(y)
    np.testing.assert_array_equal(np.sort(everything), np.arange(len(y)))
    for part in (train, valid, held):
        assert part.dtype == np.intp
    for label in np.unique(y):
        count = np.sum(y == label)
        assert abs(np.sum(y[held] == label) - test * count) <= 1
        assert abs(np.sum(y[valid] == label) - val * count) <= 1
        assert abs(np.sum(y[train] == label) - (1 - val - test) * count) <= 1


def test_stratified_split_reproducible():
    y = _labels()
    a = stratified_split(y, y, np.random.default_rng(5))
    b = stratified_split(y, y, np.random.default_rng(5))
    c = stratified_split(y, y, np.random.default_rng(6))
    for pa, pb in zip(a, b, strict=True):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"val_fraction": 0.5, "test_fraction": 0.5}, ValueError, "must be < 1"),
        ({"val_fraction": 0.7, "test_fraction": 0.4}, ValueError, "must be < 1"),
        ({"val_fraction": -0.1}, ValueError, "val_fraction"),
        ({"test_fraction": 1.0}, ValueError, "test_fraction"),
        ({"rng": 1}, TypeError, "rng"),
        ({"y": np.zeros(9)}, ValueError, "N=10 matching X"),
    ],
)
def test_stratified_split_bad_input(kwargs, error, match):
    args = {"X": np.zeros((10, 2)), "y": np.zeros(10), "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=match):
        stratified_split(**args)


# --- digits -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(np.random.default_rng(0))


def test_load_digits_split_shapes_and_ranges(digits):
    assert isinstance(digits, Split)
    sizes = [len(digits.y_train), len(digits.y_val), len(digits.y_test)]
    assert sum(sizes) == 1797
    for X, y in ((digits.X_train, digits.y_train), (digits.X_val, digits.y_val),
                 (digits.X_test, digits.y_test)):
        assert X.shape == (len(y), 64) and X.dtype == np.float64
        assert X.min() >= 0.0 and X.max() <= 1.0
        assert set(np.unique(y).tolist()) == set(range(10))
    assert digits.image_shape == (8, 8)
    assert digits.n_classes == 10
    assert 0.15 * 1797 < len(digits.y_test) < 0.25 * 1797
    assert repr(digits).startswith(f"Split(train={sizes[0]}, val={sizes[1]}, test={sizes[2]}")


def test_load_digits_split_matches_sklearn(digits):
    from sklearn.datasets import load_digits

    raw = load_digits()
    rows = {tuple(r) for r in raw.data / 16.0}
    assert all(tuple(r) in rows for r in digits.X_val[:20])
    # pixel values are the 0..16 counts divided by 16
    np.testing.assert_array_equal(np.unique(digits.X_train * 16) % 1, 0)


def test_load_digits_split_reproducible(digits):
    again = load_digits_split(np.random.default_rng(0))
    np.testing.assert_array_equal(again.X_train, digits.X_train)
    np.testing.assert_array_equal(again.y_test, digits.y_test)
    other = load_digits_split(np.random.default_rng(1))
    assert not np.array_equal(other.y_train, digits.y_train)


def test_load_digits_split_bad_rng():
    with pytest.raises(TypeError, match="rng"):
        load_digits_split(0)


# --- noisy labels and topic documents (notebook 04) --------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.3, 1.0])
def test_noisy_labels_change_exactly_that_fraction_to_other_classes(fraction):
    y = np.arange(200) % 10
    noisy = data.noisy_labels(y, fraction, 10, np.random.default_rng(0))
    assert noisy.dtype == np.int64 and noisy.shape == y.shape
    assert np.sum(noisy != y) == round(fraction * 200)  # never "changed" to the same class
    assert noisy.min() >= 0 and noisy.max() <= 9
    np.testing.assert_array_equal(y, np.arange(200) % 10)  # the input is not modified


def test_noisy_labels_spread_over_the_other_classes():
    y = np.zeros(20000, dtype=np.int64)
    noisy = data.noisy_labels(y, 1.0, 5, np.random.default_rng(1))
    counts = np.bincount(noisy, minlength=5)
    assert counts[0] == 0
    # each of the 4 other classes: Binomial(20000, 1/4), std ~ 61
    assert np.all(np.abs(counts[1:] - 5000) < 5 * 61)


def test_noisy_labels_are_reproducible():
    y = np.arange(50) % 3
    a = data.noisy_labels(y, 0.4, 3, np.random.default_rng(5))
    b = data.noisy_labels(y, 0.4, 3, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_topic_documents_shape_sparsity_and_words():
    X, topic = data.topic_documents(300, 5000, np.random.default_rng(0))
    assert X.shape == (300, 5000) and topic.shape == (300,) and topic.dtype == np.int64
    assert set(np.unique(X.data)) == {1.0}  # binary features
    words_per_doc = np.diff(X.indptr)
    # 20 distinct topic words plus up to 30 random ones (duplicates merge)
    assert words_per_doc.min() >= 20 and words_per_doc.max() <= 50
    assert set(np.unique(topic)) == {0, 1}


def test_topic_documents_share_words_within_a_topic():
    X, topic = data.topic_documents(200, 100_000, np.random.default_rng(1))
    overlap = (X @ X.T).toarray()  # shared words between documents
    same = topic[:, None] == topic[None, :]
    np.fill_diagonal(same, False)
    different = topic[:, None] != topic[None, :]
    # same topic: 20 words from the same 200 -> about 2 shared; different topics: almost none
    assert overlap[same].mean() > 1.0
    assert overlap[different].mean() < 0.1


def test_topic_documents_are_reproducible():
    a, ta = data.topic_documents(20, 1000, np.random.default_rng(3))
    b, tb = data.topic_documents(20, 1000, np.random.default_rng(3))
    assert (a != b).nnz == 0
    np.testing.assert_array_equal(ta, tb)
