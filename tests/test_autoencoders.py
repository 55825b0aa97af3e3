"""Autoencoders and sparsity penalties (notebook 05): every backward pass against centred finite
differences and torch.autograd in float64, the tied weight's gradient as the sum of its two
uses, training (fit, train_autoencoder, the vectorised per-example trainer), stacking,
classifiers on frozen or fine-tuned encoders, the torch helpers, and bad input."""

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from malformed import assert_clear_error

from course_nn import autoencoders as A
from course_nn import stacking as S
from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.modules import Linear, Sequential, Sigmoid, mlp
from course_nn.optim import SGD, Adam
from course_nn.sparsity import KLSparsity, L1Penalty
from course_nn.torch_bridge import to_torch, torch_gradients
from course_nn.training import fit

RTOL = 1e-10  # against torch.autograd on identical float64 numbers
FD = 1e-7  # against centred finite differences


def t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- kernels --------------------------------------------------------------------------------------

def test_tied_affine_backward_matches_finite_differences(rng):
    inputs = {"y": rng.standard_normal((4, 3)), "w": rng.standard_normal((5, 3)),
              "c": rng.standard_normal(5)}
    errors = check_layer_gradients(A.tied_affine_forward, A.tied_affine_backward, inputs, rng)
    assert max(errors.values()) < FD, errors


def test_tied_affine_matches_torch(rng):
    y, w, c = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    dout = rng.standard_normal((4, 5))
    out, cache = A.tied_affine_forward(y, w, c)
    dy, dw, dc = A.tied_affine_backward(dout, cache)
    yt, wt, ct = t(y, True), t(w, True), t(c, True)
    out_t = yt @ wt.T + ct
    out_t.backward(t(dout))
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=RTOL)
    for ours, theirs in ((dy, yt), (dw, wt), (dc, ct)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=RTOL, atol=1e-12)


def test_bernoulli_cross_entropy_matches_torch_and_finite_differences(rng):
    z, x = rng.standard_normal((6, 4)) * 3, rng.random((6, 4))
    loss, dz = A.bernoulli_cross_entropy(z, x)
    zt = t(z, True)
    loss_t = F.binary_cross_entropy_with_logits(zt, t(x), reduction="sum")
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=RTOL)
    np.testing.assert_allclose(dz, zt.grad.numpy(), rtol=RTOL, atol=1e-12)
    numeric = numerical_gradient(lambda v: A.bernoulli_cross_entropy(v, x)[0], z)
    assert relative_error(dz, numeric) < FD


def test_bernoulli_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0]])
    loss, dz = A.bernoulli_cross_entropy(z, np.array([[0.0, 1.0, 0.5]]))
    assert loss == pytest.approx(2000 + np.log(2))
    np.testing.assert_allclose(dz, [[1.0, -1.0, 0.0]])


@pytest.mark.parametrize("penalty", [L1Penalty(0.7), KLSparsity(0.1, 0.5)], ids=repr)
def test_penalty_gradients_match_torch_and_finite_differences(rng, penalty):
    code = rng.uniform(0.05, 0.95, (5, 4))
    if isinstance(penalty, L1Penalty):
        code = code - 0.5  # both signs
    numeric = numerical_gradient(penalty.value, code)
    assert relative_error(penalty.gradient(code), numeric) < FD
    ct = t(code, True)
    if isinstance(penalty, L1Penalty):
        value_t = penalty.weight * ct.abs().sum()
    else:
        rho, q = penalty.target, ct.mean(0)
        kl = rho * torch.log(rho / q) + (1 - rho) * torch.log((1 - rho) / (1 - q))
        value_t = penalty.weight * len(code) * kl.sum()
    value_t.backward()
    assert penalty.value(code) == pytest.approx(value_t.item(), rel=RTOL)
    np.testing.assert_allclose(penalty.gradient(code), ct.grad.numpy(), rtol=RTOL, atol=1e-12)


def test_kl_is_zero_at_the_target_and_l1_subgradient_is_zero_at_zero():
    assert KLSparsity(0.2, 3.0).value(np.full((4, 2), 0.2)) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_array_equal(L1Penalty(2.0).gradient(np.zeros((1, 3))), np.zeros((1, 3)))


# --- the Autoencoder module ---------------------------------------------------------------------

CONFIGS = [
    dict(tied=False), dict(tied=True), dict(tied=True, penalty=L1Penalty(0.3)),
    dict(tied=False, penalty=KLSparsity(0.2, 0.4)), dict(activation="tanh", penalty=L1Penalty(0.1)),
    dict(activation="identity", output="identity"),
]


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_autoencoder_gradients_match_finite_differences(rng, config, loss):
    if loss == "cross_entropy" and config.get("output") == "identity":
        pytest.skip("the cross-entropy needs sigmoid outputs")
    ae = A.autoencoder(5, 3, np.random.default_rng(1), **config)
    errors = A.gradient_errors(ae, rng.random((6, 5)), loss)
    assert max(errors.values()) < FD, errors


def torch_autoencoder_grads(ae, X, loss):
    """The same objective written directly in torch, from ae's weights: (loss, {name: grad})."""
    params = {name: t(value, True) for name, value in ae.parameters().items()}
    w1, b1 = params["0.weight"], params["0.bias"]
    code = torch.sigmoid(t(X) @ w1 + b1)
    w2 = w1.T if "2.weight" not in params else params["2.weight"]
    logits = code @ w2 + params["2.bias"]
    if loss == "squared":
        value = 0.5 * ((torch.sigmoid(logits) - t(X)) ** 2).sum()
    else:
        value = F.binary_cross_entropy_with_logits(logits, t(X), reduction="sum")
    if isinstance(ae.penalty, L1Penalty):
        value = value + ae.penalty.weight * code.abs().sum()
    value.backward()
    return value.item(), {name: p.grad.numpy() for name, p in params.items()}


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_autoencoder_matches_torch_autograd(rng, tied, loss):
    X = rng.random((7, 6))
    ae = A.autoencoder(6, 4, np.random.default_rng(2), tied=tied, penalty=L1Penalty(0.2))
    A.gradient_errors(ae, X, loss)  # leaves the analytic gradients in ae
    value_t, grads_t = torch_autoencoder_grads(ae, X, loss)
    assert A.objective(ae, X, loss) == pytest.approx(value_t, rel=RTOL)
    for name, grad in ae.gradients().items():
        np.testing.assert_allclose(grad, grads_t[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_tied_gradient_is_the_sum_of_both_uses(rng):
    X = rng.random((5, 4))
    tied = A.autoencoder(4, 2, np.random.default_rng(3), tied=True)
    untied = A.autoencoder(4, 2, np.random.default_rng(3))
    w = tied.encoder[0].weight
    untied.load_state_dict({"0.weight": w, "0.bias": tied.encoder[0].bias, "2.weight": w.T,
                            "2.bias": tied.decoder[0].bias})
    A.gradient_errors(tied, X)
    A.gradient_errors(untied, X)
    from_encoder, from_decoder = untied.gradients()["0.weight"], untied.gradients()["2.weight"].T
    shared = tied.gradients()["0.weight"]
    np.testing.assert_allclose(shared, from_encoder + from_decoder, rtol=1e-12, atol=1e-14)
    assert relative_error(shared, from_encoder) > 0.01
    assert relative_error(shared, from_decoder) > 0.01


def test_tied_autoencoder_exposes_the_shared_matrix_once():
    ae = A.autoencoder(6, 3, np.random.default_rng(0), tied=True)
    assert sorted(ae.parameters()) == ["0.bias", "0.weight", "2.bias"]
    assert ae.decoder[0].encoder.weight is ae.parameters()["0.weight"]


def test_gradients_accumulate_until_zeroed(rng):
    X = rng.random((3, 4))
    ae = A.autoencoder(4, 2, np.random.default_rng(0), tied=True, penalty=L1Penalty(0.1))
    ae.zero_grad()
    ae.backward(ae.forward(X) - X)
    once = {k: v.copy() for k, v in ae.gradients().items()}
    ae.backward(ae.forward(X) - X)
    for name, grad in ae.gradients().items():
        np.testing.assert_allclose(grad, 2 * once[name], rtol=1e-12)


def test_fit_trains_an_autoencoder_exactly_like_train_autoencoder(rng):
    X = rng.random((12, 6))
    a = A.autoencoder(6, 3, np.random.default_rng(4), tied=True)
    b = copy.deepcopy(a)
    fit(a, SGD(a, 0.1), X, X, loss="squared", epochs=5, batch_size=4,
        rng=np.random.default_rng(9), show_progress=False)
    history = A.train_autoencoder(b, SGD(b, 0.1), X, epochs=5, batch_size=4,
                                  rng=np.random.default_rng(9), show_progress=False)
    for name, value in a.parameters().items():
        np.testing.assert_allclose(value, b.parameters()[name], rtol=1e-12)
    assert history.reconstruction[-1] < history.reconstruction[0]


def test_train_autoencoder_lowers_cross_entropy_and_records_the_penalty(rng):
    X = (rng.random((40, 8)) > 0.5).astype(float)
    ae = A.autoencoder(8, 4, np.random.default_rng(0), penalty=L1Penalty(0.05))
    history = A.train_autoencoder(ae, Adam(ae, 0.05), X, loss="cross_entropy", epochs=30,
                                  batch_size=10, rng=np.random.default_rng(1),
                                  show_progress=False)
    assert history.reconstruction[-1] < 0.8 * history.reconstruction[0]
    assert history.penalty[-1] == pytest.approx(ae.penalty_value(X) / len(X))


def test_linear_autoencoder_reaches_pca(rng):
    X = rng.standard_normal((60, 5)) @ np.diag([3.0, 2.0, 1.0, 0.3, 0.1])
    X -= X.mean(axis=0)
    ae = A.autoencoder(5, 2, np.random.default_rng(0), activation="identity", output="identity")
    history = A.train_autoencoder(ae, Adam(ae, 0.02), X, epochs=1500, batch_size=None,
                                  show_progress=False)
    eigenvalues = np.linalg.eigvalsh(np.cov(X.T, bias=True))
    assert history.reconstruction[-1] == pytest.approx(eigenvalues[:3].sum(), rel=1e-5)


def test_per_example_batch_equals_fit_for_each_network():
    X = np.eye(5)
    batch = A.train_per_example_batch(X, 3, 2, np.random.default_rng(11), epochs=20)
    draw = np.random.default_rng(11)
    for k in range(3):
        net = mlp([5, 2, 5], draw, init="uniform", init_range=0.1, output_activation="sigmoid")
        fit(net, SGD(net, 0.3), X, X, loss="squared", epochs=20, batch_size=1,
            show_progress=False)
        np.testing.assert_allclose(batch.w1[k], net[0].weight, atol=1e-13)
        np.testing.assert_allclose(batch.b2[k], net[2].bias, atol=1e-13)
        np.testing.assert_allclose(batch.outputs(X)[k], net.forward(X), atol=1e-13)


def test_the_838_network_learns_to_reconstruct():
    runs = A.train_per_example_batch(np.eye(8), 2, 3, np.random.default_rng(0), epochs=3000)
    assert np.all(runs.outputs(np.eye(8)).round() == np.eye(8))


# --- stacking, classifiers ----------------------------------------------------------------------

def test_train_stack_keeps_start_and_trains_on_codes(rng):
    X = rng.random((30, 8))
    first = A.autoencoder(8, 5, np.random.default_rng(0))
    before = first.state_dict()
    stack = S.train_stack(X, [3], np.random.default_rng(1), start=[first], epochs=3,
                          batch_size=10, show_progress=False)
    assert stack[0] is first and len(stack) == 2
    assert all(np.array_equal(before[k], v) for k, v in first.parameters().items())
    assert stack[1].encoder[0].weight.shape == (5, 3)
    assert S.reconstruct_through(stack, X).shape == X.shape
    np.testing.assert_allclose(S.stacked_encoder(stack).forward(X),
                               stack[1].encode(first.encode(X)))


def test_frozen_encoder_stays_and_fine_tuning_copies(rng):
    X, y = rng.random((20, 6)), np.arange(20) % 3
    encoder = A.autoencoder(6, 4, np.random.default_rng(0)).encoder
    before = encoder.state_dict()
    frozen = S.encoder_classifier(encoder, 3, np.random.default_rng(1), freeze=True)
    tuned = S.encoder_classifier(encoder, 3, np.random.default_rng(1), freeze=False)
    assert sorted(frozen.parameters()) == ["1.bias", "1.weight"]
    for model in (frozen, tuned):
        fit(model, SGD(model, 0.5), X, y, epochs=5, batch_size=5, show_progress=False)
    assert all(np.array_equal(before[k], v) for k, v in encoder.parameters().items())
    assert not np.allclose(tuned[0][0].weight, before["0.weight"])


def test_frozen_passes_input_gradients_without_keeping_its_own(rng):
    layer = Linear(3, 2, np.random.default_rng(0))
    frozen = S.Frozen(layer)
    x = rng.random((4, 3))
    frozen.forward(x)
    dx = frozen.backward(np.ones((4, 2)))
    np.testing.assert_allclose(dx, np.ones((4, 2)) @ layer.weight.T)
    assert not layer.weight_grad.any()
    assert frozen.backward(np.ones((4, 2)), input_grad=False) is None


def test_balanced_subset_takes_equal_counts():
    y = np.repeat(np.arange(4), 10)
    chosen = S.balanced_subset(y, 12, np.random.default_rng(0))
    assert len(set(chosen)) == 12
    np.testing.assert_array_equal(np.bincount(y[chosen]), [3, 3, 3, 3])


# --- PyTorch ------------------------------------------------------------------------------------

def test_as_sequential_matches_torch_outputs_and_gradients(rng):
    X = rng.random((5, 6))
    ae = A.autoencoder(6, 3, np.random.default_rng(0))
    seq = ae.as_sequential()
    torch_model = to_torch(seq)
    np.testing.assert_allclose(ae.forward(X), torch_model(t(X)).detach().numpy(), rtol=RTOL)
    ae.zero_grad()
    ae.backward(ae.forward(X) - X)
    (0.5 * ((torch_model(t(X)) - t(X)) ** 2).sum()).backward()
    theirs = torch_gradients(seq, torch_model)
    for name, grad in ae.gradients().items():
        np.testing.assert_allclose(grad, theirs[name], rtol=1e-9, atol=1e-12)


def test_masking_noise_and_denoising_training():
    g = torch.Generator().manual_seed(0)
    noisy = A.masking_noise_torch(torch.ones(200, 50), 0.3, g)
    assert set(noisy.unique().tolist()) <= {0.0, 1.0}
    assert abs((noisy == 0).double().mean().item() - 0.3) < 0.02
    X = (torch.rand(64, 12, generator=g) > 0.5).double()
    model = torch.nn.Sequential(torch.nn.Linear(12, 6), torch.nn.Sigmoid(),
                                torch.nn.Linear(6, 12), torch.nn.Sigmoid()).double()
    losses = A.train_denoising_torch(model, torch.optim.Adam(model.parameters(), 0.02), X,
                                     drop_prob=0.2, epochs=30, batch_size=16, generator=g)
    assert len(losses) == 30 and losses[-1] < 0.8 * losses[0]


# --- bad input ----------------------------------------------------------------------------------

def test_kernels_refuse_bad_input():
    y, w, c = np.ones((2, 3)), np.ones((4, 3)), np.ones(4)
    assert_clear_error(lambda: A.tied_affine_forward(y, np.ones((4, 2)), c), ValueError, "w")
    assert_clear_error(lambda: A.tied_affine_forward(y, w, np.ones(3)), ValueError, "c")
    assert_clear_error(lambda: A.tied_affine_forward([[1.0]], w, c), TypeError, "y")
    _, cache = A.tied_affine_forward(y, w, c)
    assert_clear_error(lambda: A.tied_affine_backward(np.ones((2, 3)), cache), ValueError, "dout")
    assert_clear_error(lambda: A.bernoulli_cross_entropy(np.ones((2, 2)), np.full((2, 2), 2.0)),
                       ValueError, "targets")
    assert_clear_error(lambda: A.bernoulli_cross_entropy(np.ones((2, 2)), np.ones((2, 3))),
                       ValueError, "targets")


def test_penalties_refuse_bad_input():
    assert_clear_error(lambda: L1Penalty(-1.0), ValueError, "weight")
    assert_clear_error(lambda: L1Penalty("0.1"), TypeError, "weight")
    assert_clear_error(lambda: KLSparsity(1.5, 1.0), ValueError, "target")
    assert_clear_error(lambda: KLSparsity(0.1, 1.0).value(np.full((2, 2), 1.0)), ValueError,
                       "code")
    assert_clear_error(lambda: L1Penalty(1.0).gradient([[1.0]]), TypeError, "code")
    assert_clear_error(lambda: L1Penalty(1.0).gradient(np.ones(3)), ValueError, "code")


def test_building_refuses_bad_input():
    r = np.random.default_rng(0)
    assert_clear_error(lambda: A.autoencoder(4, 2, r, activation="softplus"), ValueError,
                       "activation")
    assert_clear_error(lambda: A.autoencoder(4, 2, r, output="tanh"), ValueError, "output")
    assert_clear_error(lambda: A.autoencoder(4, 2, r, tied="yes"), TypeError, "tied")
    assert_clear_error(lambda: A.autoencoder(4, 2, r, penalty="l1"), TypeError, "penalty")
    assert_clear_error(lambda: A.autoencoder(4, 0, r), ValueError, "out_features")
    assert_clear_error(lambda: A.TiedLinear(Sigmoid()), TypeError, "encoder")
    assert_clear_error(lambda: A.Autoencoder("enc", Sequential(Sigmoid())), TypeError, "encoder")
    assert_clear_error(lambda: S.Frozen(None), TypeError, "module")
    enc = A.autoencoder(4, 2, r).encoder
    assert_clear_error(lambda: S.encoder_classifier(enc, 1, r, freeze=True), ValueError,
                       "n_classes")
    assert_clear_error(lambda: S.encoder_classifier(enc, 3, r, freeze="no"), TypeError, "freeze")
    assert_clear_error(lambda: S.encoder_classifier(Sequential(Sigmoid()), 3, r, freeze=True),
                       ValueError, "encoder")


def test_module_calls_refuse_bad_input():
    ae = A.autoencoder(4, 2, np.random.default_rng(0))
    with pytest.raises(RuntimeError, match="before forward"):
        ae.backward(np.ones((1, 4)))
    ae.forward(np.ones((3, 4)))
    assert_clear_error(lambda: ae.backward(np.ones((3, 5))), ValueError, "dout")
    assert_clear_error(lambda: ae.encode(np.ones(4)), ValueError, "X")
    assert_clear_error(lambda: ae.decode(None), TypeError, "code")


def test_training_calls_refuse_bad_input():
    r = np.random.default_rng(0)
    ae = A.autoencoder(4, 2, r)
    other = A.autoencoder(4, 2, r)
    X = np.random.default_rng(1).random((6, 4))
    assert_clear_error(lambda: A.train_autoencoder(ae, SGD(other, 0.1), X, show_progress=False),
                       ValueError, "optimiser")
    assert_clear_error(lambda: A.train_autoencoder(ae, SGD(ae, 0.1), X, loss="l2",
                                                   show_progress=False), ValueError, "loss")
    assert_clear_error(lambda: A.train_autoencoder(ae, SGD(ae, 0.1), X[:, :3],
                                                   show_progress=False), ValueError, "X")
    assert_clear_error(lambda: A.train_autoencoder(ae, SGD(ae, 0.1), X, epochs=0,
                                                   show_progress=False), ValueError, "epochs")
    assert_clear_error(lambda: A.train_autoencoder("ae", SGD(ae, 0.1), X), TypeError, "ae")
    linear = A.autoencoder(4, 2, r, output="identity")
    assert_clear_error(lambda: A.train_autoencoder(linear, SGD(linear, 0.1), X,
                                                   loss="cross_entropy", show_progress=False),
                       ValueError, "loss")
    assert_clear_error(lambda: S.train_stack(X, [], r), ValueError, "hidden_sizes")
    assert_clear_error(lambda: S.train_stack(X, [2], r, start=[ae, "x"]), TypeError, "start")
    assert_clear_error(lambda: S.reconstruct_through([], X), TypeError, "stack")
    assert_clear_error(lambda: A.reconstruction_error(ae, X, "abs"), ValueError, "loss")
    assert_clear_error(lambda: A.train_per_example_batch(np.eye(3), 0, 2, r), ValueError,
                       "n_networks")
    assert_clear_error(lambda: A.train_per_example_batch(np.eye(3), 2, 2, 7), TypeError, "rng")
    assert_clear_error(lambda: S.balanced_subset(np.arange(10) % 3, 10, r), ValueError,
                       "n_labels")
    assert_clear_error(lambda: S.balanced_subset(np.zeros(4), 2, r), TypeError, "y")


def test_torch_helpers_refuse_bad_input():
    g = torch.Generator().manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Sigmoid())
    opt = torch.optim.Adam(model.parameters())
    assert_clear_error(lambda: A.masking_noise_torch(np.ones((2, 2)), 0.1, g), TypeError, "x")
    assert_clear_error(lambda: A.masking_noise_torch(torch.ones(2, 2), 1.5, g), ValueError,
                       "drop_prob")
    assert_clear_error(lambda: A.train_denoising_torch(model, opt, np.ones((2, 3)), drop_prob=0.1,
                                                       epochs=1, batch_size=1, generator=g),
                       TypeError, "X")
    assert_clear_error(lambda: A.train_denoising_torch(model, opt, torch.ones(2, 3), drop_prob=0.1,
                                                       epochs=1, batch_size=1, generator=0),
                       TypeError, "generator")
