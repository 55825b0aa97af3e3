"""Text for convolutional networks: tokens, a vocabulary, embeddings and pooling over words
(notebook 07).

A sentence of ``l`` words becomes ``l`` integer ids (``Vocabulary``), then ``l`` vectors of
``d`` numbers (``embedding_forward``): an (N, L, D) batch, padded to a common length ``L``
with the id ``PAD_ID`` (whose vector is kept at zero). Transposed to (N, D, L), the embedding
dimension becomes the channels of ``course_nn.conv``'s 1-D convolution, so a filter of width
``h`` spans ``h`` words; pooling over word positions then gives one number per filter whatever
the sentence's length:

- **max-over-time**: the filter's strongest response anywhere in the sentence;
- **k-max**: its ``k`` strongest responses, kept in sentence order (Kalchbrenner et al., 2014);
- **mean**: its average response.

Every pooling function takes a boolean ``mask`` (N, L) of the positions that hold real words,
so a padded position never wins a max nor enters a mean. A row with no real position (all
padding) pools to 0 and passes no gradient back. ``window_mask`` turns a word mask into the
mask of the convolution's outputs: the windows of ``h`` real words.

The vendored data: ``load_spam_split`` reads ``course_nn/datasets/spam.tsv.xz`` (the
SpamAssassin public corpus, built by ``tools/build_spam_dataset.py``; see
``course_nn/datasets/SPAM_PROVENANCE.md``), offline.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import lzma
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from course_nn.modules import Module
from course_nn.validation import check_array, check_generator, check_int, check_option, describe

PAD, UNK, EMAIL, URL = "<pad>", "<unk>", "<email>", "<url>"
PAD_ID, UNK_ID = 0, 1

_TOKEN = re.compile(r"<email>|<url>|[^\W_]+(?:'[^\W_]+)*|[!?$%]")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


# --- tokens and vocabulary -----------------------------------------------------------------------


def _check_text(text, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {describe(text)}")
    return text


def mask_addresses(text: str) -> str:
    """Replace URLs with ``<url>`` and e-mail addresses with ``<email>`` (URLs first, since a
    URL may hold an ``@``)."""
    text = _check_text(text, "text")
    return _EMAIL.sub(f" {EMAIL} ", _URL.sub(f" {URL} ", text))


def tokenize(text: str) -> list[str]:
    """Lowercase ``text`` and split it into tokens: words and numbers (letters, digits and
    inner apostrophes, as in ``don't``), the placeholders ``<email>`` and ``<url>``, and the
    symbols ``! ? $ %``; all other punctuation and white space separate tokens and are dropped.

    Idempotent on its own output: ``tokenize(" ".join(tokenize(s))) == tokenize(s)``.
    """
    return _TOKEN.findall(_check_text(text, "text").lower())


def _check_tokens(tokens, name: str) -> list[str]:
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"{name} must be a list of token strings (use tokenize), "
                        f"got {describe(tokens)}")
    for i, token in enumerate(tokens):
        if not isinstance(token, str):
            raise TypeError(f"{name}[{i}] must be a str, got {describe(token)}")
    return list(tokens)


def _check_texts(texts, name: str) -> list[list[str]]:
    if isinstance(texts, str) or not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list of token lists, got {describe(texts)}")
    return [_check_tokens(tokens, f"{name}[{i}]") for i, tokens in enumerate(texts)]


class Vocabulary:
    """Token <-> integer id, with ``<pad>`` = 0 and ``<unk>`` = 1.

    ``Vocabulary.build(texts, min_count=2)`` keeps the tokens seen at least ``min_count`` times
    (the frequency cut-off; rarer ones map to ``<unk>``), most frequent first, ties in
    alphabetical order, at most ``max_size`` of them.
    """

    def __init__(self, tokens: Sequence[str]):
        tokens = _check_tokens(tokens, "tokens")
        if PAD in tokens or UNK in tokens:
            raise ValueError(f"tokens must not contain the reserved {PAD!r} or {UNK!r}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("tokens must not repeat")
        self.tokens = [PAD, UNK, *tokens]
        self.index = {token: i for i, token in enumerate(self.tokens)}

    @classmethod
    def build(cls, texts, *, min_count: int = 2, max_size: int | None = None) -> Vocabulary:
        texts = _check_texts(texts, "texts")
        min_count = check_int(min_count, "min_count", minimum=1)
        if max_size is not None:
            max_size = check_int(max_size, "max_size", minimum=0)
        counts = collections.Counter(token for tokens in texts for token in tokens)
        counts.pop(PAD, None)
        counts.pop(UNK, None)
        kept = sorted((t for t, c in counts.items() if c >= min_count),
                      key=lambda t: (-counts[t], t))
        return cls(kept[:max_size] if max_size is not None else kept)

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens incl. {PAD} and {UNK})"

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Token list -> (l,) int64 ids; unknown tokens -> ``UNK_ID``."""
        tokens = _check_tokens(tokens, "tokens")
        return np.array([self.index.get(t, UNK_ID) for t in tokens], dtype=np.int64)

    def decode(self, ids) -> list[str]:
        """Ids -> tokens (``<pad>`` included)."""
        ids = check_ids(ids, "ids", len(self), ndim=1)
        return [self.tokens[i] for i in ids]

    def encode_batch(self, texts, *, max_length: int | None = None,
                     min_length: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Token lists -> ``(ids, mask)``: ids (N, L) int64 padded with ``PAD_ID`` at the end,
        mask (N, L) bool, True at real tokens.

        ``L`` is the longest text, cut to ``max_length`` (longer texts are truncated) and at
        least ``min_length`` (e.g. the widest filter, so every batch has one full window).
        """
        texts = _check_texts(texts, "texts")
        if not texts:
            raise ValueError("texts must hold at least one text, got an empty list")
        min_length = check_int(min_length, "min_length", minimum=1)
        if max_length is not None:
            max_length = check_int(max_length, "max_length", minimum=1)
        lengths = [len(t) if max_length is None else min(len(t), max_length) for t in texts]
        width = max(max(lengths), min_length)
        ids = np.full((len(texts), width), PAD_ID, dtype=np.int64)
        for row, (tokens, length) in enumerate(zip(texts, lengths, strict=True)):
            ids[row, :length] = self.encode(tokens[:length])
        return ids, np.arange(width) < np.array(lengths)[:, None]


def check_ids(ids, name: str, vocab_size: int, *, ndim: int | None = None) -> np.ndarray:
    """An integer array of token ids in ``[0, vocab_size)`` (floats, bools and lists of them
    are refused)."""
    if isinstance(ids, str | bytes) or ids is None:
        raise TypeError(f"{name} must be an integer array of token ids, got {describe(ids)}")
    array = np.asarray(ids)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array of token ids, got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of ids, got shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= vocab_size):
        raise ValueError(f"{name} must hold ids in [0, {vocab_size}), got values from "
                         f"{array.min()} to {array.max()}")
    return array.astype(np.int64, copy=False)


# --- embedding -----------------------------------------------------------------------------------


def embedding_forward(ids, weight) -> tuple[np.ndarray, tuple]:
    """ids: (N, L) int, weight: (V, D) -> out (N, L, D) with ``out[n, i] = weight[ids[n, i]]``,
    cache. A row lookup: multiplying a one-hot (N, L, V) by the weight, without building it."""
    check_array(weight, "weight", ndim=2, shape_hint="(V, D)")
    ids = check_ids(ids, "ids", weight.shape[0], ndim=2)
    return weight[ids], (ids, weight.shape)


def embedding_backward(dout, cache) -> np.ndarray:
    """dout: (N, L, D) -> dweight (V, D): each position's gradient *added* into the row it
    used (``np.add.at``), so a token used five times gets five contributions; unused rows 0."""
    if not isinstance(cache, tuple) or len(cache) != 2:
        raise TypeError(f"cache must be the tuple returned by embedding_forward, "
                        f"got {describe(cache)}")
    ids, weight_shape = cache
    check_array(dout, "dout", ndim=3, shape_hint="(N, L, D)")
    if dout.shape != (*ids.shape, weight_shape[1]):
        raise ValueError(f"dout must have shape (N, L, D) = {(*ids.shape, weight_shape[1])} "
                         f"matching embedding_forward's output, got {dout.shape}")
    dweight = np.zeros(weight_shape, dtype=dout.dtype)
    np.add.at(dweight, ids.reshape(-1), dout.reshape(-1, weight_shape[1]))
    return dweight


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of ``dim`` numbers: ids (N, L) -> (N, L, D).

    Weights start as N(0, 1) draws (``torch.nn.Embedding``'s default), in ``dtype`` (float64 or
    float32, like ``course_nn.conv``'s layers). The ``padding_idx`` row
    (``PAD_ID`` by default; None for none) starts at zero and gets no gradient, as in torch, so
    padding stays a zero vector. ``backward`` returns None: ids have no gradient.
    """

    def __init__(self, num_embeddings: int, dim: int, rng: np.random.Generator, *,
                 padding_idx: int | None = PAD_ID, dtype=np.float64):
        self.num_embeddings = check_int(num_embeddings, "num_embeddings", minimum=1)
        self.dim = check_int(dim, "dim", minimum=1)
        check_generator(rng)
        if padding_idx is not None:
            padding_idx = check_int(padding_idx, "padding_idx", minimum=0)
            if padding_idx >= num_embeddings:
                raise ValueError(f"padding_idx must be < num_embeddings={num_embeddings}, "
                                 f"got {padding_idx}")
        self.padding_idx = padding_idx
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        self.weight = rng.standard_normal((num_embeddings, dim)).astype(dtype)
        if padding_idx is not None:
            self.weight[padding_idx] = 0.0
        self.weight_grad = np.zeros_like(self.weight)
        self._cache = None

    def forward(self, ids):
        out, self._cache = embedding_forward(ids, self.weight)
        return out

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        check_array(dout, "dout")
        dweight = embedding_backward(dout.astype(self.weight.dtype, copy=False), self._cache)
        if self.padding_idx is not None:
            dweight[self.padding_idx] = 0.0
        self.weight_grad += dweight
        return None

    def parameters(self):
        return {"weight": self.weight}

    def gradients(self):
        return {"weight": self.weight_grad}

    def __repr__(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.dim}, padding_idx={self.padding_idx})"


# --- masks and pooling over word positions -------------------------------------------------------


def _check_mask(mask, name: str, shape: tuple[int, int]) -> np.ndarray:
    if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
        raise TypeError(f"{name} must be a bool NumPy array of shape (N, L), got {describe(mask)}")
    if mask.shape != shape:
        raise ValueError(f"{name} must have shape (N, L) = {shape} matching x, got {mask.shape}")
    return mask


def window_mask(mask, width: int) -> np.ndarray:
    """Word mask (N, L) -> mask (N, L - width + 1) of the width-``width`` windows that a valid
    convolution produces: True where the window holds ``width`` real words.

    A text with 1 <= l < width real words keeps its first window (its words plus zero padding,
    as Kim (2014) pads short sentences); an all-padding row has no valid window. Real words
    must come first in each row (as ``encode_batch`` makes them).
    """
    width = check_int(width, "width", minimum=1)
    if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_ or mask.ndim != 2:
        raise TypeError(f"mask must be a 2-D bool NumPy array (N, L), got {describe(mask)}")
    if mask.shape[1] < width:
        raise ValueError(f"width must be <= the padded length {mask.shape[1]}, got {width}")
    lengths = mask.sum(axis=1)
    if np.any(mask != (np.arange(mask.shape[1]) < lengths[:, None])):
        raise ValueError("mask must be True on a prefix of each row (real words first)")
    n_windows = np.where(lengths > 0, np.maximum(lengths - width + 1, 1), 0)
    return np.arange(mask.shape[1] - width + 1) < n_windows[:, None]


def _check_pool_input(x, mask):
    check_array(x, "x", ndim=3, shape_hint="(N, F, L)")
    return _check_mask(mask, "mask", (x.shape[0], x.shape[2]))


def _check_pool_cache(cache, length: int, forward: str):
    if not isinstance(cache, tuple) or len(cache) != length:
        raise TypeError(f"cache must be the tuple returned by {forward}, got {describe(cache)}")
    return cache


def _check_pool_dout(dout, shape, forward: str):
    check_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(f"dout must have shape {shape} matching {forward}'s output, "
                         f"got {dout.shape}")


def max_over_time_forward(x, mask) -> tuple[np.ndarray, tuple]:
    """x: (N, F, L) filter responses, mask: (N, L) bool -> out (N, F), cache.

    ``out[n, f] = max over positions i with mask[n, i] of x[n, f, i]``: padded positions are
    set to -inf before the max, so they never win. All-padding rows give 0.
    """
    mask = _check_pool_input(x, mask)
    masked = np.where(mask[:, None, :], x, -np.inf)
    winner = masked.argmax(axis=2)  # (N, F), the first maximum on ties
    out = np.take_along_axis(x, winner[..., None], axis=2)[..., 0]
    empty = ~mask.any(axis=1)
    out[empty] = 0.0
    return out, (x.shape, winner, empty)


def max_over_time_backward(dout, cache) -> np.ndarray:
    """dout: (N, F) -> dx (N, F, L): each dout goes to its row's winning position only."""
    x_shape, winner, empty = _check_pool_cache(cache, 3, "max_over_time_forward")
    _check_pool_dout(dout, x_shape[:2], "max_over_time_forward")
    dx = np.zeros(x_shape, dtype=dout.dtype)
    np.put_along_axis(dx, winner[..., None], np.where(empty[:, None], 0.0, dout)[..., None],
                      axis=2)
    return dx


def kmax_pool_forward(x, mask, k: int) -> tuple[np.ndarray, tuple]:
    """x: (N, F, L), mask: (N, L) bool -> out (N, F, k), cache: each filter's ``k`` largest
    responses over real positions, kept in their order in the sentence.

    A row with fewer than ``k`` real positions fills its last slots with 0 (no gradient).
    """
    mask = _check_pool_input(x, mask)
    k = check_int(k, "k", minimum=1)
    if k > x.shape[2]:
        raise ValueError(f"k must be <= the length L={x.shape[2]} of x, got {k}")
    masked = np.where(mask[:, None, :], x, -np.inf)
    length = x.shape[2]
    top = np.argsort(-masked, axis=2, kind="stable")[..., :k]  # k distinct largest positions
    real = np.take_along_axis(np.broadcast_to(mask[:, None, :], x.shape), top, axis=2)
    # Real positions first, in sentence order, then (in short rows) padded ones, keyed L + i.
    positions = np.sort(np.where(real, top, top + length), axis=2) % length
    valid = np.arange(k) < mask.sum(axis=1)[:, None, None]  # (N, 1, k): slot holds a real word
    out = np.where(valid, np.take_along_axis(x, positions, axis=2), 0.0)
    return out, (x.shape, positions, np.broadcast_to(valid, out.shape))


def kmax_pool_backward(dout, cache) -> np.ndarray:
    """dout: (N, F, k) -> dx (N, F, L): each slot's gradient back to the position it kept."""
    x_shape, positions, valid = _check_pool_cache(cache, 3, "kmax_pool_forward")
    _check_pool_dout(dout, positions.shape, "kmax_pool_forward")
    dx = np.zeros(x_shape, dtype=dout.dtype)
    # The k positions of a row are distinct (padded slots point at distinct padded positions),
    # so writing, not adding, is exact.
    np.put_along_axis(dx, positions, np.where(valid, dout, 0.0), axis=2)
    return dx


def mean_pool_forward(x, mask) -> tuple[np.ndarray, tuple]:
    """x: (N, F, L), mask: (N, L) bool -> out (N, F): the mean over real positions, cache.
    All-padding rows give 0."""
    mask = _check_pool_input(x, mask)
    count = mask.sum(axis=1).astype(x.dtype)
    weights = (mask / np.maximum(count, 1)[:, None]).astype(x.dtype)  # 1/l at real words
    return np.einsum("nfl,nl->nf", x, weights), (x.shape, weights)


def mean_pool_backward(dout, cache) -> np.ndarray:
    """dout: (N, F) -> dx (N, F, L) = dout / l at each real position, 0 at padding."""
    x_shape, weights = _check_pool_cache(cache, 2, "mean_pool_forward")
    _check_pool_dout(dout, x_shape[:2], "mean_pool_forward")
    return dout[:, :, None] * weights[:, None, :].astype(dout.dtype)


POOLINGS = ("max", "kmax", "mean")


def pool_forward(x, mask, kind: str = "max", k: int = 1):
    """Dispatch: ``kind`` "max" -> (N, F), "kmax" -> (N, F * k) (flattened), "mean" -> (N, F)."""
    check_option(kind, "kind", POOLINGS)
    if kind == "max":
        out, cache = max_over_time_forward(x, mask)
    elif kind == "mean":
        out, cache = mean_pool_forward(x, mask)
    else:
        out, cache = kmax_pool_forward(x, mask, k)
        out = out.reshape(out.shape[0], -1)
    return out, (kind, cache)


def pool_backward(dout, cache) -> np.ndarray:
    """dout: pool_forward's output shape -> dx (N, F, L)."""
    kind, inner = _check_pool_cache(cache, 2, "pool_forward")
    if kind == "max":
        return max_over_time_backward(dout, inner)
    if kind == "mean":
        return mean_pool_backward(dout, inner)
    check_array(dout, "dout", ndim=2, shape_hint="(N, F * k)")
    return kmax_pool_backward(dout.reshape(inner[1].shape), inner)


# --- the vendored e-mails ------------------------------------------------------------------------

SPAM_FILE = "spam.tsv.xz"
FIELDS = ("subject+body", "subject")


@dataclass(frozen=True)
class TextSplit:
    """Token lists and labels (1 = spam, 0 = ham) of the fixed train/test split."""

    train_texts: list[list[str]]
    y_train: np.ndarray
    test_texts: list[list[str]]
    y_test: np.ndarray
    classes: tuple[str, ...] = ("ham", "spam")


@functools.cache
def spam_table() -> tuple[tuple[str, str, str, str], ...]:
    """The rows ``(label, split, subject, body)`` of ``spam.tsv.xz``, read once per process."""
    data = resources.files("course_nn.datasets").joinpath(SPAM_FILE).read_bytes()
    lines = lzma.decompress(data).decode("utf-8").splitlines()
    if lines[0] != "label\tsplit\tsubject\tbody":
        raise ValueError(f"{SPAM_FILE} has an unexpected header {lines[0]!r}")
    return tuple(tuple(line.split("\t")) for line in lines[1:])


def spam_file_sha256() -> str:
    """The sha256 of the shipped ``spam.tsv.xz`` (hex)."""
    data = resources.files("course_nn.datasets").joinpath(SPAM_FILE).read_bytes()
    return hashlib.sha256(data).hexdigest()


def load_spam_split(fields: str = "subject+body") -> TextSplit:
    """The SpamAssassin e-mails' fixed stratified 80/20 split, offline, as token lists.

    ``fields="subject+body"``: the subject (reply/forward prefixes stripped) followed by the
    first 60 tokens of the body; ``"subject"``: the subject alone. Addresses and URLs are the
    tokens ``<email>`` and ``<url>``. About 5,840 distinct texts; see SPAM_PROVENANCE.md.
    """
    check_option(fields, "fields", FIELDS)
    parts = {"train": ([], []), "test": ([], [])}
    for label, split, subject, body in spam_table():
        text = subject if fields == "subject" else f"{subject} {body}"
        parts[split][0].append(text.split())
        parts[split][1].append(1 if label == "spam" else 0)
    (train, y_train), (test, y_test) = parts["train"], parts["test"]
    return TextSplit(train, np.array(y_train), test, np.array(y_test))
