# %% [markdown]
# # 07 · Convolutional networks for text
#
# Is "this is not a spam" spam? A convolutional network reads a sentence the way notebook 06's
# networks read a signal: a filter slides along it and responds to what it sees in each window,
# here a window of $h$ words. This notebook turns words into vectors, builds a sentence
# classifier from notebook 06's 1-D convolution (Kim, 2014), trains it in NumPy and in PyTorch
# on real e-mails shipped with the course, compares it with an honest bag-of-words baseline, and
# looks inside to see which word sequences its filters learned to detect.
#
# **After this notebook you can**
#
# 1. turn a sentence into a matrix of word vectors and say what a filter spanning $h$ words
#    computes, and how many responses it gives;
# 2. pool variable-length responses to a fixed size (max-over-time, k-max, mean) with padding
#    masked out;
# 3. train a text CNN from scratch, check its gradients, and check it against PyTorch;
# 4. judge it against a bag-of-words baseline, and read which n-grams its filters respond to.
#
# **You should already know** notebook 06 (1-D convolution, pooling, ConvNets in NumPy and
# PyTorch) and notebook 04 (training and test data).

# %% tags=["nbval-ignore-output"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import course_nn
from course_nn import layers, optim, text, text_cnn
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import text as exercises
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import use_course_style

threadpool_limits(1, user_api="blas")  # small matrix products: one BLAS thread is fastest
use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### 1.1 · The e-mails, and words as vectors
#
# The data are the SpamAssassin public corpus (PDDL 1.0 / CC0 1.0; credit the Apache
# SpamAssassin project, and stdlib for the npm package it came from; see
# `course_nn/datasets/SPAM_PROVENANCE.md`). Each e-mail is its subject line (with "Re:" and
# "Fwd:" removed: most ham subjects start with "Re:", a give-away) followed by the first 60
# words of its body, addresses and links replaced by `<email>` and `<url>`, lowercased,
# duplicates dropped before a fixed stratified 80/20 split.

# %%
split = text.load_spam_split()
print(f"{len(split.train_texts):,} training and {len(split.test_texts):,} test e-mails; "
      f"spam: {split.y_train.mean():.0%} of training, {split.y_test.mean():.0%} of test")
first_spam = int(np.flatnonzero(split.y_test == 1)[3])
print("a test spam e-mail:", " ".join(split.test_texts[first_spam][:30]), "...")

# %% [markdown]
# A **vocabulary** numbers the words seen at least twice in the training e-mails; rarer words
# become `<unk>` (id 1), and `<pad>` (id 0) fills short texts up to a batch's length. An
# **embedding** is a table of one vector $\mathbf{x} \in \mathbb{R}^d$ per word, learned with the
# rest of the network: looking up id $i$ picks row $i$. A sentence of $l$ words becomes $l$
# vectors, or one long vector, their concatenation
#
# $$
# \mathbf{x}_{1:l} = \mathbf{x}_1 \oplus \mathbf{x}_2 \oplus \dots \oplus \mathbf{x}_l
# \in \mathbb{R}^{dl}.
# $$

# %%
vocab = text.Vocabulary.build(split.train_texts, min_count=2)
print(vocab)
sentence = text.tokenize("This is not a spam")
ids = vocab.encode(sentence)
print("ids:", dict(zip(sentence, ids.tolist())))
embedding = text.Embedding(len(vocab), 50, np.random.default_rng(0))
vectors = embedding.forward(ids[None, :])[0]
print("l x d matrix:", vectors.shape, "-> one vector in R^{dl} of length", vectors.size)

# %% [markdown]
# ### 1.2 · A filter over all h-grams
#
# A filter $\mathbf{w} \in \mathbb{R}^{dh}$ spans $h$ consecutive words. At each position $i$
# it responds
#
# $$
# c_i = f(\mathbf{w} \cdot \mathbf{x}_{i:i+h-1} + b), \qquad i = 1, \dots, l - h + 1,
# $$
#
# with $f$ = ReLU: one number per **h-gram**, a response vector $\mathbf{c} \in
# \mathbb{R}^{l-h+1}$. This is notebook 06's 1-D convolution with the $d$ embedding
# coordinates as its input channels and the words along its axis: `course_nn.conv.Conv1d`
# on the (N, d, l) array, nothing new. For "this is not a spam" and $h = 2$:

# %%
h = 2
print("h-grams:", [" ".join(sentence[i:i + h]) for i in range(len(sentence) - h + 1)])
toy = text_cnn.TextCNN(len(vocab), np.random.default_rng(1), dim=50, widths=(h,), filters=3)
responses, windows = toy.responses(ids[None, :])[0]
print("responses of 3 random filters, shape (N, filters, l - h + 1):", responses.shape)
print("l - h + 1 =", len(sentence) - h + 1, "positions:",
      responses.shape[2] == len(sentence) - h + 1)

# %% [markdown]
# ### 1.3 · Pooling to a fixed size
#
# E-mails have different lengths, so their response vectors do too; the classifier on top
# needs a fixed number of inputs. Pooling over positions gives one per filter:
#
# * **max-over-time**: $\hat c = \max_i c_i$, "did this pattern occur anywhere?";
# * **k-max**: the $k$ largest $c_i$, kept in sentence order (Kalchbrenner et al., 2014);
# * **mean**: $\frac{1}{l-h+1}\sum_i c_i$, "how much of the text looks like this?".
#
# In a batch, short texts are padded; a **mask** keeps padded positions out, so padding never
# wins a max nor dilutes a mean. Here padded positions hold large values on purpose:

# %%
c = np.array([[[0.2, 1.5, 0.7, 9.0, 9.0]]])  # one filter, three real positions, two padded
real = np.array([[True, True, True, False, False]])
print("max :", text.max_over_time_forward(c, real)[0].ravel())
print("2-max:", text.kmax_pool_forward(c, real, 2)[0].ravel())
print("mean:", text.mean_pool_forward(c, real)[0].ravel().round(2))

# %% [markdown]
# With filters of several widths (Kim used 3, 4 and 5, 100 filters each), the pooled values
# of all filters are concatenated and fed to a softmax layer, with dropout before it. That is
# the whole model, `course_nn.text_cnn.TextCNN`:

# %%
show_source(text_cnn.TextCNN.forward)

# %% [markdown]
# ## 2 · From scratch
#
# ### 2.1 · Gradient check
#
# The backward pass runs the same steps in reverse: the output layer, the split of the
# features by width, each pooling's backward pass (a max sends its gradient to the winning
# window only), ReLU, the convolution's backward pass from notebook 06, and the embedding's,
# which *adds* each position's gradient into the row of the word it used. A small model, in
# float64, against centred finite differences of the loss (the `<pad>` row is frozen at zero
# and gets no gradient, as in PyTorch):

# %%
small = text_cnn.TextCNN(15, np.random.default_rng(2), dim=4, widths=(2, 3), filters=3)
small_ids = np.array([[2, 3, 4, 5, 6, 0], [7, 8, 0, 0, 0, 0], [3, 3, 9, 10, 11, 12]])
small_y = np.array([0, 1, 1])
small.zero_grad()
small.backward(layers.softmax_cross_entropy(small.forward(small_ids), small_y)[1])
worst = 0.0
for name, p in small.parameters().items():
    saved = p.copy()

    def loss_at(value, p=p):
        p[...] = value
        return layers.softmax_cross_entropy(small.forward(small_ids), small_y)[0]

    numeric = numerical_gradient(loss_at, saved)
    p[...] = saved
    numeric[text.PAD_ID] = 0.0 if name == "embedding.weight" else numeric[text.PAD_ID]
    worst = max(worst, relative_error(numeric, small.gradients()[name]))
print("every parameter's gradient matches finite differences (relative error < 1e-6):",
      worst < 1e-6)

# %% [markdown]
# ### 2.2 · Training on 1,500 e-mails
#
# NumPy on two CPU cores is slow, so the NumPy model trains on a random 1,500 of the 4,657
# training e-mails (stratified by chance only; 50-d embeddings, widths 3, 4, 5 with 20 filters
# each, max-over-time, Adam at learning rate 0.003, batches of 50, 3 epochs). Texts are cut at
# 70 tokens (subject + 60 body words covers nearly all). `train_text_cnn` is `fit`'s
# mini-batch loop for token ids with a mask.

# %%
X_train, M_train = vocab.encode_batch(split.train_texts, max_length=70, min_length=5)
X_test, M_test = vocab.encode_batch(split.test_texts, max_length=70, min_length=5)
subset = np.random.default_rng(1).permutation(len(X_train))[:1500]


def train_numpy_cnn(seed, pooling="max"):
    model = text_cnn.TextCNN(len(vocab), np.random.default_rng(seed), dim=50, filters=20,
                             pooling=pooling, k=2)
    history = text_cnn.train_text_cnn(
        model, optim.Adam(model, 3e-3), X_train[subset], M_train[subset],
        split.y_train[subset], epochs=3, batch_size=50, rng=np.random.default_rng(seed))
    accuracy = (text_cnn.predict_scores(model, X_test, M_test).argmax(1) == split.y_test).mean()
    return model, history, accuracy


numpy_cnn, history, numpy_accuracy = train_numpy_cnn(0)
losses = history["train_loss"]
print("training loss falls every epoch:", all(b < a for a, b in zip(losses, losses[1:])))

# %% tags=["nbval-ignore-output"]
print(f"NumPy CNN (seed 0), test accuracy: {numpy_accuracy:.0%}")

# %%
print("test accuracy above 85%:", numpy_accuracy > 0.85)

# %% [markdown]
# ### 2.3 · Responses along one real e-mail
#
# Three trained width-3 filters slide along the first 40 words of a test spam e-mail; each
# gives $l - 3 + 1$ responses, one per trigram, and max-over-time keeps the peak (marked):

# %%
mail = vocab.encode(split.test_texts[first_spam][:40])
(r3, _), = [pair for w, pair in zip(numpy_cnn.widths, numpy_cnn.responses(mail[None, :]))
            if w == 3]
fig, ax = plt.subplots(figsize=(7.5, 3.2))
for f in range(3):
    ax.plot(np.arange(1, r3.shape[2] + 1), r3[0, f], marker=".", label=f"filter {f}")
    ax.plot(r3[0, f].argmax() + 1, r3[0, f].max(), "k*", markersize=10)
ax.set(xlabel="position i of the trigram", ylabel="response $c_i$",
       title=f"{len(mail)} words, width 3: {r3.shape[2]} responses per filter")
ax.legend(fontsize=8)
plt.show()
print("l - h + 1 responses:", r3.shape[2] == len(mail) - 3 + 1)

# %% [markdown]
# ## 3 · Experiments
#
# ### 3.1 · Which pooling?
#
# The same model with each pooling, same 1,500 e-mails, same seed (0). One seed and 1,165 test
# e-mails separate differences of a few points at best:

# %%
pooling_accuracy = {"max": numpy_accuracy}
for kind in ("kmax", "mean"):
    pooling_accuracy[kind] = train_numpy_cnn(0, pooling=kind)[2]

# %% tags=["nbval-ignore-output"]
for kind, acc in pooling_accuracy.items():
    print(f"{kind:>5} pooling: test accuracy {acc:.0%}")

# %%
majority = max(split.y_test.mean(), 1 - split.y_test.mean())
print("every pooling beats the majority class by 10 points:",
      all(a > majority + 0.10 for a in pooling_accuracy.values()))
print("the three within 8 points of each other:",
      max(pooling_accuracy.values()) - min(pooling_accuracy.values()) < 0.08)
print("mean pooling ahead of max-over-time on this seed:",
      pooling_accuracy["mean"] > pooling_accuracy["max"])

# %% [markdown]
# All three work on this task: spam announces itself with words ("free", "click", "$") that a
# max, a top-2 or an average all pick up. Max-over-time is Kim's choice and the usual default,
# and k-max keeps a little more (how often, and in what order); yet here, on this seed, mean
# pooling came out ahead (checked below). Spam tends to be spammy all the way through, so an
# average over the whole e-mail is good evidence, and a mean passes gradient to every window,
# not only the winner, which may help with only 1,500 e-mails and 3 epochs. Pick a pooling to
# see what it keeps of one filter's responses along the e-mail above:

# %%
def show_pooling(kind="max", ax=None):
    ax = ax or plt.subplots(figsize=(7.5, 3))[1]
    c = r3[0, 0]
    ax.bar(np.arange(1, len(c) + 1), c, color="lightgray")
    if kind == "mean":
        ax.axhline(c.mean(), color="C3", label=f"mean = {c.mean():.2f}")
    else:
        keep = np.sort(np.argsort(-c, kind="stable")[:1 if kind == "max" else 2])
        ax.bar(keep + 1, c[keep], color="C3", label=f"kept: positions {(keep + 1).tolist()}")
    ax.set(xlabel="position of the trigram", ylabel="response",
           title=f"{kind} pooling of filter 0")
    ax.legend(fontsize=8)


# %% tags=["nbval-ignore-output", "remove-output"]
live_interact(show_pooling, kind=list(text.POOLINGS))

# %%
show_pooling("max")
plt.show()

# %% [markdown]
# ### 3.2 · Baselines: majority class and a bag of words
#
# A bag-of-words logistic regression counts every word and word pair (1- and 2-grams, seen at
# least twice) and weighs them linearly: no order beyond pairs, no learned vectors. It is the
# baseline any text classifier must be set beside (scikit-learn, default L2 penalty).

# %%
def bag_of_words_accuracy(train_texts, test_texts):
    bow = CountVectorizer(ngram_range=(1, 2), min_df=2, token_pattern=r"\S+", lowercase=False)
    A_train = bow.fit_transform(" ".join(t) for t in train_texts)
    logistic = LogisticRegression(max_iter=2000).fit(A_train, split.y_train)
    return (logistic.predict(bow.transform(" ".join(t) for t in test_texts)) == split.y_test).mean()


bow_accuracy = bag_of_words_accuracy(split.train_texts, split.test_texts)
subjects = text.load_spam_split(fields="subject")
subject_bow_accuracy = bag_of_words_accuracy(subjects.train_texts, subjects.test_texts)

# %% [markdown]
# ## 4 · PyTorch, on the GPU when there is one
#
# `text_cnn.text_cnn_to_torch` builds the torch twin (`nn.Embedding`, one `nn.Conv1d` per
# width, masked max-over-time, `nn.Linear`) with the NumPy model's weights. On one batch of
# 64 test e-mails, in float64 (float32 on MPS, which has no float64):

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
tolerance = 1e-4 if dtype == torch.float32 else 1e-9
limit_cpu_threads(device)
print("running on:", describe_device(device), "in", dtype)

# %%
twin = text_cnn.text_cnn_to_torch(numpy_cnn, device=device, dtype=dtype)
batch_ids, batch_mask, batch_y = X_test[:64], M_test[:64], split.y_test[:64]
numpy_cnn.zero_grad()
scores = numpy_cnn.forward(batch_ids, batch_mask)
numpy_cnn.backward(layers.softmax_cross_entropy(scores, batch_y)[1])
on_device = [torch.tensor(a, device=device) for a in (batch_ids, batch_mask, batch_y)]
torch_scores = twin(on_device[0], on_device[1])
torch.nn.functional.cross_entropy(torch_scores, on_device[2]).backward()
gap = np.max(np.abs(scores - torch_scores.detach().cpu().double().numpy()))
theirs = text_cnn.text_cnn_torch_gradients(numpy_cnn, twin)
worst = max(relative_error(g, theirs[k]) for k, g in numpy_cnn.gradients().items())
print(f"outputs agree (largest difference below {tolerance:g}): {gap < tolerance}")
print(f"gradients of every parameter agree (relative error below {tolerance:g}): "
      f"{worst < tolerance}")

# %% [markdown]
# ### 4.1 · Widths 3, 4, 5 on the full training set
#
# Now all 4,657 training e-mails, in float32, on our device: 50-d embeddings, widths 3, 4, 5
# with 32 filters each, max-over-time, dropout 0.5, Adam (learning rate 0.01), batches of 50,
# 3 epochs; three seeds (0, 1, 2) for the initial weights and the batch order.

# %%
T = {name: torch.tensor(a, device=device) for name, a in
     {"ids": X_train, "mask": M_train, "y": split.y_train, "test_ids": X_test,
      "test_mask": M_test}.items()}
torch_accuracy = []
for seed in (0, 1, 2):
    torch.manual_seed(seed)
    start = text_cnn.TextCNN(len(vocab), np.random.default_rng(seed), dim=50, filters=32,
                             drop_prob=0.5)
    net = text_cnn.text_cnn_to_torch(start, device=device, dtype=torch.float32)
    text_cnn.fit_text_cnn_torch(net, torch.optim.Adam(net.parameters(), 1e-2), T["ids"],
                                T["mask"], T["y"], epochs=3, batch_size=50,
                                generator=course_nn.torch_generator(seed))
    predicted = text_cnn.predict_text_cnn_torch(net, T["test_ids"], T["test_mask"])
    torch_accuracy.append((predicted == split.y_test).mean())
numpy_seeds = [numpy_accuracy] + [train_numpy_cnn(seed)[2] for seed in (1, 2)]

# %% [markdown]
# ### 4.2 · Results on the fixed test set
#
# Kim (2014, Table 2) reports 76.1% test accuracy (10-fold cross-validation) for CNN-rand
# (random 300-d embeddings, widths 3, 4, 5 × 100 filters, dropout 0.5) on MR, one-sentence
# movie reviews labelled positive or negative. Our task differs: e-mails of up to 70 tokens,
# spam against ham, where single words give much away, and 30% spam, so a majority vote
# already scores 70%. His number is a rough reference for what the model does on harder
# sentences, not a result to reproduce here.

# %% tags=["nbval-ignore-output"]
rows = [("majority class (ham)", [majority]), ("bag of words, 1-2-grams, logistic", [bow_accuracy]),
        ("NumPy CNN, 1,500 e-mails, 3 seeds", numpy_seeds),
        ("PyTorch CNN, 4,657 e-mails, 3 seeds", torch_accuracy)]
for name, accs in rows:
    spread = f"  (seeds: {', '.join(f'{a:.0%}' for a in accs)})" if len(accs) > 1 else ""
    print(f"{name:>37}: {np.mean(accs):.0%}{spread}")
print(f"{'Kim (2014) CNN-rand, MR reviews':>37}: 76.1% (published, another task)")
print(f"subject line only, bag of words: {subject_bow_accuracy:.0%}")

# %%
print("both CNNs beat the majority class by 15 points:",
      min(numpy_seeds + torch_accuracy) > majority + 0.15)
print("the bag of words is at least as good as the PyTorch CNN (within 1 point):",
      bow_accuracy > np.mean(torch_accuracy) - 0.01)
print("PyTorch CNN (all e-mails, more filters) above the NumPy CNN (1,500 e-mails):",
      np.mean(torch_accuracy) > np.mean(numpy_seeds))
print("the subject line alone is at least 5 points worse than subject + body:",
      subject_bow_accuracy < bow_accuracy - 0.05)

# %% [markdown]
# What the numbers show: both CNNs learn the task from scratch, far above the majority class,
# and the PyTorch one, with three times the e-mails (and more filters, a larger learning rate
# and dropout: not a controlled comparison), does better. But the bag of words is at least as
# good: deciding spam here rests mostly on which words occur, which a linear model over word
# and pair counts captures directly, with no word vectors or filters to learn from 4,657
# e-mails; a CNN's filters over longer n-grams pay off where order matters ("not good"), as in
# Kim's movie reviews. The subject line alone gives the bag of words the last figure printed
# above, clearly less than subject and body: the body carries much of the evidence.
#
# ## 5 · Which n-grams make each filter fire
#
# A filter responds most to the n-grams whose word vectors line up with its weights. For the
# four width-3 filters of the NumPy model with the largest spam-minus-ham output weight, the
# trigrams of the test e-mails with the largest responses (a ranking that a last-bit
# difference between CPUs could reorder, so not compared by the tests):

# %% tags=["nbval-ignore-output"]
delta = numpy_cnn.output.weight[:, 1] - numpy_cnn.output.weight[:, 0]
width3 = numpy_cnn.widths.index(3) * numpy_cnn.filters
spammy = np.argsort(-delta[width3:width3 + numpy_cnn.filters])[:4]
for f in spammy:
    best = text_cnn.top_ngrams(numpy_cnn, X_test, M_test, vocab, 3, int(f), top=4)
    print(f"filter {f:>2}:", " | ".join(words for words, _ in best))

# %% [markdown]
# For max-over-time, a text's spam-minus-ham score splits exactly into one term per word plus
# the biases: each filter's peak response is $\mathbf{w}\cdot\mathbf{x}_{i:i+h-1} + b$, a sum
# over the $h$ words of its window, weighted by the filter's output-weight difference
# (`text_cnn.word_contributions`). The first 40 words of the spam e-mail above, each word
# shaded by its contribution (red towards spam, blue towards ham):

# %%
contrib, rest = text_cnn.word_contributions(numpy_cnn, mail)
spam_minus_ham = np.diff(text_cnn.predict_scores(numpy_cnn, mail[None, :])[0])[0]
print("word terms + biases = score difference:", abs(contrib.sum() + rest - spam_minus_ham) < 1e-9)
words, cols = [vocab.tokens[i] for i in mail], 8
grid = np.full((-(-len(words) // cols), cols), np.nan)
grid.flat[:len(words)] = contrib
bound = np.abs(contrib).max()
fig, ax = plt.subplots(figsize=(7.5, 0.45 * grid.shape[0] + 0.6))
ax.imshow(grid, cmap="RdBu_r", vmin=-bound, vmax=bound, aspect="auto")
for k, word in enumerate(words):
    ax.text(k % cols, k // cols, word[:11], ha="center", va="center", fontsize=8,
            color="white" if abs(contrib[k]) > 0.6 * bound else "black")
ax.set(xticks=[], yticks=[], title="contribution of each word to the spam score")
plt.show()

# %% [markdown]
# ## 6 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.text`. Replace the `None`, run the
# cell, and read the verdict. A worked solution is hidden below each.
#
# **Exercise 1 (the embedding's gradient, coded).** Write `embedding_grad(ids, dout,
# vocab_size)`: the forward pass is `out = W[ids]` with `ids` of shape (N, L) and `dout`
# $= \partial E/\partial\,$`out` of shape (N, L, D); return $\partial E/\partial W$ of shape
# (vocab_size, D). Mind words that occur more than once.

# %% tags=["stub"]
def embedding_grad(ids, dout, vocab_size):
    return None  # your code here


exercises.check_embedding_grad(embedding_grad)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def embedding_grad(ids, dout, vocab_size):
    # Each position's gradient goes to the row it read; repeated words add up (np.add.at).
    grad = np.zeros((vocab_size, dout.shape[-1]))
    np.add.at(grad, ids.reshape(-1), dout.reshape(-1, dout.shape[-1]))
    return grad


exercises.check_embedding_grad(embedding_grad)

# %% [markdown]
# **Exercise 2 (max-over-time's backward pass with padding, coded).** Write
# `masked_max_backward(dout, x, mask)`: `x` (N, F, L) holds filter responses, `mask` (N, L)
# is True at real positions, and the forward pass kept, for each text and filter, the largest
# response among the real positions (the first one on ties). Given `dout` (N, F), return
# $\partial E/\partial x$ (N, F, L).

# %% tags=["stub"]
def masked_max_backward(dout, x, mask):
    return None  # your code here


exercises.check_masked_max_backward(masked_max_backward)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def masked_max_backward(dout, x, mask):
    # Padded positions can never win: set them to -inf, then route dout to each argmax.
    winner = np.where(mask[:, None, :], x, -np.inf).argmax(axis=2)
    dx = np.zeros_like(x)
    np.put_along_axis(dx, winner[..., None], dout[..., None], axis=2)
    return dx


exercises.check_masked_max_backward(masked_max_backward)

# %% [markdown]
# **Exercise 3 (Kim's parameter count).** How many trainable parameters does a CNN-rand with
# the sizes below have: the embedding table, one convolution per width (with biases) and a
# linear output layer (with biases) on the max-pooled features?

# %%
print(exercises.KIM_CNN)
my_count = None
exercises.check_kim_parameter_count(my_count)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
kim = exercises.KIM_CNN
table = kim["vocab_size"] * kim["dim"]  # one d-vector per word
filters = sum(kim["filters"] * (kim["dim"] * h + 1) for h in kim["widths"])  # d*h + bias
output = len(kim["widths"]) * kim["filters"] * kim["classes"] + kim["classes"]
exercises.check_kim_parameter_count(table + filters + output)

# %% [markdown]
# ## 7 · Summary
#
# * A sentence of $l$ words is an $l \times d$ matrix of learned word vectors (a vector in
#   $\mathbb{R}^{dl}$); a filter in $\mathbb{R}^{dh}$ slides over its $l - h + 1$ h-grams.
#   This is notebook 06's 1-D convolution with the embedding coordinates as channels.
# * Pooling over positions (max-over-time, k-max, mean) makes texts of any length give a fixed
#   number of features; a mask keeps padding out. On spam all three work.
# * The NumPy model's gradients match finite differences and PyTorch's; the torch twin trains
#   on the full set in seconds.
# * On these e-mails a CNN learns the task far above the majority class, yet a bag-of-words
#   logistic regression is at least as good: when single words decide, order adds little.
#   Always set a neural model beside such a baseline.
# * Filters learn to fire on telling n-grams, and for max pooling a text's score splits into
#   word contributions one can read.
#
# **Next**, [notebook 08](08_recurrent_networks.ipynb) reads sentences with recurrent networks, which carry a state
# from word to word instead of looking through fixed windows.
