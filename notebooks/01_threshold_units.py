# %% [markdown]
# # 01 · Threshold units and linear learning rules
#
# A neural network is built from units that add up weighted inputs and decide. This notebook
# studies the oldest such unit, the **threshold unit**, and the rules that learn its weights:
# Hebb's, Rosenblatt's perceptron, Widrow and Hoff's least-mean-squares, stochastic gradient
# descent with two different losses, and Littlestone's multiplicative Winnow. It ends where one
# unit ends: at the functions it cannot represent, which is why the next notebooks stack them.
#
# **After this notebook you can**
#
# 1. decide whether a data set is linearly separable, and make it separable by adding features;
# 2. wire threshold units into AND, OR and NOT gates, and into a two-layer network for *any*
#    Boolean function;
# 3. state and run the Hebb, perceptron, Widrow–Hoff and Winnow rules, and say when each
#    converges;
# 4. read the perceptron and Widrow–Hoff updates as stochastic gradient descent on the hinge
#    and squared losses.
#
# **You should already know** vectors and dot products, partial derivatives, and enough NumPy to
# read `X @ w`.

# %% tags=["nbval-ignore-output"]
import matplotlib.pyplot as plt
import numpy as np
import torch
from ipywidgets import FloatLogSlider, ToggleButtons, fixed
from sklearn.linear_model import LogisticRegression

import course_nn
from course_nn import data, linear_rules, threshold_units
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import threshold_units as exercises
from course_nn.gradcheck import numerical_gradient, relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import (
    plot_decision_boundary,
    plot_error_surface,
    plot_linear_boundary,
    scatter_classes,
    use_course_style,
)
from course_nn.progress import progress

use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### Linear separability, and how to get it
#
# A threshold unit splits its input space with a hyperplane: everything on one side is class 1,
# everything on the other is class 0. A data set is **linearly separable** when some hyperplane
# puts every example on its own class's side.
#
# On a line, a hyperplane is a single point, so a threshold unit can only say "$x$ above $T$" or
# "$x$ below $T$". The data below (class 1 inside $|x| < 1$) defeat every such rule. Add the
# feature $x^2$, though, and the examples live on the parabola $(x, x^2)$, where the horizontal
# line $x^2 = 1$ separates them. The classes did not change; the representation did.

# %%
x_line, t_line = data.quadratic_1d(60, rng, inner=1.0)

fig, (ax_line, ax_blown) = plt.subplots(1, 2, figsize=(9, 3.4))
for cls in (0, 1):
    ax_line.scatter(x_line[t_line == cls], np.zeros((t_line == cls).sum()),
                    marker="o^"[cls], color=f"C{cls}", edgecolors="k", linewidths=0.5,
                    label=f"class {cls}", zorder=3)
ax_line.set_yticks([])
ax_line.set_xlabel("$x$")
ax_line.set_title("1-D: no threshold on $x$ separates")
ax_line.legend(loc="upper right")
scatter_classes(ax_blown, np.column_stack([x_line, x_line**2]), t_line)
ax_blown.axhline(1.0, color="k", lw=1.5, label="$x^2 = 1$")
ax_blown.set_xlabel("$x$")
ax_blown.set_ylabel("$x^2$")
ax_blown.set_title("In $(x, x^2)$ a line separates")
ax_blown.legend(loc="upper center")
plt.show()

# %% [markdown]
# We can check both claims exhaustively: try every threshold between neighbouring points, in
# both orientations, and count the best achievable errors on $x$ alone; then do the same with the
# single threshold on $x^2$.

# %%
def fewest_threshold_errors(values, targets):
    """Smallest number of errors of any rule 'class 1 iff value > T' or 'iff value < T'."""
    order = np.sort(values)
    cuts = np.concatenate([[order[0] - 1], (order[:-1] + order[1:]) / 2, [order[-1] + 1]])
    errors = [min(np.sum((values > c) != targets), np.sum((values < c) != targets))
              for c in cuts]
    return int(min(errors))


print("best threshold on x   :", fewest_threshold_errors(x_line, t_line == 1), "errors")
print("best threshold on x^2 :", fewest_threshold_errors(x_line**2, t_line == 1), "errors")

# %% [markdown]
# ### The threshold unit
#
# McCulloch and Pitts (1943) modelled a neuron as a unit $j$ that receives inputs $x_i$ over
# weighted links $w_{ij}$, adds them into its *net input*, and fires when that reaches a
# threshold $T_j$:
#
# $$
# \mathrm{net}_j = \sum_i w_{ij}\,x_i, \qquad
# o_j = \begin{cases} 1 & \text{if } \mathrm{net}_j \ge T_j,\\ 0 & \text{otherwise.}\end{cases}
# $$
#
# Writing $w_0 = -T_j$ and a constant input $x_0 = 1$ folds the threshold into the weights:
# $o_j = \operatorname{step}(\mathbf w\cdot\mathbf x)$ with $\operatorname{step}(z) = 1$ for
# $z \ge 0$. The learning rules below use this form, with the bias weight $w_0$ first.
#
# With binary inputs, choosing weights is choosing a logic gate. For $n$ inputs and threshold $T$:
#
# | gate | weights | why it works |
# |---|---|---|
# | AND | $w_i = T/n$ | the net input reaches $T$ only when all $n$ inputs are on |
# | OR | $w_i = T$ | any single input on reaches $T$ |
# | NOT | $w = -1$, $T = -\tfrac12$ | a negative weight turns "on" into "below threshold" |
#
# Gates compose into circuits, and two layers suffice for every Boolean function: write the
# function in **disjunctive normal form** (an OR of ANDs, one AND per input row where the function
# is 1) or **conjunctive normal form** (an AND of ORs, one OR per row where it is 0). Negated
# literals cost nothing: a negative weight negates an input.
#
# ### Learning rules
#
# Each rule below changes the weights after seeing an example with inputs $\mathbf x$ and target
# $t$ (0/1) or $y$ ($\pm1$); $R$ (or $r$) is the learning rate.
#
# | rule | update | driven by |
# |---|---|---|
# | Hebb (1949) | $w_{ij} \leftarrow w_{ij} + R\,o_i\,o_j$ | co-activity, no error |
# | Perceptron (Rosenblatt, 1959) | $w_i \leftarrow w_i + R\,(t - o)\,x_i$ | mistakes only |
# | Widrow–Hoff / LMS / Adaline | $w_i \leftarrow w_i + R\,(t - \mathbf w\cdot\mathbf x)\,x_i$ | the size of the error |
# | Winnow (Littlestone, 1988) | $w_i \leftarrow w_i\,\alpha^{(t - o)x_i}$ | mistakes, multiplicatively |
#
# All but Hebb's are instances of **stochastic gradient descent**,
# $\mathbf w_{t+1} = \mathbf w_t - r_t\,\nabla_{\mathbf w} Q(\mathbf x_t, y_t, \mathbf w_t)$,
# on some loss $Q$, as section 3.5 shows.

# %% [markdown]
# ## 2 · From scratch: threshold units and logic gates
#
# The unit and the gate weights live in `course_nn.threshold_units`. Here is the table above as
# code:

# %%
show_source(threshold_units.gate_weights)

# %%
for gate, n_inputs in [("and", 2), ("or", 2), ("not", 1)]:
    w, T = threshold_units.gate_weights(gate, n_inputs, threshold=1.0)
    X = data.truth_table(n_inputs)
    outputs = threshold_units.threshold_unit(X, w, T)
    rows = ", ".join(f"{''.join(str(int(v)) for v in x)}->{int(o)}" for x, o in zip(X, outputs))
    print(f"{gate.upper():>3}  w={w.tolist()}  T={T:+.1f}   {rows}")

# %% [markdown]
# The AND rule $w_i = T/n$ works for any number of inputs. Here is a 4-input AND and OR checked on
# all 16 rows against Python's own `all` and `any`:

# %%
X4 = data.truth_table(4)
for gate, reference in [("and", X4.all(axis=1)), ("or", X4.any(axis=1))]:
    w, T = threshold_units.gate_weights(gate, 4, threshold=2.0)
    ok = np.array_equal(threshold_units.threshold_unit(X4, w, T), reference)
    print(f"4-input {gate.upper()} with T=2: matches on all 16 rows: {ok}")

# %% [markdown]
# ### Any Boolean function in two layers
#
# `dnf_network` turns a truth table into a two-layer network: one hidden AND unit per row where
# the function is 1, ORed by the output unit. Each hidden unit gets weight $+1$ on inputs that are
# 1 in its row and $-1$ on the others, with the threshold set to the number of ones, so it fires on
# its own row and nowhere else.

# %%
show_source(threshold_units.dnf_network)

# %%
X_xor, t_xor = data.logic_function("xor")
W_h, T_h, v_out, T_out = threshold_units.dnf_network(t_xor)
out, hidden = threshold_units.two_layer_network(X_xor, W_h, T_h, v_out, T_out)
print("hidden weights:\n", W_h, "\nhidden thresholds:", T_h)
for x, h, o in zip(X_xor, hidden, out):
    print(f"x={x.astype(int)}  hidden={h.astype(int)}  XOR={int(o)}")

# %% [markdown]
# The construction is general. Every one of the $2^{2^3} = 256$ Boolean functions of three inputs
# is computed exactly by its DNF network and by its CNF network:

# %%
X3 = data.truth_table(3)
all_ok = True
for code in range(256):
    t = ((code >> np.arange(8)) & 1).astype(float)
    for build in (threshold_units.dnf_network, threshold_units.cnf_network):
        outputs, _ = threshold_units.two_layer_network(X3, *build(t))
        all_ok &= np.array_equal(outputs, t)
print("all 256 functions, DNF and CNF networks exact:", all_ok)

# %% [markdown]
# ### What one unit cannot do
#
# XOR needed a hidden layer above. Could a cleverer single unit do it? Whether weights exist that
# separate a data set is a **linear program**: find $\mathbf w, T$ with
# $y_i(\mathbf w\cdot\mathbf x_i - T) \ge 1$ for every example. `linear_separator` asks SciPy's
# LP solver; "infeasible" is a proof that no single unit exists.

# %%
for name in ["and", "or", "nand", "xor", "xnor"]:
    X, t = data.logic_function(name)
    found = threshold_units.linear_separator(X, t)
    verdict = "separable" if found is not None else "NOT separable"
    print(f"{name.upper():>4}: {verdict}")

# %%
for n in (2, 3):
    separable, total = threshold_units.count_separable_functions(n)
    print(f"{n} inputs: {separable} of {total} Boolean functions are linearly separable "
          f"({separable / total:.0%})")

# %% [markdown]
# The fraction falls fast: for four inputs only 1,882 of the 65,536 functions are separable
# (a classical count, too slow to recompute here in a minute). This is the **representational
# restriction** of a single layer. Learning rules can only find weights that exist, so
# everything below is about the functions one unit *can* represent.

# %% [markdown]
# ## 3 · From scratch: learning the weights
#
# ### 3.1 · Hebb's rule
#
# Hebb's rule strengthens a connection whenever both of its ends are active. Used for supervised
# learning, we clamp the output to the target and apply it once per example. With *bipolar*
# coding ($-1/+1$ instead of $0/1$), one pass learns AND:

# %%
X_and01, t_and01 = data.logic_function("and")
X_bip, y_bip = 2 * X_and01 - 1, 2 * t_and01 - 1
w_hebb = linear_rules.train_hebb(X_bip, y_bip, learning_rate=1.0)
print("Hebb weights (bias first):", w_hebb)
print("sign(w . x) on the 4 rows:", np.sign(linear_rules.add_bias(X_bip) @ w_hebb).astype(int),
      " targets:", y_bip.astype(int))

# %% [markdown]
# There is no error term, so nothing tells the rule to stop: presenting the same examples again
# only makes the weights longer.

# %%
W = np.zeros((1, 3))
norms = []
for _ in range(5):
    for x, y in zip(linear_rules.add_bias(X_bip), y_bip):
        W = linear_rules.hebb_update(W, x, np.array([y]), learning_rate=1.0)
    norms.append(np.linalg.norm(W))
print("weight norm after each pass:", np.round(norms, 2))

# %% [markdown]
# ### 3.2 · The perceptron rule
#
# Rosenblatt's rule compares the unit's output $o = \operatorname{step}(\mathbf w\cdot\mathbf x)$
# with the target $t$. A correct output leaves the weights alone; a 0 that should be 1 adds
# $R\mathbf x$; a 1 that should be 0 subtracts it. It learns only from mistakes.

# %%
show_source(linear_rules.perceptron_update)

# %% [markdown]
# **Convergence.** On separable data the rule stops making mistakes after finitely many. Novikoff
# (1962) bounds how many: if some unit vector $\mathbf u$ separates the (bias-augmented) data with
# margin $\gamma = \min_i y_i\,\mathbf u\cdot\mathbf x_i > 0$ and every $\|\mathbf x_i\| \le R$,
# the perceptron started at $\mathbf w = 0$ makes at most $(R/\gamma)^2$ mistakes, whatever the
# order of the examples. The tests in `tests/test_linear_rules.py` check this bound; here it is on
# one data set.

# %%
X_sep, t_sep, (normal, offset) = data.separable_clusters(
    80, rng, margin=0.05, normal=(1.0, -1.5), offset=0.4, return_separator=True
)
run_sep = linear_rules.train_perceptron(X_sep, t_sep, learning_rate=1.0, max_epochs=100)

Xb = linear_rules.add_bias(X_sep)
u = np.concatenate([[offset], normal]) / np.linalg.norm(np.concatenate([[offset], normal]))
gamma = np.min((2 * t_sep - 1) * (Xb @ u))
R_max = np.max(np.linalg.norm(Xb, axis=1))
print(f"converged: {run_sep.converged} after {run_sep.epochs} epochs")
print(f"mistakes per epoch: {run_sep.mistakes_per_epoch}")
print(f"total mistakes {run_sep.mistakes} <= Novikoff bound (R/gamma)^2 = {(R_max / gamma)**2:.0f}")

# %%
fig, (ax_b, ax_m) = plt.subplots(1, 2, figsize=(10, 4))
scatter_classes(ax_b, X_sep, t_sep)
ax_b.set_xlim(-1.1, 1.1)
ax_b.set_ylim(-1.1, 1.1)
history = run_sep.weight_history
for k, w in enumerate(history[1:], start=1):
    plot_linear_boundary(ax_b, w, color=plt.cm.Greys(0.25 + 0.75 * k / len(history)),
                         lw=2 if k == len(history) - 1 else 1,
                         label="final boundary" if k == len(history) - 1 else None)
ax_b.set_title("Perceptron boundary after each epoch (darker = later)")
ax_b.legend(loc="lower left")
ax_m.bar(np.arange(1, run_sep.epochs + 1), run_sep.mistakes_per_epoch, color="C2")
ax_m.set_xticks(np.arange(1, run_sep.epochs + 1))
ax_m.set_xlabel("epoch")
ax_m.set_ylabel("mistakes")
ax_m.set_title("Mistakes per epoch fall to zero")
plt.show()

# %% [markdown]
# **Cycling.** On XOR no weights are right, so some example is always misclassified and the
# weights never settle. With the examples in a fixed order and $R = 1$ the weights are integers
# confined to a small region, so they must eventually revisit a value and repeat the same loop
# forever. `train_perceptron` notices the repeat and stops. Here the weights at the end of an
# epoch equal those at the end of the one before, although that epoch made mistakes: the same
# updates will undo and redo each other for ever.

# %%
run_xor = linear_rules.train_perceptron(X_xor, t_xor, learning_rate=1.0, max_epochs=1000)
print(f"converged: {run_xor.converged}, cycled: {run_xor.cycled} after {run_xor.epochs} epochs")
print("mistakes per epoch:", run_xor.mistakes_per_epoch)
print("weights at the end of each epoch (bias, w1, w2):")
print(run_xor.weight_history.astype(int))

# %% [markdown]
# With shuffled examples there is no exact cycle, but there is no convergence either: on two
# overlapping clouds the mistakes per epoch hover around a floor instead of reaching zero.

# %%
X_ovl, t_ovl = data.gaussian_clusters(200, rng, distance=2.0)
run_ovl = linear_rules.train_perceptron(X_ovl, t_ovl, max_epochs=40, rng=rng)
run_sep_shuffled = linear_rules.train_perceptron(X_sep, t_sep, max_epochs=40, rng=rng)

fig, (ax_c, ax_d) = plt.subplots(1, 2, figsize=(10, 3.8))
ax_c.plot(np.arange(1, run_ovl.epochs + 1), run_ovl.mistakes_per_epoch, "o-", ms=3,
          label=f"overlapping clouds (converged: {run_ovl.converged})")
ax_c.plot(np.arange(1, run_sep_shuffled.epochs + 1), run_sep_shuffled.mistakes_per_epoch,
          "s-", ms=3, label=f"separable data (converged: {run_sep_shuffled.converged})")
ax_c.set_xlabel("epoch")
ax_c.set_ylabel("mistakes")
ax_c.set_title("Shuffled perceptron: converges only if separable")
ax_c.legend()
plot_decision_boundary(ax_d, lambda G: linear_rules.predict_linear(run_ovl.weights, G),
                       X_ovl, t_ovl, title="Last weights on the overlapping clouds")
plt.show()
print("final training errors on the overlapping clouds:",
      int(np.sum(linear_rules.predict_linear(run_ovl.weights, X_ovl) != t_ovl)), "of", len(t_ovl))

# %% [markdown]
# ### 3.3 · Widrow–Hoff: gradient descent on the squared error
#
# The perceptron looks only at the sign of $\mathbf w\cdot\mathbf x$. Widrow and Hoff instead ask
# for the best *linear approximation* of the targets: the linear output
# $o_d = \mathbf w\cdot\mathbf x_d$ should be close to $t_d$ in the sense of
#
# $$
# \mathrm{Err}(\mathbf w) = \frac12 \sum_{d\in D} (t_d - o_d)^2 .
# $$
#
# For a fixed data set $D$ this is a quadratic bowl over weight space. Its gradient is
# $\partial\,\mathrm{Err}/\partial w_i = -\sum_d (t_d - o_d)\,x_{id}$, so steepest descent moves
# every weight by
#
# $$
# \Delta w_i = R \sum_{d\in D} (t_d - o_d)\,x_{id}.
# $$
#
# **Batch** descent sums this over all examples before moving; **incremental** (stochastic)
# descent moves after each example by $R\,(t_d - o_d)\,x_{id}$, which is the Widrow–Hoff or LMS
# rule. On a bowl with curvatures $\lambda_k$ (the eigenvalues of $X^\top X$), batch descent
# converges exactly when $R < 2/\lambda_{\max}$.

# %%
show_source(linear_rules.widrow_hoff_batch)

# %% [markdown]
# A one-input problem has two weights (bias $w_0$ and slope $w_1$), so we can draw the whole
# error surface and the path each variant takes across it.

# %%
x_reg = rng.uniform(0.0, 3.0, size=30)
t_reg = 0.5 + 1.5 * x_reg + 0.4 * rng.standard_normal(30)
X_reg = x_reg[:, None]
w_star = linear_rules.least_squares(X_reg, t_reg)
Xb_reg = linear_rules.add_bias(X_reg)
curvatures = np.linalg.eigvalsh(Xb_reg.T @ Xb_reg)
critical_rate = 2 / curvatures.max()
w_start = np.array([2.5, -0.5])
print("least-squares weights (np.linalg.lstsq):", np.round(w_star, 4))
print("curvatures (eigenvalues of X^T X):", np.round(curvatures, 2))
print(f"batch descent converges for R < 2 / lambda_max = {critical_rate:.4f}")

batch = linear_rules.widrow_hoff_batch(X_reg, t_reg, learning_rate=0.5 * critical_rate,
                                       epochs=150, w0=w_start)
incremental = linear_rules.widrow_hoff_incremental(X_reg, t_reg, learning_rate=0.05, epochs=15,
                                                   w0=w_start, rng=rng)
print("batch after 150 epochs      :", np.round(batch.weights, 4),
      f" distance to lstsq {np.linalg.norm(batch.weights - w_star):.1e}")
print("incremental after 15 epochs :", np.round(incremental.weights, 4),
      f" distance to lstsq {np.linalg.norm(incremental.weights - w_star):.1e}")

# %%
def surface_error(w):
    return linear_rules.lms_error(w, X_reg, t_reg)


fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(11, 4.3))
plot_error_surface(ax_s, surface_error, (-2.5, 3.5), (-1.0, 3.0), path=batch.path,
                   path_label="batch (one step per epoch)", path_color="C3")
ax_s.plot(incremental.path[:, 0], incremental.path[:, 1], "-", color="C0", lw=0.8,
          label="incremental (one step per example)")
ax_s.plot(*w_star, "kx", ms=10, mew=2, label="least squares")
ax_s.set_title("Err(w) and two descents from the same start")
ax_s.legend(loc="upper right")
ax_e.semilogy(batch.errors, "C3", label="batch")
ax_e.semilogy(incremental.errors, "C0o-", ms=3, label="incremental (per epoch)")
ax_e.axhline(surface_error(w_star), color="k", ls="--", lw=1, label="minimum")
ax_e.set_xlabel("epoch")
ax_e.set_ylabel("Err(w)")
ax_e.set_title("Error per epoch")
ax_e.legend()
plt.show()

# %% [markdown]
# The bowl is a long, narrow valley: its two curvatures differ by a factor of about 18, because
# the inputs are all positive, so bias and slope can trade off against each other. Batch descent
# drops to the valley floor in a few steps (the steep direction) and then crawls along it (the
# flat one); the crawl's speed is set by the *smallest* curvature, while the largest one caps the
# rate. The incremental path reacts to every example, so it wanders, and with a fixed rate it
# keeps jittering around the minimum, each example pulling towards its own target. A learning rate
# that shrinks over time would let it settle.

# %% [markdown]
# ### 3.4 · Winnow: multiplicative updates
#
# The perceptron *adds* a multiple of $\mathbf x$ on a mistake. Winnow *multiplies*: weights of
# active inputs are multiplied by $\alpha > 1$ after a miss and divided by $\alpha$ after a false
# alarm, with the threshold fixed at $n$, the number of inputs.

# %%
show_source(linear_rules.winnow_update)

# %% [markdown]
# The difference matters when only a few of many inputs are relevant. Below, the target is an OR
# of $k = 3$ inputs out of $n$, and both rules see the same stream of examples once. The
# perceptron's mistakes grow roughly linearly in $n$, Winnow's like $k \log n$.

# %%
sizes = [16, 32, 64, 128, 256, 512]
mistakes = {"perceptron": [], "Winnow": []}
for n_features in progress(sizes, desc="features"):
    X_dis, t_dis = data.sparse_disjunction(1500, n_features, 3, rng)
    perceptron = linear_rules.train_perceptron(X_dis, t_dis, max_epochs=1)
    winnow = linear_rules.train_winnow(X_dis, t_dis, promotion=2.0, max_epochs=1)
    mistakes["perceptron"].append(perceptron.mistakes)
    mistakes["Winnow"].append(winnow.mistakes)

fig, ax = plt.subplots(figsize=(6, 3.6))
for name, values in mistakes.items():
    ax.plot(sizes, values, "o-", label=name)
ax.set_xscale("log", base=2)
ax.set_xlabel("number of inputs $n$ (3 relevant)")
ax.set_ylabel("mistakes in one pass of 1,500 examples")
ax.set_title("Additive vs multiplicative updates")
ax.legend()
plt.show()
for n_features, p, w in zip(sizes, mistakes["perceptron"], mistakes["Winnow"]):
    print(f"n={n_features:>4}: perceptron {p:>4} mistakes, Winnow {w:>3}")

# %% [markdown]
# ### 3.5 · One algorithm behind them: stochastic gradient descent
#
# The general stochastic gradient algorithm picks an example $(\mathbf x_t, y_t)$, a loss
# $Q(\mathbf x, y, \mathbf w)$, and steps against its gradient:
#
# $$
# \mathbf w_{t+1} = \mathbf w_t - r_t\, \nabla_{\mathbf w} Q(\mathbf x_t, y_t, \mathbf w_t).
# $$
#
# * **Squared (LMS) loss** $Q = \tfrac12 (y - \mathbf w^\top\mathbf x)^2$ has gradient
#   $-(y - \mathbf w^\top\mathbf x)\mathbf x$, giving Widrow–Hoff's
#   $\mathbf w_{t+1} = \mathbf w_t + r\,(y_t - \mathbf w_t^\top\mathbf x_t)\,\mathbf x_t$.
#   Although we classify with $\operatorname{sgn}(\mathbf w^\top\mathbf x)$, this loss ignores the
#   sign: it also punishes a correct prediction that is "too confident".
# * **Hinge loss** $Q = \max(0,\, 1 - y\,\mathbf w^\top\mathbf x)$ for $y = \pm1$ is flat (zero
#   gradient) when $y\,\mathbf w^\top\mathbf x > 1$, and has gradient $-y\mathbf x$ otherwise. The
#   SGD step is therefore: *no update* when the example is right by a margin of at least 1, else
#   $\mathbf w_{t+1} = \mathbf w_t + r\,y_t\mathbf x_t$. That is the perceptron update with a margin.

# %%
show_source(linear_rules.hinge_loss_grad)

# %% [markdown]
# We check the equivalence on many random examples, including ones exactly on the margin, and
# check both gradients against centred finite differences:

# %%
largest_gap = 0.0
for _ in range(500):
    w, x = rng.standard_normal(3), rng.standard_normal(3)
    y = rng.choice([-1.0, 1.0])
    if rng.random() < 0.2:  # put some examples exactly on the margin y w.x = 1
        w = w + (1.0 / y - w @ x) * x / (x @ x)
    via_sgd = linear_rules.sgd_step(w, x, y, learning_rate=0.1, loss="hinge")
    via_margin = linear_rules.perceptron_margin_update(w, x, y, learning_rate=0.1, margin=1.0)
    largest_gap = max(largest_gap, np.max(np.abs(via_sgd - via_margin)))
print("largest difference, hinge SGD step vs perceptron-with-margin:", largest_gap)

w, x, y = np.array([0.3, -0.2, 0.5]), np.array([1.0, 0.4, -0.7]), 1.0
for name, loss, grad in [("squared", linear_rules.squared_loss, linear_rules.squared_loss_grad),
                         ("hinge", linear_rules.hinge_loss, linear_rules.hinge_loss_grad)]:
    numeric = numerical_gradient(lambda v, loss=loss: loss(v, x, y), w)
    print(f"{name:>7} loss: relative error of the gradient vs finite differences "
          f"{relative_error(grad(w, x, y), numeric):.0e}")

# %% [markdown]
# ### 3.6 · Other ways to learn a linear function
#
# Gradient descent is one route to a linear classifier, not the only one. **Linear
# programming** finds separating weights directly (section 2 used it to *prove* separability),
# and **probabilistic classifiers** fit a model of $P(y \mid \mathbf x)$ under some assumption:
# logistic regression (notebook 02) or naive Bayes, for instance. On the separable clusters all
# of them find a perfect boundary; they differ in which one.

# %%
w_lp, T_lp = threshold_units.linear_separator(X_sep, t_sep)
logreg = LogisticRegression(C=100.0).fit(X_sep, t_sep)
candidates = {
    "perceptron": run_sep.weights,
    "linear program": np.concatenate([[-T_lp], w_lp]),
    "logistic regression": np.concatenate([logreg.intercept_, logreg.coef_[0]]),
}
for name, w in candidates.items():
    errors = int(np.sum(linear_rules.predict_linear(w, X_sep) != t_sep))
    print(f"{name:>20}: training errors {errors}")

# %% [markdown]
# ## 4 · Experiments
#
# ### How large a step?
#
# The rate $R$ decides whether batch descent crawls, glides or explodes. The slider below moves
# it across the critical value $2/\lambda_{\max}$; switch between batch and incremental descent to
# see that the incremental version tolerates a larger $R$ per step only because each step uses one
# example. (The slider needs a running kernel; the figure after it shows the default setting and
# three fixed rates, so the page makes sense without one.)

# %%
def plot_lms_descent(learning_rate=0.5 * critical_rate, mode="batch", ax=None):
    """Draw a Widrow-Hoff descent on the error surface of (X_reg, t_reg) from w_start."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.2))
    if mode == "batch":
        run = linear_rules.widrow_hoff_batch(X_reg, t_reg, learning_rate=learning_rate,
                                             epochs=40, w0=w_start)
    else:
        run = linear_rules.widrow_hoff_incremental(X_reg, t_reg, learning_rate=learning_rate,
                                                   epochs=5, w0=w_start)
    path = np.clip(run.path, -50, 50)  # a diverging path would stretch the axes to infinity
    plot_error_surface(ax, surface_error, (-2.5, 3.5), (-1.0, 3.0), path=path)
    ax.plot(*w_star, "kx", ms=10, mew=2)
    final = run.errors[-1]
    state = "diverged" if not np.isfinite(final) or final > run.errors[0] else f"Err={final:.2f}"
    ax.set_title(f"{mode}, R = {learning_rate:.4f} ({learning_rate / critical_rate:.2f} x "
                 f"critical): {state}", fontsize=10)
    return ax


# %% tags=["nbval-ignore-output", "remove-output"]
_ = live_interact(
    plot_lms_descent,
    learning_rate=FloatLogSlider(value=0.5 * critical_rate, base=10, min=-3, max=0, step=0.05,
                                 description="rate R", readout_format=".4f"),
    mode=ToggleButtons(options=["batch", "incremental"], value="batch"),
    ax=fixed(None),
)

# %%
fig, axes = plt.subplots(1, 4, figsize=(16, 3.9))
plot_lms_descent(ax=axes[0])
for ax, fraction in zip(axes[1:], [0.05, 0.95, 1.05]):
    plot_lms_descent(fraction * critical_rate, ax=ax)
fig.suptitle("Batch Widrow-Hoff: the default setting, then 0.05, 0.95 and 1.05 x the critical "
             "rate")
plt.show()

# %% [markdown]
# A tiny rate barely moves in 40 epochs. Just below the critical rate the path zig-zags across the
# valley, each swing a little shorter than the last, and still converges; just above it each swing
# is longer than the last and the error grows without bound. The numbers agree:

# %%
print(f"minimum Err = {surface_error(w_star):.4g}")
for fraction in [0.05, 0.5, 0.95, 1.05]:
    run = linear_rules.widrow_hoff_batch(X_reg, t_reg, learning_rate=fraction * critical_rate,
                                         epochs=40, w0=w_start)
    print(f"R = {fraction:.2f} x critical: Err after 40 epochs = {run.errors[-1]:.4g}")

# %% [markdown]
# ### Does the perceptron's learning rate matter?
#
# Starting from $\mathbf w = 0$, every perceptron update is a multiple of $R$, so the weights are
# always $R$ times those of a run with $R = 1$. The outputs $\operatorname{step}(\mathbf
# w\cdot\mathbf x)$ do not change when $\mathbf w$ is scaled, so the run makes the same mistakes.
# (From a non-zero start this is no longer true.)

# %%
for rate in [0.01, 1.0, 100.0]:
    run = linear_rules.train_perceptron(X_sep, t_sep, learning_rate=rate)
    print(f"R = {rate:>6}: {run.mistakes} mistakes, weights / R = {np.round(run.weights / rate, 3)}")

# %% [markdown]
# ## 5 · PyTorch, on the GPU when there is one
#
# The same Adaline in PyTorch: a `torch.nn.Linear(1, 1)` whose bias and weight start where the
# NumPy run started, trained by full-batch gradient descent on $\tfrac12\sum_d (t_d - o_d)^2$ with
# `torch.optim.SGD`. Autograd computes the gradient that section 3.3 derived by hand, so after the
# same number of epochs both implementations should hold the same weights. The device is
# `course_nn.choose_device()`: CUDA if present, else Apple's MPS, else the CPU. MPS has no
# float64, so there we compare in float32 with a looser tolerance.

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)  # on a CPU, torch's threads would compete with NumPy's
tolerance = 1e-4 if dtype == torch.float32 else 1e-10
print("running on:", describe_device(device), "in", dtype)

# %%
model = torch.nn.Linear(1, 1).to(device=device, dtype=dtype)
with torch.no_grad():
    model.bias.fill_(w_start[0])
    model.weight.fill_(w_start[1])
inputs = torch.tensor(X_reg, dtype=dtype, device=device)
targets = torch.tensor(t_reg, dtype=dtype, device=device)
optimiser = torch.optim.SGD(model.parameters(), lr=0.5 * critical_rate)
for _ in range(len(batch.path) - 1):  # as many epochs as the NumPy run
    optimiser.zero_grad()
    loss = 0.5 * ((targets - model(inputs).squeeze(1)) ** 2).sum()
    loss.backward()
    optimiser.step()

w_torch = np.array([model.bias.item(), model.weight.item()])
gap = np.max(np.abs(w_torch - batch.weights))
print("torch weights (bias, slope):", np.round(w_torch, 6))
print("NumPy weights (bias, slope):", np.round(batch.weights, 6))
print(f"agree within the stated tolerance: {gap < tolerance}")

# %% [markdown]
# Autograd also confirms the hinge subgradient that made the perceptron an SGD method, on a batch
# of examples with some inside the margin and some outside:

# %%
W_check = rng.standard_normal(3)
X_check = rng.standard_normal((8, 3))
y_check = rng.choice([-1.0, 1.0], size=8)
w_t = torch.tensor(W_check, dtype=dtype, device=device, requires_grad=True)
hinge = torch.clamp(1 - torch.tensor(y_check, dtype=dtype, device=device)
                    * (torch.tensor(X_check, dtype=dtype, device=device) @ w_t), min=0).sum()
hinge.backward()
ours = linear_rules.hinge_loss_grad(W_check, X_check, y_check)
print("examples inside the margin:", int(np.sum(y_check * (X_check @ W_check) <= 1)), "of 8")
print("autograd and hinge_loss_grad agree:",
      bool(np.allclose(w_t.grad.cpu().numpy(), ours, atol=tolerance)))

# %% [markdown]
# ## 6 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.threshold_units`. Replace the `None`s, run
# the cell, and the checker says whether you are right and, if not, what went wrong. A worked
# solution is hidden below each one: click to reveal it.
#
# **Exercise 1 (NAND).** Find weights $(w_1, w_2)$ and a threshold $T$ so that one threshold unit
# computes NAND (1 unless both inputs are 1).

# %%
my_weights, my_threshold = None, None
exercises.check_nand_unit(my_weights, my_threshold)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: NAND is NOT(AND). Negate the AND unit: weights -1 each, and fire while the net input
# stays above the point that only "both on" (net -2) falls below, e.g. T = -1.5.
exercises.check_nand_unit([-1.0, -1.0], -1.5)

# %% [markdown]
# **Exercise 2 (XOR in two layers).** Give a network with two hidden threshold units and one
# output unit that computes XOR. The hidden weights have shape (2, 2), one row per hidden unit.

# %%
my_network = dict(hidden_weights=None, hidden_thresholds=None, output_weights=None,
                  output_threshold=None)
exercises.check_xor_network(**my_network)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: XOR = (x1 OR x2) AND NOT(x1 AND x2). Hidden unit 1 is OR (w = 1, 1; T = 1), hidden
# unit 2 is NAND (w = -1, -1; T = -1.5), and the output ANDs them (w = 1/2 each, T = 1).
exercises.check_xor_network(hidden_weights=[[1, 1], [-1, -1]], hidden_thresholds=[1, -1.5],
                            output_weights=[0.5, 0.5], output_threshold=1.0)

# %% [markdown]
# **Exercise 3 (one perceptron step by hand).** With the weights, input (bias entry first),
# target and rate below, what are the weights after one perceptron update? Work it out on paper
# before you type it.

# %%
print(exercises.PERCEPTRON_STEP)
my_new_weights = None
exercises.check_perceptron_step(my_new_weights)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: w . x = 0.5*1 - 1.0*1 + 2.0*0 = -0.5 < 0, so o = 0 while t = 1. The update adds
# R (t - o) x = 0.5 * (1, 1, 0), giving (1.0, -0.5, 2.0).
exercises.check_perceptron_step([1.0, -0.5, 2.0])

# %% [markdown]
# **Exercise 4 (the critical rate).** For the data in `exercises.lms_exercise_data()`, find the
# learning rate $R$ above which batch Widrow–Hoff diverges. Hint: section 3.3.

# %%
X_ex, t_ex = exercises.lms_exercise_data()
my_rate = None
exercises.check_lms_critical_rate(my_rate)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Solution: the error is a quadratic bowl with Hessian Xb^T Xb (Xb has the bias column). Batch
# descent multiplies the error along each eigenvector by (1 - R lambda) per step, which shrinks
# only while R < 2 / lambda_max. We confirm by running just below and just above.
Xb_ex = linear_rules.add_bias(X_ex)
rate = 2.0 / np.linalg.eigvalsh(Xb_ex.T @ Xb_ex).max()
for factor in (0.99, 1.01):
    run = linear_rules.widrow_hoff_batch(X_ex, t_ex, learning_rate=factor * rate, epochs=2000)
    print(f"{factor} x rate: error {'shrinks' if run.errors[-1] < run.errors[0] else 'grows'}")
exercises.check_lms_critical_rate(rate)

# %% [markdown]
# ## 7 · Summary
#
# * A threshold unit draws one hyperplane. Data it cannot split may become separable after a
#   change of features, such as $x \mapsto (x, x^2)$.
# * With the right weights, threshold units are AND, OR and NOT gates, and two layers of them
#   compute any Boolean function (DNF or CNF). One layer cannot: XOR, and all but 104 of the 256
#   three-input functions, are out of reach.
# * Hebb's rule strengthens co-active connections with no notion of error. The perceptron rule
#   corrects mistakes and, on separable data, stops after at most $(R/\gamma)^2$ of them; on
#   non-separable data it never settles.
# * Widrow–Hoff descends the squared-error bowl: batch steps converge for $R < 2/\lambda_{\max}$,
#   incremental steps hover near the least-squares solution. Winnow's multiplicative updates beat
#   additive ones when few of many inputs matter.
# * Perceptron and LMS are both stochastic gradient descent, on the hinge and squared losses.
#
# **Next**, notebook 02 replaces the step by a smooth sigmoid, so that a gradient exists for the
# hidden layers that XOR needs; notebook 03 turns that into backpropagation.
