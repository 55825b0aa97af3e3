"""course_nn.recurrent: BPTT against finite differences and torch.nn.RNN; masking; bad inputs."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from malformed import assert_clear_error, bad_options, not_arrays, wrong_ndim

from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.recurrent import (
    RNN,
    StepLinear,
    copy_rnn_weights_from_torch,
    copy_rnn_weights_to_torch,
    hidden_jacobian,
    last_state,
    last_state_backward,
    masked_cross_entropy,
    reverse_padded,
    rnn_backward,
    rnn_backward_by_paths,
    rnn_forward,
    run_torch_rnn,
    step_mask,
    to_torch_rnn,
    torch_rnn_gradients,
    window_backward,
    window_forward,
)

N, T, D, H, C = 4, 5, 3, 4, 3
EITHER = (ValueError, TypeError)
LENGTHS = np.array([5, 2, 1, 4])


def _inputs(rng, scale=0.5):
    return {"x": rng.standard_normal((N, T, D)), "h0": rng.standard_normal((N, H)) * scale,
            "w_in": rng.standard_normal((D, H)) * scale,
            "w_h": rng.standard_normal((H, H)) * scale, "b": rng.standard_normal(H) * scale}


def _forward(activation="tanh", lengths=LENGTHS):
    def forward(x, h0, w_in, w_h, b):
        return rnn_forward(x, lengths, h0, w_in, w_h, b, activation=activation)
    return forward


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("backward", [rnn_backward, rnn_backward_by_paths])
def test_bptt_matches_finite_differences(activation, backward):
    rng = np.random.default_rng(1)
    inputs = _inputs(rng)
    if activation == "relu":  # keep pre-activations away from the kink at 0
        inputs["b"] = inputs["b"] + np.sign(inputs["b"]) * 0.3
    errors = check_layer_gradients(_forward(activation), backward, inputs, rng)
    assert max(errors.values()) < 1e-7, errors


def test_the_recursive_sweep_equals_the_sum_over_paths():
    rng = np.random.default_rng(2)
    inputs = _inputs(rng, scale=0.8)
    h, cache = _forward()(**inputs)
    dh = rng.standard_normal(h.shape)
    for fast, slow in zip(rnn_backward(dh, cache), rnn_backward_by_paths(dh, cache), strict=True):
        assert np.allclose(fast, slow, rtol=1e-12, atol=1e-12)


def test_hidden_jacobian_matches_finite_differences_of_h_t_in_h0():
    rng = np.random.default_rng(3)
    inputs = _inputs(rng)
    _, cache = _forward()(**inputs)
    t = 3
    jac = hidden_jacobian(cache, t, t + 1)  # dh_3 / dh_{-1} = dh_3 / dh0
    for n in (0, 1):  # a full sequence, and one whose last real step is 1
        for i in range(H):
            def h_t_i(h0_row, n=n, i=i):
                h0 = inputs["h0"].copy()
                h0[n] = h0_row
                h, _ = rnn_forward(inputs["x"], LENGTHS, h0, inputs["w_in"], inputs["w_h"],
                                   inputs["b"])
                return h[n, t, i]
            numeric = numerical_gradient(h_t_i, inputs["h0"][n])
            assert relative_error(jac[n, i], numeric) < 1e-6
    assert np.allclose(hidden_jacobian(cache, 2, 0), np.eye(H))
    assert np.allclose(hidden_jacobian(cache, 4, 3)[1], np.eye(H))  # padded steps 2..4


def test_padded_steps_change_neither_state_nor_loss():
    rng = np.random.default_rng(4)
    inputs = _inputs(rng)
    h, cache = _forward()(**inputs)
    for n, length in enumerate(LENGTHS):
        assert np.all(h[n, length:] == h[n, length - 1])  # the state is carried, unchanged
        alone, _ = rnn_forward(inputs["x"][n : n + 1, :length], [length], inputs["h0"][n : n + 1],
                               inputs["w_in"], inputs["w_h"], inputs["b"])
        assert np.allclose(alone[0], h[n, :length], atol=1e-14)
    mask = step_mask(LENGTHS, T).astype(bool)
    x2 = inputs["x"].copy()
    x2[~mask] = 99.0  # garbage in the padding
    h2, _ = _forward()(**dict(inputs, x=x2))
    assert np.array_equal(h, h2)
    dx = rnn_backward(rng.standard_normal(h.shape), cache)[0]
    assert np.all(dx[~mask] == 0)

    scores = rng.standard_normal((N, T, C))
    labels = rng.integers(0, C, size=(N, T))
    loss, dscores = masked_cross_entropy(scores, labels, LENGTHS)
    labels2, scores2 = labels.copy(), scores.copy()
    labels2[~mask], scores2[~mask] = 0, 50.0
    assert masked_cross_entropy(scores2, labels2, LENGTHS)[0] == loss
    assert np.all(dscores[~mask] == 0)


def test_masked_cross_entropy_gradient_and_mean_over_real_steps():
    rng = np.random.default_rng(5)
    scores = rng.standard_normal((N, T, C))
    labels = rng.integers(0, C, size=(N, T))
    loss, dscores = masked_cross_entropy(scores, labels, LENGTHS)
    numeric = numerical_gradient(lambda s: masked_cross_entropy(s, labels, LENGTHS)[0], scores)
    assert relative_error(dscores, numeric) < 1e-8
    mask = step_mask(LENGTHS, T).astype(bool)
    log_p = torch.log_softmax(torch.tensor(scores[mask]), dim=1)
    want = -log_p[np.arange(mask.sum()), labels[mask]].mean().item()
    assert abs(loss - want) < 1e-12


def test_whole_sequence_and_windowed_outputs():
    rng = np.random.default_rng(6)
    inputs = _inputs(rng)
    h, _ = _forward()(**inputs)
    assert np.array_equal(last_state(h, LENGTHS), h[:, -1])  # masking carries the last state
    dout = rng.standard_normal((N, H))
    dh = last_state_backward(dout, h.shape, LENGTHS)
    assert np.array_equal(dh[np.arange(N), LENGTHS - 1], dout) and np.isclose(dh.sum(), dout.sum())

    v, c = rng.standard_normal((2, H, C)), rng.standard_normal(C)
    scores, _ = window_forward(h, v, c)
    assert np.allclose(scores[:, 3], h[:, 3] @ v[0] + h[:, 2] @ v[1] + c)
    assert np.allclose(scores[:, 0], h[:, 0] @ v[0] + c)  # nothing before the start
    errors = check_layer_gradients(window_forward, window_backward, {"h": h, "v": v, "c": c}, rng)
    assert max(errors.values()) < 1e-8, errors


def test_step_linear_is_linear_at_every_step():
    rng = np.random.default_rng(7)
    layer = StepLinear(H, C, rng)
    x = rng.standard_normal((N, T, H))
    out = layer(x)
    assert np.allclose(out[2, 3], x[2, 3] @ layer.weight + layer.bias)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    assert np.allclose(dx, dout @ layer.weight.T)
    assert np.allclose(layer.weight_grad, np.einsum("ntd,ntc->dc", x, dout))
    assert layer.backward(dout, input_grad=False) is None


def test_reverse_padded_reverses_only_the_real_steps():
    x = np.arange(N * T, dtype=float).reshape(N, T)
    r = reverse_padded(x, LENGTHS)
    assert r[1].tolist() == [6.0, 5.0, 7.0, 8.0, 9.0]
    assert r[2].tolist() == x[2].tolist()
    assert np.array_equal(reverse_padded(r, LENGTHS), x)


def _loss_of_params(model, x, lengths, dout):
    def loss(flat):
        saved = {k: v.copy() for k, v in model.parameters().items()}
        offset = 0
        for value in model.parameters().values():
            value[...] = flat[offset : offset + value.size].reshape(value.shape)
            offset += value.size
        result = float(np.sum(model(x, lengths) * dout))
        model.load_state_dict(saved)
        return result
    return loss


@pytest.mark.parametrize("layers, bidirectional", [(1, True), (2, True), (2, False)])
def test_module_gradients_match_finite_differences(layers, bidirectional):
    rng = np.random.default_rng(8)
    model = RNN(D, 3, rng, num_layers=layers, bidirectional=bidirectional)
    x = rng.standard_normal((N, T, D))
    out = model(x, LENGTHS)
    dout = rng.standard_normal(out.shape)
    model.zero_grad()
    dx = model.backward(dout)
    flat = np.concatenate([v.ravel() for v in model.parameters().values()])
    numeric = numerical_gradient(_loss_of_params(model, x, LENGTHS, dout), flat)
    analytic = np.concatenate([g.ravel() for g in model.gradients().values()])
    assert relative_error(analytic, numeric) < 1e-7
    dx_numeric = numerical_gradient(lambda z: float(np.sum(model(z, LENGTHS) * dout)), x)
    assert relative_error(dx, dx_numeric) < 1e-7


@pytest.mark.parametrize("layers, bidirectional, activation", [
    (1, False, "tanh"), (1, True, "tanh"), (2, False, "tanh"), (2, True, "tanh"),
    (3, True, "relu"),
])
def test_module_matches_torch_rnn_outputs_final_states_and_gradients(layers, bidirectional,
                                                                    activation):
    rng = np.random.default_rng(9)
    model = RNN(D, H, rng, num_layers=layers, bidirectional=bidirectional, activation=activation)
    x = rng.standard_normal((N, T, D))
    out = model(x, LENGTHS)
    torch_rnn = to_torch_rnn(model)
    xt = torch.tensor(x, requires_grad=True)
    out_t, h_n = run_torch_rnn(torch_rnn, xt, LENGTHS)
    assert np.allclose(out, out_t.detach().numpy(), atol=1e-12)
    assert np.allclose(model.final_states, h_n.detach().numpy(), atol=1e-12)

    dout = rng.standard_normal(out.shape)
    (out_t * torch.tensor(dout)).sum().backward()
    model.zero_grad()
    dx = model.backward(dout)
    assert np.allclose(dx, xt.grad.numpy(), atol=1e-12)
    theirs = torch_rnn_gradients(model, torch_rnn)
    assert set(theirs) == set(model.gradients())
    for name, grad in model.gradients().items():
        assert np.allclose(grad, theirs[name], atol=1e-11), name


def test_weights_round_trip_and_torch_biases_are_summed():
    rng = np.random.default_rng(10)
    model = RNN(D, H, rng, num_layers=2, bidirectional=True)
    torch_rnn = torch.nn.RNN(D, H, num_layers=2, bidirectional=True, batch_first=True,
                             dtype=torch.float64)
    copy_rnn_weights_from_torch(torch_rnn, model)
    x = rng.standard_normal((N, T, D))
    out_t, _ = run_torch_rnn(torch_rnn, torch.tensor(x), LENGTHS)
    assert np.allclose(model(x, LENGTHS), out_t.detach().numpy(), atol=1e-12)
    assert np.allclose(model.parameters()["l1r.b"], (torch_rnn.bias_ih_l1_reverse
                                                     + torch_rnn.bias_hh_l1_reverse).detach())
    other = RNN(D, H, np.random.default_rng(11), num_layers=2, bidirectional=True)
    copy_rnn_weights_to_torch(other, torch_rnn)
    assert torch.all(torch_rnn.bias_hh_l0 == 0)
    copy_rnn_weights_from_torch(torch_rnn, model)
    for name, value in other.parameters().items():
        assert np.array_equal(model.parameters()[name], value)


def test_bad_inputs_name_the_argument():
    rng = np.random.default_rng(12)
    p = _inputs(rng)
    args = (p["x"], LENGTHS, p["h0"], p["w_in"], p["w_h"], p["b"])
    cases = [
        ((p["x"][0],) + args[1:], {}, ValueError, "x must be a 3-D array"),
        ((p["x"].tolist(),) + args[1:], {}, TypeError, "x must be"),
        ((p["x"], LENGTHS.astype(float)) + args[2:], {}, TypeError, "lengths must hold integers"),
        ((p["x"], np.array([5, 2, 1])) + args[2:], {}, ValueError, r"lengths must have shape"),
        ((p["x"], np.array([6, 2, 1, 1])) + args[2:], {}, ValueError,
         r"lengths must lie in \[1, 5\]"),
        ((p["x"], np.array([0, 2, 1, 1])) + args[2:], {}, ValueError, "lengths must lie in"),
        ((p["x"], None) + args[2:], {}, TypeError, "lengths must be an integer array"),
        (args[:2] + (p["h0"][:2],) + args[3:], {}, ValueError, r"h0 must have shape \(N, H\)"),
        (args[:3] + (p["w_in"].T,) + args[4:], {}, ValueError, r"w_in must have shape \(D, H\)"),
        (args[:4] + (p["w_h"][:2],) + args[5:], {}, ValueError, r"w_h must have shape \(H, H\)"),
        (args[:5] + (p["b"][:2],), {}, ValueError, r"b must have shape \(H,\)"),
        (args, {"activation": "sigmoid"}, ValueError, "activation must be one of"),
    ]
    for call_args, kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            rnn_forward(*call_args, **kwargs)
    h, cache = rnn_forward(*args)
    with pytest.raises(ValueError, match=r"dh must have shape"):
        rnn_backward(h[:, :2], cache)
    with pytest.raises(TypeError, match="cache must be the cache rnn_forward returned"):
        rnn_backward(h, None)
    with pytest.raises(ValueError, match="t and k must satisfy"):
        hidden_jacobian(cache, 2, 4)
    with pytest.raises(ValueError, match=r"labels must be an integer array of shape \(N, T\)"):
        masked_cross_entropy(np.zeros((N, T, C)), np.zeros((N, T - 1), int), LENGTHS)
    with pytest.raises(TypeError, match="labels must be integers"):
        masked_cross_entropy(np.zeros((N, T, C)), np.zeros((N, T)), LENGTHS)
    with pytest.raises(ValueError, match=r"v must have shape \(K, H, C\)"):
        window_forward(h, np.zeros((2, H + 1, C)), np.zeros(C))


def test_module_bad_inputs():
    rng = np.random.default_rng(13)
    with pytest.raises(ValueError, match="hidden_size must be >= 1"):
        RNN(D, 0, rng)
    with pytest.raises(TypeError, match="bidirectional must be True or False"):
        RNN(D, H, rng, bidirectional="yes")
    with pytest.raises(ValueError, match="activation must be one of"):
        RNN(D, H, rng, activation="sigmoid")
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        RNN(D, H, 0)
    model = RNN(D, H, rng, bidirectional=True)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        model.backward(np.zeros((N, T, 2 * H)))
    with pytest.raises(ValueError, match=f"x must have {D} features"):
        model(np.zeros((N, T, D + 1)), LENGTHS)
    model(np.zeros((N, T, D)), LENGTHS)
    with pytest.raises(ValueError, match=r"dout must have shape \(N, T, directions \* H\)"):
        model.backward(np.zeros((N, T, H)))
    with pytest.raises(TypeError, match="rnn must be a course_nn.recurrent.RNN"):
        to_torch_rnn(torch.nn.RNN(D, H))
    with pytest.raises(ValueError, match="torch_rnn must mirror rnn"):
        copy_rnn_weights_to_torch(model, torch.nn.RNN(D, H, batch_first=True))
    with pytest.raises(TypeError, match="torch_rnn must be a torch.nn.RNN"):
        copy_rnn_weights_from_torch(torch.nn.LSTM(D, H), model)
    with pytest.raises(ValueError, match="has no gradient"):
        torch_rnn_gradients(model, to_torch_rnn(model))
    with pytest.raises(TypeError, match="x must be a 3-D torch tensor"):
        run_torch_rnn(to_torch_rnn(model), np.zeros((N, T, D)), LENGTHS)


@settings(max_examples=20, deadline=None)
@given(x=wrong_ndim(3), junk=not_arrays(), option=bad_options(["tanh", "relu"]))
def test_generated_malformed_calls_name_the_argument(x, junk, option):
    p = _inputs(np.random.default_rng(14))
    rest = (p["h0"], p["w_in"], p["w_h"], p["b"])
    assert_clear_error(lambda: rnn_forward(x, LENGTHS, *rest), EITHER, "x")
    assert_clear_error(lambda: rnn_forward(junk, LENGTHS, *rest), EITHER, "x")
    assert_clear_error(lambda: rnn_forward(p["x"], junk, *rest), EITHER, "lengths")
    assert_clear_error(lambda: rnn_forward(p["x"], LENGTHS, *rest, activation=option),
                       ValueError, "activation")
    model = RNN(D, H, np.random.default_rng(0))
    assert_clear_error(lambda: model(x, LENGTHS), EITHER, "x")
    assert_clear_error(lambda: reverse_padded(junk, LENGTHS), EITHER, "x")
    assert_clear_error(lambda: masked_cross_entropy(junk, np.zeros((N, T), int), LENGTHS),
                       EITHER, "scores")


def test_bidirectional_output_is_w_o_h_t_plus_w_o_prime_h_prime_t():
    rng = np.random.default_rng(15)
    model = RNN(D, H, rng, bidirectional=True)
    x = rng.standard_normal((N, T, D))
    p = model.parameters()
    h0 = np.zeros((N, H))
    h, _ = rnn_forward(x, LENGTHS, h0, p["l0.w_in"], p["l0.w_h"], p["l0.b"])
    h_rev, _ = rnn_forward(reverse_padded(x, LENGTHS), LENGTHS, h0, p["l0r.w_in"],
                           p["l0r.w_h"], p["l0r.b"])
    h_prime = reverse_padded(h_rev, LENGTHS)  # h'_t has read x_t, ..., x_{length-1}
    out = StepLinear(2 * H, C, rng)
    scores = out(model(x, LENGTHS))
    w_o, w_o_prime = out.weight[:H], out.weight[H:]
    want = h @ w_o + h_prime @ w_o_prime + out.bias
    mask = step_mask(LENGTHS, T).astype(bool)
    assert np.allclose(scores[mask], want[mask], atol=1e-14)
