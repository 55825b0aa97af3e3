"""The shipped Brown subset: checksum, counts, tags, the tag mapping, loader and baseline."""

import hashlib
import lzma
import re
from pathlib import Path

import numpy as np
import pytest

from course_nn import tagging
from course_nn.tagging import (
    UNIVERSAL_TAGS,
    MostFrequentTag,
    brown_to_universal,
    encode_tagged,
    load_brown_split,
    read_tagged_lines,
    word_vocabulary,
)
from course_nn.text import PAD_ID, UNK_ID

DATASETS = Path(tagging.__file__).parent / "datasets"
DATA = DATASETS / tagging.DATA_FILE
SHA256 = "4d111ba0a41989fe94a2fce0e97ec2fff97616c77c77dc733c77b0dd65348be8"


@pytest.fixture(scope="module")
def split():
    return load_brown_split()


def test_shipped_file_checksum_and_size():
    data = DATA.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256
    assert len(data) < 1_000_000


def test_provenance_states_the_checksum_licence_and_credit():
    text = (DATASETS / "BROWN_PROVENANCE.md").read_text(encoding="utf-8")
    assert SHA256 in text
    licence = ("Distributed with the permission of the copyright holder,\n"
               "> redistribution permitted.")
    assert licence in text
    assert "Francis" in text and "Petrov" in text and "tools/build_brown_dataset.py" in text


def test_counts_and_tags(split):
    train, test = split
    assert (len(train), len(test)) == (10_000, 5_734)
    assert sum(len(w) for w, _ in train) == 204_434
    assert sum(len(w) for w, _ in test) == 116_510
    tags = {t for _, ts in train + test for t in ts}
    assert tags == set(UNIVERSAL_TAGS)  # all 12 occur, nothing else
    assert all(w == w.lower() for ws, _ in train[:500] for w in ws)


def test_split_is_disjoint_in_sentences(split):
    train, test = split
    # Brown repeats some short sentences ("he said ."), so compare by position, not text:
    # the file's sections come from disjoint slices of one permutation.
    raw = lzma.open(DATA, "rt", encoding="utf-8").read()
    assert raw.count("\n@train 10000\n") == 1 and raw.count("\n@test 5734\n") == 1
    assert len(set(map(tuple, (w for w, _ in train)))) > 9_900


def test_every_raw_brown_tag_is_mapped_to_one_of_the_12():
    text = (DATASETS / "BROWN_PROVENANCE.md").read_text(encoding="utf-8")
    block = re.search(r"## The 472 raw Brown tags in the corpus\n\n```\n(.*?)```", text, re.S)
    raw_tags = block.group(1).split()
    assert len(raw_tags) == len(set(raw_tags)) == 472
    mapped = {raw: brown_to_universal(raw) for raw in raw_tags}
    assert set(mapped.values()) == set(UNIVERSAL_TAGS)


@pytest.mark.parametrize("raw, want", [
    ("nn-tl", "NOUN"), ("np$", "NOUN"), ("pp$$", "PRON"), ("bez*", "VERB"), ("*", "ADV"),
    ("*-hl", "ADV"), ("ppss+ber-n", "PRON"), ("fw-in+at-tl", "X"), ("fw-*", "X"),
    ("cs", "ADP"), ("to", "PRT"), ("``", "."), ("--", "."), ("nn-tl-hl", "NOUN"),
    ("wdt+bez", "DET"), ("md*", "VERB"), ("cd$", "NUM"), ("AT", "DET"),
])
def test_mapping_rules(raw, want):
    assert brown_to_universal(raw) == want


def test_mapping_refuses_unknown_and_non_strings():
    with pytest.raises(ValueError, match="raw_tag 'xyz'"):
        brown_to_universal("xyz")
    with pytest.raises(TypeError, match="raw_tag must be a string"):
        brown_to_universal(None)


def test_reader_rejects_malformed_lines():
    with pytest.raises(ValueError, match="before any @section"):
        read_tagged_lines(["the/DET"])
    with pytest.raises(ValueError, match="not word/TAG"):
        read_tagged_lines(["@train 1", "the/det"])
    got = read_tagged_lines(["# c", "@train 1", "1/2/NUM a/DET"])
    assert got == {"train": [(["1/2", "a"], ["NUM", "DET"])]}


def test_vocabulary_unknowns_and_padded_batches(split):
    train, test = split
    vocabulary = word_vocabulary(train)
    counts = {}
    for ws, _ in train:
        for w in ws:
            counts[w] = counts.get(w, 0) + 1
    kept = {w for w, c in counts.items() if c >= 2}
    assert set(vocabulary.tokens[2:]) == kept  # every word seen once in training is <unk>
    words, tags, lengths = encode_tagged(test[:3], vocabulary)
    assert lengths.tolist() == [len(s) for s, _ in test[:3]]
    assert words.shape == tags.shape == (3, max(lengths))
    assert np.all(words[0, lengths[0]:] == PAD_ID) and np.all(tags[0, lengths[0]:] == 0)
    for row, (sentence, sentence_tags) in enumerate(test[:3]):
        n = lengths[row]
        want = [vocabulary.index.get(w, UNK_ID) for w in sentence]
        assert words[row, :n].tolist() == want
        assert [UNIVERSAL_TAGS[t] for t in tags[row, :n]] == sentence_tags


def test_loader_helpers_refuse_bad_input():
    with pytest.raises(TypeError, match="train_sentences must be a list"):
        word_vocabulary("the cat")
    with pytest.raises(ValueError, match=r"train_sentences\[0\] must have as many tags"):
        word_vocabulary([(["a", "b"], ["DET"])])
    with pytest.raises(ValueError, match="min_count must be >= 1"):
        word_vocabulary([(["a"], ["DET"])], min_count=0)
    with pytest.raises(TypeError, match="vocabulary must be a course_nn.text.Vocabulary"):
        encode_tagged([(["a"], ["DET"])], {"a": 5})
    with pytest.raises(TypeError, match=r"sentences\[0\] must be a \(words, tags\) pair"):
        encode_tagged(["the"], word_vocabulary([(["a"], ["DET"])]))
    with pytest.raises(TypeError, match="lowercase must be True or False"):
        load_brown_split(lowercase="yes")


def test_most_frequent_tag_baseline(split):
    train, test = split
    known = MostFrequentTag(train, min_count=1).accuracy(test)
    with_unk = MostFrequentTag(train).accuracy(test)
    # The study measured 93.1% on its own 10k-sentence draw; ours is close to it.
    assert 0.925 < known < 0.94
    assert 0.91 < with_unk < known
    toy = MostFrequentTag([(["a", "a", "b"], ["DET", "DET", "NOUN"]), (["a"], ["X"])])
    assert toy.predict(["a", "b", "zzz"]) == ["DET", "NOUN", "NOUN"]


# --- the taggers -------------------------------------------------------------------------------

TOY = [(["the", "dog", "runs"], ["DET", "NOUN", "VERB"]), (["a", "dog"], ["DET", "NOUN"]),
       (["the", "cat", "runs", "fast"], ["DET", "NOUN", "VERB", "ADV"]), (["runs"], ["VERB"])]


def _toy():
    vocabulary = word_vocabulary(TOY, min_count=1)
    return vocabulary, encode_tagged(TOY, vocabulary)


def test_numpy_tagger_gradients_match_finite_differences_and_torch():
    from course_nn.gradcheck import numerical_gradient, relative_error
    from course_nn.recurrent import masked_cross_entropy
    from course_nn.tagging import RNNTagger, tagger_to_torch

    vocabulary, (words, tags, lengths) = _toy()
    model = RNNTagger(len(vocabulary), np.random.default_rng(0), embedding_dim=3,
                      hidden_size=4, num_layers=2, bidirectional=True)
    model.zero_grad()
    loss, dscores = masked_cross_entropy(model(words, lengths), tags, lengths)
    model.backward(dscores)
    for name, value in model.parameters().items():
        def f(v, value=value):
            saved = value.copy()
            value[...] = v
            out = masked_cross_entropy(model(words, lengths), tags, lengths)[0]
            value[...] = saved
            return out
        assert relative_error(model.gradients()[name], numerical_gradient(f, value)) < 1e-6, name

    import torch
    twin = tagger_to_torch(model)
    scores = twin(torch.as_tensor(words), torch.as_tensor(lengths))
    real = torch.as_tensor(lengths[:, None] > np.arange(words.shape[1]))
    torch_loss = torch.nn.functional.cross_entropy(scores[real], torch.as_tensor(tags)[real])
    torch_loss.backward()
    assert abs(torch_loss.item() - loss) < 1e-12
    theirs = dict(twin.named_parameters())
    grads = model.gradients()
    assert np.allclose(grads["embedding.weight"], theirs["embedding.weight"].grad.numpy())
    assert np.allclose(grads["output.weight"], theirs["output.weight"].grad.numpy().T)
    assert np.allclose(grads["rnn.l1r.w_h"], theirs["rnn.weight_hh_l1_reverse"].grad.numpy().T)


def test_training_lowers_the_loss_and_tags_the_toy_data():
    import torch

    from course_nn.optim import Adam
    from course_nn.tagging import (
        RNNTagger,
        confusion_matrix,
        fit_tagger,
        fit_torch_tagger,
        predict_tags,
        token_accuracy,
        torch_tagger,
    )

    vocabulary, data = _toy()
    rng = np.random.default_rng(1)
    model = RNNTagger(len(vocabulary), rng, embedding_dim=8, hidden_size=8)
    losses = fit_tagger(model, Adam(model, 0.05), data, epochs=30, batch_size=2, rng=rng,
                        show_progress=False)
    assert losses[-1] < losses[0] / 5
    predicted = predict_tags(model, data)
    assert token_accuracy(predicted, data) == 1.0
    counts = confusion_matrix(predicted, data)
    assert counts.sum() == data[2].sum() and np.trace(counts) == counts.sum()

    torch.manual_seed(0)
    twin = torch_tagger(len(vocabulary), embedding_dim=8, hidden_size=8, bidirectional=True)
    losses = fit_torch_tagger(twin, torch.optim.Adam(twin.parameters(), 0.05), data, epochs=30,
                              batch_size=2, rng=rng, show_progress=False)
    assert losses[-1] < losses[0] / 5
    assert token_accuracy(predict_tags(twin, data), data) == 1.0


def test_length_batches_cover_every_sentence_once():
    from course_nn.tagging import length_batches

    lengths = np.random.default_rng(2).integers(1, 50, size=1000)
    batches = length_batches(lengths, 16, np.random.default_rng(3))
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert max(len(b) for b in batches) == 16


def test_tagger_helpers_refuse_bad_input():
    import torch

    from course_nn.optim import Adam
    from course_nn.tagging import RNNTagger, fit_tagger, fit_torch_tagger, torch_tagger

    vocabulary, data = _toy()
    model = RNNTagger(len(vocabulary), np.random.default_rng(0), embedding_dim=2, hidden_size=2)
    other = RNNTagger(len(vocabulary), np.random.default_rng(0), embedding_dim=2, hidden_size=2)
    with pytest.raises(TypeError, match="optimiser must be a course_nn optimiser built for"):
        fit_tagger(model, Adam(other), data, epochs=1, batch_size=2,
                   rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="data must be the"):
        fit_tagger(model, Adam(model), data[:2], epochs=1, batch_size=2,
                   rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit_tagger(model, Adam(model), data, epochs=0, batch_size=2,
                   rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="torch_model must come from torch_tagger"):
        fit_torch_tagger(torch.nn.Linear(2, 2), None, data, epochs=1, batch_size=2,
                         rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="hidden_size must be >= 1"):
        torch_tagger(10, hidden_size=0)
