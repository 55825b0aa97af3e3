# %% [markdown]
# # 06 · Convolutional networks
#
# A fully connected layer treats an image as a bag of unrelated numbers: it does not know that
# neighbouring pixels belong together, nor that a stroke means the same thing wherever it
# appears. A convolutional layer builds both facts in: each unit looks at a small window (its
# *receptive field*), and every window is processed with the *same* weights. This notebook
# builds convolution and pooling from scratch in NumPy, derives and checks their backward
# passes, trains a convolutional network (ConvNet) on real digits, and checks it against
# PyTorch.
#
# **After this notebook you can**
#
# 1. count the parameters of fully connected, locally connected and convolutional layers;
# 2. compute 1-D and 2-D convolutions and cross-correlations, and say which one a deep-learning
#    library computes (the flip);
# 3. derive the backward pass of a convolutional layer and of max pooling, and check it;
# 4. train a ConvNet from scratch and see what its filters learned;
# 5. debug a network the practical way: overfit a little data first, watch the learning rate,
#    check gradients, check the loss.
#
# **You should already know** notebook 03 (backpropagation, `Sequential`, `fit`) and
# notebook 04 (training, validation and test data).

# %% tags=["nbval-ignore-output"]
import timeit

import matplotlib.pyplot as plt
import numpy as np
import scipy.signal
import torch
from mnist1d.data import get_dataset_args, make_dataset
from sklearn.datasets import load_sample_image
from threadpoolctl import threadpool_limits

import course_nn
from course_nn import conv, data, layers, modules, optim, pooling, training
from course_nn.device import describe_device, limit_cpu_threads
from course_nn.exercises import conv as exercises
from course_nn.gradcheck import check_layer_gradients, relative_error
from course_nn.notebook import live_interact, show_source, versions_report
from course_nn.plotting import plot_learning_curves, use_course_style
from course_nn.torch_bridge import fit_torch, predict_torch

# NumPy's BLAS on one thread: the many small matrix products here stall when two BLAS threads
# compete with other processes for a small machine's cores (measured: up to 10x slower).
threadpool_limits(1, user_api="blas")
use_course_style()
rng = course_nn.seed(0)
device = course_nn.choose_device()
print(versions_report(device))

# %% [markdown]
# ## 1 · The idea
#
# ### 1.1 · Receptive fields and shared weights: counting parameters
#
# Take a 100×100 grey image and a layer of 1,000 hidden units. Fully connected, every unit sees
# every pixel: $10^4 \times 10^3 = 10^7$ weights. *Locally connected*, each unit sees only a
# 10×10 window (its receptive field): $10^3 \times 100 = 10^5$ weights. *Convolutional*, the
# units are arranged in feature maps, and all units of a map share one 10×10 filter: with 10
# maps, $10 \times 100 = 10^3$ weights, however large the image. The code counts them, and
# PyTorch counts the layers it has (it has no locally connected layer).

# %%
pixels, hidden, window, maps = 100 * 100, 1000, 10 * 10, 10
counts = {"fully connected": pixels * hidden, "locally connected": hidden * window,
          "convolutional (10 maps)": maps * window}
torch_counts = {
    "fully connected": torch.nn.Linear(pixels, hidden, bias=False).weight.numel(),
    "convolutional (10 maps)": torch.nn.Conv2d(1, maps, 10, bias=False).weight.numel(),
}
for name, count in counts.items():
    print(f"{name:>24}: {count:>10,} weights")
print("torch agrees:", all(torch_counts[k] == counts[k] for k in torch_counts))

# %% [markdown]
# ### 1.2 · Convolution in 1-D and 2-D, and the flip
#
# The convolution of two functions is $(w * x)(t) = \int w(a)\, x(t - a)\, da$; for sequences
# it is a sum,
#
# $$
# (w * x)_i = \sum_a w_a\, x_{i-a}.
# $$
#
# The kernel is *flipped* as it slides ($x_{i-a}$). What deep-learning "convolutional" layers
# compute is the **cross-correlation**, without the flip:
#
# $$
# y_i = \sum_a w_a\, x_{i+a}.
# $$
#
# For a learned kernel it makes no difference (it learns the flipped weights), but when we
# compare with a reference it matters. `course_nn.conv` has both, checked against SciPy:

# %%
x = np.array([0.0, 1, 2, 3, 0, 0, 1, 0])
w = np.array([1.0, 0, -1])  # a difference kernel: not symmetric, so the flip shows
print("correlate1d:", conv.correlate1d(x, w, "valid"))
print("convolve1d: ", conv.convolve1d(x, w, "valid"))
print("convolution = correlation with the kernel reversed:",
      np.allclose(conv.convolve1d(x, w, "valid"), conv.correlate1d(x, w[::-1], "valid")))
for mode in conv.MODES:
    same = (np.allclose(conv.correlate1d(x, w, mode), scipy.signal.correlate(x, w, mode))
            and np.allclose(conv.convolve1d(x, w, mode), scipy.signal.convolve(x, w, mode)))
    print(f"mode {mode!r:>7}: equal to scipy.signal.correlate/convolve: {same}")

# %% [markdown]
# In 2-D the window is a patch, $y_{ij} = \sum_{a,b} w_{ab}\, x_{i+a,\, j+b}$, and PyTorch's
# `conv2d` computes exactly this cross-correlation:

# %%
image_small, kernel_small = rng.standard_normal((6, 7)), rng.standard_normal((3, 3))
theirs = torch.nn.functional.conv2d(torch.tensor(image_small)[None, None],
                                    torch.tensor(kernel_small)[None, None])[0, 0].numpy()
print("torch conv2d == correlate2d:",
      np.allclose(theirs, conv.correlate2d(image_small, kernel_small)))
print("torch conv2d == convolve2d: ",
      np.allclose(theirs, conv.convolve2d(image_small, kernel_small, "valid")))

# %% [markdown]
# ### 1.3 · Image kernels on a photograph
#
# Hand-made 3×3 kernels do recognisable things to an image: averaging blurs, a centre weight
# minus its neighbours sharpens or finds edges, an antisymmetric kernel finds edges in one
# direction. Here they act on scikit-learn's sample photograph (shipped with the package), in
# grey and shrunk 4× to keep it quick. Pick a kernel with the menu:

# %%
photo = load_sample_image("china.jpg").mean(axis=2)[::4, ::4] / 255.0
print("photo shape:", photo.shape)


def show_kernel(name="edges", ax=None):
    ax = ax or plt.subplots(figsize=(5, 3.6))[1]
    filtered = conv.correlate2d(photo, conv.IMAGE_KERNELS[name], "same")
    ax.imshow(filtered, cmap="gray", vmin=np.percentile(filtered, 1),
              vmax=np.percentile(filtered, 99))
    ax.set_title(name, fontsize=11)
    ax.axis("off")


# %% tags=["nbval-ignore-output", "remove-output"]
live_interact(show_kernel, name=list(conv.IMAGE_KERNELS))

# %%
fig, axes = plt.subplots(2, 2, figsize=(7.5, 5.2))
for ax, name in zip(axes.ravel(), ["identity", "blur", "edges", "vertical edges (Sobel)"]):
    show_kernel(name, ax)
plt.show()

# %% [markdown]
# ### 1.4 · Complexity: direct versus FFT convolution
#
# A direct full convolution of two length-$n$ signals costs $n^2$ multiplications. The
# convolution theorem turns convolution into a product of Fourier transforms, and the FFT
# computes those in $O(n \log n)$: zero-pad both signals to the output length $2n-1$, multiply
# their spectra, transform back (`conv.fft_convolve`). Timed as $n$ grows (direct:
# `np.convolve`, a C loop):

# %%
sizes = {"direct (np.convolve)": 2 ** np.arange(9, 15),
         "FFT (conv.fft_convolve)": 2 ** np.arange(13, 21)}
methods = {"direct (np.convolve)": np.convolve, "FFT (conv.fft_convolve)": conv.fft_convolve}
times = {name: [] for name in methods}
for name, fn in methods.items():
    for n in sizes[name]:
        a, b = rng.standard_normal(n), rng.standard_normal(n)
        times[name].append(min(timeit.repeat(lambda fn=fn, a=a, b=b: fn(a, b), number=1,
                                             repeat=3)))
a, b = rng.standard_normal(3000), rng.standard_normal(3000)
print("FFT equals direct (largest |difference| < 1e-8):",
      np.max(np.abs(conv.fft_convolve(a, b) - np.convolve(a, b))) < 1e-8)

# %% tags=["nbval-ignore-output"]
fig, ax = plt.subplots(figsize=(6, 3.8))
for name, t in times.items():
    ax.loglog(sizes[name], t, "o-", label=name)
n_dir, n_ref = sizes["direct (np.convolve)"], sizes["FFT (conv.fft_convolve)"]
ax.loglog(n_dir, times["direct (np.convolve)"][-1] * (n_dir / n_dir[-1]) ** 2, "k:",
          label="slope 2 ($n^2$)")
ax.loglog(n_ref, times["FFT (conv.fft_convolve)"][-1] * n_ref * np.log(n_ref)
          / (n_ref[-1] * np.log(n_ref[-1])), "k--", label="$n \\log n$")
ax.set(xlabel="signal length n", ylabel="seconds", title="Full convolution of two length-n signals")
ax.legend()
plt.show()
slopes = {name: np.polyfit(np.log(sizes[name][-4:]), np.log(t[-4:]), 1)[0]
          for name, t in times.items()}
print({name: round(s, 2) for name, s in slopes.items()})

# %% [markdown]
# (The FFT's jump near $10^5$ is its arrays outgrowing the processor's cache; where it happens
# depends on the machine.) The slopes fitted over each method's four largest sizes (printed above; timings vary by
# machine) are close to 2 for the direct sum and close to 1 (times a slowly growing
# $\log n$) for the FFT; the bounds below are wide, so that they hold on any machine:

# %%
print("direct grows like n^2 (slope between 1.5 and 3):",
      1.5 < slopes["direct (np.convolve)"] < 3.0)
print("FFT grows like n log n (slope between 0.7 and 1.6):",
      0.7 < slopes["FFT (conv.fft_convolve)"] < 1.6)

# %% [markdown]
# ## 2 · From scratch
#
# ### 2.1 · A convolutional layer and its backward pass, in 1-D
#
# A layer has several input channels $c$ and filters $f$; each filter spans all input
# channels, and each filter gives one output channel (a *feature map*). With stride $s$ and zero
# padding, for example $n$ and output position $i$:
#
# $$
# y_{nfi} = b_f + \sum_{c}\sum_{a} w_{fca}\, x_{n,c,\,si+a}.
# $$
#
# `conv1d_forward` builds every window at once with NumPy's `sliding_window_view` (no copy)
# and contracts it with the filters; there is no Python loop over positions or examples:

# %%
show_source(conv.conv1d_forward)

# %% [markdown]
# **Backward.** Write $\delta_{nfi} = \partial E/\partial y_{nfi}$. The weight $w_{fca}$ is
# used at every position $i$ (it is shared), so its gradient sums over them, each time meeting
# the input it multiplied. In the single-channel, stride-1 form of the slides (for the flipped
# convolution $y_i = \sum_a w_a x_{i-a}$ the indices are $x_{i-a}$ and $w_{i-a}$):
#
# $$
# \frac{\partial E}{\partial w_a} = \sum_i \delta_i\, x_{i+a}, \qquad
# \frac{\partial E}{\partial x_j} = \sum_i \delta_i\, w_{j-i}, \qquad
# \frac{\partial E}{\partial b} = \sum_i \delta_i .
# $$
#
# The first is a correlation of the input with the deltas; the second sends each delta back
# through the weights that produced it: a *full convolution* of $\delta$ with $w$. In the code,
# `dw` is the first line, `dwindows` holds $\delta_i w_a$ per window, and the loop over the $K$
# taps adds tap $a$ of window $i$ to input position $si + a$:

# %%
show_source(conv.conv1d_backward)

# %% [markdown]
# Centred finite differences agree in float64, with stride and padding:

# %%
x1, w1, b1 = rng.standard_normal((2, 3, 11)), rng.standard_normal((4, 3, 3)), rng.standard_normal(4)
errors = check_layer_gradients(lambda x, w, b: conv.conv1d_forward(x, w, b, 2, 1),
                               conv.conv1d_backward, {"x": x1, "w": w1, "b": b1}, rng)
print("1-D layer, stride 2, padding 1: every relative error < 1e-8:", max(errors.values()) < 1e-8)
print("vectorised == plain loops:", np.allclose(conv.conv1d_forward(x1, w1, b1, 2, 1)[0],
                                                conv.conv1d_loops(x1, w1, b1, 2, 1)))

# %% [markdown]
# ### 2.2 · In 2-D
#
# Nothing changes but a second spatial index: with $\delta_{nfij}$,
#
# $$
# \begin{aligned}
# \frac{\partial E}{\partial w_{fcab}} &= \sum_{n,i,j} \delta_{nfij}\, x_{n,c,\,si+a,\,sj+b},\\
# \frac{\partial E}{\partial x_{ncuv}} &= \sum_{f}\ \sum_{(i,a):\, si+a=u}\ \sum_{(j,b):\, sj+b=v}
#   \delta_{nfij}\, w_{fcab}.
# \end{aligned}
# $$
#
# `conv2d_forward` lays every window out as a column of one matrix (*im2col*), so the forward
# pass is one matrix product; the backward pass is two more (`dw`, and `dcols` = the deltas sent
# back through the filters), then the taps are added back onto the input:

# %%
show_source(conv.conv2d_backward)

# %%
x2, w2, b2 = (rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, 3, 3)),
              rng.standard_normal(3))
errors = check_layer_gradients(lambda x, w, b: conv.conv2d_forward(x, w, b, 2, 1),
                               conv.conv2d_backward, {"x": x2, "w": w2, "b": b2}, rng)
print("2-D layer, stride 2, padding 1: every relative error < 1e-8:", max(errors.values()) < 1e-8)
print("vectorised == plain loops:", np.allclose(conv.conv2d_forward(x2, w2, b2, 2, 1)[0],
                                                conv.conv2d_loops(x2, w2, b2, 2, 1)))

# %% [markdown]
# `benchmarks/bench_conv.py` times this layer (forward + backward) against PyTorch's on the
# CPU, on the shapes of the network below; run it to see the ratio on your machine.
#
# ### 2.3 · Pooling, and max pooling's switches
#
# A pooling layer summarises each window of a feature map by one number: its **maximum**, its
# **average**, or its **L2 norm** $\sqrt{\sum x^2}$. It has no weights; it makes the map smaller
# and the features a little insensitive to small shifts. Max pooling's derivative is 1 for the
# window's winner and 0 for the rest, so the forward pass remembers *where* each maximum was
# (the "switches") and the backward pass routes each gradient there:

# %%
grid = np.array([[1.0, 5, 2, 0], [3, 4, 9, 1], [0, 0, 1, 1], [7, 0, 2, 8]])[None, None]
pooled, cache = pooling.max_pool2d_forward(grid, 2)
print("max-pooled:\n", pooled[0, 0])
print("gradient of 10, 20, 30, 40 sent back:\n",
      pooling.max_pool2d_backward(np.array([[[[10.0, 20], [30, 40]]]]), cache)[0, 0])

# %%
show_source(pooling.max_pool2d_backward)
xp = rng.standard_normal((2, 2, 6, 6))
for kind, fwd, bwd in [("max", pooling.max_pool2d_forward, pooling.max_pool2d_backward),
                       ("average", pooling.avg_pool2d_forward, pooling.avg_pool2d_backward),
                       ("L2", pooling.l2_pool2d_forward, pooling.l2_pool2d_backward)]:
    err = check_layer_gradients(lambda x, f=fwd: f(x, 3, 2), bwd, {"x": xp}, rng)["x"]
    print(f"{kind:>7} pooling (3x3, stride 2): relative error < 1e-8: {err < 1e-8}")

# %% [markdown]
# **Variable-sized inputs.** Pooling over the *whole* map (global pooling) gives one number per
# channel whatever the image size, so a fully connected layer can follow:

# %%
for shape in [(1, 8, 20, 30), (1, 8, 7, 5)]:
    out, _ = pooling.global_pool_forward(rng.standard_normal(shape), "avg")
    print(f"input {shape} -> global average pool {out.shape}")

# %% [markdown]
# ### 2.4 · A ConvNet trained from scratch on digits
#
# The network: convolution (8 filters, 5×5) → ReLU → 2×2 max pooling → convolution (16 filters,
# 5×5) → ReLU → max pooling → fully connected → softmax (inside the cross-entropy loss). It is a
# `Sequential` like notebook 03's MLP, so `fit` and the optimisers train it unchanged; the
# `Unflatten` first layer turns `fit`'s rows of 784 pixels back into 28×28 images. The data are
# the 5,000 MNIST digits of notebook 04 (3,000 training, 1,000 validation, 1,000 test). The
# convolutions run in float32, which halves their time and changes nothing that we print.

# %%
mnist = data.load_mnist_split(np.random.default_rng(0))
print(mnist)


def make_convnet(seed, dtype=np.float32):
    r = np.random.default_rng(seed)
    return modules.Sequential(
        conv.Unflatten((1, 28, 28)),
        conv.Conv2d(1, 8, 5, r, dtype=dtype), modules.ReLU(), pooling.MaxPool2d(2),
        conv.Conv2d(8, 16, 5, r, dtype=dtype), modules.ReLU(), pooling.MaxPool2d(2),
        conv.Flatten(), modules.Linear(16 * 4 * 4, 10, r))


convnet = make_convnet(1)
print(convnet)
print("parameters:", sum(p.size for p in convnet.parameters().values()))

# %%
EPOCHS = 5
conv_history = training.fit(convnet, optim.SGD(convnet, 0.05, momentum=0.9), mnist.X_train,
                            mnist.y_train, X_val=mnist.X_val, y_val=mnist.y_val, epochs=EPOCHS,
                            batch_size=32, rng=np.random.default_rng(1))
mlp = modules.mlp([784, 256, 10], np.random.default_rng(1), activation="relu")
mlp_history = training.fit(mlp, optim.SGD(mlp, 0.05, momentum=0.9), mnist.X_train,
                           mnist.y_train, X_val=mnist.X_val, y_val=mnist.y_val, epochs=EPOCHS,
                           batch_size=32, rng=np.random.default_rng(1))
acc_conv = training.evaluate(convnet, "cross_entropy", mnist.X_test, mnist.y_test)[1]
acc_mlp = training.evaluate(mlp, "cross_entropy", mnist.X_test, mnist.y_test)[1]
print(f"test accuracy after {EPOCHS} epochs: ConvNet {acc_conv:.0%}, "
      f"MLP 784-256-10 {acc_mlp:.0%}")

# %% [markdown]
# Both were trained the same way (notebook 03's recipe: SGD, learning rate 0.05, momentum 0.9,
# batches of 32, the same shuffling seed) for the same number of epochs. The ConvNet has
# over 30 times fewer parameters than the MLP (about 6,000 against 200,000):

# %%
n_conv = sum(p.size for p in convnet.parameters().values())
n_mlp = sum(p.size for p in mlp.parameters().values())
print("ConvNet has over 30x fewer parameters:", n_mlp > 30 * n_conv)
print("ConvNet at least as accurate on the test digits:", acc_conv >= acc_mlp)

fig, ax = plt.subplots(figsize=(6, 3.6))
plot_learning_curves(ax, {"ConvNet": conv_history.val_accuracy,
                          "MLP": mlp_history.val_accuracy},
                     ylabel="validation accuracy", title="Validation accuracy per epoch")
plt.show()

# %% [markdown]
# **What the first layer learned.** The eight 5×5 filters (top, numbered; red positive, blue
# negative), and the eight feature maps they produce for one test digit (bottom, after the
# ReLU): each filter responds to strokes of one
# orientation or to one side of a stroke.

# %%
filters = convnet.modules[1].weight[:, 0]
digit = mnist.X_test[:1]
maps_out = convnet.modules[2].forward(convnet.modules[1].forward(convnet.modules[0].forward(digit)))
fig, axes = plt.subplots(2, 9, figsize=(7.5, 2.2))
axes[0, 0].imshow(digit.reshape(28, 28), cmap="gray_r")
axes[0, 0].set_title("digit", fontsize=10)
for k in range(8):
    axes[0, k + 1].imshow(filters[k], cmap="RdBu_r")
    axes[0, k + 1].set_title(f"{k + 1}", fontsize=10)
    axes[1, k + 1].imshow(maps_out[0, k], cmap="gray_r")
for ax in axes.ravel():
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 3 · Experiments
#
# ### 3.1 · Does the convolution's bias for *local, shift-invariant* features matter? MNIST-1D
#
# MNIST-1D (Greydanus and Kobak, 2020, "Scaling down deep learning", arXiv:2011.14439) is a
# 1-D analogue of MNIST made for exactly this question: ten 1-D templates, each padded,
# shifted, scaled, sheared and noised into 40-sample signals, 4,000 for training and 1,000 for
# testing. The `mnist1d` package generates it offline; we use its default arguments (seed 42).

# %%
args = get_dataset_args()
mnist1d = make_dataset(args)
X1, y1 = mnist1d["x"], mnist1d["y"].astype(np.int64)
X1_test, y1_test = mnist1d["x_test"], mnist1d["y_test"].astype(np.int64)
print("training", X1.shape, "test", X1_test.shape, "data seed", args.seed)
fig, ax = plt.subplots(figsize=(6, 2.8))
for k in range(4):
    ax.plot(X1[k] + 3 * k, label=f"digit {y1[k]}")
ax.set(xlabel="position", yticks=[], title="Four MNIST-1D signals (offset for clarity)")
ax.legend(fontsize=8, loc="upper right")
plt.show()

# %% [markdown]
# Three models, as in the paper: logistic regression, an MLP with two hidden layers of 100
# ReLUs, and a CNN of three 1-D convolutions (25 channels each; kernels 5, 3, 3; stride 2;
# padding 1) and a linear layer. Each is trained here with Adam (learning rate 0.01, batches
# of 100) for a few seconds. Then the same models on the *spatially shuffled* variant: every
# signal's 40 positions permuted by one fixed random permutation (seed 0; the package's
# `shuffle_seq` option does the same with its own permutation). A permutation loses no
# information, so logistic regression and the MLP, which treat the inputs as unordered, should
# not care; the CNN's assumption of local structure is broken.

# %%
def make_mnist1d_model(kind, seed):
    r = np.random.default_rng(seed)
    if kind == "logistic regression":
        return modules.mlp([40, 10], r)
    if kind == "MLP":
        return modules.mlp([40, 100, 100, 10], r, activation="relu")
    f32 = dict(stride=2, padding=1, dtype=np.float32)
    return modules.Sequential(
        conv.Unflatten((1, 40)), conv.Conv1d(1, 25, 5, r, **f32), modules.ReLU(),
        conv.Conv1d(25, 25, 3, r, **f32), modules.ReLU(), conv.Conv1d(25, 25, 3, r, **f32),
        modules.ReLU(), conv.Flatten(), modules.Linear(125, 10, r))


permutation = np.random.default_rng(0).permutation(40)
EPOCHS_1D = {"logistic regression": 40, "MLP": 40, "CNN": 20}
table = {}
for shuffled in (False, True):
    cols = permutation if shuffled else slice(None)
    for kind, epochs in EPOCHS_1D.items():
        model = make_mnist1d_model(kind, seed=1)
        training.fit(model, optim.Adam(model, 1e-2), X1[:, cols], y1, epochs=epochs,
                     batch_size=100, rng=np.random.default_rng(1))
        table[kind, shuffled] = training.evaluate(model, "cross_entropy", X1_test[:, cols],
                                                  y1_test)[1]

# %% tags=["nbval-ignore-output"]
paper = {"logistic regression": (32, None), "MLP": (68, None), "CNN": (94, 56)}
print(f"{'model':>20} | {'ours':>5} {'paper':>5} | {'shuffled: ours':>14} {'paper':>5}")
for kind in EPOCHS_1D:
    p, ps = paper[kind]
    print(f"{kind:>20} | {table[kind, False]:>5.0%} {p:>4}% | {table[kind, True]:>14.0%} "
          f"{(str(ps) + '%') if ps else '  -':>5}")

# %% [markdown]
# The paper's figures (its Table of test accuracies for MNIST-1D, and its shuffled-data
# experiment for the CNN) come from PyTorch models trained for 6,000 steps of Adam with the
# same data arguments; ours are the same architectures trained for far fewer steps (40 epochs of
# 40 batches for logistic regression and the MLP, 20 for the CNN), one seed (1) each: a rough
# reference, not a reproduction. The exact figures move by a point or two between CPUs (many
# training steps amplify last-bit rounding differences, and the MLP over-fits), so the checks
# below test the pattern, which is the point, with margins that hold on any machine:

# %%
print("unshuffled: logistic < MLP < CNN:",
      table["logistic regression", False] < table["MLP", False] < table["CNN", False])
print("shuffling costs the CNN over 20 points:",
      table["CNN", False] - table["CNN", True] > 0.20)
print("shuffling changes logistic regression and the MLP by under 6 points:",
      all(abs(table[k, False] - table[k, True]) < 0.06 for k in ("logistic regression", "MLP")))
print("ours within 6 points of the paper's 32/68/94%:",
      all(abs(table[k, False] - paper[k][0] / 100) < 0.06 for k in paper))

# %% [markdown]
# ### 3.2 · Practical tips, demonstrated
#
# **Overfit a small subset first.** A network that cannot drive 50 training examples to zero
# error has a bug (or far too little capacity); one that can is at least wired correctly.

# %%
tiny_X, tiny_y = mnist.X_train[:50], mnist.y_train[:50]
tiny = make_convnet(2)
tiny_history = training.fit(tiny, optim.Adam(tiny, 3e-3), tiny_X, tiny_y, epochs=60,
                            batch_size=10, rng=np.random.default_rng(2), target_loss=1e-3)
print("zero training error on the 50 examples within 60 epochs:",
      tiny_history.train_accuracy[-1] == 1.0)

# %% [markdown]
# **A learning rate 10× too large.** The same network and 500 examples with SGD at learning
# rates 0.05 (our choice) and 0.5. At 0.5 the first steps overshoot so far that the loss
# blows up and the ReLUs are pushed where they no longer pass any gradient ("die"); the loss
# then sits at chance level, $\ln 10 \approx 2.3$, and never comes back:

# %%
fig, ax = plt.subplots(figsize=(6, 3.4))
lr_losses = {}
for lr in (0.05, 0.5):
    net = make_convnet(3)
    with np.errstate(all="ignore"):  # the large rate overflows; that is the point
        h = training.fit(net, optim.SGD(net, lr, momentum=0.9), mnist.X_train[:500],
                         mnist.y_train[:500], epochs=6, batch_size=32, rng=np.random.default_rng(3))
    lr_losses[lr] = h.train_loss
    ax.plot(range(1, len(h.train_loss) + 1), h.train_loss, "o-", label=f"learning rate {lr}")
ax.set(xlabel="epoch", ylabel="training loss", yscale="log", title="Too large a step")
ax.legend()
plt.show()
print("rate 0.05: loss falls below its start:", lr_losses[0.05][-1] < lr_losses[0.05][0])
print("rate 0.5: loss never below 2 (chance is ln 10 = 2.30):", min(lr_losses[0.5]) > 2.0)

# %% [markdown]
# **A gradient check catches a planted bug.** Suppose the backward pass flipped the kernel when
# it accumulated `dw`, the classic convolution/correlation mix-up. The layer still trains a bit,
# but the gradient check fails at once:

# %%
def flipped_dw_backward(dout, cache):
    dx, dw, db = conv.conv2d_backward(dout, cache)
    return dx, dw[:, :, ::-1, ::-1], db  # the bug


inputs = {"x": x2, "w": w2, "b": b2}
good = check_layer_gradients(conv.conv2d_forward, conv.conv2d_backward, inputs, rng)["w"]
bad = check_layer_gradients(conv.conv2d_forward, flipped_dw_backward, inputs, rng)["w"]
print("correct backward: relative error of dw < 1e-8:", good < 1e-8)
print("planted bug:      relative error of dw > 0.1:", bad > 0.1)

# %% [markdown]
# **The loss falls but the accuracy does not: check the loss and the labels.** Here the
# labels were paired with the wrong images (shuffled by mistake). The network can still
# memorise the training pairs, so the training loss falls; what it learns says nothing about
# digits, and validation accuracy stays at chance (10%):

# %%
wrong_y = np.random.default_rng(4).permutation(mnist.y_train[:500])
net = modules.mlp([784, 128, 10], np.random.default_rng(4), activation="relu")
h = training.fit(net, optim.Adam(net, 1e-3), mnist.X_train[:500], wrong_y, epochs=30,
                 batch_size=50, rng=np.random.default_rng(4), X_val=mnist.X_val,
                 y_val=mnist.y_val)
print("training loss fell by more than half:", h.train_loss[-1] < 0.5 * h.train_loss[0])
print("validation accuracy stayed below 20%:", max(h.val_accuracy) < 0.20)

# %% [markdown]
# **Under-fitting: more parameters.** When even the *training* error stays high, the network
# is too small. An MLP with 2 hidden units against one with 64, on 1,000 digits:

# %%
for width in (2, 64):
    net = modules.mlp([784, width, 10], np.random.default_rng(5), activation="relu")
    h = training.fit(net, optim.Adam(net, 3e-3), mnist.X_train[:1000], mnist.y_train[:1000],
                     epochs=20, batch_size=50, rng=np.random.default_rng(5))
    print(f"{width:>2} hidden units: training accuracy above 90%: {h.train_accuracy[-1] > 0.9}")

# %% [markdown]
# **Too slow.** The convolutions are matrix products, which a GPU runs many times faster; the
# PyTorch section below runs on one when there is one (the cell after this reports the device;
# no GPU timing is shown when there is none). Without one, data can be split over several
# processes that each compute gradients on part of a batch and average them (data
# parallelism): the appendix, [notebook 10](10_data_parallel_training.ipynb), does that with
# PyTorch's DistributedDataParallel and measures it. And smaller helps:
# float32 instead of float64, fewer filters, smaller images.

# %% tags=["nbval-ignore-output"]
batch = torch.tensor(mnist.X_train[:256], dtype=torch.float32)
net = conv.lenet5_torch()
if device.type == "cuda":
    for where in ("cpu", "cuda"):
        net_d, batch_d = net.to(where), batch.to(where)
        def forward_backward(net_d=net_d, batch_d=batch_d):
            net_d(batch_d).sum().backward()
            torch.cuda.synchronize()

        seconds = min(timeit.repeat(forward_backward, number=5, repeat=3))
        print(f"LeNet-5 forward+backward, 256 digits x 5, on {where}: {seconds * 1e3:.1f} ms")
else:
    print("no GPU here:", describe_device(device))

# %% [markdown]
# ## 4 · PyTorch, on the GPU when there is one
#
# `conv.convnet_to_torch` builds the torch twin of a NumPy ConvNet (convolution weights have
# the same layout in both; `Linear` weights are transposed) and copies the weights. We load the
# trained ConvNet's weights into a float64 copy, and compare outputs and the gradients of one
# batch. (MPS has no float64; there we compare in float32 with a looser bound.)

# %% tags=["nbval-ignore-output"]
dtype = torch.float32 if device.type == "mps" else torch.float64
limit_cpu_threads(device)
tolerance = 1e-4 if dtype == torch.float32 else 1e-9
print("running on:", describe_device(device), "in", dtype)

# %%
numpy_net = make_convnet(1, dtype=np.float64)
numpy_net.load_state_dict(convnet.state_dict())
twin = conv.convnet_to_torch(numpy_net, device=device, dtype=dtype)
batch_x, batch_y = mnist.X_test[:64], mnist.y_test[:64]
numpy_net.zero_grad()
scores = numpy_net.forward(batch_x)
numpy_net.backward(layers.softmax_cross_entropy(scores, batch_y)[1])
torch_scores = twin(torch.tensor(batch_x, dtype=dtype, device=device))
torch.nn.functional.cross_entropy(torch_scores,
                                  torch.tensor(batch_y, device=device)).backward()
gap = np.max(np.abs(scores - torch_scores.detach().cpu().double().numpy()))
theirs = conv.convnet_torch_gradients(numpy_net, twin)
worst = max(relative_error(g, theirs[k]) for k, g in numpy_net.gradients().items())
print(f"outputs agree (largest difference below {tolerance:g}): {gap < tolerance}")
print(f"gradients of every layer agree (relative error below {tolerance:g}): {worst < tolerance}")

# %% [markdown]
# ### 4.1 · Roots and variants, in PyTorch
#
# Fukushima's *neocognitron* (1980) already alternated feature-detecting and pooling layers,
# without backpropagation. LeCun's LeNet-5 (1998) trained that design end to end:
# convolution → subsampling → convolution → subsampling → fully connected, with tanh units.
# GoogLeNet (Szegedy et al., 2015) runs filters of several sizes *in parallel* on the same input
# and concatenates them; ResNet (He et al., 2016) adds the input of a block to its output
# ($x + F(x)$), which lets very deep networks train. Small versions of each (from
# `course_nn.conv`), and the torch twin of our ConvNet architecture, trained the same way here:
# Adam (learning rate 0.002), 4 epochs, batches of 64, float32, on our device, one seed (0).

# %%
X_tr = torch.tensor(mnist.X_train, dtype=torch.float32, device=device)
y_tr = torch.tensor(mnist.y_train, device=device)
X_te = torch.tensor(mnist.X_test, dtype=torch.float32, device=device)
variants = {"our ConvNet (twin)": lambda: conv.convnet_to_torch(make_convnet(1, np.float64)),
            "LeNet-5 style": conv.lenet5_torch, "GoogLeNet-style block": conv.inception_net_torch,
            "residual block": conv.residual_net_torch}
variant_table = {}
for name, factory in variants.items():
    torch.manual_seed(0)
    net = factory().to(device=device, dtype=torch.float32)
    fit_torch(net, torch.optim.Adam(net.parameters(), 2e-3), X_tr, y_tr,
              epochs=4, batch_size=64, generator=course_nn.torch_generator(0))
    accuracy = (predict_torch(net, X_te) == mnist.y_test).mean()
    variant_table[name] = (sum(p.numel() for p in net.parameters()), accuracy)

# %% tags=["nbval-ignore-output"]
for name, (count, accuracy) in variant_table.items():
    print(f"{name:>22}: {count:>6,} parameters, test accuracy {accuracy:.0%}")

# %% [markdown]
# (Accuracies move by a point or so between CPUs, as above.) Briefly trained, all four read
# these digits about equally well (within a few points; one
# seed and 1,000 test digits cannot rank them reliably), whatever their parameter counts: on small
# 28×28 digits the machinery of the later designs is not needed; it pays off on large images
# and in deep networks.

# %%
accs = [a for _, a in variant_table.values()]
print("all four within 8 points of each other:", max(accs) - min(accs) < 0.08)

# %% [markdown]
# ## 5 · Exercises
#
# Each exercise has a checker from `course_nn.exercises.conv`. Replace the `None`, run the
# cell, and read the verdict. A worked solution is hidden below each.
#
# **Exercise 1 (parameters of a convolutional layer).** How many weights and biases does a
# convolutional layer with the sizes below have (as `torch.nn.Conv2d` would build it)?

# %%
print(exercises.CONV_LAYER)
my_count = None
exercises.check_conv_parameter_count(my_count)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
# Each of the out_channels filters has in_channels x k x k weights, plus one bias.
layer = exercises.CONV_LAYER
count = (layer["out_channels"] * layer["in_channels"] * layer["kernel_size"] ** 2
         + layer["out_channels"])
exercises.check_conv_parameter_count(count)

# %% [markdown]
# **Exercise 2 (the weight gradient, coded).** Write `conv1d_weight_grad(x, delta, kernel_size)`
# for a single-channel layer with stride 1 and no padding, $y_i = \sum_a w_a x_{i+a}$: given the
# input `x` (length $L$) and $\delta_i = \partial E/\partial y_i$ (length $L - K + 1$), return
# $\partial E/\partial w$ (length $K$). The checker compares it with the package on four
# cases and with finite differences.

# %% tags=["stub"]
def conv1d_weight_grad(x, delta, kernel_size):
    return None  # your code here


exercises.check_conv1d_weight_grad(conv1d_weight_grad)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def conv1d_weight_grad(x, delta, kernel_size):
    # w_a met x_{i+a} at every output position i: sum those inputs, weighted by the deltas.
    return np.array([np.dot(delta, x[a : a + len(delta)]) for a in range(kernel_size)])


exercises.check_conv1d_weight_grad(conv1d_weight_grad)

# %% [markdown]
# **Exercise 3 (average pooling's backward pass, coded).** Write `avg_pool_backward(dout,
# kernel)` for non-overlapping `kernel`×`kernel` average pooling of one image: given
# `dout` of shape $(H/k, W/k)$, return $\partial E/\partial x$ of shape $(H, W)$.

# %% tags=["stub"]
def avg_pool_backward(dout, kernel):
    return None  # your code here


exercises.check_avg_pool_backward(avg_pool_backward)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} mystnb={"code_prompt_hide": "Hide solution", "code_prompt_show": "Show solution"} tags=["solution", "hide-cell"]
def avg_pool_backward(dout, kernel):
    # Every input of a window counts 1/k^2 towards its mean: spread dout evenly over the window.
    return np.kron(dout, np.ones((kernel, kernel))) / kernel**2


exercises.check_avg_pool_backward(avg_pool_backward)

# %% [markdown]
# ## 6 · Summary
#
# * A convolutional layer connects each unit to a small window and shares the weights across
#   positions: a 10×10 filter needs 100 weights whatever the image size, against $10^7$ for a
#   fully connected layer on a 100×100 image.
# * Deep-learning "convolution" is cross-correlation; true convolution flips the kernel. The FFT
#   computes convolution in $O(n \log n)$ instead of $O(n^2)$.
# * The backward pass of a convolution is again a correlation (for the weights) and a full
#   convolution (for the inputs); max pooling sends each gradient to its window's winner. Both
#   agree with finite differences and PyTorch.
# * A small ConvNet trained from scratch in NumPy reads the digits with far fewer parameters
#   than an MLP; on MNIST-1D its built-in assumption of local, shift-invariant features is
#   worth tens of points, and is lost when the positions are shuffled.
# * Debug by overfitting a little data first, checking gradients, and watching loss *and*
#   accuracy.
#
# **Next**, [notebook 07](07_text_cnns.ipynb) uses the same convolutions on text: a sentence is a 1-D signal of word
# vectors.
