# %% [markdown]
# # 02 · Logistic units
#
# Notebook 01 ended with a wall: one threshold unit draws one hyperplane, and functions such as
# XOR need a hidden layer. Stacking units is easy; *learning* the weights of a stack is the hard
# part. This notebook looks at the two obvious building blocks, linear units and threshold units,
# and shows why neither will do. It then introduces the unit that will: the **logistic unit**,
# a threshold unit whose step has been smoothed into an S-shaped curve. We differentiate it,
# compute it without overflow, and train a single one by gradient descent with two different
# losses.
#
# **After this notebook you can**
#
# 1. explain why a stack of linear layers is still one linear layer, and why gradient descent
#    cannot train threshold units;
# 2. write down the logistic unit, $o = 1/(1 + e^{-(\mathrm{net} - T)})$, and its derivative
#    $o(1 - o)$, and check the derivative numerically;
# 3. evaluate the sigmoid and the cross-entropy without overflow for any net input;
# 4. train one logistic unit by gradient descent on the squared error and on the cross-entropy,
#    and explain why the squared error learns slowly from a confidently wrong start;
# 5. derive and code the gradients of another smooth unit (a tanh unit) with the same chain rule.
#
# **You should already know** notebook 01 (threshold units, the squared error, gradient descent),
# derivatives including the chain rule, and matrix products in NumPy.

# %% tags=["nbval-ignore-output"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from ipywidgets import FloatSlider, fixed

import course_nn
from course_nn import data, layers, logistic, threshold_units
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import logistic_units as exercises
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.modules import Linear, Sequential
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import plot_decision_boundary, use_course_style
from course_nn.progress import progress

use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### Neural networks are functions
#
# Strip away the pictures of neurons and a neural network is a function
# $\mathrm{NN}: X \to Y$ with adjustable parameters. For the classifiers in this course the
# inputs are vectors, $X = [0, 1]^n$ or $\{0, 1\}^n$ (pixel intensities, bits of a code), and the
# output is a number, $Y = [0, 1]$ (a degree of belief) or $\{0, 1\}$ (a decision). We use the
# network as an *approximation* of an unknown target classifier, and learning means choosing its
# parameters from labelled examples. Networks with one hidden layer of sigmoid units can already
# approximate any continuous function on a closed, bounded region of inputs as closely as we
# like, given enough hidden units (notebook 03 returns to this); the question is how to find
# the weights.
#
# ### Where this comes from
#
# Multi-layer networks were proposed to get past the limits of a single threshold unit, and it
# was long believed that they could not be trained effectively. The way out was to make the
# whole network differentiable: replace each unit's hard step by a smooth curve, so that the
# error becomes a differentiable function of every weight, hidden or not, and follow its
# gradient. Computing such gradients backwards through a chain of operations was described by
# Linnainmaa (1970); Rumelhart, Hinton and Williams (1986) made it the standard way to train
# hidden layers under the name *backpropagation*. After a quiet period from the mid-1990s,
# networks returned in force, and the reasons were mostly outside the algorithm: graphics
# processors and parallel hardware made training orders of magnitude faster, and far more
# labelled data became available. The learning algorithm itself has changed remarkably little
# since 1986. What has changed is the point of view: the intermediate representations a network
# learns are now studied as useful objects in their own right, not only its input-output
# behaviour. (The biological inspiration is a loose analogy; we will not lean on it.)
#
# ### Two units that will not do
#
# **Linear units**, $o_j = \mathbf w_j\cdot\mathbf x$, are differentiable, but stacking them buys
# nothing. A layer computes $\mathbf x \mapsto \mathbf x W_1 + \mathbf b_1$, and a second layer on
# top gives
#
# $$
# \begin{aligned}
# (\mathbf x W_1 + \mathbf b_1) W_2 + \mathbf b_2
#   &= \mathbf x\,W_1 W_2 + \mathbf b_1 W_2 + \mathbf b_2 \\
#   &= \mathbf x\,(W_1 W_2) + (\mathbf b_1 W_2 + \mathbf b_2),
# \end{aligned}
# $$
#
# which is again one layer, with weight matrix $W_1 W_2$ and bias $\mathbf b_1 W_2 + \mathbf b_2$.
# By induction any number of linear layers collapses into one, so a deep linear network can
# represent exactly the functions a single linear layer can.
#
# **Threshold units**, $o_j = \operatorname{step}(\mathbf w_j\cdot\mathbf x - T_j)$, are
# nonlinear, but the step is flat everywhere except at one point, where it jumps. Its derivative
# is 0 almost everywhere (and undefined at the jump), so the error of a network of threshold
# units, as a function of any weight, is piecewise constant. Gradient descent sees a gradient of
# exactly zero and never moves.
#
# ### The logistic unit
#
# The remedy keeps the threshold unit's structure and smooths its step. Unit $j$ receives inputs
# $x_i$ over links with weights $w_{ij}$ and computes
#
# $$
# \begin{aligned}
# \mathrm{net}_j &= \sum_i w_{ij}\,x_i, \\
# o_j &= \sigma(\mathrm{net}_j - T_j) = \frac{1}{1 + \exp\!\big(-(\mathrm{net}_j - T_j)\big)} .
# \end{aligned}
# $$
#
# Its parameters are the weights $w_{ij}$ and the threshold $T_j$, exactly as for a threshold
# unit. The **sigmoid** (or logistic function) $\sigma(z) = 1/(1 + e^{-z})$ rises smoothly from 0
# to 1 and crosses $\tfrac12$ at $z = 0$, that is where $\mathrm{net}_j = T_j$. So the unit's
# decision boundary $o_j = \tfrac12$ is the same hyperplane a threshold unit with these weights
# draws; the difference is that the output now also says how far from the boundary an input is,
# and that it is differentiable. Scaling weights and threshold by $k$ gives
# $\sigma\big(k(\mathrm{net}_j - T_j)\big)$, and as $k \to \infty$ this becomes the step: the
# sigmoid is a **smooth threshold** whose steepness we can choose.
#
# Its derivative has a convenient form. With $o = \sigma(z)$,
#
# $$
# \begin{aligned}
# \frac{d o}{d z} &= \frac{e^{-z}}{(1 + e^{-z})^2}
#   = \frac{1}{1 + e^{-z}}\cdot\frac{e^{-z}}{1 + e^{-z}} \\
#   &= o\,(1 - o),
# \end{aligned}
# $$
#
# so the slope is computed from the output alone, with no further exponential. It is largest,
# $\tfrac14$, at $z = 0$ and vanishes as $|z|$ grows: a unit that is very sure of its answer
# barely responds to a change of its weights.
#
# A word on names: libraries usually write $\sigma(\mathbf x\cdot\mathbf w + b)$ with a **bias**
# $b$. That is the same unit with $b = -T$.

# %% [markdown]
# ## 2 · From scratch
#
# ### 2.1 · A stack of linear layers is one linear layer
#
# We build three `course_nn.modules.Linear` layers, $5 \to 4 \to 3 \to 2$, run a batch through the
# stack, then multiply their matrices into a single $5 \times 2$ layer and run the batch through
# that.

# %%
stack = Sequential(Linear(5, 4, rng, init="uniform", init_range=1.0),
                   Linear(4, 3, rng, init="uniform", init_range=1.0),
                   Linear(3, 2, rng, init="uniform", init_range=1.0))
W_single, b_single = np.eye(5), np.zeros(5)
for layer in stack.modules:  # fold each layer in: x W + b, then (x W + b) W' + b'
    W_single, b_single = W_single @ layer.weight, b_single @ layer.weight + layer.bias

X_batch = rng.standard_normal((200, 5))
gap = np.max(np.abs(stack(X_batch) - (X_batch @ W_single + b_single)))
print("weight shapes in the stack:", [layer.weight.shape for layer in stack.modules])
print("composed single layer     :", W_single.shape, "plus a bias of shape", b_single.shape)
print("largest output difference over 200 inputs < 1e-12:", gap < 1e-12)

# %% [markdown]
# The two computations differ by less than $10^{-12}$, which is rounding in the last bits of
# numbers of size about 1 (the exact gap depends on the CPU, so we print the bound): the stack
# of three layers has exactly the power of one.
#
# ### 2.2 · Threshold units give gradient descent nothing to follow
#
# Take 100 points in two overlapping clouds with 0/1 labels (`data.gaussian_clusters`, drawn from
# the notebook's generator, seed 0; sections 2.6 and 3.2 reuse them), and one unit with weights
# $(w_1, w_2)$ and threshold $T$. We fix $w_2$ and $T$ and draw the squared error
# $\tfrac12\sum_d (t_d - o_d)^2$ as $w_1$ varies, once for a threshold unit and once for a
# logistic unit with the same parameters.

# %%
X, t = data.gaussian_clusters(100, rng, distance=3.0)
w2_fixed, T_fixed = 0.5, 0.0
w1_grid = np.linspace(-3.0, 3.0, 601)


def threshold_error_at(w1):  # E as a function of w1 alone, w2 and T fixed
    return logistic.threshold_unit_error(X, t, [w1, w2_fixed], T_fixed)


def logistic_error_at(w1):
    return logistic.logistic_loss(X, t, [w1, w2_fixed], T_fixed, loss="squared", reduction="sum")


fig, (ax_thr, ax_log) = plt.subplots(1, 2, figsize=(7.5, 3.3), sharey=True)
ax_thr.plot(w1_grid, [threshold_error_at(w) for w in w1_grid], color="C3")
ax_thr.set_title("Threshold unit: flat steps")
ax_log.plot(w1_grid, [logistic_error_at(w) for w in w1_grid], color="C0")
ax_log.set_title("Logistic unit: smooth")
for ax in (ax_thr, ax_log):
    ax.set_xlabel("weight $w_1$")
ax_thr.set_ylabel("squared error $E$")
plt.show()

# %% [markdown]
# Both panels hold $w_2 = 0.5$ and $T = 0$ fixed. Between jumps the threshold unit's error does
# not change at all, so a finite-difference slope, which is what any gradient method would see,
# is exactly zero; the logistic unit's slope is not, and a small step against it lowers the
# error. The error is `logistic.threshold_unit_error`:

# %%
for w1 in (-1.0, 0.5, 2.0):
    flat = numerical_gradient(lambda v: threshold_error_at(v[0]), np.array([w1]))[0]
    smooth = numerical_gradient(lambda v: logistic_error_at(v[0]), np.array([w1]))[0]
    downhill = logistic_error_at(w1 - 0.01 * np.sign(smooth)) < logistic_error_at(w1)
    print(f"w1 = {w1:+.1f}: threshold-unit slope exactly 0: {flat == 0.0}; logistic-unit slope "
          f"{smooth:+.3g}, a step against it lowers E: {downhill}")

# %% [markdown]
# ### 2.3 · The logistic unit in code
#
# `course_nn.logistic` holds the unit, its losses and a training loop. The unit is one line on top
# of `course_nn.layers.sigmoid`:

# %%
show_source(logistic.logistic_unit)

# %% [markdown]
# With the AND weights of notebook 01, $w_i = T/n$, the input $(1, 1)$ has a net input of exactly
# $T$. The step counts that as firing ($\mathrm{net} \ge T$), but the sigmoid gives exactly
# $\tfrac12$ there, so for a logistic AND we move the threshold halfway between the net inputs
# of "one input on" ($T/2$) and "both on" ($T$): with $w_i = \tfrac12$ that is $T = 0.75$.
# Scaling weights and threshold by $k$ keeps the boundary and sharpens the outputs towards the
# gate's 0/1:

# %%
X_and, t_and = data.logic_function("and")
w_and, _ = threshold_units.gate_weights("and", 2, threshold=1.0)
T_and = 0.75
print("inputs :", [tuple(int(v) for v in x) for x in X_and], " AND:", t_and.astype(int).tolist())
distances = []
for k in (1, 10, 100):
    outputs = logistic.logistic_unit(X_and, k * w_and, k * T_and)
    distances.append(np.max(np.abs(outputs - t_and)))
    print(f"k = {k:>3}: outputs {np.round(outputs, 4).tolist()}, "
          f"on the right side of 1/2 for all four: {np.all((outputs > 0.5) == (t_and == 1))}")
print("largest distance from AND shrinks as k grows:", bool(np.all(np.diff(distances) < 0)))

# %% [markdown]
# ### 2.4 · The derivative $o(1 - o)$, checked numerically
#
# Because $\sigma$ acts on each entry separately, the gradient of $\sum_m \sigma(z_m)$ with
# respect to the vector $\mathbf z$ is the vector of slopes $\sigma'(z_m)$. Centred finite
# differences of that sum therefore measure the slope at every point at once, and we compare them
# with $o(1 - o)$:

# %%
z = np.linspace(-8.0, 8.0, 81)
o = layers.sigmoid(z)
slope_formula = o * (1.0 - o)
slope_numeric = numerical_gradient(lambda v: np.sum(layers.sigmoid(v)), z)
print(f"relative error of o(1 - o) against finite differences below 1e-8: "
      f"{relative_error(slope_formula, slope_numeric) < 1e-8}")
print(f"largest slope {slope_formula.max():.4f} at z = {z[np.argmax(slope_formula)]:.1f}")
print("slope below 1e-3 at |z| = 8:", bool(slope_formula[0] < 1e-3 and slope_formula[-1] < 1e-3))

errors = check_layer_gradients(layers.sigmoid_forward, layers.sigmoid_backward,
                               {"z": rng.standard_normal((4, 3))}, rng)
print("layers.sigmoid_backward passes the layer gradient check:", errors["z"] < 1e-8)

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.plot(z, o, color="C0", label=r"$\sigma(z)$")
ax.plot(z, slope_formula, color="C3", label=r"$o\,(1 - o)$")
ax.plot(z[::4], slope_numeric[::4], "k.", ms=6, label="finite differences")
ax.axvline(0.0, color="grey", lw=0.8)
ax.set_xlabel("$z = \\mathrm{net} - T$")
ax.set_ylabel("value")
ax.set_title("The sigmoid and its slope")
ax.legend(loc="center right")
plt.show()

# %% [markdown]
# ### 2.5 · A sigmoid that never overflows
#
# Written literally, $1/(1 + e^{-z})$ computes $e^{-z}$ first. For $z = -1000$ that is $e^{1000}$,
# far beyond the largest float64 ($\approx 1.8\times 10^{308}$, reached near $z = -709.8$), so
# NumPy overflows to `inf` and warns. The answer, $1/\infty = 0$, happens to be right, but the
# warnings flood a training log, and the algebraically equal form $e^{z}/(1 + e^{z})$ fails
# outright at $z = +1000$, giving $\infty/\infty = $ NaN. We record the warnings instead of
# letting them print:

# %%
z_big = np.array([-1000.0, 1000.0])
for name, naive in [("1 / (1 + exp(-z))", lambda v: 1.0 / (1.0 + np.exp(-v))),
                    ("exp(z) / (1 + exp(z))", lambda v: np.exp(v) / (1.0 + np.exp(v)))]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = naive(z_big)
    kinds = sorted({f"{w.category.__name__} ({w.message})" for w in caught})
    print(f"naive {name:<22} at z = -1000, 1000: {result.tolist()}  warnings: {kinds}")

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = layers.sigmoid(z_big)
print(f"course_nn.layers.sigmoid     at z = -1000, 1000: {result.tolist()}  "
      f"warnings: {len(caught)}")

# %% [markdown]
# The package's version picks, for each $z$, the form whose exponent is never positive: the first
# for $z \ge 0$ and the second for $z < 0$. Both then only ever compute $e^{-|z|} \le 1$, and the
# result is exactly 0 or 1 where the true value rounds to it.

# %%
show_source(layers.sigmoid)

# %% [markdown]
# The same care matters for the loss. The cross-entropy below needs $-\log o$; computing
# $\sigma(z)$ first and then its logarithm gives $-\log 0 = \infty$ once $\sigma(z)$ rounds to 0,
# although the true value is a perfectly ordinary number. Since $-\log\sigma(z) =
# \log(1 + e^{-z})$, the package computes it with a stable **softplus**,
# $\operatorname{softplus}(u) = \log(1 + e^{u}) = \max(u, 0) + \log(1 + e^{-|u|})$:

# %%
z_wrong = -800.0  # a unit that is very sure, and wrong, about an example with target 1
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    naive_loss = -np.log(layers.sigmoid(z_wrong))
print(f"-log(sigmoid(z)) at z = {z_wrong:.0f}: {naive_loss:.1f}  "
      f"warnings: {sorted({f'{w.category.__name__} ({w.message})' for w in caught})}")
print(f"softplus(-z)      at z = {z_wrong:.0f}: {float(logistic.softplus(-z_wrong)):.1f}")
show_source(logistic.softplus)

# %% [markdown]
# ### 2.6 · Training one logistic unit: squared error and cross-entropy
#
# Give the unit $N$ examples $(\mathbf x_d, t_d)$ with targets $t_d \in \{0, 1\}$. We compare two
# losses, both averaged over the examples:
#
# $$
# \begin{aligned}
# E_{\mathrm{sq}} &= \frac{1}{N}\sum_d \tfrac12 (t_d - o_d)^2, \\
# E_{\mathrm{ce}} &= -\frac{1}{N}\sum_d \big[t_d \log o_d + (1 - t_d)\log(1 - o_d)\big].
# \end{aligned}
# $$
#
# The cross-entropy is the negative log-likelihood of the targets if we read $o_d$ as the
# probability that $t_d = 1$; minimising it is logistic regression. Both gradients follow from
# the chain rule through $z_d = \mathbf w\cdot\mathbf x_d - T$. With
# $\delta_d = \partial E_d/\partial z_d$,
#
# $$
# \begin{aligned}
# \delta_d^{\mathrm{sq}} &= -(t_d - o_d)\,o_d(1 - o_d), &
# \delta_d^{\mathrm{ce}} &= o_d - t_d, \\
# \frac{\partial E}{\partial w_i} &= \frac1N\sum_d \delta_d\, x_{id}, &
# \frac{\partial E}{\partial T} &= -\frac1N\sum_d \delta_d .
# \end{aligned}
# $$
#
# For the cross-entropy the sigmoid's slope cancels: $-\partial(t\log o + (1-t)\log(1-o))/\partial
# o = (o - t)/\big(o(1-o)\big)$, and multiplying by $do/dz = o(1 - o)$ leaves $o - t$. The minus
# sign on $\partial E/\partial T$ is there because the threshold is *subtracted* from the net
# input: when the output is too high, the threshold rises.

# %%
show_source(logistic.logistic_loss_and_grad)

# %% [markdown]
# Before trusting these gradients we compare them with finite differences, for both losses, at
# random parameters:

# %%
w_probe, T_probe = rng.standard_normal(2), float(rng.standard_normal())
for loss in ("squared", "cross_entropy"):
    _, grad_w, grad_T = logistic.logistic_loss_and_grad(X, t, w_probe, T_probe, loss=loss)
    numeric = numerical_gradient(
        lambda p, loss=loss: logistic.logistic_loss(X, t, p[1:], p[0], loss=loss),
        np.concatenate([[T_probe], w_probe]))
    ok = relative_error(np.concatenate([[grad_T], grad_w]), numeric) < 1e-8
    print(f"{loss:>13}: analytic gradient agrees with finite differences: {ok}")

# %% [markdown]
# `train_logistic_unit` runs full-batch gradient descent,
# $\mathbf w \leftarrow \mathbf w - R\,\partial E/\partial\mathbf w$ and
# $T \leftarrow T - R\,\partial E/\partial T$, and records the loss, the training error and the
# path of $(T, w_1, w_2)$. Both runs start from the same small random weights, with the same
# learning rate $R = 1$ and 200 steps.

# %%
w_start, T_start = 0.1 * rng.standard_normal(2), 0.0
runs = {loss: logistic.train_logistic_unit(X, t, loss=loss, learning_rate=1.0, epochs=200,
                                           weights=w_start, threshold=T_start)
        for loss in ("squared", "cross_entropy")}
for loss, run in runs.items():
    print(f"{loss:>13}: w = {np.round(run.weights, 3).tolist()}, T = {run.threshold:+.3f}, "
          f"loss {run.losses[0]:.4f} -> {run.losses[-1]:.4f}, "
          f"training errors {run.errors[0]:.0%} -> {run.errors[-1]:.0%}")

# %%
fig, axes = plt.subplots(2, 2, figsize=(7.5, 6.8))
titles = {"squared": "squared error", "cross_entropy": "cross-entropy"}
for ax, (loss, run) in zip(axes[0], runs.items()):
    plot_decision_boundary(
        ax, lambda G, run=run: logistic.logistic_unit(G, run.weights, run.threshold), X, t,
        title=f"{titles[loss].capitalize()}, 200 steps")
    ax.legend(loc="lower right", fontsize=8)
ax_loss, ax_path = axes[1]
for color, (loss, run) in zip(("C3", "C0"), runs.items()):
    ax_loss.plot(run.losses, color=color, label=titles[loss])
    ax_path.plot(run.path[:, 1], run.path[:, 2], ".-", color=color, ms=2, lw=1,
                 label=titles[loss])
    ax_path.plot(*run.path[-1, 1:], "*", color=color, ms=12)
ax_loss.set_yscale("log")
ax_loss.set_xlabel("gradient steps taken")
ax_loss.set_ylabel("loss (mean over examples)")
ax_loss.set_title("Each run's own loss")
ax_loss.legend(fontsize=8)
ax_path.plot(*w_start, "ko", ms=6, label="start")
ax_path.set_xlabel("$w_1$")
ax_path.set_ylabel("$w_2$")
ax_path.set_title("Weights (star: end)")
ax_path.legend(fontsize=8)
plt.show()

# %% [markdown]
# The clouds overlap, so a few points are on the wrong side of any line, and both units end up
# with nearly the same boundary and nearly the same training error. The shading shows what a
# threshold unit could not: how confident the unit is, fading to $\tfrac12$ at the boundary.
# The two losses are different quantities on different scales, so their curves are not
# comparable in height, only in shape. The cross-entropy run moves further in weight space: its
# loss keeps rewarding larger weights (more confident outputs) on the points it already gets
# right, while the squared error's reward for that fades with $o(1 - o)$. The checks:

# %%
sq_run, ce_run = runs["squared"], runs["cross_entropy"]
angle = np.degrees(np.arccos(sq_run.weights @ ce_run.weights
                             / (np.linalg.norm(sq_run.weights) * np.linalg.norm(ce_run.weights))))
print("boundaries' directions differ by less than 10 degrees:", angle < 10)
print("training errors within 2 percentage points:",
      abs(sq_run.errors[-1] - ce_run.errors[-1]) <= 0.02)
print("cross-entropy weights are longer:",
      np.linalg.norm(ce_run.weights) > np.linalg.norm(sq_run.weights))

# %% [markdown]
# ## 3 · Experiments
#
# ### 3.1 · How steep is the threshold?
#
# The slider sets the steepness $k$ and the threshold $T$ of
# $\sigma\big(k(x - T)\big) = 1/\big(1 + e^{-k(x - T)}\big)$ and draws it over the step it
# smooths. (The slider needs a running kernel; the figure after it shows the default setting and
# a family of steepnesses, so the page makes sense without one.)

# %%
x_axis = np.linspace(-6.0, 6.0, 601)


def plot_sigmoid_and_step(steepness=1.0, threshold=0.0, ax=None):
    """Draw sigma(steepness * (x - threshold)) and the step at the same threshold."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(x_axis, (x_axis >= threshold).astype(float), color="grey", lw=1.5, ls="--",
            label="step at $T$")
    ax.plot(x_axis, layers.sigmoid(steepness * (x_axis - threshold)), color="C0", lw=2,
            label=r"$\sigma(k(x - T))$")
    ax.axhline(0.5, color="k", lw=0.6)
    ax.set_xlabel("$x$ (the net input)")
    ax.set_ylabel("output")
    ax.set_title(f"$k = {steepness:.1f}$, $T = {threshold:.1f}$")
    ax.legend(loc="upper left", fontsize=8)
    return ax


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(
    plot_sigmoid_and_step,
    steepness=FloatSlider(value=1.0, min=0.1, max=10.0, step=0.1, description="steepness k"),
    threshold=FloatSlider(value=0.0, min=-4.0, max=4.0, step=0.1, description="threshold T"),
    ax=fixed(None),
)

# %%
fig, (ax_default, ax_family) = plt.subplots(1, 2, figsize=(7.5, 3.3), sharey=True)
_ = plot_sigmoid_and_step(ax=ax_default)
ax_family.plot(x_axis, (x_axis >= 1.0).astype(float), color="grey", lw=1.5, ls="--",
               label="step at $T = 1$")
for shade, k in zip(np.linspace(0.35, 1.0, 5), (0.5, 1.0, 2.0, 5.0, 20.0)):
    ax_family.plot(x_axis, layers.sigmoid(k * (x_axis - 1.0)), color=plt.cm.Blues(shade),
                   label=f"$k = {k:g}$")
ax_family.set_xlabel("$x$ (the net input)")
ax_family.set_title("$T = 1$: steeper, nearer the step")
ax_family.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# The threshold $T$ slides the curve sideways and never changes its shape; the steepness $k$
# squeezes it around $T$. In a unit, $k$ is not a separate knob: multiplying all weights and the
# threshold by $k$ gives $\sigma\big(k(\mathrm{net} - T)\big)$, so the *size* of the weights sets
# how step-like the unit is, and their *direction* sets the boundary. Training can therefore move
# a unit smoothly between a gentle slope and an almost hard decision.
#
# ### 3.2 · Why squared error learns slowly from a confident mistake
#
# Compare the two $\delta$s for an example with target $t = 1$, as a function of the unit's
# input $z$. When the unit is confidently wrong ($z \ll 0$, so $o \approx 0$), the squared
# error's $\delta = -(1 - o)\,o(1 - o)$ is tiny, because the sigmoid's slope $o(1 - o)$ is tiny
# there; the cross-entropy's $\delta = o - 1$ stays near $-1$, the largest push it ever gives.

# %%
z_range = np.linspace(-10.0, 10.0, 401)
fig, ax = plt.subplots(figsize=(6.4, 3.8))
for loss, color in (("squared", "C3"), ("cross_entropy", "C0")):
    grad = np.abs(logistic.loss_gradient_wrt_net(z_range, 1.0, loss=loss))
    ax.semilogy(z_range, grad, color=color, label=titles[loss])
ax.axvspan(-10, -3, color="C3", alpha=0.08, label="confidently wrong")
ax.set_xlabel("$z = \\mathrm{net} - T$ (target $t = 1$)")
ax.set_ylabel(r"$|\partial E / \partial z|$")
ax.set_title("Gradient size against the unit's input")
ax.legend(loc="lower left")
plt.show()
for z_value in (-10.0, -5.0, 0.0):
    sq, ce = (abs(float(logistic.loss_gradient_wrt_net(z_value, 1.0, loss=loss)))
              for loss in ("squared", "cross_entropy"))
    print(f"z = {z_value:+5.1f}: |dE/dz| squared {sq:.2e}, cross-entropy {ce:.3f}")
    if z_value == -10.0:
        print("         squared below 1e-4 and cross-entropy above 0.99:", sq < 1e-4 and ce > 0.99)

# %% [markdown]
# To see it in training, start the unit with its weights pointing the *wrong* way,
# $\mathbf w = -s\,(1, \tfrac12)$ (the clouds sit at $\pm(1, \tfrac12)$ times 1.5), and count the
# gradient steps each loss needs to bring the training error down to 10%, with the same rate
# $R = 1$ as before and a budget of 1,000 steps. The knob is $s$, how confident the wrong start
# is. Nothing here is random once the data are drawn, so one run per setting is the whole story
# for this data set; a second cell repeats the hardest setting on 20 freshly drawn data sets.

# %%
w_right_way = np.array([1.0, 0.5])
scales = [0.5, 1.0, 2.0, 4.0, 8.0]
budget = 1000
steps_needed = {"squared": [], "cross_entropy": []}
bad_runs = {}
for s in progress(scales, desc="starts"):
    for loss in steps_needed:
        run = logistic.train_logistic_unit(X, t, loss=loss, learning_rate=1.0, epochs=budget,
                                           weights=-s * w_right_way, threshold=0.0)
        reached = np.flatnonzero(run.errors <= 0.10)
        steps_needed[loss].append(int(reached[0]) if reached.size else None)
        bad_runs[loss, s] = run
for s, sq, ce in zip(scales, steps_needed["squared"], steps_needed["cross_entropy"]):
    sq_text = f"{sq:>4}" if sq is not None else f"> {budget}"
    print(f"s = {s:>3}: steps to 10% error: squared error {sq_text:>6}, cross-entropy {ce:>2}")
sq_steps = [budget + 1 if n is None else n for n in steps_needed["squared"]]
print("squared error: more confident start, more steps:", bool(np.all(np.diff(sq_steps) > 0)))
print("cross-entropy within 10 steps from every start:",
      all(n is not None and n <= 10 for n in steps_needed["cross_entropy"]))

# %%
fig, (ax_err, ax_bnd) = plt.subplots(1, 2, figsize=(7.5, 3.6))
for loss, color in (("squared", "C3"), ("cross_entropy", "C0")):
    for s, style in ((2.0, ":"), (4.0, "--"), (8.0, "-")):
        ax_err.plot(bad_runs[loss, s].errors, color=color, ls=style,
                    label=f"{titles[loss]}, $s = {s:g}$")
ax_err.set_xscale("symlog", linthresh=10)
ax_err.set_xlabel("gradient steps taken")
ax_err.set_ylabel("training error")
ax_err.set_title("Confidently wrong start")
ax_err.legend(fontsize=7)
stuck = bad_runs["squared", 8.0]
plot_decision_boundary(
    ax_bnd, lambda G: logistic.logistic_unit(G, stuck.weights, stuck.threshold), X, t,
    title=f"Squared, $s = 8$, {budget} steps")
ax_bnd.legend(loc="lower right", fontsize=8)
plt.show()
print(f"squared error from s = 8, after {budget} steps: training error "
      f"{stuck.errors[-1]:.0%}, most points backwards: {stuck.errors[-1] > 0.5}")

# %%
stuck_sq, fast_ce = 0, 0
for seed in range(1, 21):  # 20 more data sets of the same kind
    X_new, t_new = data.gaussian_clusters(100, np.random.default_rng(seed), distance=3.0)
    for loss in ("squared", "cross_entropy"):
        run = logistic.train_logistic_unit(X_new, t_new, loss=loss, learning_rate=1.0,
                                           epochs=budget, weights=-8.0 * w_right_way)
        if loss == "squared":
            stuck_sq += bool(run.errors[-1] > 0.10)
        else:
            fast_ce += bool(run.errors[min(10, budget)] <= 0.10)
print(f"s = 8 on 20 more data sets (seeds 1-20): squared error still above 10% after {budget} "
      f"steps in {stuck_sq}; cross-entropy at or below 10% after 10 steps in {fast_ce}")

# %% [markdown]
# The more confident the wrong start, the longer the squared error sits on its plateau: from
# $s = 8$ it has not recovered after 1,000 steps, and its boundary still classifies most points
# backwards, on this data set and on all 20 others. The cross-entropy needs a handful of steps
# from every start. This is one reason
# cross-entropy is the usual loss for sigmoid (and softmax) outputs; the slides' derivation of
# backpropagation (notebook 03) uses the squared error, whose output-unit $\delta$ carries exactly
# this $o(1 - o)$ factor.

# %% [markdown]
# ## 4 · PyTorch, on the GPU when there is one
#
# The same unit in PyTorch is a `torch.nn.Linear(2, 1)` followed by `torch.sigmoid`, with
# `bias = -T`. We load the NumPy start into it, take the same 200 full-batch steps with
# `torch.optim.SGD` at the same rate, once with the squared error and once with the cross-entropy
# (`binary_cross_entropy_with_logits`, which works from $z$ like our softplus does), and compare
# the final weights and thresholds with the NumPy runs of section 2.6: every weight and the
# threshold must agree within $10^{-10}$. The device is `course_nn.choose_device()`; MPS has no
# float64, so there we compare in float32 within $10^{-4}$. (PyTorch's own training loop,
# `course_nn.torch_bridge.fit_torch`, trains softmax classifiers on class labels, so this single
# sigmoid unit takes its five-line loop here.)

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)  # on a CPU, torch's threads would compete with NumPy's
tolerance = 1e-4 if dtype == torch.float32 else 1e-10
print("running on:", describe_device(device), "in", dtype)

# %%
inputs = torch.tensor(X, dtype=dtype, device=device)
targets = torch.tensor(t, dtype=dtype, device=device)
torch_losses = {
    "squared": lambda z: 0.5 * ((targets - torch.sigmoid(z)) ** 2).mean(),
    "cross_entropy": lambda z: torch.nn.functional.binary_cross_entropy_with_logits(z, targets),
}
for loss, loss_fn in torch_losses.items():
    unit = torch.nn.Linear(2, 1).to(device=device, dtype=dtype)
    with torch.no_grad():
        unit.weight.copy_(torch.tensor(w_start[None, :], dtype=dtype))
        unit.bias.fill_(-T_start)
    optimiser = torch.optim.SGD(unit.parameters(), lr=1.0)
    for _ in range(len(runs[loss].losses) - 1):  # as many steps as the NumPy run
        optimiser.zero_grad()
        loss_fn(unit(inputs).squeeze(1)).backward()
        optimiser.step()
    w_torch = unit.weight.detach().cpu().numpy()[0]
    T_torch = -unit.bias.item()
    gap = max(np.max(np.abs(w_torch - runs[loss].weights)), abs(T_torch - runs[loss].threshold))
    print(f"{loss:>13}: torch w = {np.round(w_torch, 3).tolist()}, T = {T_torch:+.3f}; "
          f"agrees with NumPy within the tolerance: {gap < tolerance}")

# %% [markdown]
# Autograd also confirms the gradients of section 2.6 at the random probe point, where nothing
# about the weights is special:

# %%
for loss, loss_fn in torch_losses.items():
    w_t = torch.tensor(w_probe, dtype=dtype, device=device, requires_grad=True)
    T_t = torch.tensor(T_probe, dtype=dtype, device=device, requires_grad=True)
    loss_fn(inputs @ w_t - T_t).backward()
    _, grad_w, grad_T = logistic.logistic_loss_and_grad(X, t, w_probe, T_probe, loss=loss)
    same = (np.allclose(w_t.grad.cpu().numpy(), grad_w, atol=tolerance)
            and abs(T_t.grad.item() - grad_T) < tolerance)
    print(f"{loss:>13}: autograd and logistic_loss_and_grad agree: {same}")

# %% [markdown]
# PyTorch's sigmoid is stable too. In float32, whose largest value is about $3.4\times10^{38}$,
# the naive $e^{z}/(1 + e^{z})$ already fails at $z = 100$ (printed to 4 decimals):

# %%
z_t = torch.tensor([-1000.0, -100.0, 100.0, 1000.0], device=device)
naive_t = torch.exp(z_t) / (1 + torch.exp(z_t))
print("z                     :", z_t.cpu().tolist())
print("exp(z) / (1 + exp(z)) :", np.round(naive_t.cpu().numpy(), 4).tolist())
print("torch.sigmoid(z)      :", np.round(torch.sigmoid(z_t).cpu().numpy(), 4).tolist())
print("naive form is NaN at z = 100:", bool(torch.isnan(naive_t[2])),
      "| torch.sigmoid finite everywhere:", bool(torch.isfinite(torch.sigmoid(z_t)).all()))

# %% [markdown]
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.logistic_units`. Replace the `None`s (or
# write the function's body), run the cell, and the checker says whether you are right and, if
# not, what went wrong. A worked solution is hidden below each one: click "Show solution" only
# after you have tried.
#
# **Exercise 1 (the slope from the output).** A logistic unit outputs $o = 0.8$ for some input.
# What is $do/d\,\mathrm{net}$ there? No exponentials needed; give 3 significant figures.

# %% tags=["stub"]
my_slope = None
exercises.check_sigmoid_slope(my_slope)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# The slope of the sigmoid is o (1 - o), whatever the weights and threshold.
o_given = exercises.SLOPE_OUTPUT
exercises.check_sigmoid_slope(o_given * (1 - o_given))

# %% [markdown]
# **Exercise 2 (code: the gradients of a tanh unit).** Swap the sigmoid for the hyperbolic
# tangent: a **tanh unit** outputs $o = \tanh(\mathrm{net} - T)$, which runs from $-1$ to $1$
# (it is a rescaled sigmoid, $\tanh z = 2\sigma(2z) - 1$), so its targets are $t \in [-1, 1]$.
# Its slope is also written with its output: $d\tanh z/dz = 1 - \tanh^2 z = 1 - o^2$. Write
# `tanh_unit_loss_and_grad(X, t, w, T)` for $N$ examples `X` of shape $(N, D)$, targets `t` of
# shape $(N,)$, weights `w` of shape $(D,)$ and a threshold `T`. It returns the summed squared
# error $E = \tfrac12\sum_d (t_d - o_d)^2$ (a number), $\partial E/\partial\mathbf w$ (shape
# $(D,)$) and $\partial E/\partial T$ (a number). Follow section 2.6: first
# $\delta_d = \partial E_d/\partial z_d$, then the chain rule through $z_d = \mathbf w\cdot
# \mathbf x_d - T$. The checker compares your function with the package's on inputs of several
# shapes; you can also test it yourself with `numerical_gradient`.

# %% tags=["stub"]
def tanh_unit_loss_and_grad(X, t, w, T):
    return None  # your code here: E, dE/dw, dE/dT


exercises.check_tanh_unit(tanh_unit_loss_and_grad)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def tanh_unit_loss_and_grad(X, t, w, T):
    o = np.tanh(X @ w - T)
    delta = -(t - o) * (1.0 - o**2)  # dE/dz: dE/do = -(t - o) times do/dz = 1 - o^2
    return 0.5 * np.sum((t - o) ** 2), X.T @ delta, -np.sum(delta)  # z = X w - T: dz/dT = -1


exercises.check_tanh_unit(tanh_unit_loss_and_grad)

# %% [markdown]
# **Exercise 3 (one cross-entropy step by hand).** A logistic unit with the weights `w`,
# threshold `T` and input `x` printed below sees one example with target `t`. What are its
# weights and threshold after one gradient step on the cross-entropy at rate $R$
# (`learning_rate`)? Work it out on paper first: the net input is chosen so that $o$ is a round
# number.

# %%
print(exercises.CROSS_ENTROPY_STEP)

# %% tags=["stub"]
my_new_weights, my_new_threshold = None, None
exercises.check_cross_entropy_step(my_new_weights, my_new_threshold)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# net = 1*2 + (-1)*1 = 1 = T, so z = 0 and o = 0.5, while t = 0: delta = o - t = 0.5.
# dE/dw = delta x = (1.0, 0.5) and dE/dT = -delta = -0.5, so with R = 0.5
# w <- (1, -1) - 0.5 (1.0, 0.5) = (0.5, -1.25) and T <- 1 + 0.5 * 0.5 = 1.25.
exercises.check_cross_entropy_step([0.5, -1.25], 1.25)

# %% [markdown]
# **Exercise 4 (set the slider by algebra).** Find the steepness $k$ and threshold $T$ for which
# $1/\big(1 + e^{-k(x - T)}\big)$ equals $0.5$ at $x = 2$ and $0.9$ at $x = 3$ (the pairs are
# `exercises.STEEPNESS_TARGETS`), to 3 significant figures. You can try your answer on the slider
# in section 3.1.

# %% tags=["stub"]
my_steepness, my_threshold = None, None
exercises.check_steepness_and_threshold(my_steepness, my_threshold)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# The output is 0.5 exactly where k (x - T) = 0, so T = 2. At x = 3 we need
# 1 / (1 + exp(-k)) = 0.9, i.e. exp(-k) = 1/0.9 - 1 = 1/9, so k = ln 9.
exercises.check_steepness_and_threshold(np.log(9.0), 2.0)

# %% [markdown]
# ## 6 · Summary
#
# * A neural network is a parametrised function $X \to Y$; learning picks the parameters from
#   examples. Smooth units made multi-layer networks trainable by gradient descent, and the
#   algorithm has changed little since 1986: faster hardware and more data drove its return.
# * Linear layers compose into one linear layer ($W_1W_2$, $\mathbf b_1W_2 + \mathbf b_2$), so
#   depth needs a nonlinearity. Threshold units are nonlinear, but their error is piecewise
#   constant in the weights, with zero gradient almost everywhere.
# * The logistic unit $o = \sigma(\mathrm{net} - T)$ is a smooth threshold with the same
#   boundary; the size of its weights sets how step-like it is. Its slope is $o(1 - o)$,
#   at most $\tfrac14$.
# * Computed naively, $\sigma$ overflows for large $|\mathrm{net}|$ and $\log\sigma$ becomes
#   infinite; choosing the form with a non-positive exponent (and softplus for the loss) avoids
#   both.
# * One logistic unit trains by gradient descent on either loss. The squared error's gradient
#   carries the factor $o(1 - o)$ and stalls on confidently wrong outputs; the cross-entropy's
#   is simply $o - t$.
#
# **Next**, [notebook 03](03_backpropagation.ipynb) stacks logistic units into layers and uses the chain rule to pass the
# $\delta$s of this notebook backwards to the hidden units: backpropagation.
