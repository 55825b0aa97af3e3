"""Random projection: sparse, very wide data to dense, narrow data (notebook 04).

Multiplying m examples with d features (an m x d matrix, often sparse, d up to 10^6) by a
d x k matrix of independent N(0, 1/k) entries gives m dense rows of k numbers whose pairwise
distances are, with high probability, within a factor 1 +- eps of the originals once
k is of order log(m) / eps^2 (the Johnson-Lindenstrauss lemma), whatever d is.
"""

from __future__ import annotations

import numpy as np

from course_nn.validation import as_float_array, check_generator, check_int, describe


def random_projection(
    X, n_components: int, rng: np.random.Generator, *, chunk_size: int = 16384
) -> np.ndarray:
    """Project X (m, d), dense or ``scipy.sparse``, to (m, n_components) with a Gaussian matrix.

    The d x k matrix is generated ``chunk_size`` rows at a time and multiplied in, so memory
    stays at chunk_size x k floats even for d = 10^6; a sparse X is sliced by columns and never
    made dense. The entries are N(0, 1/k), so squared lengths are preserved in expectation.
    """
    import scipy.sparse as sp

    k = check_int(n_components, "n_components", minimum=1)
    check_generator(rng)
    check_int(chunk_size, "chunk_size", minimum=1)
    if sp.issparse(X):
        if X.dtype.kind not in "biuf":
            raise TypeError(f"X must hold real numbers, got a sparse matrix of dtype {X.dtype}")
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D matrix (m, d), got shape {X.shape}")
        X = sp.csc_matrix(X, dtype=np.float64)
        if X.nnz and not np.all(np.isfinite(X.data)):
            raise ValueError("X must be finite, got NaN or infinite entries")
    else:
        if X is None or isinstance(X, str | bytes):
            raise TypeError(f"X must be a 2-D array or scipy.sparse matrix, got {describe(X)}")
        X = as_float_array(X, "X", ndim=2)
    m, d = X.shape
    if m == 0 or d == 0:
        raise ValueError(f"X must be non-empty, got shape {X.shape}")
    out = np.zeros((m, k))
    scale = 1.0 / np.sqrt(k)
    for start in range(0, d, chunk_size):
        stop = min(start + chunk_size, d)
        R = rng.standard_normal((stop - start, k)) * scale
        block = X[:, start:stop]
        out += np.asarray(block @ R)
    return out


def pairwise_distances(A) -> np.ndarray:
    """Euclidean distances between all pairs of rows of a dense A (m, n): the m(m-1)/2 values
    above the diagonal, in row-major order.

    Computed from differences of rows, not from ``|a|^2 + |b|^2 - 2 a.b``, which loses most of
    its digits when two rows are close compared with their length.
    """
    from scipy.spatial.distance import pdist

    A = as_float_array(A, "A", ndim=2)  # one row gives no pairs: an empty result
    return pdist(A)
