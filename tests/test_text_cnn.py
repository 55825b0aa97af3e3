"""course_nn.text_cnn: the whole text CNN against centred finite differences and its torch twin
(float64), training, the n-gram tools, and bad inputs."""

import numpy as np
import pytest
import torch
from malformed import assert_clear_error

from course_nn import layers, optim, text
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.text_cnn import (
    TextCNN,
    fit_text_cnn_torch,
    predict_scores,
    predict_text_cnn_torch,
    text_cnn_to_torch,
    text_cnn_torch_gradients,
    top_ngrams,
    train_text_cnn,
    word_contributions,
)

IDS = np.array([[2, 3, 4, 5, 6, 0, 0], [7, 8, 0, 0, 0, 0, 0], [3, 3, 3, 9, 10, 11, 2],
                [4, 0, 0, 0, 0, 0, 0]])
Y = np.array([0, 1, 1, 0])


def small_model(pooling="max", drop_prob=0.0, seed=0):
    return TextCNN(12, np.random.default_rng(seed), dim=3, widths=(2, 3), filters=2,
                   pooling=pooling, k=2, drop_prob=drop_prob)


def loss_of(model, ids=IDS, y=Y):
    return layers.softmax_cross_entropy(model.forward(ids), y)


@pytest.mark.parametrize("pooling", ["max", "kmax", "mean"])
def test_gradients_match_finite_differences(pooling):
    model = small_model(pooling)
    model.zero_grad()
    model.backward(loss_of(model)[1])
    for name, p in model.parameters().items():
        original = p.copy()

        def f(value, p=p):
            p[...] = value
            return loss_of(model)[0]

        numeric = numerical_gradient(f, original)
        p[...] = original
        if name == "embedding.weight":
            numeric[text.PAD_ID] = 0.0  # the padding row is frozen, as in torch
        assert relative_error(numeric, model.gradients()[name]) < 1e-6, name


@pytest.mark.parametrize("pooling", ["max", "kmax", "mean"])
def test_torch_twin_outputs_and_gradients(pooling):
    model = small_model(pooling)
    model.zero_grad()
    scores = model.forward(IDS)
    model.backward(loss_of(model)[1])
    twin = text_cnn_to_torch(model)
    theirs = twin(torch.tensor(IDS), torch.tensor(IDS != 0))
    torch.nn.functional.cross_entropy(theirs, torch.tensor(Y)).backward()
    assert np.max(np.abs(theirs.detach().numpy() - scores)) < 1e-12
    grads = text_cnn_torch_gradients(model, twin)
    assert set(grads) == set(model.gradients())
    for name, g in model.gradients().items():
        assert np.allclose(g, grads[name], atol=1e-12), name


def test_padding_never_changes_scores_and_short_batches_are_padded():
    model = small_model()
    wide = np.pad(IDS, ((0, 0), (0, 4)))
    assert np.allclose(model.forward(IDS), model.forward(wide))
    one = model.forward(np.array([[5]]))
    assert one.shape == (1, 2)
    assert np.allclose(one, model.forward(np.array([[5, 0, 0]])))


def test_dropout_only_in_training_and_eval_is_deterministic():
    model = small_model(drop_prob=0.5)
    assert np.allclose(predict_scores(model, IDS), predict_scores(model, IDS))
    model.train()
    a, b = model.forward(IDS), model.forward(IDS)
    assert not np.allclose(a, b)
    assert model.training


def test_training_lowers_the_loss_and_is_reproducible():
    def run():
        model = small_model(seed=3)
        ids = np.tile(IDS, (5, 1))
        history = train_text_cnn(model, optim.Adam(model, 0.05), ids, ids != 0, np.tile(Y, 5),
                                 epochs=15, batch_size=4, rng=np.random.default_rng(0),
                                 show_progress=False)
        return model, history

    model, history = run()
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]
    assert history["train_accuracy"][-1] == 1.0
    assert run()[1] == history


def test_torch_training_helpers():
    model = small_model()
    twin = text_cnn_to_torch(model, dtype=torch.float32)
    ids, mask = torch.tensor(np.tile(IDS, (5, 1))), torch.tensor(np.tile(IDS, (5, 1)) != 0)
    y = torch.tensor(np.tile(Y, 5))
    losses = fit_text_cnn_torch(twin, torch.optim.Adam(twin.parameters(), 0.05), ids, mask, y,
                                epochs=15, batch_size=4, generator=torch.Generator().manual_seed(0))
    assert len(losses) == 15 and losses[-1] < 0.5 * losses[0]
    assert (predict_text_cnn_torch(twin, ids, mask) == y.numpy()).all()


def test_word_contributions_sum_to_the_score_difference():
    model = small_model(seed=5)
    for row in IDS:
        words = row[row != 0]
        contrib, rest = word_contributions(model, words)
        scores = predict_scores(model, words[None, :])[0]
        assert contrib.shape == words.shape
        assert abs(contrib.sum() + rest - (scores[1] - scores[0])) < 1e-12


def test_top_ngrams_are_the_largest_responses():
    model = small_model()
    vocab = text.Vocabulary([f"w{i}" for i in range(2, 12)])
    best = top_ngrams(model, IDS, IDS != 0, vocab, 3, 1, top=3)
    r, wmask = model.responses(IDS)[1]
    assert best[0][1] == pytest.approx(r[:, 1][wmask].max())
    assert [v for _, v in best] == sorted((v for _, v in best), reverse=True)
    assert all(len(words.split()) <= 3 for words, _ in best)


def test_bad_inputs():
    model = small_model()
    assert_clear_error(lambda: TextCNN(12, np.random.default_rng(0), widths=()), arg_name="widths")
    assert_clear_error(lambda: TextCNN(12, np.random.default_rng(0), widths=(3, 0)),
                       arg_name="widths[1]")
    assert_clear_error(lambda: TextCNN(12, np.random.default_rng(0), pooling="min"),
                       arg_name="pooling")
    assert_clear_error(lambda: TextCNN(12, 0), arg_name="rng")
    assert_clear_error(lambda: model.forward(IDS.astype(float)), arg_name="ids")
    assert_clear_error(lambda: model.forward(IDS + 20), arg_name="ids")
    assert_clear_error(lambda: model.forward(IDS[0]), arg_name="ids")
    assert_clear_error(lambda: model.forward(IDS, (IDS != 0)[:, :3]), arg_name="mask")
    assert_clear_error(lambda: model.forward(IDS, (IDS != 0).astype(int)), arg_name="mask")
    assert_clear_error(lambda: TextCNN(12, np.random.default_rng(0)).backward(np.zeros((4, 2))),
                       RuntimeError)
    opt = optim.Adam(model, 0.01)
    fit = dict(epochs=1, batch_size=2, rng=np.random.default_rng(0), show_progress=False)
    assert_clear_error(lambda: train_text_cnn(model, opt, IDS, IDS != 0, Y[:3], **fit),
                       arg_name="y")
    assert_clear_error(lambda: train_text_cnn(model, opt, IDS, IDS != 0, Y + 2, **fit),
                       arg_name="y")
    assert_clear_error(lambda: train_text_cnn(model, optim.Adam(small_model(), 0.01), IDS,
                                              IDS != 0, Y, **fit), arg_name="optimiser")
    assert_clear_error(lambda: train_text_cnn(model, opt, IDS, IDS != 0, Y, epochs=0,
                                              batch_size=2, rng=np.random.default_rng(0)),
                       arg_name="epochs")
    assert_clear_error(lambda: predict_scores("model", IDS), arg_name="model")
    assert_clear_error(lambda: word_contributions(small_model("mean"), IDS[0]), arg_name="model")
    assert_clear_error(lambda: word_contributions(model, IDS), arg_name="ids")
    vocab = text.Vocabulary([f"w{i}" for i in range(2, 12)])
    assert_clear_error(lambda: top_ngrams(model, IDS, IDS != 0, vocab, 4, 0), arg_name="width")
    assert_clear_error(lambda: top_ngrams(model, IDS, IDS != 0, vocab, 3, 2),
                       arg_name="filter_index")
    twin = text_cnn_to_torch(model)
    assert_clear_error(lambda: predict_text_cnn_torch(twin, torch.tensor(IDS).float(),
                                                      torch.tensor(IDS != 0)), arg_name="ids")
    assert_clear_error(lambda: predict_text_cnn_torch(twin, torch.tensor(IDS),
                                                      torch.tensor(IDS)), arg_name="mask")
    assert_clear_error(lambda: text_cnn_torch_gradients(model, twin), arg_name="twin's")
