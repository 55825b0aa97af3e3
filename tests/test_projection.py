"""course_nn.projection: random projection of dense and sparse data, and pairwise distances.

The projection matrix is read off by projecting the identity; its statistics, the preserved
lengths and distances (Johnson-Lindenstrauss) are checked with tolerances worked out from the
chi-squared distribution in the comments; distances are checked against scipy's pdist.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial.distance import pdist

from course_nn.projection import pairwise_distances, random_projection

SPARSE_CLASSES = [sp.csr_matrix, sp.csc_matrix, sp.coo_matrix, sp.csr_array, sp.csc_array,
                  sp.coo_array]


def sparse_data(m=40, d=1000, density=0.05, seed=1):
    return sp.random(m, d, density=density, format="csr", random_state=seed,
                     data_rvs=np.random.default_rng(seed).standard_normal)


@pytest.mark.parametrize("m, d, k", [(5, 20, 3), (1, 1, 1), (40, 1000, 300), (3, 50, 60)])
def test_output_shape_and_dtype(rng, m, d, k):
    out = random_projection(rng.standard_normal((m, d)), k, rng)
    assert out.shape == (m, k) and out.dtype == np.float64
    assert isinstance(out, np.ndarray)


def test_projection_is_x_times_one_gaussian_matrix(rng):
    # projecting the identity returns the d x k matrix itself; any X then maps to X @ R
    d, k = 60, 400
    R = random_projection(np.eye(d), k, np.random.default_rng(5), chunk_size=16)
    X = rng.standard_normal((7, d))
    out = random_projection(X, k, np.random.default_rng(5), chunk_size=16)
    np.testing.assert_allclose(out, X @ R, rtol=1e-12, atol=1e-12)
    # entries N(0, 1/k): d k = 24,000 of them, so the sample variance has relative std
    # sqrt(2 / 24000) ~ 0.9% and the mean std sqrt(1 / (k * 24000)) ~ 3e-4
    assert abs(R.mean()) < 5 * np.sqrt(1 / (k * d * k))
    assert R.var() * k == pytest.approx(1.0, rel=0.05)


def test_same_seed_same_result_and_different_seed_different(rng):
    X = rng.standard_normal((10, 300))
    a = random_projection(X, 20, np.random.default_rng(1))
    b = random_projection(X, 20, np.random.default_rng(1))
    c = random_projection(X, 20, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("cls", SPARSE_CLASSES)
@pytest.mark.parametrize("chunk_size", [1, 128, 1000, 16384])
def test_sparse_and_dense_give_the_same_result(cls, chunk_size):
    X = sparse_data()
    out_sparse = random_projection(cls(X), 20, np.random.default_rng(3), chunk_size=chunk_size)
    out_dense = random_projection(X.toarray(), 20, np.random.default_rng(3),
                                  chunk_size=chunk_size)
    assert isinstance(out_sparse, np.ndarray) and out_sparse.shape == (40, 20)
    # equal up to summation order (the sparse product skips the zeros)
    np.testing.assert_allclose(out_sparse, out_dense, rtol=1e-12, atol=1e-12)


def test_integer_and_list_input_are_accepted():
    X = np.arange(12).reshape(3, 4)
    expected = random_projection(X.astype(np.float64), 5, np.random.default_rng(0))
    np.testing.assert_array_equal(random_projection(X, 5, np.random.default_rng(0)), expected)
    np.testing.assert_array_equal(random_projection(X.tolist(), 5, np.random.default_rng(0)),
                                  expected)
    np.testing.assert_allclose(
        random_projection(sp.csr_matrix(X), 5, np.random.default_rng(0)), expected,
        rtol=1e-12, atol=1e-12)


def test_sparse_input_is_never_made_dense(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("a sparse matrix was made dense")

    for cls in SPARSE_CLASSES:
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    X = sparse_data(m=10, d=500)
    with pytest.raises(AssertionError, match="made dense"):  # the patch itself works
        X.toarray()
    out = random_projection(X, 8, np.random.default_rng(0), chunk_size=64)
    assert out.shape == (10, 8) and np.all(np.isfinite(out)) and np.any(out != 0)


def test_a_million_columns_in_little_memory():
    # 50 x 10^6 dense would take 400 MB; the sparse matrix and one 16384 x 4 chunk take < 20 MB
    m, d = 50, 10**6
    r = np.random.default_rng(0)
    rows = np.repeat(np.arange(m), 20)
    cols = r.integers(0, d, size=m * 20)
    X = sp.csr_matrix((r.standard_normal(m * 20), (rows, cols)), shape=(m, d))
    tracemalloc.start()
    try:
        out = random_projection(X, 4, np.random.default_rng(1))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.shape == (m, 4) and np.all(np.isfinite(out))
    assert peak < 50 * 2**20


def test_squared_norms_preserved_in_expectation(rng):
    # ||x R||^2 / ||x||^2 ~ chi2_k / k for each row: mean 1, std sqrt(2 / k) ~ 0.082 for
    # k = 300; the mean over 200 rows has std ~ 0.006, so 3% is five standard deviations
    k = 300
    X = rng.standard_normal((200, 1000)) * rng.uniform(0.1, 10, size=(200, 1))
    ratios = (random_projection(X, k, rng) ** 2).sum(axis=1) / (X**2).sum(axis=1)
    assert ratios.mean() == pytest.approx(1.0, abs=0.03)
    assert 0.6 * np.sqrt(2 / k) < ratios.std() < 1.4 * np.sqrt(2 / k)  # random, not exact


def test_squared_norms_preserved_for_sparse_rows():
    k = 300
    X = sparse_data(m=200, d=5000, density=0.01, seed=4)
    out = random_projection(X, k, np.random.default_rng(7), chunk_size=1024)
    ratios = (out**2).sum(axis=1) / np.asarray(X.multiply(X).sum(axis=1)).ravel()
    assert ratios.mean() == pytest.approx(1.0, abs=0.03)


def test_pairwise_distances_preserved_johnson_lindenstrauss(rng):
    # each squared distance ratio is chi2_300 / 300 (std 0.082): 25% on the distance, i.e.
    # [0.5625, 1.5625] on its square, is over five standard deviations for every one of 435 pairs
    X = rng.standard_normal((30, 5000))
    before, after = pdist(X), pdist(random_projection(X, 300, rng))
    ratios = after / before
    assert np.all((ratios > 0.75) & (ratios < 1.25))
    assert ratios.std() > 0.01  # a random map, not an isometry


def test_pairwise_distances_preserved_for_very_wide_sparse_data():
    X = sparse_data(m=30, d=50_000, density=4e-3, seed=2)
    out = random_projection(X, 300, np.random.default_rng(8))
    ratios = pdist(out) / pdist(X.toarray())
    assert np.all((ratios > 0.75) & (ratios < 1.25))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("X", [
    np.array([[1.0, np.nan]]),
    np.array([[1.0, np.inf], [0.0, 1.0]]),
    sp.csr_matrix(np.array([[0.0, np.nan], [1.0, 0.0]])),
    sp.csr_matrix(np.array([[0.0, -np.inf]])),
])
def test_rejects_non_finite_input(rng, X):
    with pytest.raises(ValueError, match="finite"):
        random_projection(X, 3, rng)


@pytest.mark.parametrize("X", [
    np.zeros((0, 5)), np.zeros((5, 0)), np.zeros(5), np.zeros((2, 2, 2)), [],
    sp.csr_matrix((0, 5)), sp.csr_matrix((5, 0)),
])
def test_rejects_empty_or_wrongly_shaped_input(rng, X):
    with pytest.raises(ValueError, match="X"):
        random_projection(X, 3, rng)


@pytest.mark.parametrize("bad", [None, 0, np.random.RandomState(0)])
def test_rejects_bad_rng(bad):
    with pytest.raises(TypeError, match="rng"):
        random_projection(np.ones((2, 3)), 2, bad)


@pytest.mark.parametrize("k, error", [(0, ValueError), (-3, ValueError), (2.0, TypeError),
                                      (True, TypeError), (None, TypeError)])
def test_rejects_bad_n_components(rng, k, error):
    with pytest.raises(error, match="n_components"):
        random_projection(np.ones((2, 3)), k, rng)


@pytest.mark.parametrize("chunk_size, error", [(0, ValueError), (1.5, TypeError)])
def test_rejects_bad_chunk_size(rng, chunk_size, error):
    with pytest.raises(error, match="chunk_size"):
        random_projection(np.ones((2, 3)), 2, rng, chunk_size=chunk_size)


# --- pairwise_distances -----------------------------------------------------------------------


@pytest.mark.parametrize("m, n", [(2, 1), (5, 3), (30, 300), (12, 1)])
def test_pairwise_distances_match_pdist(rng, m, n):
    A = rng.standard_normal((m, n)) * rng.uniform(0.5, 3.0)
    d = pairwise_distances(A)
    assert d.shape == (m * (m - 1) // 2,)
    np.testing.assert_allclose(d, pdist(A), rtol=1e-10, atol=1e-12)


def test_pairwise_distances_by_hand():
    # points (0, 0), (3, 4), (6, 0): distances 5, 6, 5 in the order (0,1), (0,2), (1,2)
    A = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 0.0]])
    np.testing.assert_allclose(pairwise_distances(A), [5.0, 6.0, 5.0], rtol=1e-15)
    assert pairwise_distances(np.array([[1.0, 2.0]])).shape == (0,)


def test_pairwise_distances_of_identical_rows_are_zero():
    # pdist works from differences, so identical rows are exactly 0 apart
    A = np.random.default_rng(0).standard_normal((30, 50)) * 100
    A[5] = A[3]
    A[20] = A[10]
    d, expected = pairwise_distances(A), pdist(A)
    i, j = np.triu_indices(30, k=1)
    for a, b in [(3, 5), (10, 20)]:
        pair = np.flatnonzero((i == a) & (j == b))[0]
        assert expected[pair] == 0.0
        assert d[pair] <= 1e-10 * np.linalg.norm(A[a]), (a, b, d[pair])


def test_pairwise_distances_of_nearby_rows_keep_their_accuracy(rng):
    # rows of norm ~600 that are 0.006 apart: a difference-based formula loses nothing, while
    # expanding ||a||^2 + ||b||^2 - 2 a.b cancels ~10 of the 16 digits
    A = rng.standard_normal((6, 40)) * 100
    A[5] = A[4] + 1e-3
    np.testing.assert_allclose(pairwise_distances(A), pdist(A), rtol=1e-9, atol=0)
