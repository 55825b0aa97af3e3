"""course_nn.text: tokens, vocabulary, embedding and masked pooling over word positions, each
backward pass against centred finite differences and torch autograd (float64), bad inputs."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from malformed import assert_clear_error

from course_nn.conv import conv1d_backward, conv1d_forward
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.modules import Module
from course_nn.text import (
    PAD_ID,
    UNK_ID,
    Embedding,
    Vocabulary,
    check_ids,
    embedding_backward,
    embedding_forward,
    kmax_pool_backward,
    kmax_pool_forward,
    mask_addresses,
    max_over_time_backward,
    max_over_time_forward,
    mean_pool_backward,
    mean_pool_forward,
    pool_backward,
    pool_forward,
    tokenize,
    window_mask,
)

TOL = 1e-8


def lengths_mask(lengths, width):
    return np.arange(width) < np.asarray(lengths)[:, None]


# --- tokens and vocabulary -----------------------------------------------------------------------


def test_tokenize_lowercases_keeps_words_numbers_symbols_and_placeholders():
    assert tokenize("This is NOT a spam!! Don't pay $100 at <url> or <email>.") == [
        "this", "is", "not", "a", "spam", "!", "!", "don't", "pay", "$", "100", "at",
        "<url>", "or", "<email>"]
    assert tokenize("  ") == [] and tokenize("naïve café") == ["naïve", "café"]
    assert tokenize("snake_case, a-b") == ["snake", "case", "a", "b"]


def test_tokenize_is_idempotent():
    text = "Re: FREE $$$ -- visit www.x.com, e-mail me@x.org; it's 50% off?!"
    once = tokenize(mask_addresses(text))
    assert tokenize(" ".join(once)) == once


def test_mask_addresses():
    masked = mask_addresses("Mail a.b+c@mail.example.org or see https://x.org/a@b?c=d, www.y.com")
    assert tokenize(masked) == ["mail", "<email>", "or", "see", "<url>", "<url>"]


def test_vocabulary_frequency_cut_off_order_and_reserved_ids():
    texts = [["b", "a", "c", "a"], ["b", "a", "d"], ["c", "e"]]
    vocab = Vocabulary.build(texts, min_count=2)
    assert vocab.tokens == ["<pad>", "<unk>", "a", "b", "c"]  # a:3, then b and c (2) by name
    assert (PAD_ID, UNK_ID) == (0, 1) and len(vocab) == 5
    assert vocab.encode(["c", "a", "zebra", "e"]).tolist() == [4, 2, UNK_ID, UNK_ID]
    assert vocab.decode(np.array([2, 0, 1])) == ["a", "<pad>", "<unk>"]
    assert Vocabulary.build(texts, min_count=1, max_size=2).tokens[2:] == ["a", "b"]
    assert len(Vocabulary.build(texts, min_count=9)) == 2


def test_encode_batch_pads_truncates_and_masks():
    vocab = Vocabulary(["a", "b", "c"])
    ids, mask = vocab.encode_batch([["a", "b", "c"], ["c"], []], min_length=2)
    assert ids.tolist() == [[2, 3, 4], [4, 0, 0], [0, 0, 0]] and ids.dtype == np.int64
    assert mask.tolist() == [[True] * 3, [True, False, False], [False] * 3]
    ids, mask = vocab.encode_batch([["a", "b", "c"], ["c"]], max_length=2, min_length=4)
    assert ids.tolist() == [[2, 3, 0, 0], [4, 0, 0, 0]] and mask.sum() == 3


def test_vocabulary_bad_inputs():
    assert_clear_error(lambda: Vocabulary.build("a b c"), TypeError, "texts")
    assert_clear_error(lambda: Vocabulary.build([["a", 1]]), TypeError, "texts[0][1]")
    assert_clear_error(lambda: Vocabulary.build([["a"]], min_count=0), ValueError, "min_count")
    assert_clear_error(lambda: Vocabulary.build([["a"]], min_count=1.5), TypeError, "min_count")
    assert_clear_error(lambda: Vocabulary(["a", "a"]), ValueError, "tokens")
    assert_clear_error(lambda: Vocabulary(["<pad>"]), ValueError, "tokens")
    vocab = Vocabulary(["a"])
    assert_clear_error(lambda: vocab.encode("a"), TypeError, "tokens")
    assert_clear_error(lambda: vocab.decode(np.array([3])), ValueError, "ids")
    assert_clear_error(lambda: vocab.decode(np.array([0.0])), TypeError, "ids")
    assert_clear_error(lambda: vocab.encode_batch([]), ValueError, "texts")
    assert_clear_error(lambda: vocab.encode_batch([["a"]], max_length=0), ValueError,
                       "max_length")
    assert_clear_error(lambda: tokenize(None), TypeError, "text")
    assert_clear_error(lambda: mask_addresses(b"x"), TypeError, "text")


# --- embedding -----------------------------------------------------------------------------------


def test_embedding_forward_is_a_row_lookup_like_torch(rng):
    weight = rng.standard_normal((7, 4))
    ids = np.array([[3, 3, 0, 6], [1, 2, 3, 0]])
    out, _ = embedding_forward(ids, weight)
    assert out.shape == (2, 4, 4)
    np.testing.assert_array_equal(out, F.embedding(torch.tensor(ids), torch.tensor(weight)))
    one_hot = np.eye(7)[ids]  # the lookup is a one-hot vector times the weight matrix
    np.testing.assert_allclose(out, one_hot @ weight)


def test_embedding_backward_scatter_adds_repeated_tokens(rng):
    weight = rng.standard_normal((6, 3))
    ids = np.array([[2, 2, 2, 5], [5, 0, 2, 0]])  # token 2 four times, 5 twice, 0 twice
    out, cache = embedding_forward(ids, weight)
    dout = rng.standard_normal(out.shape)
    dweight = embedding_backward(dout, cache)
    np.testing.assert_allclose(dweight[2], dout[0, :3].sum(0) + dout[1, 2])
    np.testing.assert_allclose(dweight[5], dout[0, 3] + dout[1, 0])
    assert not dweight[[1, 3, 4]].any()  # unused rows get nothing
    # torch autograd, and torch's own scatter-add
    wt = torch.tensor(weight, requires_grad=True)
    F.embedding(torch.tensor(ids), wt).backward(torch.tensor(dout))
    assert relative_error(dweight, wt.grad.numpy()) < TOL
    scatter = torch.zeros(6, 3, dtype=torch.float64).index_add_(
        0, torch.tensor(ids.reshape(-1)), torch.tensor(dout.reshape(-1, 3)))
    assert relative_error(dweight, scatter.numpy()) < TOL
    # centred finite differences
    errors = check_layer_gradients(lambda weight: embedding_forward(ids, weight),
                                   embedding_backward, {"weight": weight}, rng)
    assert errors["weight"] < TOL


def test_embedding_module_matches_torch_with_padding_idx(rng):
    layer = Embedding(9, 5, rng)
    assert isinstance(layer, Module) and not layer.weight[PAD_ID].any()
    torch_layer = torch.nn.Embedding(9, 5, padding_idx=0, dtype=torch.float64)
    with torch.no_grad():
        torch_layer.weight.copy_(torch.tensor(layer.weight))
    ids = np.array([[4, 4, 8, 0, 0], [1, 4, 0, 0, 0]])
    out = layer(ids)
    out_t = torch_layer(torch.tensor(ids))
    np.testing.assert_array_equal(out, out_t.detach().numpy())
    dout = rng.standard_normal(out.shape)
    assert layer.backward(dout) is None
    out_t.backward(torch.tensor(dout))
    assert relative_error(layer.weight_grad, torch_layer.weight.grad.numpy()) < TOL
    assert not layer.weight_grad[PAD_ID].any()
    layer.backward(dout)  # gradients accumulate, like torch's .grad
    assert relative_error(layer.weight_grad, 2 * torch_layer.weight.grad.numpy()) < TOL
    layer.zero_grad()
    assert not layer.weight_grad.any()
    assert set(layer.parameters()) == set(layer.gradients()) == {"weight"}
    assert Embedding(3, 2, rng, padding_idx=None).weight[0].any()
    small = Embedding(4, 2, rng, dtype=np.float32)
    assert small(np.array([[1, 2]])).dtype == np.float32
    small.backward(np.ones((1, 2, 2)))  # float64 gradients from a float64 loss are cast
    assert small.weight_grad.dtype == np.float32 and small.weight_grad[[1, 2]].all()


def test_embedding_bad_inputs(rng):
    weight = rng.standard_normal((5, 2))
    assert_clear_error(lambda: embedding_forward(np.array([[5]]), weight), ValueError, "ids")
    assert_clear_error(lambda: embedding_forward(np.array([[-1]]), weight), ValueError, "ids")
    assert_clear_error(lambda: embedding_forward(np.array([[1.0]]), weight), TypeError, "ids")
    assert_clear_error(lambda: embedding_forward(np.array([1, 2]), weight), ValueError, "ids")
    assert_clear_error(lambda: embedding_forward(np.array([[True]]), weight), TypeError, "ids")
    assert_clear_error(lambda: embedding_forward("ab", weight), TypeError, "ids")
    assert_clear_error(lambda: embedding_forward(np.array([[1]]), [[1.0]]), TypeError, "weight")
    _, cache = embedding_forward(np.array([[1, 2]]), weight)
    assert_clear_error(lambda: embedding_backward(np.ones((1, 2, 3)), cache), ValueError, "dout")
    assert_clear_error(lambda: embedding_backward(np.ones((1, 2, 2)), "c"), TypeError, "cache")
    assert_clear_error(lambda: Embedding(0, 2, rng), ValueError, "num_embeddings")
    assert_clear_error(lambda: Embedding(3, 2.0, rng), TypeError, "dim")
    assert_clear_error(lambda: Embedding(3, 2, 0), TypeError, "rng")
    assert_clear_error(lambda: Embedding(3, 2, rng, padding_idx=3), ValueError, "padding_idx")
    assert_clear_error(lambda: Embedding(3, 2, rng, dtype=np.int64), TypeError, "dtype")
    layer = Embedding(3, 2, rng)
    layer(np.array([[1, 2]]))
    assert_clear_error(lambda: layer.backward([[[1.0, 2.0]]]), TypeError, "dout")
    with pytest.raises(RuntimeError, match="before forward"):
        Embedding(3, 2, rng).backward(np.ones((1, 1, 2)))
    assert check_ids([1, 2], "ids", 3).dtype == np.int64


# --- masks ---------------------------------------------------------------------------------------


def test_window_mask_counts_l_minus_h_plus_1_windows():
    mask = lengths_mask([6, 3, 2, 1, 0], 6)
    windows = window_mask(mask, 3)
    assert windows.shape == (5, 4)
    assert windows.sum(axis=1).tolist() == [4, 1, 1, 1, 0]  # short texts keep one window
    assert windows[0].all() and windows[1].tolist() == [True, False, False, False]
    assert np.array_equal(window_mask(mask, 1), mask)


def test_window_mask_bad_inputs():
    mask = lengths_mask([2, 1], 3)
    assert_clear_error(lambda: window_mask(mask, 4), ValueError, "width")
    assert_clear_error(lambda: window_mask(mask, 0), ValueError, "width")
    assert_clear_error(lambda: window_mask(mask.astype(int), 2), TypeError, "mask")
    gap = np.array([[True, False, True]])
    assert_clear_error(lambda: window_mask(gap, 2), ValueError, "mask")


# --- pooling: torch references -------------------------------------------------------------------


def torch_max(x, mask):
    filled = x.masked_fill(~mask[:, None, :], float("-inf"))
    out = filled.max(dim=2).values
    return torch.where(mask.any(1)[:, None], out, torch.zeros_like(out))


def torch_kmax(x, mask, k):
    filled = x.masked_fill(~mask[:, None, :], float("-inf"))
    positions = filled.topk(k, dim=2).indices.sort(dim=2).values  # sentence order
    kept = x.gather(2, positions)
    count = mask.sum(1)[:, None, None]
    # The slots beyond a short row's real words are the padded positions: zero them.
    rank = torch.arange(k)[None, None, :]
    real = filled.gather(2, positions) > float("-inf")
    return torch.where(real & (rank < count), kept, torch.zeros_like(kept))


def torch_mean(x, mask):
    weights = mask.to(x.dtype)
    return (x * weights[:, None, :]).sum(2) / weights.sum(1).clamp(min=1)[:, None]


POOLS = {
    "max": (max_over_time_forward, max_over_time_backward, torch_max, {}),
    "kmax": (kmax_pool_forward, kmax_pool_backward, torch_kmax, {"k": 3}),
    "mean": (mean_pool_forward, mean_pool_backward, torch_mean, {}),
}


@pytest.mark.parametrize("kind", list(POOLS))
@pytest.mark.parametrize("lengths", [[7, 4, 3, 1], [7, 7, 7, 7], [5, 0, 2, 0]])
def test_pooling_matches_torch_and_finite_differences(kind, lengths, rng):
    forward, backward, reference, extra = POOLS[kind]
    x = rng.standard_normal((4, 3, 7))
    mask = lengths_mask(lengths, 7)
    x[~np.broadcast_to(mask[:, None, :], x.shape)] += 10.0  # padding holds the largest values
    out, cache = forward(x, mask, **extra)
    xt = torch.tensor(x, requires_grad=True)
    out_t = reference(xt, torch.tensor(mask), **extra)
    assert out.shape == tuple(out_t.shape)
    assert relative_error(out, out_t.detach().numpy()) < TOL
    dout = rng.standard_normal(out.shape)
    dx = backward(dout, cache)
    out_t.backward(torch.tensor(dout))
    assert relative_error(dx, xt.grad.numpy()) < TOL
    errors = check_layer_gradients(lambda x: forward(x, mask, **extra), backward, {"x": x}, rng)
    assert errors["x"] < 1e-7
    padded = ~np.broadcast_to(mask[:, None, :], x.shape)
    assert not dx[padded].any()  # padding never receives gradient


@pytest.mark.parametrize("kind", list(POOLS))
def test_padding_never_wins_and_all_padding_rows_pool_to_zero(kind, rng):
    forward, backward, _, extra = POOLS[kind]
    x = np.full((2, 2, 5), 1e6)  # padding values dwarf the real ones
    x[0, :, :2] = [[1.0, -2.0], [-3.0, 0.5]]
    mask = lengths_mask([2, 0], 5)
    out, cache = forward(x, mask, **extra)
    assert np.abs(out).max() <= 3.0 and not out[1].any()
    dx = backward(np.ones_like(out), cache)
    assert not dx[1].any() and not dx[0, :, 2:].any()


def test_max_over_time_picks_each_filters_strongest_real_word():
    x = np.array([[[0.1, 0.9, 0.3, 5.0], [2.0, -1.0, 0.0, 5.0]]])
    mask = lengths_mask([3], 4)
    out, cache = max_over_time_forward(x, mask)
    assert out.tolist() == [[0.9, 2.0]]
    dx = max_over_time_backward(np.array([[10.0, 20.0]]), cache)
    assert dx.tolist() == [[[0, 10.0, 0, 0], [20.0, 0, 0, 0]]]


def test_kmax_keeps_sentence_order_and_fills_short_rows_with_zero():
    x = np.array([[[3.0, 1.0, 4.0, 1.5, 9.0]], [[2.0, 7.0, 0.0, 0.0, 0.0]]])
    out, cache = kmax_pool_forward(x, lengths_mask([4, 2], 5), k=3)
    assert out.tolist() == [[[3.0, 4.0, 1.5]], [[2.0, 7.0, 0.0]]]
    dx = kmax_pool_backward(np.ones_like(out), cache)
    assert dx.tolist() == [[[1, 0, 1, 1, 0]], [[1, 1, 0, 0, 0]]]


def test_mean_pool_divides_by_each_rows_length():
    x = np.arange(8.0).reshape(2, 1, 4)
    out, cache = mean_pool_forward(x, lengths_mask([4, 2], 4))
    assert out.tolist() == [[1.5], [4.5]]
    assert mean_pool_backward(np.ones((2, 1)), cache).tolist() == [
        [[0.25] * 4], [[0.5, 0.5, 0.0, 0.0]]]


@pytest.mark.parametrize(("kind", "width"), [("max", 2), ("kmax", 4), ("mean", 2)])
def test_pool_dispatch_matches_the_kernels(kind, width, rng):
    x = rng.standard_normal((3, width, 6))
    mask = lengths_mask([6, 2, 4], 6)
    out, cache = pool_forward(x, mask, kind, k=2)
    assert out.shape == (3, width * (2 if kind == "kmax" else 1))
    errors = check_layer_gradients(lambda x: pool_forward(x, mask, kind, k=2), pool_backward,
                                   {"x": x}, rng)
    assert errors["x"] < 1e-7


@pytest.mark.parametrize("kind", list(POOLS))
def test_pooling_bad_inputs(kind, rng):
    forward, backward, _, extra = POOLS[kind]
    x = rng.standard_normal((2, 3, 4))
    mask = lengths_mask([4, 1], 4)
    assert_clear_error(lambda: forward(x[0], mask, **extra), ValueError, "x")
    assert_clear_error(lambda: forward(x.tolist(), mask, **extra), TypeError, "x")
    assert_clear_error(lambda: forward(x, mask[:1], **extra), ValueError, "mask")
    assert_clear_error(lambda: forward(x, mask.astype(float), **extra), TypeError, "mask")
    out, cache = forward(x, mask, **extra)
    assert_clear_error(lambda: backward(out[:1], cache), ValueError, "dout")
    assert_clear_error(lambda: backward(out, "cache"), TypeError, "cache")


def test_kmax_and_dispatch_bad_arguments(rng):
    x, mask = rng.standard_normal((1, 2, 3)), lengths_mask([3], 3)
    assert_clear_error(lambda: kmax_pool_forward(x, mask, 4), ValueError, "k")
    assert_clear_error(lambda: kmax_pool_forward(x, mask, 0), ValueError, "k")
    assert_clear_error(lambda: kmax_pool_forward(x, mask, 1.0), TypeError, "k")
    assert_clear_error(lambda: pool_forward(x, mask, "min"), ValueError, "kind")


# --- the pieces together: embedding -> notebook 06's conv1d (channels = embedding) -> pool ------


def test_embedding_conv1d_max_pool_chain_matches_torch(rng):
    vocab_size, dim, filters, width = 11, 4, 3, 3
    ids = np.array([[5, 2, 2, 9, 3, 0], [7, 1, 0, 0, 0, 0]])
    mask = ids != PAD_ID
    weight = rng.standard_normal((vocab_size, dim))
    w, b = rng.standard_normal((filters, dim, width)), rng.standard_normal(filters)

    def forward(weight, w, b):
        emb, c1 = embedding_forward(ids, weight)
        conv, c2 = conv1d_forward(emb.transpose(0, 2, 1), w, b)  # (N, D, L): D channels
        out, c3 = max_over_time_forward(conv, window_mask(mask, width))
        return out, (c1, c2, c3)

    def backward(dout, cache):
        c1, c2, c3 = cache
        dconv = max_over_time_backward(dout, c3)
        demb, dw, db = conv1d_backward(dconv, c2)
        return embedding_backward(demb.transpose(0, 2, 1), c1), dw, db

    errors = check_layer_gradients(forward, backward, {"weight": weight, "w": w, "b": b}, rng)
    assert max(errors.values()) < 1e-7
    tensors = [torch.tensor(a, requires_grad=True) for a in (weight, w, b)]
    conv = F.conv1d(F.embedding(torch.tensor(ids), tensors[0]).transpose(1, 2), *tensors[1:])
    out_t = torch_max(conv, torch.tensor(window_mask(mask, width)))
    out, cache = forward(weight, w, b)
    assert relative_error(out, out_t.detach().numpy()) < TOL
    dout = rng.standard_normal(out.shape)
    out_t.backward(torch.tensor(dout))
    for mine, theirs in zip(backward(dout, cache), tensors, strict=True):
        assert relative_error(mine, theirs.grad.numpy()) < TOL


def test_numerical_gradient_of_mean_pool_loss(rng):
    x = rng.standard_normal((2, 2, 5))
    mask = lengths_mask([5, 3], 5)
    dout = rng.standard_normal((2, 2))
    numeric = numerical_gradient(lambda z: np.sum(mean_pool_forward(z, mask)[0] * dout), x)
    _, cache = mean_pool_forward(x, mask)
    assert relative_error(mean_pool_backward(dout, cache), numeric) < TOL
