"""Part-of-speech tagging data (notebook 08): the Brown corpus in the 12 universal tags.

The package ships a fixed subset of the Brown corpus (Francis & Kučera), every tag mapped to the
universal tagset of Petrov, Das & McDonald (2012): ``course_nn/datasets/brown_universal.txt.xz``
(see ``BROWN_PROVENANCE.md`` beside it, and ``tools/build_brown_dataset.py``, which rebuilds it).

- ``brown_to_universal(raw_tag)``: the mapping, rule by rule;
- ``load_brown_split()``: the fixed training and test sentences as lists of (words, tags);
- ``word_vocabulary`` / ``encode_tagged``: words to integer ids with notebook 07's
  ``text.Vocabulary`` (words seen once in training become ``<unk>``), and padded batches of
  word ids, tag ids and lengths;
- ``MostFrequentTag``: the baseline every tagger must beat.
"""

from __future__ import annotations

import functools
import lzma
import re
from collections import Counter
from collections.abc import Sequence
from importlib import resources

import numpy as np

from course_nn.modules import Module
from course_nn.optim import Optimiser
from course_nn.progress import progress
from course_nn.recurrent import (
    RNN,
    StepLinear,
    copy_rnn_weights_to_torch,
    masked_cross_entropy,
    step_mask,
)
from course_nn.text import PAD_ID, UNK, Embedding, Vocabulary
from course_nn.validation import check_bool, check_generator, check_int, describe

#: The 12 universal tags (Petrov, Das & McDonald 2012), in a fixed order used as class ids.
UNIVERSAL_TAGS = ("NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "NUM", "CONJ", "PRT",
                  ".", "X")
_TAG_ID = {tag: i for i, tag in enumerate(UNIVERSAL_TAGS)}
DATA_FILE = "brown_universal.txt.xz"

# Base Brown tags (after the rules in ``brown_to_universal``) -> universal tag.
_PUNCTUATION = ("'", "''", "(", ")", ",", "--", ".", ":", "``")
_BASE_TABLE = {
    **dict.fromkeys(_PUNCTUATION, "."),
    "*": "ADV",  # the negator: not, n't
    **dict.fromkeys(("abl", "abn", "abx", "at", "dt", "dti", "dts", "dtx", "ex", "wdt"), "DET"),
    **dict.fromkeys(("ap", "jj", "jjr", "jjs", "jjt", "od"), "ADJ"),
    **dict.fromkeys(("be", "bed", "bedz", "beg", "bem", "ben", "ber", "bez",
                     "do", "dod", "doz", "hv", "hvd", "hvg", "hvn", "hvz", "md",
                     "vb", "vbd", "vbg", "vbn", "vbz"), "VERB"),
    "cc": "CONJ",
    "cd": "NUM",
    **dict.fromkeys(("cs", "in"), "ADP"),
    **dict.fromkeys(("nn", "nns", "np", "nps", "nr", "nrs", "pn"), "NOUN"),
    **dict.fromkeys(("pp", "ppl", "ppls", "ppo", "pps", "ppss", "wp", "wpo", "wps"), "PRON"),
    **dict.fromkeys(("ql", "qlp", "rb", "rbr", "rbt", "rn", "wql", "wrb"), "ADV"),
    **dict.fromkeys(("rp", "to"), "PRT"),
    **dict.fromkeys(("uh", "nil"), "X"),
}


def brown_to_universal(raw_tag: str) -> str:
    """Map one Brown tag (e.g. ``"np$-tl"``, ``"ppss+ber-n"``, ``"fw-nn"``) to a universal tag.

    Rules, in order: strip the ``-hl`` (headline), ``-tl`` (title) and ``-nc`` (cited word)
    suffixes; foreign words ``fw-*`` -> ``X``; keep the first component of a compound tag
    (``ppss+ber`` -> ``ppss``, the pronoun of "we're"); drop a trailing ``*`` (negated verbs,
    ``bez*`` = "isn't") and ``$`` (possessives, ``nn$``); then look the base tag up in a table.
    Raises ``ValueError`` for a tag the table does not cover, so no tag is ever guessed.
    """
    if not isinstance(raw_tag, str):
        raise TypeError(f"raw_tag must be a string such as 'nn-tl', got {describe(raw_tag)}")
    tag = raw_tag.lower()
    tag = re.sub(r"(-(hl|tl|nc))+$", "", tag)
    if tag.startswith("fw-"):
        return "X"
    if len(tag) > 1:
        tag = tag.split("+")[0]
        tag = tag.rstrip("*$") or tag
    if tag not in _BASE_TABLE:
        raise ValueError(f"raw_tag {raw_tag!r} (base tag {tag!r}) is not a known Brown tag")
    return _BASE_TABLE[tag]


def read_tagged_lines(lines) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Parse the shipped format: ``@train`` / ``@test`` section lines, then one sentence per
    line as space-separated ``word/TAG`` tokens (the word is everything before the last ``/``);
    lines starting with ``#`` are comments."""
    sections: dict[str, list] = {}
    current = None
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            current = sections.setdefault(line[1:].split()[0], [])
            continue
        if current is None:
            raise ValueError(f"line {number}: a sentence before any @section line")
        words, tags = [], []
        for token in line.split(" "):
            word, slash, tag = token.rpartition("/")
            if not slash or not word or tag not in UNIVERSAL_TAGS:
                raise ValueError(f"line {number}: token {token!r} is not word/TAG")
            words.append(word)
            tags.append(tag)
        current.append((words, tags))
    return sections


def load_brown_split(lowercase: bool = True):
    """The shipped Brown subset: ``(train, test)``, each a list of ``(words, tags)`` pairs.

    10,000 training and 5,734 test sentences (a seeded draw; see ``BROWN_PROVENANCE.md``).
    Words are lowercased unless ``lowercase=False`` (the file keeps the original case).
    """
    check_bool(lowercase, "lowercase")
    path = resources.files("course_nn") / "datasets" / DATA_FILE
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        sections = read_tagged_lines(handle)
    def fix(sentences):
        if not lowercase:
            return sentences
        return [([w.lower() for w in words], tags) for words, tags in sentences]
    return fix(sections["train"]), fix(sections["test"])


def _check_sentences(sentences, name: str) -> None:
    if not isinstance(sentences, Sequence) or isinstance(sentences, str):
        raise TypeError(f"{name} must be a list of (words, tags) pairs, got {describe(sentences)}")
    for i, item in enumerate(sentences):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise TypeError(f"{name}[{i}] must be a (words, tags) pair, got {describe(item)}")
        words, tags = item
        if len(words) != len(tags) or len(words) == 0:
            raise ValueError(f"{name}[{i}] must have as many tags as words (at least one), got "
                             f"{len(words)} words and {len(tags)} tags")


def word_vocabulary(train_sentences, min_count: int = 2) -> Vocabulary:
    """The words seen at least ``min_count`` times in training (``text.Vocabulary``: id 0 is
    ``<pad>``, 1 ``<unk>``). With the default every word seen once in training becomes
    ``<unk>``, so the tagger learns a vector for unknown words from real rare words."""
    _check_sentences(train_sentences, "train_sentences")
    return Vocabulary.build([words for words, _ in train_sentences], min_count=min_count)


def encode_tagged(sentences, vocabulary: Vocabulary):
    """A padded batch: ``(word_ids (N, T), tag_ids (N, T), lengths (N,))``, int64, padded at
    the end with 0 (``<pad>`` for words; tag 0 at padded steps is never scored). Tag ids index
    ``UNIVERSAL_TAGS``."""
    _check_sentences(sentences, "sentences")
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(f"vocabulary must be a course_nn.text.Vocabulary (from "
                        f"word_vocabulary), got {describe(vocabulary)}")
    word_ids, mask = vocabulary.encode_batch([words for words, _ in sentences])
    tag_ids = np.zeros_like(word_ids)
    for row, (_, tags) in enumerate(sentences):
        tag_ids[row, : len(tags)] = [_TAG_ID[t] for t in tags]
    return word_ids, tag_ids, mask.sum(axis=1)


class MostFrequentTag:
    """The baseline: tag each word with its most frequent training tag.

    Words outside the vocabulary (``<unk>``, including words seen only once in training) get
    the tag most frequent among the training tokens that are ``<unk>`` (with ``min_count=1``,
    among all training tokens). Ties go to the tag
    earlier in ``UNIVERSAL_TAGS``.
    """

    def __init__(self, train_sentences, min_count: int = 2):
        _check_sentences(train_sentences, "train_sentences")
        self.vocabulary = word_vocabulary(train_sentences, min_count)
        counts: dict[str, Counter] = {}
        for words, tags in train_sentences:
            for w, t in zip(words, tags, strict=True):
                key = w if w in self.vocabulary.index else UNK
                counts.setdefault(key, Counter())[t] += 1
        order = {t: i for i, t in enumerate(UNIVERSAL_TAGS)}
        self.table = {w: min(c, key=lambda t, c=c: (-c[t], order[t])) for w, c in counts.items()}
        if UNK not in self.table:  # min_count=1: no training token is unknown
            overall = sum(counts.values(), Counter())
            self.table[UNK] = min(overall, key=lambda t: (-overall[t], order[t]))

    def predict(self, words: Sequence[str]) -> list[str]:
        return [self.table.get(w, self.table[UNK]) if w in self.vocabulary.index
                else self.table[UNK] for w in words]

    def accuracy(self, sentences) -> float:
        """Token accuracy on ``sentences``."""
        _check_sentences(sentences, "sentences")
        right = total = 0
        for words, tags in sentences:
            right += sum(p == t for p, t in zip(self.predict(words), tags, strict=True))
            total += len(tags)
        return right / total


# --- taggers: NumPy and PyTorch ---------------------------------------------------------------


class RNNTagger(Module):
    """Embedding -> RNN (stacked, optionally bidirectional) -> the same Linear at every step.

    ``forward(word_ids, lengths)``: (N, T) ints and (N,) -> tag scores (N, T, 12); softmax at
    each step gives ``y_t = softmax(W_o h_t (+ W'_o h'_t))``. Parameters are named
    ``embedding.weight``, ``rnn.l0.w_in`` ..., ``output.weight``, ``output.bias``.
    """

    def __init__(self, vocab_size: int, rng: np.random.Generator, *, embedding_dim: int = 64,
                 hidden_size: int = 64, num_layers: int = 1, bidirectional: bool = False):
        self.embedding = Embedding(vocab_size, embedding_dim, rng)
        self.rnn = RNN(embedding_dim, hidden_size, rng, num_layers=num_layers,
                       bidirectional=bidirectional)
        self.output = StepLinear(hidden_size * len(self.rnn.directions), len(UNIVERSAL_TAGS),
                                 rng)
        self._parts = {"embedding": self.embedding, "rnn": self.rnn, "output": self.output}

    def __call__(self, word_ids, lengths):
        return self.forward(word_ids, lengths)

    def forward(self, word_ids, lengths):
        return self.output(self.rnn(self.embedding(word_ids), lengths))

    def backward(self, dscores, input_grad=False):
        """dscores: (N, T, 12) -> accumulates every gradient; returns None (ids have none)."""
        self.embedding.backward(self.rnn.backward(self.output.backward(dscores)))

    def parameters(self):
        return {f"{part}.{k}": v for part, m in self._parts.items()
                for k, v in m.parameters().items()}

    def gradients(self):
        return {f"{part}.{k}": v for part, m in self._parts.items()
                for k, v in m.gradients().items()}

    def __repr__(self) -> str:
        return f"RNNTagger({self.embedding!r}, {self.rnn!r}, {self.output!r})"


def _check_data(data, name: str = "data"):
    if not (isinstance(data, tuple) and len(data) == 3
            and all(isinstance(a, np.ndarray) for a in data)):
        raise TypeError(f"{name} must be the (word_ids, tag_ids, lengths) of encode_tagged, "
                        f"got {describe(data)}")
    return data


def length_batches(lengths, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Index batches of similar lengths, in random order: shuffle, sort each pool of 20 batches
    by length, cut it into batches, shuffle the batches. Less padding, so fewer steps to run."""
    lengths = np.asarray(lengths)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_generator(rng)
    order = rng.permutation(lengths.size)
    pool = 20 * batch_size
    batches = []
    for start in range(0, order.size, pool):
        chunk = order[start:start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i:i + batch_size] for i in range(0, chunk.size, batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _batch(data, idx):
    word_ids, tag_ids, lengths = data
    width = int(lengths[idx].max())
    return word_ids[idx, :width], tag_ids[idx, :width], lengths[idx]


def fit_tagger(model: RNNTagger, optimiser, data, *, epochs: int, batch_size: int,
               rng: np.random.Generator, show_progress: bool = True) -> list[float]:
    """Train the NumPy tagger: per batch, masked cross-entropy over real words, backward, step.
    Returns the per-epoch mean training loss (per word)."""
    if not isinstance(model, RNNTagger):
        raise TypeError(f"model must be an RNNTagger, got {describe(model)}")
    if not isinstance(optimiser, Optimiser) or not optimiser.owns(model):
        raise TypeError(f"optimiser must be a course_nn optimiser built for model, got "
                        f"{describe(optimiser)}")
    data = _check_data(data)
    epochs = check_int(epochs, "epochs", minimum=1)
    losses = []
    bar = progress(total=epochs * len(length_batches(data[2], batch_size, rng)), desc="NumPy RNN",
                   disable_if=not check_bool(show_progress, "show_progress"))
    for _ in range(epochs):
        total = 0.0
        for idx in length_batches(data[2], batch_size, rng):
            words, tags, lengths = _batch(data, idx)
            optimiser.zero_grad()
            loss, dscores = masked_cross_entropy(model(words, lengths), tags, lengths)
            model.backward(dscores)
            optimiser.step()
            total += loss * lengths.sum()
            bar.update()
        losses.append(total / data[2].sum())
    bar.close()
    return losses


def predict_tags(model, data, batch_size: int = 256, device=None) -> np.ndarray:
    """Most probable tag id at every step (N, T), for an ``RNNTagger`` or a torch tagger."""
    data = _check_data(data)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    word_ids, _, lengths = data
    out = np.zeros(word_ids.shape, dtype=np.int64)
    for start in range(0, lengths.size, batch_size):
        idx = np.arange(start, min(start + batch_size, lengths.size))
        words, _, lens = _batch(data, idx)
        if isinstance(model, RNNTagger):
            scores = model(words, lens)
        else:
            scores = _torch_scores(model, words, lens, device).detach().cpu().numpy()
        out[idx, : words.shape[1]] = scores.argmax(axis=2)
    return out


def token_accuracy(predicted, data, where=None) -> float:
    """Fraction of real words tagged right; ``where`` (N, T) bool restricts it (e.g. to
    unknown words)."""
    _, tag_ids, lengths = _check_data(data)
    real = step_mask(lengths, tag_ids.shape[1]).astype(bool)
    if where is not None:
        real &= np.asarray(where, dtype=bool)
    return float(np.mean(np.asarray(predicted)[real] == tag_ids[real]))


def confusion_matrix(predicted, data) -> np.ndarray:
    """(12, 12) counts: row = true tag, column = predicted tag, over real words."""
    _, tag_ids, lengths = _check_data(data)
    real = step_mask(lengths, tag_ids.shape[1]).astype(bool)
    counts = np.zeros((len(UNIVERSAL_TAGS),) * 2, dtype=np.int64)
    np.add.at(counts, (tag_ids[real], np.asarray(predicted)[real]), 1)
    return counts


@functools.cache
def _torch_tagger_class():
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    class TorchTagger(torch.nn.Module):
        """nn.Embedding -> nn.RNN (packed, batch_first) -> nn.Linear."""

        def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers, bidirectional):
            super().__init__()
            self.embedding = torch.nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD_ID)
            self.rnn = torch.nn.RNN(embedding_dim, hidden_size, num_layers=num_layers,
                                    batch_first=True, bidirectional=bidirectional)
            self.output = torch.nn.Linear(hidden_size * (2 if bidirectional else 1),
                                          len(UNIVERSAL_TAGS))

        def forward(self, word_ids, lengths):
            packed = pack_padded_sequence(self.embedding(word_ids), lengths.cpu(),
                                          batch_first=True, enforce_sorted=False)
            out, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True,
                                         total_length=word_ids.shape[1])
            return self.output(out)

    return TorchTagger


def torch_tagger(vocab_size: int, *, embedding_dim: int = 64, hidden_size: int = 64,
                 num_layers: int = 1, bidirectional: bool = False):
    """The PyTorch twin of ``RNNTagger`` (float32, PyTorch's own initialisation)."""
    for name, value in (("vocab_size", vocab_size), ("embedding_dim", embedding_dim),
                        ("hidden_size", hidden_size), ("num_layers", num_layers)):
        check_int(value, name, minimum=1)
    check_bool(bidirectional, "bidirectional")
    return _torch_tagger_class()(vocab_size, embedding_dim, hidden_size, num_layers,
                                 bidirectional)


def tagger_to_torch(model: RNNTagger, dtype=None):
    """A torch tagger holding a copy of ``model``'s weights (float64 unless ``dtype``)."""
    import torch

    if not isinstance(model, RNNTagger):
        raise TypeError(f"model must be an RNNTagger, got {describe(model)}")
    rnn = model.rnn
    twin = torch_tagger(model.embedding.num_embeddings, embedding_dim=model.embedding.dim,
                        hidden_size=rnn.hidden_size, num_layers=rnn.num_layers,
                        bidirectional=rnn.bidirectional)
    twin = twin.to(torch.float64 if dtype is None else dtype)
    with torch.no_grad():
        twin.embedding.weight.copy_(torch.as_tensor(model.embedding.weight))
        twin.output.weight.copy_(torch.as_tensor(model.output.weight.T))
        twin.output.bias.copy_(torch.as_tensor(model.output.bias))
    copy_rnn_weights_to_torch(rnn, twin.rnn)
    return twin


def _torch_scores(torch_model, words, lengths, device):
    import torch

    device = next(torch_model.parameters()).device if device is None else device
    return torch_model(torch.as_tensor(words, device=device), torch.as_tensor(lengths))


def fit_torch_tagger(torch_model, optimiser, data, *, epochs: int, batch_size: int,
                     rng: np.random.Generator, show_progress: bool = True) -> list[float]:
    """``fit_tagger``'s loop in PyTorch, on the device the model's weights are on, with the
    same length-sorted batches. Returns the per-epoch mean training loss (per word)."""
    import torch

    if not isinstance(torch_model, _torch_tagger_class()):
        raise TypeError(f"torch_model must come from torch_tagger, got {describe(torch_model)}")
    if not isinstance(optimiser, torch.optim.Optimizer):
        raise TypeError(f"optimiser must be a torch.optim.Optimizer, got {describe(optimiser)}")
    data = _check_data(data)
    epochs = check_int(epochs, "epochs", minimum=1)
    device = next(torch_model.parameters()).device
    torch_model.train()
    losses = []
    bar = progress(total=epochs * len(length_batches(data[2], batch_size, rng)),
                   desc="PyTorch RNN", disable_if=not check_bool(show_progress, "show_progress"))
    for _ in range(epochs):
        total = 0.0
        for idx in length_batches(data[2], batch_size, rng):
            words, tags, lengths = _batch(data, idx)
            real = torch.as_tensor(step_mask(lengths, words.shape[1]).astype(bool), device=device)
            scores = _torch_scores(torch_model, words, lengths, device)
            loss = torch.nn.functional.cross_entropy(scores[real],
                                                     torch.as_tensor(tags, device=device)[real])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * lengths.sum()
            bar.update()
        losses.append(total / data[2].sum())
    bar.close()
    torch_model.eval()
    return losses
