# %% [markdown]
# # 05 · Autoencoders
#
# Until now every network was told the right answer for each example. This notebook turns the
# network on itself: an **autoencoder** is trained to reproduce its own input through a narrow
# hidden layer, so no labels are needed, and what it learns is a *code*, a new representation
# of the data. We start with the classic 8-3-8 network, which invents a 3-bit binary code,
# show that a linear autoencoder finds exactly the subspace of principal component analysis,
# make the code sparse and look at what the hidden units detect, stack autoencoders layer by
# layer, and finally ask the practical question: when few labels exist, does pre-training on
# unlabelled digits help a classifier?
#
# **After this notebook you can**
#
# 1. write an autoencoder's forward pass, its two reconstruction losses and the gradient of a
#    tied decoder, and check them numerically;
# 2. explain what the 8-3-8 network learns, how reliably, and what two hidden units change;
# 3. state and show the link between linear autoencoders and PCA;
# 4. train a sparse autoencoder, read its filters, and weigh sparsity against reconstruction;
# 5. stack autoencoders greedily and judge, with seeds and spread, when pre-training helps.
#
# **You should already know** notebooks 03 and 04 (backpropagation, `Linear`, `Sequential`,
# `fit`, the MNIST digits) and what an eigenvector of a covariance matrix is.

# %% tags=["nbval-ignore-output"]
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from ipywidgets import SelectionSlider, fixed
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA

import course_nn
from course_nn import autoencoders as ae_lib
from course_nn import data, modules, optim, stacking, training
from course_nn.autoencoders import TiedLinear, autoencoder, train_autoencoder
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import autoencoders as exercises
from course_nn.gradcheck import relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import use_course_style
from course_nn.sparsity import L1Penalty
from course_nn.torch_bridge import to_torch, torch_gradients

use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### Encode, then decode
#
# An autoencoder maps an input $x \in \mathbb{R}^D$ to a code $y \in \mathbb{R}^H$ and back:
#
# $$
# y = f(W x + b), \qquad \hat x = g(W' y + b'),
# $$
#
# with an elementwise nonlinearity $f$ (here the sigmoid) and $g$ (the sigmoid for inputs in
# $[0, 1]$, or the identity). It is trained to make $\hat x$ close to $x$, for example by
# minimising the squared reconstruction error summed over the training examples,
#
# $$
# E = \sum_{x} \lVert \hat x - x \rVert^2 .
# $$
#
# If $H < D$ the code is a **bottleneck**: the network cannot copy its input, it must find
# what the examples have in common. For inputs in $[0, 1]$ (pixel intensities) a natural
# alternative is the **cross-entropy** $-\sum_i [x_i \log \hat x_i + (1 - x_i)\log(1 - \hat x_i)]$,
# whose gradient with respect to the decoder's pre-sigmoid value $z_i$ is simply
# $\hat x_i - x_i$, exactly like softmax cross-entropy in notebook 03. (In code we write the
# rows of a batch as a matrix $X$ of shape $(N, D)$, so the encoder computes $XW + b$ with $W$
# of shape $(D, H)$.)
#
# ### Tied weights
#
# The decoder may reuse the encoder's matrix, $W' = W^\top$: half the weights. The shared matrix
# is then used twice, so by the multi-path chain rule of notebook 03 its gradient is the **sum
# of both uses**: with $\delta$ the error at the code's pre-activation and $\Delta$ the error at
# the decoder's output,
#
# $$
# \frac{\partial E}{\partial W} = \underbrace{X^\top \delta}_{\text{encoder}}
#   + \underbrace{\Delta^\top Y}_{\text{decoder}} .
# $$
#
# ### Sparse codes
#
# With $H \ge D$ a bottleneck no longer forces anything. A **sparse autoencoder** instead asks
# that few code units be active for each example, by adding a penalty to the error:
#
# $$
# E_\lambda = \sum_x \lVert \hat x - x \rVert^2 + \lambda \sum_x \sum_j |y_j| .
# $$
#
# Its gradient with respect to the code (exercise 1 asks for it) is added to what comes back
# from the decoder. (The lecture slides write the penalty as $\sum_i |w_i|$ on the
# *weights*, which shrinks weights like notebook 04's weight decay; the penalty on the code's
# activity is the usual one for sparse codes, and it is the one we use.) A common alternative
# for sigmoid codes is the KL divergence between a target activation $\rho$ and each unit's mean
# activation $\hat\rho_j$, $\sum_j \mathrm{KL}(\rho \,\Vert\, \hat \rho_j)$; the package has both.
#
# ### Linear autoencoders and PCA
#
# With $f$ and $g$ the identity and centred data, the best $k$-unit code is known: the decoder's
# columns span the same subspace as the first $k$ principal components, and the error equals
# PCA's, the sum of the covariance eigenvalues left out (Baldi and Hornik, 1989). The weights
# themselves need not be the eigenvectors: any invertible mix of them works.
#
# ### Stacking and pre-training
#
# A trained encoder is a feature extractor. **Greedy layer-wise stacking** trains an autoencoder
# on the data, drops its decoder, trains a second autoencoder on the codes of the first, and so
# on. The stacked encoders can then start a classifier: either (a) frozen, with only a softmax
# layer trained on top, or (b) as the initial weights of the whole network, which is then
# **fine-tuned** with the labels. Both are meant for the case where unlabelled examples are
# plentiful and labels are few.
#
# ## 2 · From scratch
#
# `course_nn.autoencoders` builds autoencoders from the layer library: an `Autoencoder` is a
# `Module` holding an encoder and a decoder `Sequential`, with an optional penalty on the code.
# Its backward pass goes through the decoder, adds the penalty's gradient at the code, and goes
# on through the encoder:

# %%
show_source(ae_lib.Autoencoder.backward_logits)
show_source(TiedLinear.backward)

# %% [markdown]
# `TiedLinear` owns only its bias; it adds its share of the weight gradient into the encoder's
# `weight_grad`, so after one backward pass that array holds the sum of both uses. The check
# below builds a tied sigmoid autoencoder with an L1 penalty and compares the gradient of the
# whole objective with centred finite differences, in float64. It also confirms that the
# shared gradient is the sum of the two uses: with the decoder's share removed, it no longer
# matches.

# %%
X_small = np.random.default_rng(1).random((6, 5))
tied = autoencoder(5, 3, np.random.default_rng(2), tied=True, penalty=L1Penalty(0.1))
print("tied, L1-penalised, cross-entropy: every gradient within 1e-7 of finite differences:",
      max(ae_lib.gradient_errors(tied, X_small, "cross_entropy").values()) < 1e-7)
print("the same with the squared error:",
      max(ae_lib.gradient_errors(tied, X_small).values()) < 1e-7)

# The same network untied: two copies of the matrix, W in the encoder and W^T in the decoder.
untied = autoencoder(5, 3, np.random.default_rng(2), penalty=L1Penalty(0.1))
untied.load_state_dict({"0.weight": tied.encoder[0].weight, "0.bias": tied.encoder[0].bias,
                        "2.weight": tied.encoder[0].weight.T, "2.bias": tied.decoder[0].bias})
ae_lib.gradient_errors(untied, X_small)
from_encoder = untied.gradients()["0.weight"]
from_decoder = untied.gradients()["2.weight"].T
shared = tied.gradients()["0.weight"]
print("shared gradient = encoder's use + decoder's use:",
      np.max(np.abs(shared - (from_encoder + from_decoder))) < 1e-12)
print("either use alone is wrong:", relative_error(shared, from_encoder) > 0.01,
      relative_error(shared, from_decoder) > 0.01)

# %% [markdown]
# ## 3 · Experiments
#
# ### 3.1 · The 8-3-8 network learns a binary code
#
# Mitchell (1997, *Machine Learning*, §4.6.4) trains a network with 8 inputs, 3 sigmoid hidden
# units and 8 sigmoid outputs to reproduce each of the eight one-hot vectors
# $10000000, 01000000, \dots, 00000001$: the identity function, through a bottleneck of three
# units. His setup: the backpropagation algorithm of his Table 4.2, which updates the weights
# after each example, with learning rate 0.3, initial weights uniform in $\pm 0.1$, and 5,000
# epochs (we use no momentum). His Figure 4.7 gives the hidden values of "one typical run":
#
# | input | hidden values (Mitchell, Fig. 4.7) |
# |---|---|
# | 10000000 | .89 .04 .08 |
# | 01000000 | .15 .99 .99 |
# | 00100000 | .01 .97 .27 |
# | 00010000 | .99 .97 .71 |
# | 00001000 | .03 .05 .02 |
# | 00000100 | .01 .11 .88 |
# | 00000010 | .80 .01 .98 |
# | 00000001 | .60 .94 .01 |
#
# and notes that, rounded to 0 or 1, they are the standard binary encoding of eight values.
# (The lecture slides quote this table with some entries garbled, e.g. `.89 .40 0.8` for the
# first row; the values above are the book's.)
#
# We train 100 networks at once with `train_per_example_batch`, which does the per-example
# steps of all networks together with array operations. First, the check that it is the same
# algorithm as `fit` with `batch_size=1` (examples in order), on one network for 200 epochs:

# %%
patterns = np.eye(8)
check_net = modules.mlp([8, 3, 8], np.random.default_rng(7), init="uniform", init_range=0.1,
                        output_activation="sigmoid")
training.fit(check_net, optim.SGD(check_net, learning_rate=0.3), patterns, patterns,
             loss="squared", epochs=200, batch_size=1, show_progress=False)
same = ae_lib.train_per_example_batch(patterns, 1, 3, np.random.default_rng(7), epochs=200)
gap = max(np.max(np.abs(check_net[0].weight - same.w1[0])),
          np.max(np.abs(check_net[2].weight - same.w2[0])))
print("vectorised trainer = fit, largest weight difference < 1e-10:", gap < 1e-10)

# %%
n_seeds = 100
runs = ae_lib.train_per_example_batch(patterns, n_seeds, 3, np.random.default_rng(838),
                                      epochs=5000, learning_rate=0.3, init_range=0.1)
hidden, outputs = runs.hidden(patterns), runs.outputs(patterns)
MITCHELL_FIG_4_7 = np.array([[.89, .04, .08], [.15, .99, .99], [.01, .97, .27],
                             [.99, .97, .71], [.03, .05, .02], [.01, .11, .88],
                             [.80, .01, .98], [.60, .94, .01]])
print("input      ours (run 1)     code | Mitchell, Fig. 4.7   code")
for i in range(8):
    ours, theirs = hidden[0, i], MITCHELL_FIG_4_7[i]
    print(f"{''.join(str(int(v)) for v in patterns[i])}  "
          f"{'  '.join(f'{v:.2f}' for v in ours)}   {''.join(str(int(v)) for v in ours.round())}"
          f"  |  {'  '.join(f'{v:.2f}' for v in theirs)}    "
          f"{''.join(str(int(v)) for v in theirs.round())}")

# %% [markdown]
# Our run, like Mitchell's, gives each input its own corner of the cube $\{0, 1\}^3$ after
# rounding, though not the same assignment of codes to inputs (any of the $8!$ assignments
# serves) and not all values near 0 or 1 (his has .60, .71, .27 too). How typical is this?
# Over all 100 seeds, we count the networks whose eight outputs all round to the input, and the
# networks whose rounded hidden values form eight *distinct* 3-bit codes.

# %%
reconstructs = np.all(outputs.round() == patterns, axis=(1, 2))
codes = hidden.round()
distinct = np.array([len({tuple(row) for row in net_codes}) == 8 for net_codes in codes])
print(f"3 hidden units, {n_seeds} seeds, 5,000 epochs:")
print(f"  reconstruct all 8 patterns (every output rounds to its target): {reconstructs.mean():.0%}")
print(f"  rounded hidden values form 8 distinct 3-bit codes:              {distinct.mean():.0%}")
print("our run 1 is one of those with 8 distinct codes:", bool(distinct[0]))

# %% [markdown]
# Every network solves the task, but only about three in four use a code that is binary after
# rounding. In the others two inputs share a rounded code, and the network tells them apart by
# an intermediate value (a unit near 0.5 for one of them): the hidden units are real-valued, and
# nothing in the squared error rewards values near 0 or 1.
#
# **Compression.** Eight patterns need $\log_2 8 = 3$ bits, so three binary units are the
# fewest that can give each pattern its own corner. Real-valued units are not so limited: can
# **two** hidden units do it? Each output unit is a logistic unit on the two-dimensional code,
# so each pattern's code must be separable by a line from the other seven; eight points on a
# circle would do. The same 100 seeds with two hidden units:

# %%
runs_2 = ae_lib.train_per_example_batch(patterns, n_seeds, 2, np.random.default_rng(828),
                                        epochs=5000, learning_rate=0.3, init_range=0.1)
outputs_2 = runs_2.outputs(patterns)
largest_right = np.all(outputs_2.argmax(axis=2) == np.arange(8), axis=1)
rounds_right = np.all(outputs_2.round() == patterns, axis=(1, 2))
print(f"2 hidden units, {n_seeds} seeds, 5,000 epochs:")
print(f"  the largest output is the right one for all 8 patterns: {largest_right.mean():.0%}")
print(f"  every output rounds to its target:                      {rounds_right.mean():.0%}")

fig, ax = plt.subplots(figsize=(4.2, 4.2))
example = int(np.flatnonzero(largest_right)[0])
codes_2 = runs_2.hidden(patterns)[example]
ax.scatter(codes_2[:, 0], codes_2[:, 1], s=60)
for i, (u, v) in enumerate(codes_2):
    ax.annotate(str(i + 1), (u, v), xytext=(5, 5), textcoords="offset points")
ax.set_xlim(-0.05, 1.05)
ax.set_ylim(-0.05, 1.05)
ax.set_xlabel("hidden unit 1")
ax.set_ylabel("hidden unit 2")
ax.set_title(f"8-2-8 (seed {example + 1}): codes of the 8 inputs", fontsize=10)
plt.show()

# %% [markdown]
# With two units most networks decode every pattern by its largest output, and none brings
# every output to the right side of 0.5 within 5,000 epochs: the codes spread around the edge of
# the square (the figure), the outputs stay soft, and the network is far slower to sharpen them.
# Compression below the number of bits is possible for real-valued codes, but costly.
#
# ### 3.2 · A linear autoencoder finds the PCA subspace
#
# On the 8×8 digits (1,079 training images, centred), a linear autoencoder with $k = 8$ hidden
# units, trained by full-batch Adam, against scikit-learn's PCA with 8 components. We compare
# the per-image reconstruction error $\lVert \hat x - x \rVert^2$ and the principal angles
# between the decoder's column space and the span of the first 8 principal components.

# %%
digits = data.load_digits_split(np.random.default_rng(0))
X_digits = digits.X_train - digits.X_train.mean(axis=0)
k = 8
linear = autoencoder(64, k, np.random.default_rng(3), activation="identity", output="identity")
history = train_autoencoder(linear, optim.Adam(linear, learning_rate=1e-2), X_digits,
                            epochs=1500, batch_size=None, show_progress=False)
pca = PCA(n_components=k).fit(X_digits)
pca_error = np.sum((pca.inverse_transform(pca.transform(X_digits)) - X_digits) ** 2) / len(X_digits)
eigenvalues = np.linalg.eigvalsh(np.cov(X_digits.T, bias=True))[::-1]
decoder_columns = linear.decoder[0].weight.T  # (64, k)
angles = np.degrees(subspace_angles(decoder_columns, pca.components_.T))
print(f"error per image: autoencoder {history.reconstruction[-1]:.3f}, PCA {pca_error:.3f}")
print("autoencoder within 0.01% of PCA's error:", history.reconstruction[-1] / pca_error - 1 < 1e-4)
print("PCA's error = sum of the left-out eigenvalues:", abs(pca_error - eigenvalues[k:].sum()) < 1e-9)
print("largest principal angle between the two subspaces < 0.1 degree:", angles.max() < 0.1)
cosines = np.abs(pca.components_ @ decoder_columns) / np.linalg.norm(decoder_columns, axis=0)
print("yet no decoder column is a principal component (all |cosines| < 0.99):", cosines.max() < 0.99)

# %%
fig, axes = plt.subplots(2, 8, figsize=(7.5, 2.4))
for j in range(8):
    for row, vector in enumerate((pca.components_[j], decoder_columns[:, j])):
        limit = np.abs(vector).max()
        axes[row, j].imshow(vector.reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[0, j].axis("off")
    axes[1, j].axis("off")
fig.suptitle("PCA components (top) and the decoder's columns (bottom)", fontsize=10)
plt.show()

# %% [markdown]
# The autoencoder reaches PCA's error and its subspace, but its columns are a rotated and
# rescaled mix of the components: nothing in the error prefers one basis of the subspace.
#
# ### 3.3 · A sparse autoencoder on MNIST digits
#
# Now 64 sigmoid code units for the 3,000 training digits of notebook 04's MNIST subset
# (28×28 pixels in $[0, 1]$), trained on the cross-entropy with an L1 penalty of weight
# $\lambda$ on the code, for 8 epochs of Adam in batches of 100. We measure on the 1,000 test
# digits the reconstruction error and two kinds of sparsity: the mean code value and the
# fraction of code values above 0.1.

# %%
mnist = data.load_mnist_split(np.random.default_rng(0))
sparse_weights = [0.0, 1.0, 3.0, 10.0]
sparse_runs = {}
for weight in sparse_weights:
    net = autoencoder(784, 64, np.random.default_rng(4), penalty=L1Penalty(weight))
    train_autoencoder(net, optim.Adam(net, learning_rate=1e-2), mnist.X_train,
                      loss="cross_entropy", epochs=8, batch_size=100,
                      rng=np.random.default_rng(5), show_progress=False)
    code = net.encode(mnist.X_test)
    sparse_runs[weight] = {"net": net, "error": ae_lib.reconstruction_error(
        net, mnist.X_test, "cross_entropy"), "mean": code.mean(), "active": np.mean(code > 0.1)}
print("lambda   test cross-entropy per digit   mean code value   code values > 0.1")
for weight, run in sparse_runs.items():
    print(f"{weight:5g}   {run['error']:24.0f}   {run['mean']:15.2f}   {run['active']:16.0%}")


def tile(images, shape, columns):
    """Images (n, h*w) side by side in a grid with one-pixel gaps, each scaled to [-1, 1]."""
    h, w = shape
    rows = math.ceil(len(images) / columns)
    canvas = np.full((rows * (h + 1), columns * (w + 1)), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        canvas[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = (
            image.reshape(h, w) / np.abs(image).max())
    return canvas


def plot_sparse(weight=1.0, axes=None):
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(7.5, 3.6), width_ratios=[1, 1.1])
    run = sparse_runs[weight]
    axes[0].imshow(tile(run["net"].encoder[0].weight.T[:36], (28, 28), 6), cmap="RdBu_r",
                   vmin=-1, vmax=1)
    axes[0].axis("off")
    axes[0].set_title(f"36 of 64 filters, lambda = {weight:g}", fontsize=10)
    actives = [sparse_runs[w]["active"] for w in sparse_weights]
    errors_ = [sparse_runs[w]["error"] for w in sparse_weights]
    axes[1].plot(actives, errors_, "o-", color="C7")
    axes[1].plot(run["active"], run["error"], "o", color="C3", ms=10)
    for w, a, e in zip(sparse_weights, actives, errors_):
        axes[1].annotate(f"{w:g}", (a, e), xytext=(4, 4), textcoords="offset points")
    axes[1].set_xlabel("fraction of code values > 0.1")
    axes[1].set_ylabel("test cross-entropy per digit")
    axes[1].set_title("Sparsity against reconstruction", fontsize=10)
    return axes


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(plot_sparse,
                  weight=SelectionSlider(options=sparse_weights, value=1.0, description="λ"),
                  axes=fixed(None))

# %%
plot_sparse()
plt.show()
active = [sparse_runs[w]["active"] for w in sparse_weights]
error = [sparse_runs[w]["error"] for w in sparse_weights]
print("the code gets sparser as lambda grows:", bool(np.all(np.diff(active) < 0)))
print("beyond lambda = 1 more sparsity costs reconstruction:", error[1] < error[2] < error[3])
print("in 8 epochs lambda = 1 reconstructs better than no penalty:", error[1] < error[0])

# %% [markdown]
# The filters are the encoder's weight vectors shown as images (red positive, blue negative,
# each scaled to its own largest weight): a unit responds to digits whose ink lies on its red
# pixels and not on its blue ones, so many filters look like pieces of strokes with an
# opposite-signed surround. The slider shows them for each $\lambda$. The grid shows the trade-off one way only: from
# $\lambda = 1$ on, a sparser code reconstructs worse. Below it the picture is not a trade-off
# at all in this short run: without a penalty the 64 units sit mostly near 1 (mean code value
# in the table) and the network reconstructs *worse* than with $\lambda = 1$ after 8 epochs;
# the penalty pushes units into the sigmoid's sensitive range, which also speeds learning. We
# did not train longer, so we make no claim about where the unpenalised network would end.
#
# ### 3.4 · Stacking two autoencoders
#
# The sparse autoencoder with $\lambda = 1$ is layer 1. Its decoder is set aside and a second
# autoencoder, 64 → 32 → 64, learns to reconstruct layer 1's codes (`train_stack` with the
# trained layer as `start`). A digit then goes up through both encoders and back down through
# both decoders.

# %%
stack = stacking.train_stack(mnist.X_train, [32], np.random.default_rng(6),
                           start=[sparse_runs[1.0]["net"]], epochs=8, batch_size=100,
                           loss="cross_entropy", show_progress=False)
through_one = stack[0].forward(mnist.X_test)
through_two = stacking.reconstruct_through(stack, mnist.X_test)
err_one = np.sum((through_one - mnist.X_test) ** 2) / len(mnist.X_test)
err_two = np.sum((through_two - mnist.X_test) ** 2) / len(mnist.X_test)
print(f"squared error per test digit: through layer 1 {err_one:.1f}, through both {err_two:.1f}")
print("the second layer adds reconstruction error:", err_two > err_one)

fig, axes = plt.subplots(3, 8, figsize=(7.5, 3.2))
for j in range(8):
    for row, images in enumerate((mnist.X_test, through_one, through_two)):
        axes[row, j].imshow(images[j].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        axes[row, j].axis("off")
fig.suptitle("Test digits (top), through layer 1 (middle), through layers 1 and 2 (bottom)",
             fontsize=10)
plt.show()

# %% [markdown]
# ### 3.5 · Pre-training when labels are few
#
# The question the slides raise: if only a few digits are labelled but many are not, does
# unsupervised pre-training help? All 3,000 training digits are available unlabelled (the
# stack above was trained on them); of these, 50, 100, 300 or 1,000 are labelled, balanced
# over the classes. Three classifiers with the same architecture 784-64-32-10 (sigmoid units):
#
# * **random**: initialised at random (`mlp`), trained on the labelled digits;
# * **frozen**: the pre-trained stack frozen, only a softmax layer trained on its 32-unit code;
# * **fine-tuned**: starts from the pre-trained stack, all layers trained on the labelled digits.
#
# Each is trained with Adam (learning rate 0.003) for 300 steps of batches of up to 32 (a fixed
# budget, since there is no labelled data to spare for early stopping), for 5 seeds; a seed fixes
# the labelled subset (the same for the three classifiers, so they can be compared seed by seed)
# and the new weights. The test error is measured on the same 1,000 test digits each time.

# %%
def train_classifier(kind, n_labels, seed):
    trial_rng = np.random.default_rng(1000 * n_labels + seed)
    chosen = stacking.balanced_subset(mnist.y_train, n_labels, trial_rng)
    if kind == "random":
        net = modules.mlp([784, 64, 32, 10], trial_rng)
    else:
        net = stacking.encoder_classifier(stacking.stacked_encoder(stack), 10, trial_rng,
                                        freeze=kind == "frozen")
    batch = min(32, n_labels)
    training.fit(net, optim.Adam(net, learning_rate=3e-3), mnist.X_train[chosen],
                 mnist.y_train[chosen], epochs=math.ceil(300 * batch / n_labels),
                 batch_size=batch, rng=trial_rng, show_progress=False)
    return 1 - training.evaluate(net, "cross_entropy", mnist.X_test, mnist.y_test)[1]


label_counts, kinds, n_trials = [50, 100, 300, 1000], ["random", "frozen", "fine-tuned"], 5
test_error = {(kind, n): [train_classifier(kind, n, s) for s in range(n_trials)]
              for n in label_counts for kind in kinds}
print(f"test error (%) on 1,000 digits, mean ± std over {n_trials} seeds")
print("labels    " + "".join(f"{kind:>16}" for kind in kinds))
for n in label_counts:
    cells = "".join(f"{100 * np.mean(test_error[kind, n]):9.1f} ± {100 * np.std(test_error[kind, n]):4.1f}"
                    for kind in kinds)
    print(f"{n:6d}    {cells}")

# %%
wins = {(kind, n): int(np.sum(np.array(test_error[kind, n]) < np.array(test_error["random", n])))
        for kind in kinds[1:] for n in label_counts}
for kind in kinds[1:]:
    print(f"{kind:>10} beats random, seeds out of {n_trials}: " +
          ", ".join(f"{wins[kind, n]} ({n} labels)" for n in label_counts))
mean = {key: np.mean(errors_) for key, errors_ in test_error.items()}
print("frozen features lose to random initialisation at every label count:",
      all(mean["frozen", n] > mean["random", n] for n in label_counts))
print("fine-tuning has the lowest mean error from 100 labels on:",
      all(mean["fine-tuned", n] < min(mean["random", n], mean["frozen", n]) for n in label_counts[1:]))
print("fine-tuned beats random in at least 4 of 5 paired seeds from 100 labels on:",
      all(wins["fine-tuned", n] >= 4 for n in label_counts[1:]))

# %% [markdown]
# **What happened.** Frozen features are the worst of the three at every label count: the
# second layer's 32-unit code was learned to reconstruct the first layer's code, with no view
# of the classes, and a linear softmax on it cannot recover what it dropped. Fine-tuning the
# pre-trained stack gives the lowest mean error from 100 labels on; the gain over random
# initialisation is one to two percentage points, no more than the seed-to-seed spread, but it
# holds seed by seed in at least 4 of the 5 paired seeds. With 50 labels pre-training makes
# no clear difference. So on this data, with this budget, pre-training helps a little and only as
# an initialisation, and it does not make the classifier's features by itself.
#
# **Beside Erhan et al. (2010).** In "Why does unsupervised pre-training help deep learning?"
# (JMLR 11, 625–660) the networks are deeper and far wider, pre-trained as stacks of denoising
# autoencoders or RBMs and then fine-tuned with *all* the labels of MNIST's tens of thousands of
# training digits, over many random seeds; they find that pre-training lowers the test error of
# deep networks and interpret it as a regulariser, and they study how its effect changes with
# depth, layer size and the number of training examples. Our setup differs in nearly every
# respect: two small sigmoid layers (64 and 32 units), 8 epochs of pre-training on 3,000 digits,
# 50 to 1,000 labels, a fixed budget of 300 Adam steps, 5 seeds and a 1,000-digit test set. It
# is a rough reference, not a reproduction; what carries over is the direction of the
# fine-tuning result, not its size.
#
# ## 4 · PyTorch, on the GPU when there is one
#
# `Autoencoder.as_sequential()` lists the same modules as one `Sequential`, so `to_torch` builds
# the PyTorch twin of the sparse autoencoder ($\lambda = 1$) with its weights copied. We compare
# reconstructions of 100 test digits, then the gradients of the whole objective, cross-entropy
# plus the L1 penalty on the code, written in three lines of torch. The device is
# `course_nn.choose_device()`; MPS lacks float64, so there we compare in float32 with a looser
# tolerance.

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)  # on a CPU, torch's threads would compete with NumPy's
tolerance = 1e-4 if dtype == torch.float32 else 1e-9
print("running on:", describe_device(device), "in", dtype)

# %%
sparse_net = sparse_runs[1.0]["net"]
as_seq = sparse_net.as_sequential()
torch_model = to_torch(as_seq, device=device, dtype=dtype)
print(torch_model)
X_batch = mnist.X_test[:100]
x_t = torch.tensor(X_batch, dtype=dtype, device=device)
theirs = torch_model(x_t).detach().cpu().double().numpy()
print(f"reconstructions agree within {tolerance:g}:",
      np.max(np.abs(theirs - sparse_net.forward(X_batch))) < tolerance)

sparse_net.zero_grad()
sparse_net.forward(X_batch)
sparse_net.backward_logits(ae_lib.bernoulli_cross_entropy(sparse_net.logits, X_batch)[1])
code_t = torch_model[:2](x_t)  # Linear, Sigmoid: the code
loss_t = torch.nn.functional.binary_cross_entropy_with_logits(
    torch_model[2](code_t), x_t, reduction="sum") + sparse_net.penalty.weight * code_t.abs().sum()
loss_t.backward()
torch_grads = torch_gradients(as_seq, torch_model)
gap = max(relative_error(g, torch_grads[name]) for name, g in sparse_net.gradients().items())
print(f"gradients of cross-entropy + L1 agree, relative error < {tolerance:g}:", gap < tolerance)

# %% [markdown]
# ### A denoising autoencoder
#
# Vincent et al. (2008) proposed a different way to keep an autoencoder from copying: corrupt
# each input (set a random half of its pixels to zero, "masking noise") and train the network to
# reconstruct the *clean* input. It must then learn how pixels depend on each other. In torch
# this is a model of four lines and the loop `train_denoising_torch`:

# %%
show_source(ae_lib.train_denoising_torch)

# %%
torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
dae = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.Sigmoid(),
                          torch.nn.Linear(64, 784), torch.nn.Sigmoid()).to(device)
X_train_t = torch.tensor(mnist.X_train, dtype=torch.float32, device=device)
dae_losses = ae_lib.train_denoising_torch(dae, torch.optim.Adam(dae.parameters(), lr=1e-2),
                                          X_train_t, drop_prob=0.5, epochs=8, batch_size=100,
                                          generator=generator)
clean_t = torch.tensor(mnist.X_test, dtype=torch.float32, device=device)
noisy_t = ae_lib.masking_noise_torch(clean_t, 0.5, torch.Generator().manual_seed(1))
with torch.no_grad():
    denoised = dae(noisy_t).cpu().double().numpy()
noisy = noisy_t.cpu().double().numpy()
plain = sparse_net.forward(noisy)  # the sparse autoencoder, trained on clean digits only


def per_digit(images):
    return np.sum((images - mnist.X_test) ** 2) / len(images)


print(f"squared error to the clean test digits: half-masked input {per_digit(noisy):.0f}, "
      f"sparse autoencoder's reconstruction of it {per_digit(plain):.0f}")
print("the denoising autoencoder cleans the digits:", per_digit(denoised) < per_digit(noisy))
print("better than the autoencoder trained on clean digits:", per_digit(denoised) < per_digit(plain))

# %%
fig, axes = plt.subplots(4, 8, figsize=(7.5, 4.2))
rows = [("clean", mnist.X_test), ("half masked", noisy), ("denoising AE", denoised),
        ("sparse AE", plain)]
for r, (label, images) in enumerate(rows):
    for j in range(8):
        axes[r, j].imshow(images[j].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        axes[r, j].set_xticks([])
        axes[r, j].set_yticks([])
    axes[r, 0].set_ylabel(label, fontsize=10)
fig.suptitle(f"Masked test digits and their reconstructions; denoising AE (PyTorch on "
             f"{device.type}): squared error {per_digit(denoised):.0f} per digit", fontsize=10)
plt.show()

# %% [markdown]
# The denoising autoencoder's own error is in the figure's title rather than printed: it
# depends on the device's arithmetic (float32 on a GPU), while the two printed comparisons do
# not. It fills in strokes that the masking cut; the sparse autoencoder, which never saw a
# corrupted digit, gives fainter and less complete digits.
#
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.autoencoders`. Replace the `None`,
# run the cell and read the verdict. A worked solution is hidden below each.
#
# **Exercise 1 (the L1 penalty's gradient).** Write `l1_code_gradient(code, weight)`, the
# gradient of $P(Y) = \lambda \sum_{n,j} |y_{nj}|$ with respect to every entry of a batch of
# codes `code` (shape $(N, H)$), with $\lambda$ = `weight`. At $y = 0$ use 0. The checker
# compares it with the package's `L1Penalty` on random codes.

# %% tags=["stub"]
def l1_code_gradient(code, weight):
    return None  # your code here


exercises.check_l1_code_gradient(l1_code_gradient)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# d|y|/dy is +1 for y > 0 and -1 for y < 0 (np.sign gives 0 at 0), times the weight,
# entry by entry: each code value appears in the sum once.
def l1_code_gradient(code, weight):
    return weight * np.sign(code)


exercises.check_l1_code_gradient(l1_code_gradient)

# %% [markdown]
# **Exercise 2 (the tied decoder's backward).** The tied decoder computes
# `out = code @ weight.T + bias` with the encoder's `weight` of shape $(D, H)$. Write
# `tied_decoder_grads(dout, code, weight)` returning `(dcode, dweight, dbias)`, the gradients
# of $\sum$ `dout * out` with respect to `code` $(N, H)$, `weight` $(D, H)$ and `bias` $(D,)$:
# this use's share of the shared matrix's gradient.

# %% tags=["stub"]
def tied_decoder_grads(dout, code, weight):
    return None  # your code here


exercises.check_tied_decoder_grads(tied_decoder_grads)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# out[n, i] = sum_j code[n, j] weight[i, j] + bias[i], so
#   d/d code[n, j]   = sum_i dout[n, i] weight[i, j]   -> dout @ weight     (N, H)
#   d/d weight[i, j] = sum_n dout[n, i] code[n, j]     -> dout.T @ code     (D, H)
#   d/d bias[i]      = sum_n dout[n, i]                -> dout.sum(axis=0)  (D,)
def tied_decoder_grads(dout, code, weight):
    return dout @ weight, dout.T @ code, dout.sum(axis=0)


exercises.check_tied_decoder_grads(tied_decoder_grads)

# %% [markdown]
# **Exercise 3 (what the best linear code loses).** Centred data have a covariance matrix with
# the eigenvalues below. What is the per-example mean of $\lVert \hat x - x \rVert^2$ for the
# best linear autoencoder with $k$ hidden units (3 significant figures)?

# %%
print(exercises.PCA_PROBLEM)
my_error = None
exercises.check_pca_error(my_error)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# The best k-unit linear code keeps the top-k principal subspace (section 3.2); what is lost
# is the variance in the other directions, the sum of the eigenvalues left out.
values, k_code = exercises.PCA_PROBLEM["eigenvalues"], exercises.PCA_PROBLEM["k"]
exercises.check_pca_error(sum(values[k_code:]))

# %% [markdown]
# ## 6 · Summary
#
# * An autoencoder $y = f(Wx + b)$, $\hat x = g(W'y + b')$ learns a code without labels by
#   reconstructing its input; with tied weights $W' = W^\top$ the shared matrix's gradient is
#   the sum of its two uses, and the cross-entropy suits inputs in $[0, 1]$.
# * The 8-3-8 network trained as in Mitchell (1997) reconstructs all eight patterns in every one
#   of our 100 runs, but its hidden values round to eight distinct 3-bit codes in only about
#   three runs in four; with two hidden units the largest output is still right in most runs.
# * A linear autoencoder reaches PCA's error and subspace, in a basis of its own.
# * An L1 penalty on the code makes it sparse and the filters local; past a point it costs
#   reconstruction.
# * Greedy stacking trains one layer at a time on the codes of the one below; as pre-training
#   for a classifier with few labels, its value is an empirical question, answered above for
#   this data with seeds and spread.
# * A denoising autoencoder learns to restore corrupted inputs.
#
# **Next**, [notebook 06](06_convolutional_networks.ipynb) builds convolutional networks, whose filters are shared across
# the image instead of learned separately for every position.
