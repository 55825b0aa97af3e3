# %% [markdown]
# # 03 · Backpropagation, derived and built
#
# Notebook 02 made the unit smooth, so its output has a derivative. This notebook uses that
# derivative to train the *hidden* layers that XOR needs: it derives backpropagation from the chain
# rule, implements it exactly as it is usually stated (one example at a time, unit by unit), then
# as matrix products, and checks both against finite differences and each other. Then it asks what
# the hidden units learn, how much one hidden layer can represent, and how well a small network
# reads handwritten digits.
#
# **After this notebook you can**
#
# 1. apply the chain rule, including its multi-path form, to a computation graph;
# 2. derive the output-unit and hidden-unit deltas and the weight update $\Delta w_{ij} = R\,\delta_j x_{ij}$;
# 3. implement backpropagation per example and in vectorised mini-batch form, and verify it with
#    numerical gradients;
# 4. explain local minima on XOR and why restarts with voting help;
# 5. train, stop and evaluate a multi-layer perceptron on real digits.
#
# **You should already know** notebook 02 (the logistic unit and its derivative $o(1-o)$), and
# matrix products.

# %% tags=["nbval-ignore-output"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from ipywidgets import IntSlider, fixed
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

import course_nn
from course_nn import backprop, data, layers, modules, optim, training
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import backprop as exercises
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import (
    plot_graph,
    plot_learning_curves,
    scatter_classes,
    use_course_style,
)
from course_nn.torch_bridge import copy_weights_from_torch, to_torch, torch_gradients

use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### The problem backpropagation solves
#
# For the top layer of a network we know what each output should have been, so we can adjust its
# weights as we adjusted a single unit's. For a hidden layer nobody tells us what its outputs
# should have been. The way out is to make everything differentiable: if every unit is a sigmoid,
# the network's error is a differentiable function of *every* weight, and gradient descent can
# adjust them all. Backpropagation is the bookkeeping that computes all those derivatives in one
# backward sweep, reusing work with the chain rule.
#
# ### The chain rule, and its multi-path form
#
# If $z$ depends on $y$ and $y$ on $x$, then $\frac{dz}{dx} = \frac{dz}{dy}\frac{dy}{dx}$. If $x$
# reaches $z$ along several paths, through $y_1, \dots, y_n$, the contributions add:
#
# $$
# \frac{\partial z}{\partial x} = \sum_{i=1}^{n} \frac{\partial z}{\partial y_i}\,\frac{\partial y_i}{\partial x}.
# $$
#
# The graph below has one input $x$ that reaches $z = y_1 y_2$ along two paths,
# $y_1 = x^2$ and $y_2 = \sin x$. Each edge carries its local derivative.

# %%
fig, ax = plt.subplots(figsize=(6, 2.8))
plot_graph(
    ax,
    {"$x$": (0, 0), "$y_1$": (2, 0.8), "$y_2$": (2, -0.8), "$z$": (4, 0)},
    [("$x$", "$y_1$", "$2x$"), ("$x$", "$y_2$", r"$\cos x$"),
     ("$y_1$", "$z$", "$y_2$"), ("$y_2$", "$z$", "$y_1$")],
    title=r"$z = y_1 y_2$ with $y_1 = x^2$, $y_2 = \sin x$",
)
plt.show()

# %% [markdown]
# Summing over both paths gives $\frac{dz}{dx} = y_2 \cdot 2x + y_1 \cos x = 2x\sin x + x^2\cos x$,
# the product rule in disguise. A centred finite difference agrees:

# %%
x0 = 1.3
y1, y2 = x0**2, np.sin(x0)
by_paths = y2 * 2 * x0 + y1 * np.cos(x0)
numeric = numerical_gradient(lambda v: (v[0] ** 2) * np.sin(v[0]), np.array([x0]))[0]
print(f"sum over paths: {by_paths:.8f}   finite difference: {numeric:.8f}")

# %% [markdown]
# ### Three derivatives are all we need
#
# A sigmoid network is built from three functions, and backpropagation only needs their local
# derivatives:
#
# | function | definition | derivative |
# |---|---|---|
# | error | $E = \tfrac12 \sum_{k} (t_k - o_k)^2$ | $\partial E/\partial o_k = -(t_k - o_k)$ |
# | linear gate | $\mathrm{net}_j = \sum_i w_{ij} x_{ij}$ | $\partial \mathrm{net}_j/\partial w_{ij} = x_{ij}$, $\;\partial \mathrm{net}_j/\partial x_{ij} = w_{ij}$ |
# | sigmoid | $o_j = 1/(1 + e^{-(\mathrm{net}_j - T_j)})$ | $\partial o_j/\partial \mathrm{net}_j = o_j(1 - o_j)$ |
#
# In `course_nn.layers` each is a forward/backward pair; here are the backward halves, which are
# exactly the right-hand column:

# %%
show_source(layers.squared_error)
show_source(layers.affine_backward)
show_source(layers.sigmoid_backward)

# %% [markdown]
# ### Deriving the updates
#
# Take one example and its error $E_d = \tfrac12 \sum_{k} (t_k - o_k)^2$, where $k$ runs over the
# output units. A weight $w_{ij}$ (from unit or input $i$ into unit $j$) affects $E_d$ only through
# $\mathrm{net}_j$, so
#
# $$
# \frac{\partial E_d}{\partial w_{ij}} = \frac{\partial E_d}{\partial \mathrm{net}_j}\,
# \frac{\partial \mathrm{net}_j}{\partial w_{ij}} = \frac{\partial E_d}{\partial \mathrm{net}_j}\, x_{ij}.
# $$
#
# Define $\delta_j = -\partial E_d / \partial \mathrm{net}_j$. Gradient descent,
# $\Delta w_{ij} = -R\,\partial E_d/\partial w_{ij}$, then reads
#
# $$
# \Delta w_{ij} = R\,\delta_j\,x_{ij}.
# $$
#
# **Output unit $k$.** $\mathrm{net}_k$ affects $E_d$ only through $o_k$:
#
# $$
# \delta_k = -\frac{\partial E_d}{\partial o_k}\frac{\partial o_k}{\partial \mathrm{net}_k}
#          = (t_k - o_k)\,o_k(1 - o_k).
# $$
#
# **Hidden unit $j$.** $\mathrm{net}_j$ affects $E_d$ through every unit $k$ that $j$ feeds
# (its *downstream* units), so the multi-path chain rule sums over them, with
# $\partial \mathrm{net}_k/\partial o_j = w_{jk}$:
#
# $$
# \delta_j = -\sum_{k \in \mathrm{downstream}(j)} \frac{\partial E_d}{\partial \mathrm{net}_k}
#            \frac{\partial \mathrm{net}_k}{\partial o_j}\frac{\partial o_j}{\partial \mathrm{net}_j}
#          = o_j(1 - o_j) \sum_{k \in \mathrm{downstream}(j)} \delta_k\, w_{jk}.
# $$
#
# The deltas flow backwards: first the output layer's, then each hidden layer's from the layer
# above it. The same two rules serve any number of hidden layers.
#
# ### The algorithm
#
# Initialise the weights with small random values. Until every output is within $\epsilon$ of its
# target (or another stopping rule fires), for each training example:
#
# 1. compute the network's outputs (forward pass);
# 2. for each output unit $k$, compute $\delta_k = (t_k - o_k)o_k(1 - o_k)$;
# 3. for each hidden unit $j$, from the top hidden layer down,
#    $\delta_j = o_j(1 - o_j)\sum_k \delta_k w_{jk}$;
# 4. update every weight by $\Delta w_{ij} = R\,\delta_j x_{ij}$.

# %% [markdown]
# ## 2 · From scratch
#
# ### 2.1 · The algorithm exactly as stated
#
# `backprop_example` follows the four steps unit by unit, with explicit loops, so each line can be
# matched with a formula above: the loop over `k` is step 2, the loop over `j` with the
# `downstream` sum is step 3, and the triple loop is step 4 (thresholds are stored as biases
# $b_j = -T_j$, so they move by $+R\,\delta_j$).

# %%
show_source(backprop.backprop_example)

# %% [markdown]
# Run until every output is within $\epsilon = 0.1$ on XOR, with two hidden units:

# %%
X_xor, t_xor = data.logic_function("xor")
T_xor = t_xor[:, None]
init = np.random.default_rng(7)  # a start from which plain per-example backprop solves XOR
weights = [init.uniform(-1, 1, (2, 2)), init.uniform(-1, 1, (2, 1))]
biases = [init.uniform(-1, 1, 2), init.uniform(-1, 1, 1)]
for epoch in range(1, 20001):  # noqa: B007 (epoch is reported after the loop)
    for x, t in zip(X_xor, T_xor):
        weights, biases = backprop.backprop_example(weights, biases, x, t, learning_rate=0.5)
    outputs = backprop.forward_sigmoid_net(weights, biases, X_xor)[-1]
    if np.max(np.abs(outputs - T_xor)) < 0.1:
        break
print(f"all outputs within 0.1 after {epoch} epochs:", np.round(outputs.ravel(), 3))

# %% [markdown]
# ### 2.2 · The same computation as matrix products
#
# Looping over units is clear but slow. Stack a batch of examples as the rows of $X$; then the
# deltas of a layer are a matrix $\Delta_l$ (one row per example) and the three steps become
#
# $$
# \Delta_L = (T - O_L) \odot O_L \odot (1 - O_L), \qquad
# \Delta_l = O_l \odot (1 - O_l) \odot (\Delta_{l+1} W_{l+1}^\top), \qquad
# W_l \mathrel{+}= R\, O_{l-1}^\top \Delta_l ,
# $$
#
# where $\odot$ multiplies entry by entry. The sum over downstream units became a matrix product,
# and the sum of $\delta_j x_{ij}$ over the batch became $O_{l-1}^\top \Delta_l$.

# %%
show_source(backprop.backprop_batch)

# %% [markdown]
# With a batch of one example, the two must agree to rounding error, and with more hidden layers
# too (here 3-4-3-2):

# %%
sizes = [3, 4, 3, 2]
w_check = [rng.normal(0, 0.5, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
b_check = [rng.normal(0, 0.5, b) for b in sizes[1:]]
x_one, t_one = rng.random(3), rng.random(2)
per_unit = backprop.backprop_example(w_check, b_check, x_one, t_one, learning_rate=0.3)
vectorised = backprop.backprop_batch(w_check, b_check, x_one[None], t_one[None], learning_rate=0.3)
gap = max(np.max(np.abs(a - b)) for a, b in zip(per_unit[0] + per_unit[1],
                                               vectorised[0] + vectorised[1]))
print(f"largest difference between the two implementations: {gap:.0e}")

# %% [markdown]
# The deltas are minus the gradient, so the update must equal $-R$ times a numerical gradient of
# $E_d$ with respect to each weight:

# %%
def example_error(flat):
    ws, i = [], 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        ws.append(flat[i : i + a * b].reshape(a, b))
        i += a * b
    output = backprop.forward_sigmoid_net(ws, b_check, x_one)[-1]
    return 0.5 * np.sum((t_one - output) ** 2)


flat = np.concatenate([w.ravel() for w in w_check])
numeric = numerical_gradient(example_error, flat)
update = np.concatenate([(new - old).ravel() for new, old in zip(per_unit[0], w_check)])
print("relative error of Delta w against -R dE/dw:",
      f"below 1e-8: {relative_error(update, -0.3 * numeric) < 1e-8}")

# %% [markdown]
# ### 2.3 · Layers as modules, and gradient checks of every layer
#
# For everything after this point we use the general form from `course_nn.modules`: a `Linear`
# layer (weights and biases), activation layers, and a `Sequential` container, each with a forward
# and a backward pass built on the kernels above. A generic `SGD` optimiser updates any model's
# named parameters and `fit` runs the training loop. Every kernel's backward pass is tested in
# `tests/test_layers.py` against finite differences and against `torch.autograd`; here is the
# finite-difference half of that check, run live:

# %%
x_small = rng.standard_normal((4, 5))
checks = {
    "affine": (layers.affine_forward, layers.affine_backward,
               {"x": x_small, "w": rng.standard_normal((5, 3)), "b": rng.standard_normal(3)}),
    "sigmoid": (layers.sigmoid_forward, layers.sigmoid_backward, {"z": x_small}),
    "tanh": (layers.tanh_forward, layers.tanh_backward, {"z": x_small}),
    "relu": (layers.relu_forward, layers.relu_backward, {"z": x_small + np.sign(x_small) * 0.1}),
}
for name, (forward, backward, inputs) in checks.items():
    errors = check_layer_gradients(forward, backward, inputs, rng)
    print(f"{name:>8}: every relative error below 1e-7: {max(errors.values()) < 1e-7}")
labels = rng.integers(0, 3, size=4)
scores = rng.standard_normal((4, 3))
_, analytic = layers.softmax_cross_entropy(scores, labels)
numeric = numerical_gradient(lambda s: layers.softmax_cross_entropy(s, labels)[0], scores)
print(f"softmax cross-entropy: relative error below 1e-7: {relative_error(analytic, numeric) < 1e-7}")

# %% [markdown]
# ## 3 · Experiments
#
# ### 3.1 · XOR, local minima, and restarts with voting
#
# Rumelhart, Hinton and Williams (1986) trained a 2-2-1 sigmoid network on XOR with learning rate
# 0.5 and momentum 0.9, reporting that it needed 558 sweeps through the four patterns on average,
# and that getting stuck in a local minimum was rare. We repeat their set-up on 200 networks with
# independent random starts (weights and thresholds uniform in $\pm 0.3$, full-batch updates with
# momentum), counting a network as solved once every output is within 0.1 of its target.
# `train_population` trains all 200 at once, with a leading "network" axis on every array.

# %%
population = backprop.train_population(
    [2, 2, 1], X_xor, T_xor, n_networks=200, rng=rng,
    learning_rate=0.5, momentum=0.9, init_range=0.3, max_epochs=5000, tolerance=0.1,
)
solved = population.converged
print(f"solved: {solved.sum()} of {solved.size} ({solved.mean():.1%})")
print(f"median epochs of the solved: {np.median(population.epochs[solved]):.0f} "
      "(Rumelhart et al. 1986: 558 sweeps)")

# %%
fig, (ax_h, ax_o) = plt.subplots(1, 2, figsize=(10, 3.6))
ax_h.hist(population.epochs[solved], bins=30, color="C0")
ax_h.axvline(558, color="C3", ls="--", label="Rumelhart et al.: 558")
ax_h.set_xlabel("epochs to solve XOR")
ax_h.set_ylabel("networks")
ax_h.set_title("How long the solved networks took")
ax_h.legend()
stuck = population.outputs[~solved][:, :, 0]
ax_o.plot(np.arange(4), stuck.T, "o-", color="C1", alpha=0.6)
ax_o.plot(np.arange(4), t_xor, "ks--", ms=8, label="targets")
ax_o.set_xticks(range(4), ["00", "01", "10", "11"])
ax_o.set_ylabel("output")
ax_o.set_title(f"The {int((~solved).sum())} stuck networks' outputs")
ax_o.legend()
plt.show()

# %% [markdown]
# Most runs solve XOR, with a median close to the published number; a few percent stall. The
# stuck networks typically get two or three patterns right and park the rest near 0.5 or on the
# wrong side: a local minimum (or a very long plateau) of the error surface.
#
# The slides' remedy is to train several networks from different random starts and let them
# vote. Group our 200 networks into committees of 5 and predict each pattern by majority vote of
# the thresholded outputs:

# %%
predictions = (population.outputs[:, :, 0] > 0.5).astype(int)  # (200 networks, 4 patterns)
individual = np.all(predictions == t_xor, axis=1)
for size in (1, 3, 5):
    committees = predictions[: (len(predictions) // size) * size].reshape(-1, size, 4)
    votes = (committees.sum(axis=1) > size / 2).astype(int)
    right = np.all(votes == t_xor, axis=1)
    print(f"committees of {size}: {right.mean():.1%} classify all four patterns correctly "
          f"({right.sum()} of {len(right)})")

# %% [markdown]
# A single network classifies all four patterns correctly (outputs on the right side of 0.5)
# slightly more often than it reaches the 0.1 tolerance. Voting helps because failures are rare
# and independent: a committee of five is wrong only if three of its members fail on the same
# pattern.
#
# ### 3.2 · What the hidden units learn
#
# A solved network maps the four XOR inputs to new coordinates: the outputs of its two hidden
# units. In the input space no line separates the classes; in the hidden space one does, and the
# output unit is exactly such a line.

# %%
best = int(np.flatnonzero(solved)[0])
W_first, b_first = population.weights[0][best], population.biases[0][best]
hidden = layers.sigmoid(X_xor @ W_first + b_first)
fig, (ax_in, ax_hid) = plt.subplots(1, 2, figsize=(9, 3.8))
scatter_classes(ax_in, X_xor + rng.normal(0, 0.02, X_xor.shape), t_xor)
ax_in.set_title("XOR in input space")
ax_in.set_xlabel("$x_1$")
ax_in.set_ylabel("$x_2$")
scatter_classes(ax_hid, hidden, t_xor)
w_out, b_out = population.weights[1][best][:, 0], population.biases[1][best][0]
grid = np.linspace(0, 1, 2)
ax_hid.plot(grid, -(b_out + w_out[0] * grid) / w_out[1], "k-", label="output unit's boundary")
ax_hid.set_xlim(-0.05, 1.05)
ax_hid.set_ylim(-0.05, 1.05)
ax_hid.set_xlabel("hidden unit 1")
ax_hid.set_ylabel("hidden unit 2")
ax_hid.set_title("XOR in hidden space: now separable")
ax_hid.legend(loc="upper center")
plt.show()
print("hidden outputs per pattern (rows 00, 01, 10, 11):\n", np.round(hidden, 2))

# %% [markdown]
# ### 3.3 · How much one hidden layer can represent
#
# Any bounded continuous function can be approximated arbitrarily well by a network with one
# hidden layer of sigmoid units, given enough of them: each hidden unit contributes one smooth step,
# and the output adds the steps up. The slider sets the number of hidden units for a 1-D target;
# each fit is 3,000 full-batch epochs.

# %%
x_fn = np.linspace(-3, 3, 200)[:, None]
y_fn = np.sin(1.5 * x_fn) + 0.8 * np.exp(-8 * (x_fn - 1) ** 2)


def fit_curve(hidden_units, seed=0):
    """Fit y_fn with one hidden layer of sigmoid units; return the model and its final error."""
    net = modules.mlp([1, hidden_units, 1], np.random.default_rng(seed), activation="sigmoid")
    sgd = optim.SGD(net, learning_rate=0.5, momentum=0.9)
    history = training.fit(net, sgd, x_fn, y_fn, loss="squared", reduction="mean",
                           epochs=3000, batch_size=None, show_progress=False)
    return net, history.train_loss[-1]


def plot_fit(hidden_units=4, ax=None):
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    net, error = fit_curve(hidden_units)
    ax.plot(x_fn, y_fn, "k--", lw=1.5, label="target")
    ax.plot(x_fn, net.forward(x_fn), "C0", lw=2, label="network")
    units = f"{hidden_units} hidden unit" + ("s" if hidden_units != 1 else "")
    ax.set_title(f"{units}: mean squared error {2 * error:.4f}", fontsize=10)
    ax.set_xlabel("$x$")
    ax.legend(loc="lower right")
    return ax


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(plot_fit, hidden_units=IntSlider(value=4, min=1, max=16, description="hidden units"),
             ax=fixed(None))

# %%
fig, axes = plt.subplots(1, 4, figsize=(16, 3.4), sharey=True)
plot_fit(ax=axes[0])
for ax, h in zip(axes[1:], [1, 2, 8]):
    plot_fit(h, ax=ax)
fig.suptitle("One hidden layer: the default (4 units), then 1, 2 and 8 units")
plt.show()

# %% [markdown]
# One unit can only make one step; two can make a bump; with four and more the network tracks the
# sine and the narrow bump. (Two hidden layers can approximate *any* function, even discontinuous
# ones; one suffices for continuous ones.)
#
# ### 3.4 · A multi-layer perceptron on handwritten digits
#
# scikit-learn ships 1,797 handwritten digits as 8×8 images. We split them by class into 60%
# training, 20% validation and 20% test, and train a 64-256-10 MLP (ReLU hidden units,
# softmax cross-entropy, mini-batches of 32, momentum 0.9, a little weight decay). The validation
# set decides when to stop; the test set is used once, at the end.

# %%
digits = data.load_digits_split(rng)
print(digits)
fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))
for d, ax in enumerate(axes):
    ax.imshow(digits.X_train[digits.y_train == d][0].reshape(8, 8), cmap="gray_r")
    ax.set_title(str(d))
    ax.set_axis_off()
plt.show()

# %%
def make_digit_model(seed):
    return modules.mlp([64, 256, 10], np.random.default_rng(seed), activation="relu")


model = make_digit_model(1)
sgd = optim.SGD(model, learning_rate=0.05, momentum=0.9, weight_decay=1e-3)
history = training.fit(model, sgd, digits.X_train, digits.y_train,
                       X_val=digits.X_val, y_val=digits.y_val,
                       epochs=150, batch_size=32, rng=rng, val_patience=20)
print(f"stopped: {history.stop_reason} (after {history.epochs} epochs)")
print(f"best validation loss at epoch {history.best_epoch}: "
      f"accuracy {history.val_accuracy[history.best_epoch - 1]:.3f}")

# %% [markdown]
# The slides list four ways to decide when to stop: a fixed number of epochs; the training error
# falling below a threshold; the training error no longer decreasing; and the validation error
# starting to rise. The curves show where each would have stopped this run:

# %%
fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(11, 3.8))
plot_learning_curves(ax_l, {"training": history.train_loss, "validation": history.val_loss},
                     ylabel="cross-entropy", logy=True, title="Loss per epoch")
ax_l.axvline(history.best_epoch - 1, color="C3", ls="--", label="lowest validation loss")
below = np.flatnonzero(np.array(history.train_loss) < 0.05)
if below.size:
    ax_l.axvline(below[0], color="C2", ls=":", label="training loss < 0.05")
ax_l.legend()
plot_learning_curves(ax_a, {"training": history.train_accuracy,
                            "validation": history.val_accuracy},
                     ylabel="accuracy", title="Accuracy per epoch")
plt.show()

# %% [markdown]
# Training loss keeps falling while validation loss bottoms out and creeps up: the network starts
# to memorise the training digits. We take the best epoch count from validation, retrain on
# training plus validation data for that many epochs (the slides' recipe for not wasting the
# validation data), and only then measure the test set. Beside it, scikit-learn's `MLPClassifier`
# (100 ReLU units, Adam) and a support vector machine (`SVC`, RBF kernel), trained on the same
# data:

# %%
X_trval = np.vstack([digits.X_train, digits.X_val])
y_trval = np.concatenate([digits.y_train, digits.y_val])
final = make_digit_model(1)
training.fit(final, optim.SGD(final, learning_rate=0.05, momentum=0.9, weight_decay=1e-3),
             X_trval, y_trval, epochs=history.best_epoch, batch_size=32, rng=rng)
ours = training.evaluate(final, "cross_entropy", digits.X_test, digits.y_test)[1]
sk_mlp = MLPClassifier(hidden_layer_sizes=(100,), max_iter=1000, random_state=0)
sk_svc = SVC()
results = {
    "course_nn MLP 64-256-10": ours,
    "scikit-learn MLPClassifier": sk_mlp.fit(X_trval, y_trval).score(digits.X_test, digits.y_test),
    "scikit-learn SVC (RBF)": sk_svc.fit(X_trval, y_trval).score(digits.X_test, digits.y_test),
}
for name, acc in results.items():
    print(f"{name:>28}: test accuracy {acc:.3f}  ({round(acc * len(digits.y_test))} of "
          f"{len(digits.y_test)})")

# %% [markdown]
# ### 3.5 · What the hidden layer does to digits
#
# As with XOR, the hidden layer re-represents the inputs. Projected to two dimensions (PCA), raw
# pixels give overlapping clouds; the 256 hidden activations of the trained network give tighter,
# better separated ones. A linear classifier on each representation says the same in numbers.

# %%
hidden_digits = final.modules[1].forward(final.modules[0].forward(digits.X_test))
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, (name, features) in zip(axes, [("raw pixels", digits.X_test),
                                       ("hidden layer", hidden_digits)]):
    projected = PCA(n_components=2, random_state=0).fit_transform(features)
    points = ax.scatter(projected[:, 0], projected[:, 1], c=digits.y_test, cmap="tab10", s=10)
    ax.set_title(f"Test digits, {name} (first two principal components)", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(points, ax=axes, ticks=range(10), label="digit")
plt.show()

hidden_train = final.modules[1].forward(final.modules[0].forward(X_trval))
for name, train_features, test_features in [("raw pixels", X_trval, digits.X_test),
                                            ("hidden layer", hidden_train, hidden_digits)]:
    probe = LogisticRegression(max_iter=2000).fit(train_features, y_trval)
    print(f"linear classifier on {name:>12}: test accuracy "
          f"{probe.score(test_features, digits.y_test):.3f}")

# %% [markdown]
# ## 4 · PyTorch, on the GPU when there is one
#
# `course_nn.torch_bridge.to_torch` builds the same network as a `torch.nn.Sequential` and copies
# our weights into it (transposing them: `torch.nn.Linear` stores (out, in)). Fed the same batches
# in the same order, `torch.optim.SGD` with the same momentum and weight decay must follow the
# NumPy model step for step. We first compare the gradients of one batch, then the weights after a
# full epoch. The device is `course_nn.choose_device()`; MPS lacks float64, so there we compare
# in float32 with a looser tolerance.

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)  # on a CPU, torch's threads would compete with NumPy's
tolerance = 1e-4 if dtype == torch.float32 else 1e-9
print("running on:", describe_device(device), "in", dtype)

# %%
numpy_model = make_digit_model(5)
torch_model = to_torch(numpy_model, device=device, dtype=dtype)
batch_x, batch_y = digits.X_train[:32], digits.y_train[:32]

numpy_model.zero_grad()
_, dscores = layers.softmax_cross_entropy(numpy_model.forward(batch_x), batch_y)
numpy_model.backward(dscores)
loss = torch.nn.functional.cross_entropy(
    torch_model(torch.tensor(batch_x, dtype=dtype, device=device)),
    torch.tensor(batch_y, device=device))
loss.backward()
theirs = torch_gradients(numpy_model, torch_model)
worst = max(relative_error(numpy_model.gradients()[k], theirs[k]) for k in theirs)
print(f"one batch: gradients agree (largest relative error below {tolerance:g}): "
      f"{worst < tolerance}")

# %%
numpy_opt = optim.SGD(numpy_model, learning_rate=0.05, momentum=0.9, weight_decay=1e-3)
torch_opt = torch.optim.SGD(torch_model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
order = np.random.default_rng(11).permutation(len(digits.y_train))
for start in range(0, len(order), 32):
    idx = order[start : start + 32]
    numpy_opt.zero_grad()
    _, dscores = layers.softmax_cross_entropy(numpy_model.forward(digits.X_train[idx]),
                                              digits.y_train[idx])
    numpy_model.backward(dscores)
    numpy_opt.step()
    torch_opt.zero_grad()
    torch.nn.functional.cross_entropy(
        torch_model(torch.tensor(digits.X_train[idx], dtype=dtype, device=device)),
        torch.tensor(digits.y_train[idx], device=device)).backward()
    torch_opt.step()

mirror = make_digit_model(5)
copy_weights_from_torch(torch_model, mirror)
gap = max(np.max(np.abs(numpy_model.parameters()[k] - mirror.parameters()[k]))
          for k in mirror.parameters())
print(f"after one epoch ({len(order) // 32 + 1} steps): weights agree within {tolerance:g}: "
      f"{gap < tolerance}")

# %% [markdown]
# The PyTorch model then trains on its own for the epoch count chosen above, on the chosen device,
# and reaches a test accuracy like the NumPy model's (not identical: its batches are shuffled by
# torch's generator, not ours).

# %%
generator = torch.Generator().manual_seed(0)
torch_final = to_torch(make_digit_model(1), device=device, dtype=dtype)
opt = torch.optim.SGD(torch_final.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
X_t = torch.tensor(X_trval, dtype=dtype, device=device)
y_t = torch.tensor(y_trval, device=device)
for _ in range(history.best_epoch):
    for idx in torch.randperm(len(y_t), generator=generator).split(32):
        idx = idx.to(device)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(torch_final(X_t[idx]), y_t[idx]).backward()
        opt.step()
with torch.no_grad():
    predicted = torch_final(torch.tensor(digits.X_test, dtype=dtype, device=device)).argmax(1)
torch_accuracy = (predicted.cpu().numpy() == digits.y_test).mean()
print(f"PyTorch MLP test accuracy: {torch_accuracy:.2f} (NumPy: {ours:.2f})")

# %% [markdown]
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.backprop`. Replace the `None`, run the
# cell, and read the verdict. A worked solution is hidden below each.
#
# **Exercise 1 (an output delta).** An output unit produced $o_k = 0.8$ for target $t_k = 1$. What
# is $\delta_k$?

# %%
print(exercises.OUTPUT_UNIT)
my_delta_k = None
exercises.check_output_delta(my_delta_k)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: delta_k = (t_k - o_k) o_k (1 - o_k) = 0.2 * 0.8 * 0.2 = 0.032.
exercises.check_output_delta((1.0 - 0.8) * 0.8 * (1 - 0.8))

# %% [markdown]
# **Exercise 2 (a hidden delta).** A hidden unit with output $o_j = 0.6$ feeds two output units
# whose deltas and connecting weights are given below. What is $\delta_j$?

# %%
print(exercises.HIDDEN_UNIT)
my_delta_j = None
exercises.check_hidden_delta(my_delta_j)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: the downstream sum is 0.032 * 0.5 + (-0.05) * (-1.0) = 0.066; times o_j (1 - o_j)
# = 0.6 * 0.4 = 0.24 gives 0.01584.
exercises.check_hidden_delta(0.6 * 0.4 * (0.032 * 0.5 + -0.05 * -1.0))

# %% [markdown]
# **Exercise 3 (counting parameters).** How many weights and thresholds (biases) does an MLP with
# layer sizes 64-100-10 have? Counting parameters is the first debugging step when a network
# under-fits or runs too slowly.

# %%
my_count = None
exercises.check_parameter_count(my_count)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: each Linear layer has in * out weights and out biases. We can also ask the model.
count = sum(p.size for p in modules.mlp(exercises.MLP_SIZES, rng).parameters().values())
print(count)
exercises.check_parameter_count(count)

# %% [markdown]
# ## 6 · Summary
#
# * The chain rule, summed over every path, gives the derivative of the error with respect to any
#   weight. Backpropagation organises it: deltas for the outputs,
#   $\delta_k = (t_k - o_k)o_k(1 - o_k)$; deltas for hidden units from the layer above,
#   $\delta_j = o_j(1 - o_j)\sum_k \delta_k w_{jk}$; and the update $\Delta w_{ij} = R\,\delta_j x_{ij}$.
# * The per-example, unit-by-unit algorithm and its matrix form compute the same numbers; both
#   agree with finite differences, and our modules agree with PyTorch's autograd.
# * On XOR, most random starts succeed in about the published number of sweeps; the few that stall
#   in local minima are rescued by restarts with voting.
# * Hidden units build new features in which the classes become linearly separable, and one
#   hidden layer can approximate smooth functions given enough units.
# * A small MLP, stopped by its validation error and retrained on all the training data, reads
#   8×8 digits about as well as standard classifiers.
#
# **Next**, notebook 04 looks at what the validation curve hinted at: over-fitting, and the
# remedies (early stopping, cross-validation, weight decay, dropout).
