"""A convolutional network for sentences (Kim, 2014), in NumPy and its PyTorch twin (notebook 07).

ids (N, L) -> embedding (N, L, D) -> transposed to (N, D, L), the embedding dimension as the
channels of ``course_nn.conv.Conv1d`` -> for each filter width h, F filters spanning h words,
ReLU -> pooling over word positions (max-over-time, k-max or mean, masked so padding never
counts) -> the pooled features of every width concatenated -> dropout (optional) -> ``Linear``
to the class scores.

``course_nn.training.fit`` takes (N, D) float inputs, not token ids with a mask, so
``train_text_cnn`` is this model's small training loop (the same mini-batch steps: shuffle,
zero_grad, forward, softmax cross-entropy, backward, step). ``text_cnn_to_torch`` builds the
torch twin with the same weights; ``fit_text_cnn_torch`` trains it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course_nn import layers, text
from course_nn.conv import Conv1d
from course_nn.modules import Dropout, Linear, Module
from course_nn.optim import Optimiser
from course_nn.progress import progress
from course_nn.validation import (
    check_bool,
    check_generator,
    check_int,
    check_option,
    describe,
)


def _check_widths(widths) -> tuple[int, ...]:
    if isinstance(widths, str | bytes) or not isinstance(widths, Sequence) or not widths:
        raise TypeError(f"widths must be a non-empty tuple of filter widths, got "
                        f"{describe(widths)}")
    return tuple(check_int(h, f"widths[{i}]", minimum=1) for i, h in enumerate(widths))


def _check_batch(ids, mask, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    ids = text.check_ids(ids, "ids", vocab_size, ndim=2)
    if mask is None:
        mask = ids != text.PAD_ID
    if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
        raise TypeError(f"mask must be a bool NumPy array (N, L), got {describe(mask)}")
    if mask.shape != ids.shape:
        raise ValueError(f"mask must have ids' shape {ids.shape}, got {mask.shape}")
    return ids, mask


class TextCNN(Module):
    """Embedding -> Conv1d per width, ReLU -> pooling -> concatenation -> dropout -> Linear.

    ``forward(ids, mask=None)``: ids (N, L) int, mask (N, L) bool (True at real words; by
    default ``ids != PAD_ID``) -> scores (N, classes). Batches shorter than the widest filter
    are padded. ``pooling`` is "max", "kmax" (``k`` per filter, in sentence order) or "mean";
    the output layer sees ``len(widths) * filters * (k if kmax else 1)`` features.
    ``backward(dout)`` returns None (ids have no gradient).
    """

    def __init__(self, vocab_size: int, rng: np.random.Generator, *, dim: int = 50,
                 widths=(3, 4, 5), filters: int = 20, pooling: str = "max", k: int = 2,
                 drop_prob: float = 0.0, classes: int = 2):
        check_generator(rng)
        self.widths = _check_widths(widths)
        self.filters = check_int(filters, "filters", minimum=1)
        self.pooling = check_option(pooling, "pooling", text.POOLINGS)
        self.k = check_int(k, "k", minimum=1) if pooling == "kmax" else 1
        self.classes = check_int(classes, "classes", minimum=2)
        self.embedding = text.Embedding(vocab_size, dim, rng)
        self.convs = [Conv1d(self.embedding.dim, self.filters, h, rng) for h in self.widths]
        self.dropout = Dropout(drop_prob, rng) if drop_prob else None
        self.features = len(self.widths) * self.filters * self.k
        self.output = Linear(self.features, self.classes, rng)
        self._cache = None

    def _parts(self) -> dict[str, Module]:
        return {"embedding": self.embedding,
                **{f"conv{h}": c for h, c in zip(self.widths, self.convs, strict=True)},
                "output": self.output}

    def parameters(self):
        return {f"{part}.{name}": value for part, module in self._parts().items()
                for name, value in module.parameters().items()}

    def gradients(self):
        return {f"{part}.{name}": value for part, module in self._parts().items()
                for name, value in module.gradients().items()}

    def train(self, mode: bool = True):
        super().train(mode)
        if self.dropout is not None:
            self.dropout.train(mode)
        return self

    def responses(self, ids, mask=None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per width: (ReLU'd filter responses (N, F, L - h + 1), their window mask)."""
        return self._responses(*_check_batch(ids, mask, self.embedding.num_embeddings))[1]

    def _responses(self, ids, mask):
        short = max(self.widths) - ids.shape[1]
        if short > 0:
            ids = np.pad(ids, ((0, 0), (0, short)), constant_values=text.PAD_ID)
            mask = np.pad(mask, ((0, 0), (0, short)), constant_values=False)
        x = self.embedding.forward(ids).transpose(0, 2, 1)  # (N, D, L): words along the axis
        out, caches = [], []
        for h, conv in zip(self.widths, self.convs, strict=True):
            r, relu_cache = layers.relu_forward(conv.forward(x))
            out.append((r, text.window_mask(mask, h)))
            caches.append(relu_cache)
        return caches, out

    def forward(self, ids, mask=None):
        ids, mask = _check_batch(ids, mask, self.embedding.num_embeddings)
        relu_caches, responses = self._responses(ids, mask)
        pooled, pool_caches = [], []
        for r, wmask in responses:
            p, cache = text.pool_forward(r, wmask, self.pooling, self.k)
            pooled.append(p)
            pool_caches.append(cache)
        features = np.concatenate(pooled, axis=1)
        if self.dropout is not None:
            features = self.dropout.forward(features)
        self._cache = (relu_caches, pool_caches, [p.shape[1] for p in pooled])
        return self.output.forward(features)

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        relu_caches, pool_caches, sizes = self._cache
        dfeat = self.output.backward(dout)
        if self.dropout is not None:
            dfeat = self.dropout.backward(dfeat)
        dx = 0.0
        parts = np.split(dfeat, np.cumsum(sizes)[:-1], axis=1)
        for conv, relu_cache, pool_cache, d in zip(self.convs, relu_caches, pool_caches, parts,
                                                   strict=True):
            dr = layers.relu_backward(text.pool_backward(d, pool_cache), relu_cache)
            dx = dx + conv.backward(dr)
        self.embedding.backward(np.ascontiguousarray(dx.transpose(0, 2, 1)))
        return None

    def __repr__(self) -> str:
        return (f"TextCNN(vocab={self.embedding.num_embeddings}, dim={self.embedding.dim}, "
                f"widths={self.widths}, filters={self.filters}, pooling={self.pooling!r}"
                + (f", k={self.k}" if self.pooling == "kmax" else "") + ")")


def _check_model(model) -> TextCNN:
    if not isinstance(model, TextCNN):
        raise TypeError(f"model must be a TextCNN, got {describe(model)}")
    return model


def predict_scores(model: TextCNN, ids, mask=None, *, batch_size: int = 512) -> np.ndarray:
    """Class scores (N, C) in evaluation mode (dropout off; the mode is restored), in batches."""
    model = _check_model(model)
    ids, mask = _check_batch(ids, mask, model.embedding.num_embeddings)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    was_training = model.training
    model.eval()
    try:
        return np.concatenate([model.forward(ids[i:i + batch_size], mask[i:i + batch_size])
                               for i in range(0, len(ids), batch_size)])
    finally:
        model.train(was_training)


def train_text_cnn(model: TextCNN, optimiser: Optimiser, ids, mask, y, *, epochs: int,
                   batch_size: int, rng: np.random.Generator,
                   show_progress: bool = True) -> dict[str, list[float]]:
    """Mini-batch training with softmax cross-entropy; returns per-epoch ``train_loss`` (the
    mean over the epoch's batches, dropout active) and ``train_accuracy`` (measured while
    training). Each batch is cut to its longest text, so padding costs little."""
    model = _check_model(model)
    if not isinstance(optimiser, Optimiser) or not optimiser.owns(model):
        raise TypeError(f"optimiser must be a course_nn optimiser built for model, e.g. "
                        f"Adam(model, 1e-3), got {describe(optimiser)}")
    ids, mask = _check_batch(ids, mask, model.embedding.num_embeddings)
    y = np.asarray(y)
    if y.shape != (len(ids),) or y.dtype.kind not in "iu":
        raise ValueError(f"y must be ({len(ids)},) integer labels matching ids, got "
                         f"{describe(y)}")
    if y.size and (y.min() < 0 or y.max() >= model.classes):
        raise ValueError(f"y must hold labels in [0, {model.classes}), got {y.min()}..{y.max()}")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_generator(rng)
    check_bool(show_progress, "show_progress")
    history = {"train_loss": [], "train_accuracy": []}
    model.train()
    for _ in progress(range(epochs), desc="epochs", disable_if=not show_progress):
        loss_sum, correct = 0.0, 0
        for idx in np.array_split(rng.permutation(len(ids)), -(-len(ids) // batch_size)):
            width = max(int(mask[idx].sum(axis=1).max()), 1)
            optimiser.zero_grad()
            scores = model.forward(ids[idx, :width], mask[idx, :width])
            loss, dscores = layers.softmax_cross_entropy(scores, y[idx])
            model.backward(dscores)
            optimiser.step()
            loss_sum += loss * len(idx)
            correct += int((scores.argmax(axis=1) == y[idx]).sum())
        history["train_loss"].append(loss_sum / len(ids))
        history["train_accuracy"].append(correct / len(ids))
    return history


def top_ngrams(model: TextCNN, ids, mask, vocab: text.Vocabulary, width: int, filter_index: int,
               top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` distinct n-grams (over real windows of ``ids``) with the largest response of
    filter ``filter_index`` of width ``width``: [(words, response)], best first."""
    model = _check_model(model)
    width = check_int(width, "width", minimum=1)
    if width not in model.widths:
        raise ValueError(f"width must be one of the model's widths {model.widths}, got {width}")
    filter_index = check_int(filter_index, "filter_index", minimum=0)
    if filter_index >= model.filters:
        raise ValueError(f"filter_index must be < {model.filters}, got {filter_index}")
    top = check_int(top, "top", minimum=1)
    ids, mask = _check_batch(ids, mask, model.embedding.num_embeddings)
    r, wmask = model.responses(ids, mask)[model.widths.index(width)]
    values = np.where(wmask, r[:, filter_index], -np.inf)
    best, seen = [], set()
    for flat in np.argsort(-values, axis=None, kind="stable"):
        n, i = np.unravel_index(flat, values.shape)
        if not np.isfinite(values[n, i]):
            break
        words = " ".join(vocab.decode(ids[n, i:i + width][mask[n, i:i + width]]))
        if words not in seen:
            seen.add(words)
            best.append((words, float(values[n, i])))
        if len(best) == top:
            break
    return best


def word_contributions(model: TextCNN, ids) -> tuple[np.ndarray, float]:
    """Split one text's score difference (last class minus first: spam - ham) into word terms.

    Max-over-time pooling only. Each filter's pooled value is its response at one window,
    ``relu(b + sum_j w_j . e_{i+j})``: when positive, word ``i + j`` gets
    ``delta_f * w_j . e_{i+j}``, where ``delta_f`` is the filter's output-weight difference.
    ids: (l,) -> (contributions (l,), the rest: every bias term), summing exactly to the score
    difference (in evaluation mode).
    """
    model = _check_model(model)
    if model.pooling != "max":
        raise ValueError(f"model must use max-over-time pooling, got {model.pooling!r}")
    ids = text.check_ids(ids, "ids", model.embedding.num_embeddings, ndim=1)
    if len(ids) == 0:
        raise ValueError("ids must hold at least one word, got an empty array")
    batch = ids[None, :]
    emb = model.embedding.weight[np.pad(ids, (0, max(0, max(model.widths) - len(ids))))]
    delta = model.output.weight[:, -1] - model.output.weight[:, 0]
    contrib = np.zeros(len(emb))
    rest = float(model.output.bias[-1] - model.output.bias[0])
    offset = 0
    for conv, (r, wmask) in zip(model.convs, model.responses(batch), strict=True):
        pooled, cache = text.max_over_time_forward(r, wmask)
        winner = cache[1][0]
        for f in range(model.filters):
            if pooled[0, f] <= 0:
                continue
            d, i = delta[offset + f], winner[f]
            for j in range(conv.kernel_size):
                contrib[i + j] += d * float(conv.weight[f, :, j] @ emb[i + j])
            rest += d * float(conv.bias[f])
        offset += model.filters
    return contrib[:len(ids)], rest


# --- PyTorch twin --------------------------------------------------------------------------------


def _torch_module_class():
    import torch

    class TorchTextCNN(torch.nn.Module):
        """The torch twin of ``TextCNN``: forward(ids (N, L) int64, mask (N, L) bool)."""

        def __init__(self, vocab_size, dim, widths, filters, pooling, k, drop_prob, classes):
            super().__init__()
            self.widths, self.pooling, self.k = tuple(widths), pooling, k
            self.embedding = torch.nn.Embedding(vocab_size, dim, padding_idx=text.PAD_ID)
            self.convs = torch.nn.ModuleList(torch.nn.Conv1d(dim, filters, h) for h in widths)
            self.dropout = torch.nn.Dropout(drop_prob)
            self.output = torch.nn.Linear(len(widths) * filters * k, classes)

        def _pool(self, r, lengths, h):
            n_windows = torch.where(lengths > 0, (lengths - h + 1).clamp(min=1), 0)
            wmask = torch.arange(r.shape[2], device=r.device) < n_windows[:, None]
            if self.pooling == "mean":
                w = wmask.to(r.dtype) / n_windows.clamp(min=1)[:, None].to(r.dtype)
                return torch.einsum("nfl,nl->nf", r, w)
            masked = r.masked_fill(~wmask[:, None, :], float("-inf"))
            if self.pooling == "max":
                out = masked.max(dim=2).values
                return torch.where(n_windows[:, None] > 0, out, torch.zeros_like(out))
            # stable: ties (ReLU's zeros) go to the earliest position, as in NumPy's argsort
            order = torch.sort(masked, dim=2, descending=True, stable=True).indices
            top = order[..., :self.k].sort(dim=2).values
            valid = torch.gather(wmask[:, None, :].expand_as(r), 2, top)
            # real windows first in sentence order (a padded slot's index is >= every real one)
            out = torch.where(valid, torch.gather(r, 2, top), torch.zeros((), dtype=r.dtype,
                                                                          device=r.device))
            return out.flatten(1)

        def forward(self, ids, mask):
            short = max(self.widths) - ids.shape[1]
            if short > 0:
                ids = torch.nn.functional.pad(ids, (0, short), value=text.PAD_ID)
                mask = torch.nn.functional.pad(mask, (0, short), value=False)
            lengths = mask.sum(dim=1)
            x = self.embedding(ids).transpose(1, 2)
            pooled = [self._pool(torch.relu(conv(x)), lengths, h)
                      for h, conv in zip(self.widths, self.convs, strict=True)]
            return self.output(self.dropout(torch.cat(pooled, dim=1)))

    return TorchTextCNN


def _pairs(model: TextCNN, twin):
    """(NumPy name, torch parameter, transpose?) for every parameter."""
    pairs = [("embedding.weight", twin.embedding.weight, False)]
    for h, conv in zip(model.widths, twin.convs, strict=True):
        pairs += [(f"conv{h}.weight", conv.weight, False), (f"conv{h}.bias", conv.bias, False)]
    return pairs + [("output.weight", twin.output.weight, True),
                    ("output.bias", twin.output.bias, False)]


def text_cnn_to_torch(model: TextCNN, device=None, dtype=None):
    """The torch twin of ``model`` with its weights copied (Linear weights transposed), on
    ``device`` in ``dtype`` (default float64)."""
    import torch

    model = _check_model(model)
    dtype = torch.float64 if dtype is None else dtype
    drop = model.dropout.drop_prob if model.dropout is not None else 0.0
    twin = _torch_module_class()(model.embedding.num_embeddings, model.embedding.dim,
                                 model.widths, model.filters, model.pooling, model.k, drop,
                                 model.classes).to(dtype=dtype)
    params = model.parameters()
    with torch.no_grad():
        for name, p, transpose in _pairs(model, twin):
            value = params[name].T if transpose else params[name]
            p.copy_(torch.as_tensor(np.ascontiguousarray(value)))
    return twin.to(device=device)


def text_cnn_torch_gradients(model: TextCNN, twin) -> dict[str, np.ndarray]:
    """The twin's ``.grad``s under ``model``'s parameter names and layouts (float64)."""
    model = _check_model(model)
    out = {}
    for name, p, transpose in _pairs(model, twin):
        if p.grad is None:
            raise ValueError(f"twin's {name} has no gradient: call backward on its loss first")
        g = p.grad.detach().cpu().double().numpy()
        out[name] = g.T if transpose else g
    return out


def _torch_batch(twin, ids, mask):
    import torch

    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.int64 or ids.ndim != 2:
        raise TypeError(f"ids must be a 2-D int64 torch.Tensor, got {describe(ids)}")
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool or mask.shape != ids.shape:
        raise TypeError(f"mask must be a bool torch.Tensor of ids' shape {tuple(ids.shape)}, "
                        f"got {describe(mask)}")
    device = next(twin.parameters()).device
    if ids.device != device or mask.device != device:
        raise ValueError(f"ids and mask must be on the model's device {device}, got "
                         f"{ids.device} and {mask.device}")


def fit_text_cnn_torch(twin, optimiser, ids, mask, y, *, epochs: int, batch_size: int,
                       generator) -> list[float]:
    """Train the torch twin with cross-entropy (``torch_bridge.fit_torch``'s loop, for token
    ids with a mask); each batch is cut to its longest text. Returns per-epoch mean losses."""
    import torch

    _torch_batch(twin, ids, mask)
    if not isinstance(optimiser, torch.optim.Optimizer):
        raise TypeError(f"optimiser must be a torch.optim.Optimizer, got {describe(optimiser)}")
    if not isinstance(y, torch.Tensor) or y.shape != (len(ids),) or y.dtype != torch.int64:
        raise TypeError(f"y must be an int64 torch.Tensor of shape ({len(ids)},), got "
                        f"{describe(y)}")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {describe(generator)}")
    lengths = mask.sum(dim=1)
    losses = []
    twin.train()
    for _ in range(epochs):
        total = 0.0
        for idx in torch.randperm(len(y), generator=generator).split(batch_size):
            idx = idx.to(ids.device)
            width = max(int(lengths[idx].max()), 1)
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(twin(ids[idx, :width], mask[idx, :width]),
                                                     y[idx])
            loss.backward()
            optimiser.step()
            total += loss.item() * len(idx)
        losses.append(total / len(y))
    return losses


def predict_text_cnn_torch(twin, ids, mask, *, batch_size: int = 1024) -> np.ndarray:
    """Class predictions (N,) of the twin in evaluation mode (restored after), as NumPy."""
    import torch

    _torch_batch(twin, ids, mask)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    was_training = twin.training
    twin.eval()
    try:
        with torch.no_grad():
            return torch.cat([twin(ids[i:i + batch_size], mask[i:i + batch_size]).argmax(1)
                              for i in range(0, len(ids), batch_size)]).cpu().numpy()
    finally:
        twin.train(was_training)
