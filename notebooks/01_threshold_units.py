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
# 3. state and run the Hebb, perceptron, Widrow–Hoff and Winnow rules, say when each
#    converges, and sketch why the perceptron does;
# 4. read the perceptron, the perceptron with a margin and Widrow–Hoff as stochastic gradient
#    descent on three losses (perceptron criterion, hinge, squared), and Winnow as a step on
#    the log-weights instead.
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
# We can check both claims exhaustively: `fewest_threshold_errors` tries every threshold between
# neighbouring points, in both orientations, and counts the fewest errors any of them makes; we
# run it on $x$ alone and then on $x^2$ alone.

# %%
show_source(threshold_units.fewest_threshold_errors)

# %%
errors_x = threshold_units.fewest_threshold_errors(x_line, t_line)
errors_x2 = threshold_units.fewest_threshold_errors(x_line**2, t_line)
print(f"best threshold on x   : {errors_x} errors of {len(t_line)}")
print(f"best threshold on x^2 : {errors_x2} errors")
print("no threshold on x separates, one on x^2 does:", errors_x > 0 and errors_x2 == 0)

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
# $t$ (0/1) or $y = 2t - 1$ ($\pm1$); $R$ (or $r$ in the SGD form) is the learning rate.
#
# | rule | update | driven by |
# |---|---|---|
# | Hebb (1949) | $w_{ij} \leftarrow w_{ij} + R\,o_i\,o_j$ | co-activity, no error |
# | Perceptron (Rosenblatt, 1958) | $w_i \leftarrow w_i + R\,(t - o)\,x_i$ | mistakes only |
# | Widrow–Hoff / LMS / Adaline | $w_i \leftarrow w_i + R\,(t - \mathbf w\cdot\mathbf x)\,x_i$ | the size of the error |
# | Winnow (Littlestone, 1988) | $w_i \leftarrow w_i\,\alpha^{(t - o)x_i}$ | mistakes, multiplicatively |
#
# The perceptron and Widrow–Hoff rules are instances of **stochastic gradient descent**,
# $\mathbf w_{t+1} = \mathbf w_t - r\,\nabla_{\mathbf w} Q(\mathbf x_t, y_t, \mathbf w_t)$,
# each on its own loss $Q$ (section 3.5 shows the three losses side by side). Hebb's rule has no
# loss at all, and Winnow is not a gradient step on $\mathbf w$: it takes the perceptron's step
# on $\ln\mathbf w$ (section 3.4).

# %% [markdown]
# ## 2 · From scratch: threshold units and logic gates
#
# The unit and the gate weights live in `course_nn.threshold_units`. Here is the table above as
# code:

# %%
show_source(threshold_units.gate_weights)

# %%
for gate, n_inputs in [("and", 2), ("or", 2), ("not", 1)]:
    w, T = threshold_units.gate_weights(gate, n_inputs)  # T = 1 for AND and OR
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
# One linear program per function is too slow for the 65,536 functions of four inputs. A
# faster count enumerates units instead of functions: every weight vector with integer entries
# from $-m$ to $m$, with every threshold that makes a difference, and the distinct truth tables
# they compute. That is a lower bound, which stops growing once $m$ is large enough; on three
# inputs it already agrees with the linear programs at $m = 2$.

# %%
for n, m in [(3, 1), (3, 2), (4, 2), (4, 3), (4, 4)]:
    found, total = threshold_units.count_integer_weight_functions(n, m)
    print(f"{n} inputs, integer weights in [-{m}, {m}]: {found:>5} of {total} functions "
          f"({found / total:.1%})")
print("integer weights up to 2 find all 104 on 3 inputs:",
      threshold_units.count_integer_weight_functions(3, 2)[0] == 104)
print("on 4 inputs, weights up to 4 add nothing to weights up to 3:",
      threshold_units.count_integer_weight_functions(4, 4)
      == threshold_units.count_integer_weight_functions(4, 3))

# %% [markdown]
# For four inputs the count stops at 1,882 of 65,536 (about 3%): weights up to $\pm4$ add no
# function that $\pm3$ did not already give, and 1,882 is the classical count of threshold
# functions of four variables (Muroga, 1971), which confirms that weights up to 3 suffice. The
# fraction falls fast with $n$. This is the **representational restriction** of a single layer.
# Learning rules can only find weights that exist, so everything below is about the functions
# one unit *can* represent.

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
signs = np.sign(linear_rules.add_bias(X_bip) @ w_hebb)
print("sign(w . x) on the 4 rows:", signs.astype(int), " targets:", y_bip.astype(int))
print("one pass of Hebb learns bipolar AND:", np.array_equal(signs, y_bip))

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
print("the norm grows with every pass:", bool(np.all(np.diff(norms) > 0)))

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
# (1962) bounds how many. Write $y = 2t - 1$, so that a mistake adds $R\,y\,\mathbf x$. Suppose
# some unit vector $\mathbf u$ separates the (bias-augmented) data with margin
# $\gamma = \min_i y_i\,\mathbf u\cdot\mathbf x_i > 0$, and every example has length
# $\|\mathbf x_i\| \le \rho$. Then the perceptron started at $\mathbf w = 0$ makes at most
# $(\rho/\gamma)^2$ mistakes, whatever the order of the examples and whatever the rate $R$.
#
# *Proof sketch.* Let $\mathbf w_k$ be the weights after the $k$-th mistake, made on
# $(\mathbf x, y)$, so $\mathbf w_k = \mathbf w_{k-1} + R\,y\,\mathbf x$ and
# $y\,\mathbf w_{k-1}\cdot\mathbf x \le 0$ (it was a mistake). Two inequalities follow:
#
# $$
# \begin{aligned}
# \mathbf w_k\cdot\mathbf u &= \mathbf w_{k-1}\cdot\mathbf u + R\,y\,\mathbf x\cdot\mathbf u
#   \;\ge\; \mathbf w_{k-1}\cdot\mathbf u + R\gamma,\\
# \|\mathbf w_k\|^2 &= \|\mathbf w_{k-1}\|^2 + 2R\,y\,\mathbf w_{k-1}\cdot\mathbf x
#   + R^2\|\mathbf x\|^2\\
#   &\le \|\mathbf w_{k-1}\|^2 + R^2\rho^2 .
# \end{aligned}
# $$
#
# After $k$ mistakes, $\mathbf w_k\cdot\mathbf u \ge kR\gamma$ and $\|\mathbf w_k\|^2 \le kR^2\rho^2$.
# Since $\mathbf w_k\cdot\mathbf u \le \|\mathbf w_k\|$ for a unit vector $\mathbf u$,
# $kR\gamma \le \sqrt k\,R\rho$, that is $k \le (\rho/\gamma)^2$. The alignment with
# $\mathbf u$ grows linearly in $k$ while the length grows only like $\sqrt k$, so mistakes
# cannot go on for ever. The tests in `tests/test_linear_rules.py` check the bound on many data
# sets; here it is on one.

# %%
X_sep, t_sep, (normal, offset) = data.separable_clusters(
    80, rng, margin=0.05, normal=(1.0, -1.5), offset=0.4, return_separator=True
)
run_sep = linear_rules.train_perceptron(X_sep, t_sep, learning_rate=1.0, max_epochs=100)

Xb = linear_rules.add_bias(X_sep)
u = np.concatenate([[offset], normal]) / np.linalg.norm(np.concatenate([[offset], normal]))
gamma = np.min((2 * t_sep - 1) * (Xb @ u))
rho = np.max(np.linalg.norm(Xb, axis=1))
bound = (rho / gamma) ** 2
print(f"converged: {run_sep.converged} after {run_sep.epochs} epochs")
print(f"mistakes per epoch: {run_sep.mistakes_per_epoch}")
print(f"total mistakes {run_sep.mistakes}; Novikoff bound (rho/gamma)^2 = {bound:.0f}")
print("mistakes within the bound:", run_sep.mistakes <= bound)

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
# weights never settle. They do not run off to infinity either: the **perceptron cycling
# theorem** (stated by Minsky and Papert, 1969, proved by Block and Levin, 1970) says that on any
# finite data set the perceptron's weights stay in a bounded region. With integer inputs and
# $R = 1$ the weights are integer vectors, so only finitely many values are reachable; in a fixed
# order of examples the run must revisit a value at the end of an epoch and from then on repeat
# the same loop for ever. `train_perceptron` notices the repeat and stops. Here the weights at
# the end of an epoch equal those at the end of the one before, although that epoch made
# mistakes: the same updates undo and redo each other.

# %%
run_xor = linear_rules.train_perceptron(X_xor, t_xor, learning_rate=1.0, max_epochs=1000)
print(f"converged: {run_xor.converged}, cycled: {run_xor.cycled} after {run_xor.epochs} epochs")
print("mistakes per epoch:", run_xor.mistakes_per_epoch)
print("weights at the end of each epoch (bias, w1, w2):")
print(run_xor.weight_history.astype(int))
print("cycled with mistakes in every epoch:",
      run_xor.cycled and min(run_xor.mistakes_per_epoch) > 0)

# %% [markdown]
# With shuffled examples there is no exact cycle, but there is no convergence either: on two
# overlapping clouds the mistakes per epoch hover around a floor instead of reaching zero, while
# the same shuffled rule on the separable clusters stops.

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
print(f"overlapping: converged {run_ovl.converged}, fewest mistakes in an epoch "
      f"{min(run_ovl.mistakes_per_epoch)}; separable: converged {run_sep_shuffled.converged}")

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
print("curvatures (eigenvalues of X^T X):", np.round(curvatures, 2),
      f" ratio {curvatures.max() / curvatures.min():.1f}")
print(f"batch descent converges for R < 2 / lambda_max = {critical_rate:.4f}")

batch = linear_rules.widrow_hoff_batch(X_reg, t_reg, learning_rate=0.5 * critical_rate,
                                       epochs=150, w0=w_start)
incremental = linear_rules.widrow_hoff_incremental(X_reg, t_reg, learning_rate=0.05, epochs=15,
                                                   w0=w_start, rng=rng)
gap_batch = np.linalg.norm(batch.weights - w_star)
gap_incremental = np.linalg.norm(incremental.weights - w_star)
print("batch after 150 epochs      :", np.round(batch.weights, 4),
      f" distance to lstsq {gap_batch:.3f}")
print("incremental after 15 epochs :", np.round(incremental.weights, 4),
      f" distance to lstsq {gap_incremental:.3f}")

# %%
def surface_error(w):
    return linear_rules.lms_error(w, X_reg, t_reg)


fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(10, 4.2))
plot_error_surface(ax_s, surface_error, (-2.5, 3.5), (-1.0, 3.0), path=batch.path,
                   path_label="batch (one step per epoch)", path_color="C3")
ax_s.plot(incremental.path[:, 0], incremental.path[:, 1], "-", color="C0", lw=0.8,
          label="incremental (one step per example)")
ax_s.plot(*w_star, "kx", ms=10, mew=2, label="least squares")
ax_s.set_title("Err(w) and two descents from the same start")
ax_s.legend(loc="upper right")
ax_e.semilogy(np.arange(len(batch.errors)), batch.errors, "C3", label="batch")
ax_e.semilogy(np.arange(len(incremental.errors)), incremental.errors, "C0o-", ms=3,
              label="incremental (per epoch)")
ax_e.axhline(surface_error(w_star), color="k", ls="--", lw=1, label="minimum")
ax_e.set_xlabel("epochs completed (0 = start)")
ax_e.set_ylabel("Err(w)")
ax_e.set_title("Error per epoch")
ax_e.legend()
plt.show()

# %% [markdown]
# The bowl is a long, narrow valley: its two curvatures differ by a factor of about 20 (printed
# above), because the inputs are all positive, so bias and slope can trade off against each
# other. Batch descent drops to the valley floor in a few steps (the steep direction) and then
# crawls along it (the flat one); the crawl's speed is set by the *smallest* curvature, while the
# largest one caps the rate. The incremental path reacts to every example, so it wanders, and
# with a fixed rate it keeps jittering around the minimum, each example pulling towards its own
# target: after 15 epochs it is further from the least-squares weights than batch descent is, and
# during its last five epochs its distance to them jumps up and down by more than a factor of
# ten rather than shrinking. A learning rate that shrinks over time would let it settle.

# %%
late = np.linalg.norm(incremental.path[-5 * len(t_reg):] - w_star, axis=1)
print("batch ends closer to the least-squares weights than incremental:",
      gap_batch < gap_incremental)
print(f"incremental, last 5 epochs: distance to lstsq between {late.min():.3f} and "
      f"{late.max():.3f}; varies more than tenfold:", late.max() > 10 * late.min())

# %% [markdown]
# ### 3.4 · Winnow: multiplicative updates
#
# The perceptron *adds* a multiple of $\mathbf x$ on a mistake. Winnow *multiplies*: weights of
# active inputs are multiplied by $\alpha > 1$ after a miss and divided by $\alpha$ after a false
# alarm, with the threshold fixed at $n$, the number of inputs.

# %%
show_source(linear_rules.winnow_update)

# %% [markdown]
# Taking logarithms shows what kind of rule this is: $\ln w_i \leftarrow \ln w_i + (\ln\alpha)
# (t - o)\,x_i$. Winnow takes the perceptron's step, but on the **log-weights**. Since the
# perceptron criterion of section 3.5 (for the unit $\mathbf w\cdot\mathbf x - n$) has gradient
# $-(t - o)\,\mathbf x$ on a mistake, this is
# $w_i \leftarrow w_i \exp\!\big(-\eta\,\partial Q/\partial w_i\big)$ with $\eta = \ln\alpha$: the
# **exponentiated-gradient** update of Kivinen and Warmuth (1997). It uses the gradient with
# respect to $\mathbf w$, but steps multiplicatively, so it is not an SGD step on $\mathbf w$
# (nor exactly gradient descent on $\ln\mathbf w$, whose gradient would be $w_i\,\partial
# Q/\partial w_i$). We check the identity with the package's own functions on random examples:

# %%
n_in, alpha, agree = 8, 2.0, True
for _ in range(200):
    w = rng.uniform(0.1, 3.0, n_in)
    x, t = rng.integers(0, 2, n_in).astype(float), float(rng.integers(0, 2))
    grad = linear_rules.perceptron_criterion_grad(np.r_[-n_in, w], np.r_[1.0, x], 2 * t - 1)
    via_eg = w * np.exp(-np.log(alpha) * grad[1:])  # the bias entry carries the threshold n
    agree &= np.allclose(linear_rules.winnow_update(w, x, t, promotion=alpha), via_eg,
                         rtol=1e-12, atol=0)
print("Winnow = exponentiated gradient on the perceptron criterion (200 examples):", agree)

# %% [markdown]
# The difference matters when only a few of many inputs are relevant. Below, the target is an OR
# of $k = 3$ inputs out of $n$, and both rules see the same stream of examples once. Littlestone
# proved that Winnow makes $O(k \log n)$ mistakes on such targets, while the perceptron's worst
# case grows linearly in $n$. In this one pass the perceptron's count grows like a power of $n$
# below 1 (a straight line on log–log axes with slope under 1), and it is far above Winnow's,
# which adds only a few mistakes per doubling of $n$, as $k\log n$ would.

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
ax.set_yscale("log")
ax.set_xlabel("number of inputs $n$ (3 relevant)")
ax.set_ylabel("mistakes in one pass of 1,500 examples")
ax.set_title("Additive vs multiplicative updates")
ax.legend()
plt.show()

# %%
for n_features, p, w in zip(sizes, mistakes["perceptron"], mistakes["Winnow"]):
    print(f"n={n_features:>4}: perceptron {p:>4} mistakes, Winnow {w:>3}")
log2_n = np.log2(sizes)
exponent = np.polyfit(log2_n, np.log2(mistakes["perceptron"]), 1)[0]
per_doubling = np.polyfit(log2_n, mistakes["Winnow"], 1)[0]
print(f"perceptron ~ n^{exponent:.2f}: grows, but sublinearly:", 0 < exponent < 1)
print(f"Winnow adds about {per_doubling:.0f} mistakes per doubling of n")
print("perceptron makes more mistakes than Winnow at every n:",
      all(p > w for p, w in zip(mistakes["perceptron"], mistakes["Winnow"])))

# %% [markdown]
# ### 3.5 · One algorithm behind them: stochastic gradient descent
#
# The general stochastic gradient algorithm picks an example $(\mathbf x_t, y_t)$, a loss
# $Q(\mathbf x, y, \mathbf w)$, and steps against its gradient:
#
# $$
# \mathbf w_{t+1} = \mathbf w_t - r\, \nabla_{\mathbf w} Q(\mathbf x_t, y_t, \mathbf w_t).
# $$
#
# With labels $y = \pm1$ (so $y = 2t - 1$) and the bias inside $\mathbf w$, three losses give
# three rules we have met. Each depends on the example only through the **margin**
# $z = y\,\mathbf w^\top\mathbf x$, which is positive when the example is on its right side:
#
# | loss | $Q$ as a function of $z$ | SGD step | rule |
# |---|---|---|---|
# | perceptron criterion | $\max(0, -z)$ | $+r\,y\,\mathbf x$ on a mistake | Rosenblatt's perceptron |
# | hinge | $\max(0, 1 - z)$ | $+r\,y\,\mathbf x$ if $z \le 1$ | perceptron with a margin |
# | squared | $\tfrac12 (1 - z)^2$ | $+r\,(y - \mathbf w^\top\mathbf x)\,\mathbf x$ | Widrow–Hoff / LMS |
#
# In terms of the weights the three losses are $\max(0, -y\,\mathbf w^\top\mathbf x)$,
# $\max(0, 1 - y\,\mathbf w^\top\mathbf x)$ and $\tfrac12 (y - \mathbf w^\top\mathbf x)^2$.
#
# * The **perceptron criterion** is zero for every example on the right side and grows with the
#   distance on the wrong side. Its gradient is $-y\mathbf x$ on a mistake and $\mathbf 0$
#   otherwise, so its SGD step *is* Rosenblatt's rule: $R\,(t - o)\,\mathbf x = R\,y\,\mathbf x$
#   exactly when $o \ne t$.
# * The **hinge loss** moves the kink from $z = 0$ to $z = 1$: an example that is right, but by
#   less than 1, still triggers the step. That is the perceptron update *with a margin*.
# * The **squared loss** ignores the sign we classify with: since $y^2 = 1$,
#   $\tfrac12(y - \mathbf w^\top\mathbf x)^2 = \tfrac12(1 - z)^2$, so it also pushes back a
#   correct prediction that is "too confident" ($z > 1$).
#
# **At the kinks** a piecewise-linear loss has no gradient, and any step between none and the
# full $r\,y\,\mathbf x$ is a *subgradient* step. We fix one convention, used alike by the code,
# the tests and this text. The hinge step fires at $z = 1$ exactly (no update only when $z > 1$).
# The perceptron criterion steps exactly when the threshold unit is wrong; the unit outputs 1 at
# $\mathbf w^\top\mathbf x = 0$, so on the boundary a $-1$ example is stepped on and a $+1$ example
# is not. With that choice the SGD step and Rosenblatt's rule agree on every example.

# %%
show_source(linear_rules.perceptron_criterion_grad)

# %% [markdown]
# The three losses and their steps, computed by the package for one example at several margins
# $z$ (a one-weight example with $x = 1$, so $\mathbf w = (y z)$). The step is written as a
# multiple of $r\,y\,\mathbf x$:

# %%
z_grid = np.linspace(-2.0, 2.5, 181)
losses = {name: [fn[0](np.array([z]), np.array([1.0]), 1.0) for z in z_grid]
          for name, fn in linear_rules.LOSS_FUNCTIONS.items()}
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for name, values in losses.items():
    ax.plot(z_grid, values, lw=2, label=f"{name} criterion" if name == "perceptron" else name)
ax.set_ylim(-0.1, 2.6)
ax.set_xlabel(r"margin $z = y\,\mathbf{w}^\top\mathbf{x}$")
ax.set_ylabel("loss Q")
ax.set_title("Three losses of one linear unit")
ax.legend()
plt.show()

print("  y      z | " + " | ".join(f"{name:^17}" for name in linear_rules.LOSSES))
print("           | " + " | ".join(f"{'Q':>7} {'step':>8}" for _ in linear_rules.LOSSES))
for y, z in [(1, -1.0), (1, 0.0), (-1, 0.0), (1, 0.5), (1, 1.0), (1, 2.0)]:
    w, x = np.array([y * z]), np.array([1.0])
    cells = []
    for name, (loss, _) in linear_rules.LOSS_FUNCTIONS.items():
        step = (linear_rules.sgd_step(w, x, y, 0.1, loss=name) - w) / (0.1 * y * x)
        cells.append(f"{loss(w, x, y):7.3f} {step[0]:8.2f}")
    print(f"{y:+3d} {z:6.1f} | " + " | ".join(cells))

# %% [markdown]
# The rows $z = 0$ show the convention on the boundary; the row $z = 1$ shows the hinge's; the
# row $z = 2$ shows the squared loss pulling a confident, correct example back. Now the claimed
# equivalences, on 500 random examples each, with some placed exactly on a kink: Rosenblatt's
# `perceptron_update` against SGD on the perceptron criterion, and `perceptron_margin_update`
# against SGD on the hinge loss.

# %%
same_perceptron = same_margin = True
for _ in range(500):
    w, x = rng.standard_normal(3), rng.standard_normal(3)
    y = rng.choice([-1.0, 1.0])
    kink = rng.choice([None, 0.0, 1.0], p=[0.6, 0.2, 0.2])
    if kink is not None:  # small integers, bias input 1: y w.x equals the kink exactly
        x = np.r_[1.0, rng.integers(-2, 3, 2)]
        w = np.r_[0.0, rng.integers(-2, 3, 2)]
        w[0] = kink * y - w @ x
    rosenblatt = linear_rules.perceptron_update(w, x, (y + 1) / 2, learning_rate=0.1)
    same_perceptron &= np.array_equal(
        rosenblatt, linear_rules.sgd_step(w, x, y, 0.1, loss="perceptron"))
    same_margin &= np.array_equal(
        linear_rules.perceptron_margin_update(w, x, y, learning_rate=0.1, margin=1.0),
        linear_rules.sgd_step(w, x, y, 0.1, loss="hinge"))
print("Rosenblatt's rule = SGD on the perceptron criterion:", same_perceptron)
print("perceptron with a margin = SGD on the hinge loss   :", same_margin)

# %% [markdown]
# Away from the kinks each (sub)gradient is a true gradient, and centred finite differences
# (`course_nn.gradcheck`) confirm all three to within rounding: a relative error below $10^{-8}$.

# %%
w, x, y = np.array([0.3, -0.2, 0.5]), np.array([1.0, 0.4, -0.7]), 1.0  # z = -0.13: no kink
for name, (loss, grad) in linear_rules.LOSS_FUNCTIONS.items():
    numeric = numerical_gradient(lambda v, loss=loss: loss(v, x, y), w)
    error = relative_error(grad(w, x, y), numeric)
    print(f"{name:>10}: gradient matches finite differences (relative error < 1e-8):",
          error < 1e-8)

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
train_errors = {name: int(np.sum(linear_rules.predict_linear(w, X_sep) != t_sep))
                for name, w in candidates.items()}
for name, errors in train_errors.items():
    print(f"{name:>20}: training errors {errors}")
print("all three separate the clusters:", max(train_errors.values()) == 0)

# %% [markdown]
# ## 4 · Experiments
#
# ### How large a step?
#
# The rate $R$ decides whether batch descent crawls, glides or explodes. The slider below moves
# it across the critical value $2/\lambda_{\max}$; switch between batch and incremental descent to
# see that the incremental version tolerates a larger $R$: each of its steps uses one example,
# whose curvature $\|\mathbf x_d\|^2$ is much smaller than the whole sum's $\lambda_{\max}$.
# (The slider needs a running kernel; the figure after it shows the default setting and three
# fixed rates, so the page makes sense without one.)

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
    ax.set_title(f"{mode}, R = {learning_rate:.4f}\n({learning_rate / critical_rate:.2f} x "
                 f"critical): {state}", fontsize=11)
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
fig, axes = plt.subplots(2, 2, figsize=(7.5, 6.6), layout="constrained")
plot_lms_descent(ax=axes[0, 0])
for ax, fraction in zip(axes.flat[1:], [0.05, 0.95, 1.05]):
    plot_lms_descent(fraction * critical_rate, ax=ax)
fig.suptitle("Batch Widrow-Hoff at the default rate, then 0.05, 0.95 and 1.05 x critical")
plt.show()

# %% [markdown]
# A tiny rate is still far from the minimum after 40 epochs. Just below the critical rate the path zig-zags across the
# valley, each swing a little shorter than the last, and still converges; just above it each swing
# is longer than the last and the error grows without bound. The numbers agree, and incremental
# descent at the rate where batch descent diverges still converges:

# %%
print(f"minimum Err = {surface_error(w_star):.4g}")
final = {}
for fraction in [0.05, 0.5, 0.95, 1.05]:
    run = linear_rules.widrow_hoff_batch(X_reg, t_reg, learning_rate=fraction * critical_rate,
                                         epochs=40, w0=w_start)
    final[fraction] = run.errors[-1]
    print(f"R = {fraction:.2f} x critical: Err after 40 epochs = {run.errors[-1]:.4g}")
start_error = surface_error(w_start)
print("0.05 x: still far above the minimum:", final[0.05] > 2 * surface_error(w_star))
print("0.95 x: error falls:", final[0.95] < start_error,
      "| 1.05 x: error grows:", final[1.05] > start_error)
fast = linear_rules.widrow_hoff_incremental(X_reg, t_reg, learning_rate=1.05 * critical_rate,
                                            epochs=5, w0=w_start)
print("incremental at 1.05 x the batch critical rate, error falls:",
      fast.errors[-1] < start_error)

# %% [markdown]
# ### Does the perceptron's learning rate matter?
#
# Starting from $\mathbf w = 0$, every perceptron update is a multiple of $R$, so the weights are
# always $R$ times those of a run with $R = 1$. The outputs $\operatorname{step}(\mathbf
# w\cdot\mathbf x)$ do not change when $\mathbf w$ is scaled, so the run makes the same mistakes.
# (From a non-zero start this is no longer true.)

# %%
scaled = []
for rate in [0.01, 1.0, 100.0]:
    run = linear_rules.train_perceptron(X_sep, t_sep, learning_rate=rate)
    scaled.append(run.weights / rate)
    print(f"R = {rate:>6}: {run.mistakes} mistakes, weights / R = {np.round(run.weights / rate, 3)}")
print("weights / R agree to 1e-9:", np.allclose(scaled[0], scaled[2], rtol=0, atol=1e-9)
      and np.allclose(scaled[1], scaled[2], rtol=0, atol=1e-9))

# %% [markdown]
# ## 5 · PyTorch, on the GPU when there is one
#
# The same Adaline in PyTorch: a `torch.nn.Linear(1, 1)` whose bias and weight start where the
# NumPy run started, trained by full-batch gradient descent on $\tfrac12\sum_d (t_d - o_d)^2$ with
# `torch.optim.SGD`. Autograd computes the gradient that section 3.3 derived by hand, so after the
# same number of epochs both implementations should hold the same weights. The device is
# `course_nn.choose_device()`: CUDA if present, else Apple's MPS, else the CPU. We compare in
# float64 to within $10^{-10}$; MPS has no float64, so there we compare in float32 to within
# $10^{-4}$.

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
# Autograd also confirms the three (sub)gradients of section 3.5 that make these rules SGD, on a
# batch of examples with some on the wrong side, some inside the margin and some beyond it:

# %%
W_check = rng.standard_normal(3)
X_check = rng.standard_normal((8, 3))
y_check = rng.choice([-1.0, 1.0], size=8)
X_t, y_t = (torch.tensor(a, dtype=dtype, device=device) for a in (X_check, y_check))
torch_losses = {"perceptron": lambda z: torch.clamp(-z, min=0),
                "hinge": lambda z: torch.clamp(1 - z, min=0),
                "squared": lambda z: 0.5 * (1 - z) ** 2}
margins = y_check * (X_check @ W_check)
print("examples wrong / inside the margin / beyond it:", int(np.sum(margins < 0)),
      int(np.sum((margins >= 0) & (margins <= 1))), int(np.sum(margins > 1)))
for name, torch_loss in torch_losses.items():
    w_t = torch.tensor(W_check, dtype=dtype, device=device, requires_grad=True)
    torch_loss(y_t * (X_t @ w_t)).sum().backward()
    ours = linear_rules.LOSS_FUNCTIONS[name][1](W_check, X_check, y_check)
    gap = np.max(np.abs(w_t.grad.cpu().numpy() - ours))
    print(f"{name:>10}: autograd and course_nn agree (max |diff| < tolerance):", gap < tolerance)

# %% [markdown]
# ## 6 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.threshold_units`. Fill in the cell, run
# it, and the checker says whether you are right and, if not, what went wrong. A worked solution
# is hidden below each one: click "Show solution" to reveal it.
#
# **Exercise 1 (NAND).** Find weights $(w_1, w_2)$ and a threshold $T$ so that one threshold unit
# computes NAND (1 unless both inputs are 1).

# %% tags=["stub"]
my_weights, my_threshold = None, None
exercises.check_nand_unit(my_weights, my_threshold)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# NAND is NOT(AND): negate the AND unit's weights, -1 each. The net input is then 0, -1, -1 and
# -2 on the four rows; any threshold in (-2, -1] lets the first three reach it and not the last.
exercises.check_nand_unit([-1.0, -1.0], -1.5)

# %% [markdown]
# **Exercise 2 (code: the perceptron criterion's SGD step).** Write
# `perceptron_criterion_step(w, x, y, learning_rate)`: one SGD step on the perceptron criterion
# $\max(0, -y\,\mathbf w^\top\mathbf x)$ for one example, with `w` and `x` of shape `(d,)` (bias
# entry included) and `y` equal to $-1$ or $+1$. It returns the new weights and leaves `w`
# unchanged. Use section 3.5's convention on the boundary $\mathbf w^\top\mathbf x = 0$, where the
# unit outputs $+1$. The checker compares your function with the package's `sgd_step` on random
# examples and then on examples on the boundary.

# %% tags=["stub"]
def perceptron_criterion_step(w, x, y, learning_rate):
    return None  # your code here


exercises.check_perceptron_criterion_step(perceptron_criterion_step)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def perceptron_criterion_step(w, x, y, learning_rate):
    output = 1.0 if w @ x >= 0 else -1.0  # the threshold unit's answer, +1 on the boundary
    if output == y:
        return w.copy()  # right side: the loss is flat, no step
    return w + learning_rate * y * x  # minus the rate times the gradient -y x


exercises.check_perceptron_criterion_step(perceptron_criterion_step)

# %% [markdown]
# **Exercise 3 (one LMS step).** One incremental Widrow–Hoff step on a single example
# $(\mathbf x, t)$ is $\mathbf w \leftarrow \mathbf w + R\,(t - \mathbf w\cdot\mathbf x)\,\mathbf x$.
# For the example $\mathbf x = (1, 0.5, 1.5)$ (bias entry first, also in
# `exercises.LMS_EXAMPLE`) and any target, what is the largest rate $R$ for which this step never
# increases the squared error on that example? Give 3 significant figures. Hint: write the error
# after the step as a multiple of the error before.

# %% tags=["stub"]
my_rate = None
exercises.check_lms_single_example_rate(my_rate)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# After the step the error on the example is e' = t - (w + R e x) . x = e (1 - R |x|^2). Its
# square does not grow while |1 - R |x|^2| <= 1, that is for R <= 2 / |x|^2 (the bias 1 counts).
x_ex = np.array(exercises.LMS_EXAMPLE)
rate = 2 / (x_ex @ x_ex)
print(exercises.check_lms_single_example_rate(rate))
for factor in (0.99, 1.01):  # one step from w = 0 towards t = 1, just below and above the rate
    run = linear_rules.widrow_hoff_incremental(x_ex[None, 1:], [1.0], epochs=1, w0=np.zeros(3),
                                               learning_rate=factor * rate)
    print(f"{factor} x the rate:", "shrinks" if run.errors[1] < run.errors[0] else "grows")

# %% [markdown]
# ## 7 · Summary
#
# * A threshold unit draws one hyperplane. Data it cannot split may become separable after a
#   change of features, such as $x \mapsto (x, x^2)$.
# * With the right weights, threshold units are AND, OR and NOT gates, and two layers of them
#   compute any Boolean function (DNF or CNF). One layer cannot: XOR, and all but 104 of the 256
#   three-input functions, are out of reach.
# * Hebb's rule strengthens co-active connections with no notion of error. The perceptron rule
#   corrects mistakes and, on separable data, stops after at most $(\rho/\gamma)^2$ of them
#   (Novikoff); on non-separable data its weights stay bounded but never settle, and in a fixed
#   order they cycle (the perceptron cycling theorem).
# * Widrow–Hoff descends the squared-error bowl: batch steps converge for $R < 2/\lambda_{\max}$,
#   incremental steps hover near the least-squares solution.
# * Rosenblatt's perceptron, the perceptron with a margin and Widrow–Hoff are stochastic gradient
#   descent on three losses of the margin $y\,\mathbf w^\top\mathbf x$: the perceptron criterion,
#   the hinge and the squared loss. At a kink the step is a subgradient step, and the convention
#   chosen there decides what happens on the boundary.
# * Winnow's multiplicative update is the perceptron's step on the log-weights (exponentiated
#   gradient), and it beats additive updates when few of many inputs matter.
#
# **Next**, [notebook 02](02_logistic_units.ipynb) replaces the step by a smooth sigmoid, so that a gradient exists for the
# hidden layers that XOR needs; notebook 03 turns that into backpropagation.
