# %% [markdown]
# # 03 · Backpropagation, derived and built
#
# Notebook 02 made the unit smooth, so its output has a derivative. This notebook uses that
# derivative to train the *hidden* layers that XOR needs: it derives backpropagation from the chain
# rule, implements it exactly as it is usually stated (one example at a time, unit by unit), then
# as matrix products, and checks both against finite differences and each other. Then it asks how
# often training gets stuck, what the hidden units learn, how much one hidden layer can
# represent, and how well a small network reads handwritten digits.
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
import copy

import matplotlib.pyplot as plt
import numpy as np
import torch
from ipywidgets import IntSlider, fixed
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

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
from course_nn.torch_bridge import (
    copy_weights_from_torch,
    fit_torch,
    predict_torch,
    to_torch,
    torch_gradients,
)

use_course_style()
threadpool_limits(1, user_api="blas")  # small matrices: one BLAS thread beats two that wait
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
# the product rule in disguise. A centred finite difference (the slope of a chord through
# $x \pm 10^{-6}$) agrees:

# %%
x0 = 1.3
y1, y2 = x0**2, np.sin(x0)
by_paths = y2 * 2 * x0 + y1 * np.cos(x0)
numeric = numerical_gradient(lambda v: (v[0] ** 2) * np.sin(v[0]), np.array([x0]))[0]
print(f"sum over paths: {by_paths:.6f}")
print("a centred finite difference agrees within 1e-8:", abs(by_paths - numeric) < 1e-8)

# %% [markdown]
#
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
# \begin{aligned}
# \delta_j &= -\sum_{k \in \mathrm{downstream}(j)} \frac{\partial E_d}{\partial \mathrm{net}_k}\,
#            \frac{\partial \mathrm{net}_k}{\partial o_j}\,
#            \frac{\partial o_j}{\partial \mathrm{net}_j} \\
#          &= o_j(1 - o_j) \sum_{k \in \mathrm{downstream}(j)} \delta_k\, w_{jk}.
# \end{aligned}
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
#
# ### Three more units and momentum, used later
#
# Nothing above depends on the sigmoid except its slope $o(1-o)$ in the deltas. Later sections
# use three other units, each differentiable where it matters, and one change to the update:
#
# * **tanh**, $\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\,\sigma(2z) - 1$: a sigmoid
#   stretched to outputs in $(-1, 1)$, centred on 0. Its slope can again be written with its own
#   output (Exercise 3 asks for it).
# * **ReLU** (rectified linear unit), $\mathrm{relu}(z) = \max(0, z)$: slope 1 for $z > 0$ and 0 for
#   $z < 0$ (we take 0 at $z = 0$). It never saturates for positive inputs, which makes deep
#   networks train faster.
# * **softmax**, for an output layer of $C$ units that scores $C$ classes:
#   $p_c = e^{s_c} / \sum_{c'} e^{s_{c'}}$ turns the scores $s$ into probabilities. With the
#   **cross-entropy** error $E = -\ln p_y$ of the correct class $y$, the output deltas are simply
#   $\partial E/\partial s_c = p_c - [c = y]$ (computed with the log-sum-exp trick, so
#   large scores do not overflow).
# * **momentum** keeps a running sum of past gradients $g$ and steps along it:
#   $v \leftarrow \mu v + g$, then $w \leftarrow w - R\,v$, with $0 \le \mu < 1$ (typically 0.9;
#   this is PyTorch's form). Along a direction where successive gradients agree the step grows
#   towards $R/(1-\mu)$ times the gradient; where they alternate in sign they cancel. With
#   $\mu = 0$ it is plain gradient descent.

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
# `train_per_example` repeats it: a sweep through the examples, in order, one update after each,
# until every output is within $\epsilon$ of its target.

# %%
show_source(backprop.train_per_example)

# %% [markdown]
# Run it with $\epsilon = 0.1$ and $R = 0.5$ on XOR, with two hidden units and a start drawn
# uniformly from $\pm 1$:

# %%
X_xor, t_xor = data.logic_function("xor")
T_xor = t_xor[:, None].astype(float)
init = np.random.default_rng(7)  # a start from which plain per-example backprop solves XOR
start_w = [init.uniform(-1, 1, (2, 2)), init.uniform(-1, 1, (2, 1))]
start_b = [init.uniform(-1, 1, 2), init.uniform(-1, 1, 1)]
run = backprop.train_per_example(start_w, start_b, X_xor, T_xor, learning_rate=0.5,
                                 tolerance=0.1, max_epochs=20_000)
print(f"all outputs within 0.1: {run.converged}, after {run.epochs} sweeps;",
      "outputs:", np.round(run.outputs.ravel(), 2))

# %% [markdown]
# ### 2.2 · The same computation as matrix products
#
# Looping over units is clear but slow. Stack a batch of examples as the rows of $X$; then the
# deltas of a layer are a matrix $\Delta_l$ (one row per example) and the three steps become
#
# $$
# \begin{aligned}
# \Delta_L &= (T - O_L) \odot O_L \odot (1 - O_L), \\
# \Delta_l &= O_l \odot (1 - O_l) \odot (\Delta_{l+1} W_{l+1}^\top), \\
# W_l &\mathrel{+}= R\, O_{l-1}^\top \Delta_l ,
# \end{aligned}
# $$
#
# where $\odot$ multiplies entry by entry. The sum over downstream units became a matrix product,
# and the sum of $\delta_j x_{ij}$ over the batch became $O_{l-1}^\top \Delta_l$.

# %%
show_source(backprop.backprop_batch)

# %% [markdown]
# With a batch of one example, the two must agree to rounding error (we ask for $10^{-12}$), and
# with more hidden layers too (here 3-4-3-2):

# %%
sizes = [3, 4, 3, 2]
w_check = [rng.normal(0, 0.5, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
b_check = [rng.normal(0, 0.5, b) for b in sizes[1:]]
x_one, t_one = rng.random(3), rng.random(2)
per_unit = backprop.backprop_example(w_check, b_check, x_one, t_one, learning_rate=0.3)
vectorised = backprop.backprop_batch(w_check, b_check, x_one[None], t_one[None], learning_rate=0.3)
gap = max(np.max(np.abs(a - b)) for a, b in zip(per_unit[0] + per_unit[1],
                                               vectorised[0] + vectorised[1]))
print("largest difference between the two implementations < 1e-12:", gap < 1e-12)


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
# **The algorithm as stated, from 100 starts.** Section 2.1 picked a start that works. How often
# does one fail? `train_population` trains many independent networks at once (every array gets
# a leading "network" axis); with `per_example=True` and no momentum it runs exactly the
# algorithm of §2.1 on each. We give 100 networks (2-2-1, weights and thresholds uniform in
# $\pm 1$, $R = 0.5$, $\epsilon = 0.1$) up to 10,000 sweeps each.

# %%
starts = backprop.train_population(
    [2, 2, 1], X_xor, T_xor, n_networks=100, rng=np.random.default_rng(2), learning_rate=0.5,
    momentum=0.0, init_range=1.0, max_epochs=10_000, tolerance=0.1, per_example=True,
)
stuck = ~starts.converged
error = 0.5 * np.sum((starts.outputs - T_xor) ** 2, axis=(1, 2))
print(f"solved: {starts.converged.sum()} of 100;  stuck after 10,000 sweeps: {stuck.sum()}")
print("every stuck network sits at an error between 0.24 and 0.34 (solved: below 0.02):",
      bool(np.all((error[stuck] > 0.24) & (error[stuck] < 0.34))
           and np.all(error[~stuck] < 0.02)))
print("every stuck network gets 00 right but leaves 2 or 3 patterns within 0.2 of 0.5:",
      bool(np.all(starts.outputs[stuck, 0, 0] < 0.1) and np.all(np.isin(
          np.sum(np.abs(starts.outputs[stuck, :, 0] - 0.5) < 0.2, axis=1), [2, 3]))))

# %%
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(np.arange(4), starts.outputs[stuck, :, 0].T, "o-", color="C1", alpha=0.5)
ax.plot(np.arange(4), t_xor, "ks--", ms=8, label="targets")
ax.set_xticks(range(4), ["00", "01", "10", "11"])
ax.set_xlabel("input pattern")
ax.set_ylabel("output")
ax.set_title(f"The {stuck.sum()} stuck networks (per-example backprop)")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# About one start in six gets stuck, and the stuck networks fall into two groups: most solve
# 00 and one of 01 or 10 and park the other two patterns just below 0.5 (error 0.25); a few
# output about 2/3 on all three of 01, 10, 11 (error 1/3). Neither is a matter of tolerance:
# a solved network's error is below 0.02, theirs sits at 0.25 or 1/3 after 10,000 sweeps, on a
# plateau or in a local minimum of the error surface.
#
# **Restarts with voting.** The slides' remedy is to train several networks from different
# random starts and let them vote. Group the 100 networks into committees of 3 (33 committees)
# or 5 (20 committees), in the order they were drawn; each predicts a pattern by the majority
# of its members' thresholded outputs (`committee_vote`):

# %%
for size in (1, 3, 5):
    votes = backprop.committee_vote(starts.outputs, size)  # (committees, 4 patterns)
    right = np.all(votes == t_xor, axis=1)
    with_stuck = stuck[: len(right) * size].reshape(len(right), size).any(axis=1)
    print(f"committees of {size}: {right.sum():>3} of {len(right):>3} classify all four "
          f"patterns; {np.sum(right & with_stuck):>2} of the {with_stuck.sum():>2} with a stuck "
          "member")

# %% [markdown]
# A single network classifies all four patterns exactly when it is solved. In committees the
# stuck networks are outvoted: every committee of five classifies XOR, although more than half of
# them contain a stuck member. Voting works because the failures are fairly rare and disagree:
# a committee of five fails on a pattern only if three members fail on that same pattern.
#
# **Momentum, and the published figure.** Rumelhart, Hinton and Williams, "Learning internal
# representations by error propagation" (*Parallel Distributed Processing*, vol. 1, ch. 8,
# 1986; XOR on pp. 330–334), used momentum with $\mu$ about 0.9 in most of their simulations
# (p. 330). Their figure of 558 sweeps through the four patterns (p. 331) is the length of
# *one* run, with learning rate 0.5, of a *different* network: **one** hidden unit, with the two
# inputs also connected directly to the output unit. It is neither a mean nor a median, and not
# a 2-2-1 network. Of their hundreds of XOR runs, they report only two that ended in a local
# minimum (pp. 331–332).
#
# Our setup: 200 networks of 2-2-1 (weights and thresholds uniform in $\pm 0.3$), full-batch
# gradient steps with $R = 0.5$ and $\mu = 0.9$, solved once every output is within 0.1 of its
# target, at most 5,000 sweeps. Network, start, stopping rule and statistic all differ from the
# published run, so 558 is a rough reference, not something we reproduce.

# %%
population = backprop.train_population(
    [2, 2, 1], X_xor, T_xor, n_networks=200, rng=np.random.default_rng(0),
    learning_rate=0.5, momentum=0.9, init_range=0.3, max_epochs=5000, tolerance=0.1,
)
solved = population.converged
took = population.epochs[solved]
q1, median, q3 = np.percentile(took, [25, 50, 75])
print(f"solved: {solved.sum()} of {solved.size} ({solved.mean():.1%})")
print(f"sweeps of the solved runs: mean {took.mean():.0f}, median {median:.0f}, "
      f"inter-quartile range {q1:.0f} to {q3:.0f}, longest {took.max()}")
print("mean above the median (a long right tail):", took.mean() > median)
print("558 lies inside our inter-quartile range:", q1 <= 558 <= q3)
print("faster than per-example backprop without momentum (median sweeps):",
      median < np.median(starts.epochs[starts.converged]))
on_the_fence = np.abs(population.outputs[~solved, :, 0] - 0.5) < 0.01
print("every stuck network has at least two outputs within 0.01 of 0.5:",
      bool(np.all(on_the_fence.sum(axis=1) >= 2)))

# %%
fig, (ax_h, ax_o) = plt.subplots(1, 2, figsize=(7.5, 3.4))
ax_h.hist(took, bins=30, color="C0")
ax_h.axvline(558, color="C3", ls="--", label="558 (one run,\none hidden unit)")
ax_h.set_xlabel("sweeps to solve XOR")
ax_h.set_ylabel("networks")
ax_h.set_title("Solved runs (momentum)", fontsize=11)
ax_h.legend()
ax_o.plot(np.arange(4), population.outputs[~solved][:, :, 0].T, "o-", color="C1", alpha=0.6)
ax_o.plot(np.arange(4), t_xor, "ks--", ms=8, label="targets")
ax_o.set_xticks(range(4), ["00", "01", "10", "11"])
ax_o.set_ylabel("output")
ax_o.set_title(f"The {int((~solved).sum())} stuck networks", fontsize=11)
ax_o.legend(loc="upper right")
plt.show()

# %% [markdown]
# With momentum, full batches and a smaller start, fewer runs get stuck (3%) and the solved ones
# are faster. The distribution of sweeps has a long right tail, so the mean lies well above the
# median; the published single run of a different network falls inside our middle half. The
# stuck networks park two patterns at 0.5 *exactly* to two decimals; thresholding such an output
# at 0.5 is decided by rounding, so we do not count those networks as classifying anything, and
# showed voting on the per-example runs above, whose stuck outputs stay clear of 0.5.
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
w_out, b_out = population.weights[1][best][:, 0], population.biases[1][best][0]
fig, (ax_in, ax_hid) = plt.subplots(1, 2, figsize=(7.5, 3.6))
scatter_classes(ax_in, X_xor + rng.normal(0, 0.02, X_xor.shape), t_xor)
ax_in.set_title("XOR in input space", fontsize=11)
ax_in.set_xlabel("$x_1$")
ax_in.set_ylabel("$x_2$")
scatter_classes(ax_hid, hidden, t_xor)
grid = np.linspace(0, 1, 2)
ax_hid.plot(grid, -(b_out + w_out[0] * grid) / w_out[1], "k-", label="output unit's line")
ax_hid.set_xlim(-0.05, 1.05)
ax_hid.set_ylim(-0.05, 1.05)
ax_hid.set_xlabel("hidden unit 1")
ax_hid.set_ylabel("hidden unit 2")
ax_hid.set_title("XOR in hidden space", fontsize=11)
ax_hid.legend(loc="upper center")
plt.show()
print("hidden outputs per pattern (rows 00, 01, 10, 11):\n", np.round(hidden, 2))
print("the output unit's line separates the classes in hidden space:",
      bool(np.all((hidden @ w_out + b_out > 0) == (t_xor == 1))))

# %% [markdown]
# ### 3.3 · How much one hidden layer can represent
#
# **The theorem, with its conditions.** Let $f$ be a *continuous* function on a *compact*
# (closed and bounded) set $K \subset \mathbb{R}^n$, such as an interval or a box. For every
# $\varepsilon > 0$ there is a network with **one** hidden layer of sigmoid units and a linear
# output unit whose output $g$ satisfies $|f(x) - g(x)| < \varepsilon$ for every $x \in K$
# (Cybenko, 1989; Hornik, 1991, for any bounded, non-constant activation). The theorem says
# nothing about how many units are needed (possibly very many) or whether gradient descent finds
# the weights. Each hidden unit contributes one smooth step and the output adds the steps up.
#
# The slides also say that two hidden layers approximate *any* function. Read with care: a
# network of sigmoids computes a continuous function, so near a jump of $f$ its error stays
# at least half the jump, for any number of units or layers. What does hold for discontinuous
# (say, piecewise continuous) $f$ on a compact set is a weaker kind of approximation: small error
# except on a region of arbitrarily small size, or small mean squared error; and one hidden layer
# already suffices for that too (Hornik, Stinchcombe and White, 1989). A second layer can make
# some functions far cheaper to represent; it adds nothing that one layer cannot approximate.
#
# The slider sets the number of hidden units for a continuous target on the interval
# $[-3, 3]$; each fit is 3,000 full-batch epochs.

# %%
x_fn = np.linspace(-3, 3, 200)[:, None]
y_fn = np.sin(1.5 * x_fn) + 0.8 * np.exp(-8 * (x_fn - 1) ** 2)


def fit_curve(hidden_units, seed=0):
    """Fit y_fn with one hidden layer of sigmoid units; return the model and its mean squared
    error."""
    net = modules.mlp([1, hidden_units, 1], np.random.default_rng(seed), activation="sigmoid")
    sgd = optim.SGD(net, learning_rate=0.5, momentum=0.9)
    history = training.fit(net, sgd, x_fn, y_fn, loss="squared", reduction="mean",
                           epochs=3000, batch_size=None, show_progress=False)
    return net, 2 * history.train_loss[-1]  # the loss is 1/2 the mean squared error


def plot_fit(hidden_units=4, ax=None):
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    net, mse = fit_curve(hidden_units)
    ax.plot(x_fn, y_fn, "k--", lw=1.5, label="target")
    ax.plot(x_fn, net.forward(x_fn), "C0", lw=2, label="network")
    units = f"{hidden_units} hidden unit" + ("s" if hidden_units != 1 else "")
    ax.set_title(f"{units}: mean squared error {mse:.3f}", fontsize=10)
    ax.set_xlabel("$x$")
    ax.legend(loc="upper right", fontsize=8)
    return mse


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(plot_fit, hidden_units=IntSlider(value=4, min=1, max=16, description="hidden units"),
                  ax=fixed(None))

# %%
fig, axes = plt.subplots(2, 2, figsize=(7.5, 5.6), sharex=True, sharey=True)
mse = {h: plot_fit(h, ax=ax) for h, ax in zip([4, 1, 2, 8], axes.flat)}
fig.suptitle("One hidden layer: the default (4 units), then 1, 2 and 8 units", fontsize=11)
plt.show()
print("1 unit: mean squared error above 0.1:", mse[1] > 0.1)
print("4 units: below 0.01; 8 units: lower still:", mse[4] < 0.01 and mse[8] < mse[4])

# %% [markdown]
# One unit can only make one step. Two units could make a bump, but whether plain gradient
# descent finds one from this start is fragile: with one CPU's rounding this very run settles on
# a poor, step-like fit, with another's it finds more (the same sensitivity as the stuck XOR
# runs), so we print no claim about it. With four units the network tracks the sine and the
# narrow bump, and with eight more closely still.

# %% [markdown]
# ### 3.4 · A multi-layer perceptron on handwritten digits
#
# scikit-learn ships 1,797 handwritten digits as 8×8 images. We split them by class into 60%
# training, 20% validation and 20% test, and train a 64-256-10 MLP (ReLU hidden units, softmax
# outputs with the cross-entropy error, mini-batches of 32, momentum 0.9, a little weight decay:
# each step also shrinks the weights towards 0, as notebook 04 explains). The validation set
# decides when to stop; the test set is used once, at the end.

# %%
digits = data.load_digits_split(rng)
print(digits)
fig, axes = plt.subplots(2, 5, figsize=(6, 2.9))
for d, ax in enumerate(axes.flat):
    ax.imshow(digits.X_train[digits.y_train == d][0].reshape(8, 8), cmap="gray_r")
    ax.set_title(str(d), fontsize=11)
    ax.set_axis_off()
plt.show()

# %%
def make_digit_model(seed):
    return modules.mlp([64, 256, 10], np.random.default_rng(seed), activation="relu")


model = make_digit_model(1)
sgd = optim.SGD(model, learning_rate=0.05, momentum=0.9, weight_decay=1e-3)
shuffles = copy.deepcopy(rng)  # the same shuffles again, for a replay below
history = training.fit(model, sgd, digits.X_train, digits.y_train,
                       X_val=digits.X_val, y_val=digits.y_val,
                       epochs=150, batch_size=32, rng=rng, val_patience=20)
print(f"stopped: {history.stop_reason} (after {history.epochs} epochs)")
print(f"best validation loss at epoch {history.best_epoch}: "
      f"accuracy {history.val_accuracy[history.best_epoch - 1]:.3f}")

# %% [markdown]
# The slides list four ways to decide when to stop: a fixed number of epochs; the training error
# falling below a threshold; the training error no longer decreasing; and the validation error
# starting to rise. The curves show where two of them would have stopped this run; this run
# used the last (with a patience of 20 epochs) and stopped well inside its budget of 150.

# %%
fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(7.5, 3.4))
plot_learning_curves(ax_l, {"training": history.train_loss, "validation": history.val_loss},
                     ylabel="cross-entropy", logy=True, title="Loss per epoch")
ax_l.axvline(history.best_epoch, color="C3", ls="--", label="lowest validation loss")
below = np.flatnonzero(np.array(history.train_loss) < 0.05)
if below.size:
    ax_l.axvline(below[0] + 1, color="C2", ls=":", label="training loss < 0.05")
ax_l.legend(fontsize=8)
plot_learning_curves(ax_a, {"training": history.train_accuracy,
                            "validation": history.val_accuracy},
                     ylabel="accuracy", title="Accuracy per epoch")
plt.show()
at_best = history.best_epoch - 1  # lists are indexed from 0, epochs counted from 1
print("training loss still falls after the best epoch:",
      history.train_loss[-1] < history.train_loss[at_best])
print("validation loss at the last epoch is above its lowest, by less than 20% (flat):",
      history.val_loss[at_best] < history.val_loss[-1] < 1.2 * history.val_loss[at_best])

# %% [markdown]
# The third criterion, no improvement of the training error, is `fit`'s `patience`. Replaying the
# same run (same start, same shuffles) with `patience=5` and no validation data shows where it
# would have stopped; beside it, where each of the other criteria fired or would have fired:

# %%
replay = make_digit_model(1)
by_patience = training.fit(replay, optim.SGD(replay, learning_rate=0.05, momentum=0.9,
                                             weight_decay=1e-3),
                           digits.X_train, digits.y_train, epochs=150, batch_size=32,
                           rng=shuffles, patience=5, show_progress=False)
common = min(by_patience.epochs, history.epochs)
print("the replay followed the same path:",
      np.array_equal(by_patience.train_loss[:common], history.train_loss[:common]))
stops = {"a budget of 150 epochs": 150,
         "training loss below 0.05": int(below[0]) + 1 if below.size else "never",
         "no training-loss improvement for 5 epochs": by_patience.epochs,
         "no validation-loss improvement for 20 epochs (used)": history.epochs}
for criterion, epoch in stops.items():
    print(f"{criterion:>52}: epoch {epoch}")

# %% [markdown]
# Training loss keeps falling after the best epoch while validation loss stays flat and ends a
# little above its lowest value: further epochs fit the training digits ever more closely without
# helping on new ones, the first sign of over-fitting (notebook 04). We take the
# best epoch count from validation, retrain on training plus validation data for that many epochs
# (the slides' recipe for not wasting the validation data), and only then measure the test set.
# Beside it, scikit-learn's `MLPClassifier` (100 ReLU units, Adam) and a support vector machine
# (`SVC`, RBF kernel), trained on the same data:

# %%
X_trval = np.vstack([digits.X_train, digits.X_val])
y_trval = np.concatenate([digits.y_train, digits.y_val])
final = make_digit_model(1)
training.fit(final, optim.SGD(final, learning_rate=0.05, momentum=0.9, weight_decay=1e-3),
             X_trval, y_trval, epochs=history.best_epoch, batch_size=32, rng=rng,
             show_progress=False)
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
print("ours within 0.02 of scikit-learn's MLP:",
      abs(ours - results["scikit-learn MLPClassifier"]) < 0.02)
print("the SVM beats both MLPs:", results["scikit-learn SVC (RBF)"] > max(
    ours, results["scikit-learn MLPClassifier"]))

# %% [markdown]
# ### 3.5 · What the hidden layer does to digits
#
# As with XOR, the hidden layer re-represents the inputs. Projected to two dimensions (PCA), raw
# pixels give overlapping clouds; in the 256 hidden activations of the trained network several
# classes (0, 4, 6, 3) form tighter, more separate groups. A linear classifier trained on each
# representation measures separability in all dimensions, not just two.

# %%
hidden_digits = final.modules[1].forward(final.modules[0].forward(digits.X_test))
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6))
for ax, (name, features) in zip(axes, [("raw pixels", digits.X_test),
                                       ("hidden layer", hidden_digits)]):
    projected = PCA(n_components=2, random_state=0).fit_transform(features)
    points = ax.scatter(projected[:, 0], projected[:, 1], c=digits.y_test, cmap="tab10", s=8)
    ax.set_title(f"Test digits: {name}", fontsize=11)
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(points, ax=axes, ticks=range(10), label="digit")
plt.show()

hidden_train = final.modules[1].forward(final.modules[0].forward(X_trval))
probe = {}
for name, train_features, test_features in [("raw pixels", X_trval, digits.X_test),
                                            ("hidden layer", hidden_train, hidden_digits)]:
    fitted = LogisticRegression(max_iter=2000).fit(train_features, y_trval)
    probe[name] = fitted.score(test_features, digits.y_test)
    print(f"linear classifier on {name:>12}: test accuracy {probe[name]:.3f}")
print("a linear classifier does about as well on either (within 0.01):",
      abs(probe["hidden layer"] - probe["raw pixels"]) < 0.01)

# %% [markdown]
# The two scores agree: these small, clean 8×8 digits are already almost linearly separable as
# raw pixels, so the hidden layer's regrouping, visible in the picture, buys a linear read-out
# no extra accuracy here. The network's advantage over a linear model would need harder data.
#
# ## 4 · PyTorch, on the GPU when there is one
#
# `course_nn.torch_bridge.to_torch` builds the same network as a `torch.nn.Sequential` and copies
# our weights into it (transposing them: `torch.nn.Linear` stores (out, in)). We first compare the
# gradients of one batch with PyTorch's autograd, then the weights after several training steps of
# `torch.optim.SGD` with the same momentum and weight decay. The device is
# `course_nn.choose_device()`; MPS lacks float64, so there we compare in float32 with a looser
# tolerance.

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
print(f"one batch: largest relative error of the gradients < {tolerance:g}: {worst < tolerance}")

# %% [markdown]
# Next, ten full-batch steps on the training digits: our `fit` with `batch_size=None`, and its
# PyTorch twin `fit_torch` with one batch of all the examples, so that both take the same steps
# whatever order they draw the examples in.

# %%
show_source(fit_torch)

# %%
X_train_t = torch.tensor(digits.X_train, dtype=dtype, device=device)
y_train_t = torch.tensor(digits.y_train, device=device)
training.fit(numpy_model, optim.SGD(numpy_model, learning_rate=0.05, momentum=0.9,
                                    weight_decay=1e-3),
             digits.X_train, digits.y_train, epochs=10, batch_size=None, show_progress=False)
fit_torch(torch_model, torch.optim.SGD(torch_model.parameters(), lr=0.05, momentum=0.9,
                                       weight_decay=1e-3),
          X_train_t, y_train_t, epochs=10, batch_size=len(y_train_t),
          generator=torch.Generator().manual_seed(0))
mirror = make_digit_model(5)
copy_weights_from_torch(torch_model, mirror)
gap = max(np.max(np.abs(numpy_model.parameters()[k] - mirror.parameters()[k]))
          for k in mirror.parameters())
print(f"after 10 steps: max |Δ| between the weights < {tolerance:g}: {gap < tolerance}")

# %% [markdown]
# The PyTorch model then trains on its own for the epoch count chosen above, on the chosen device,
# with mini-batches of 32 drawn by torch's generator rather than ours, so its weights and its test
# accuracy are close to the NumPy model's but not identical.

# %%
torch_final = to_torch(make_digit_model(1), device=device, dtype=dtype)
fit_torch(torch_final, torch.optim.SGD(torch_final.parameters(), lr=0.05, momentum=0.9,
                                       weight_decay=1e-3),
          torch.tensor(X_trval, dtype=dtype, device=device), torch.tensor(y_trval, device=device),
          epochs=history.best_epoch, batch_size=32, generator=torch.Generator().manual_seed(0))
predicted = predict_torch(torch_final, torch.tensor(digits.X_test, dtype=dtype, device=device))
torch_accuracy = np.mean(predicted == digits.y_test)
print(f"PyTorch MLP: test accuracy within 0.02 of the NumPy model's ({ours:.3f}):",
      abs(torch_accuracy - ours) < 0.02)

# %% [markdown]
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.backprop`. Replace the `None` (or write
# the function), run the cell, and read the verdict. A worked solution is hidden below each one:
# open it only after you have tried.
#
# **Exercise 1 (an output delta).** An output unit produced $o_k = 0.8$ for the target
# $t_k = 1$. What is its delta $\delta_k$? Give 3 significant figures.

# %% tags=["stub"]
my_delta_k = None
exercises.check_output_delta(my_delta_k)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Worked solution (Exercise 1).
# delta_k = (t_k - o_k) o_k (1 - o_k): the error times the sigmoid's slope.
o_k, t_k = 0.8, 1.0
exercises.check_output_delta((t_k - o_k) * o_k * (1 - o_k))

# %% [markdown]
# **Exercise 2 (a hidden delta).** A hidden sigmoid unit with output $o_j = 0.6$ feeds two output
# units. Their deltas are $\delta_1 = 0.032$ and $\delta_2 = -0.05$, and the weights from $j$ to
# them are $w_{j1} = 0.5$ and $w_{j2} = -1.0$. What is $\delta_j$? Give 3 significant figures.

# %% tags=["stub"]
my_delta_j = None
exercises.check_hidden_delta(my_delta_j)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Worked solution (Exercise 2).
# The downstream sum delta_1 w_j1 + delta_2 w_j2, times the slope o_j (1 - o_j).
o_j = 0.6
downstream = 0.032 * 0.5 + (-0.05) * (-1.0)
exercises.check_hidden_delta(o_j * (1 - o_j) * downstream)

# %% [markdown]
# **Exercise 3 (code: the deltas of a tanh hidden layer).** Replace the sigmoid hidden units
# by tanh units (§1). Write `tanh_hidden_deltas(deltas_above, W_above, o)` for a batch: `o` is
# the (N, J) outputs of the tanh layer, `deltas_above` the (N, K) deltas of the layer it feeds
# and `W_above` the (J, K) weights between them. Return the (N, J) deltas of the tanh layer.
# You need the slope of tanh, written with its output $o = \tanh(z)$ (differentiate
# $\tanh = \sinh/\cosh$ with the quotient rule), and the matrix form of the hidden-unit rule
# from §2.2. The checker compares your function with the package's on three batches.

# %% tags=["stub"]
def tanh_hidden_deltas(deltas_above, W_above, o):
    return None  # your code here


exercises.check_tanh_hidden_deltas(tanh_hidden_deltas)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Worked solution (Exercise 3).
# d tanh/dz = (cosh^2 - sinh^2) / cosh^2 = 1 - tanh^2 = 1 - o^2; the downstream sums for every
# example and unit at once are deltas_above @ W_above.T, of shape (N, J).
def tanh_hidden_deltas(deltas_above, W_above, o):
    return (1.0 - o**2) * (deltas_above @ W_above.T)


exercises.check_tanh_hidden_deltas(tanh_hidden_deltas)

# %% [markdown]
# **Exercise 4 (counting parameters).** How many weights and thresholds (biases) does an MLP with
# layer sizes 64-100-10 have? Counting parameters is the first debugging step when a network
# under-fits or runs too slowly.

# %% tags=["stub"]
my_count = None
exercises.check_parameter_count(my_count)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Worked solution (Exercise 4).
# Each Linear layer has in * out weights and out biases. We can also ask a model of that shape.
count = sum(p.size for p in modules.mlp([64, 100, 10], np.random.default_rng(0))
            .parameters().values())
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
# * On XOR with two hidden units, per-example backprop from 100 random starts got stuck about one
#   time in six, on plateaus or in local minima; committees of five voting outvoted every stuck
#   member. With momentum and full batches 97% of 200 starts solved XOR, with a median of about
#   a few hundred sweeps and a long tail; Rumelhart et al.'s 558 is one run of a different network, a rough
#   reference only.
# * Hidden units build new features in which the classes become linearly separable, and one
#   hidden layer can approximate any continuous function on a bounded, closed domain, given
#   enough units.
# * A small MLP, stopped by its validation error and retrained on all the training data, reads
#   8×8 digits about as well as scikit-learn's MLP; an RBF support vector machine does better on
#   this small data set.
#
# **Next**, [notebook 04](04_regularisation.ipynb) looks at what the validation curve hinted at: over-fitting, and the
# remedies (early stopping, cross-validation, weight decay, dropout).
