"""course_nn.lstm: BPTT against finite differences and torch.nn.LSTM; the Module; bad inputs."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from malformed import assert_clear_error, not_arrays, wrong_ndim

from course_nn.gradcheck import check_layer_gradients, numerical_gradient, relative_error
from course_nn.lstm import (
    LSTM,
    SequenceRegressor,
    copy_lstm_weights_from_torch,
    copy_lstm_weights_to_torch,
    fit_torch_regressor,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    predict_torch_regressor,
    to_torch_lstm,
    to_torch_regressor,
    torch_lstm_gradients,
)
from course_nn.modules import Linear
from course_nn.optim import SGD
from course_nn.recurrent import RNN

N, T, D, H = 3, 5, 2, 4
EITHER = (ValueError, TypeError)
NAMES = ("x", "h0", "c0", "w_in", "w_h", "b")


def _inputs(rng, scale=0.5):
    return {"x": rng.standard_normal((N, T, D)), "h0": rng.standard_normal((N, H)) * scale,
            "c0": rng.standard_normal((N, H)) * scale,
            "w_in": rng.standard_normal((D, 4 * H)) * scale,
            "w_h": rng.standard_normal((H, 4 * H)) * scale,
            "b": rng.standard_normal(4 * H) * scale}


def _loss(inputs, dh, dh_n, dc_n):
    """A scalar that depends on every output: sum(h dh) + sum(h_T dh_n) + sum(c_T dc_n)."""
    h, (h_n, c_n), _ = lstm_forward(**inputs)
    return np.sum(h * dh) + np.sum(h_n * dh_n) + np.sum(c_n * dc_n)


def test_bptt_matches_finite_differences_for_every_input_and_the_final_states():
    rng = np.random.default_rng(1)
    inputs = _inputs(rng)
    dh, dh_n, dc_n = (rng.standard_normal((N, T, H)), rng.standard_normal((N, H)),
                      rng.standard_normal((N, H)))
    _, _, cache = lstm_forward(**inputs)
    analytic = dict(zip(NAMES, lstm_backward(dh, cache, dh_n, dc_n), strict=True))
    for name in NAMES:
        def f(value, name=name):
            return _loss({**inputs, name: value}, dh, dh_n, dc_n)
        numeric = numerical_gradient(f, inputs[name])
        assert relative_error(analytic[name], numeric) < 1e-8, name


def test_one_step_matches_finite_differences():
    rng = np.random.default_rng(2)
    inputs = _inputs(rng)
    step = {"x_t": inputs["x"][:, 0], "h_prev": inputs["h0"], "c_prev": inputs["c0"],
            "w_in": inputs["w_in"], "w_h": inputs["w_h"], "b": inputs["b"]}

    def forward(**kw):  # (h, c) stacked into one output for check_layer_gradients
        (h, c), cache = lstm_step_forward(**kw)
        return np.stack([h, c]), cache

    def backward(dout, cache):
        dx, dh_prev, dc_prev, dw_in, dw_h, db = lstm_step_backward(dout[0], dout[1], cache)
        return dx, dh_prev, dc_prev, dw_in, dw_h, db

    errors = check_layer_gradients(forward, backward, step, rng)
    assert max(errors.values()) < 1e-8, errors


def test_the_layer_is_the_step_applied_T_times():
    rng = np.random.default_rng(3)
    p = _inputs(rng)
    h, (h_n, c_n), _ = lstm_forward(**p)
    h_prev, c_prev = p["h0"], p["c0"]
    for t in range(T):
        (h_prev, c_prev), _ = lstm_step_forward(p["x"][:, t], h_prev, c_prev, p["w_in"],
                                                p["w_h"], p["b"])
        np.testing.assert_array_equal(h[:, t], h_prev)
    np.testing.assert_array_equal(h_n, h_prev)
    np.testing.assert_array_equal(c_n, c_prev)


def test_forget_gate_open_and_input_gate_shut_keep_the_cell_unchanged():
    # b's f block at +50 (f = 1) and i block at -50 (i = 0): c_t = c_{t-1} exactly, and
    # dE/dc_0 = dE/dc_T: the gradient flows back T steps without vanishing.
    rng = np.random.default_rng(4)
    p = _inputs(rng)
    p["w_in"][:, :2 * H] = 0.0
    p["w_h"][:, :2 * H] = 0.0
    p["b"][:H], p["b"][H:2 * H] = -50.0, 50.0
    _, (_, c_n), cache = lstm_forward(**p)
    np.testing.assert_allclose(c_n, p["c0"], atol=1e-15)
    dc_n = rng.standard_normal((N, H))
    _, _, dc0, *_ = lstm_backward(np.zeros((N, T, H)), cache, dc_n=dc_n)
    np.testing.assert_allclose(dc0, dc_n, atol=1e-15)


@pytest.mark.parametrize("forget_bias", [0.0, 1.0])
def test_equals_torch_lstm_outputs_final_states_and_gradients(forget_bias):
    rng = np.random.default_rng(5)
    ours = LSTM(D, H, rng, forget_bias=forget_bias)
    theirs = to_torch_lstm(ours)
    x = rng.standard_normal((N, T, D))
    dout, dh_n, dc_n = (rng.standard_normal((N, T, H)), rng.standard_normal((N, H)),
                        rng.standard_normal((N, H)))
    h, (h_n, c_n), cache = lstm_forward(x, np.zeros((N, H)), np.zeros((N, H)), ours.w_in,
                                        ours.w_h, ours.b)
    dx, dh0, dc0, dw_in, dw_h, db = lstm_backward(dout, cache, dh_n, dc_n)

    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.zeros((1, N, H), dtype=torch.float64, requires_grad=True)
    c0t = torch.zeros((1, N, H), dtype=torch.float64, requires_grad=True)
    out, (hn_t, cn_t) = theirs(xt, (h0t, c0t))
    loss = ((out * torch.tensor(dout)).sum() + (hn_t[0] * torch.tensor(dh_n)).sum()
            + (cn_t[0] * torch.tensor(dc_n)).sum())
    loss.backward()
    for a, b in ((h, out), (h_n, hn_t[0]), (c_n, cn_t[0]), (dx, xt.grad), (dh0, h0t.grad[0]),
                 (dc0, c0t.grad[0])):
        np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    grads = torch_lstm_gradients(ours, theirs)
    for name, mine in (("w_in", dw_in), ("w_h", dw_h), ("b", db)):
        np.testing.assert_allclose(mine, grads[name], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(theirs.bias_hh_l0.grad.numpy(), db, rtol=1e-10, atol=1e-12)


def test_the_gate_order_is_i_f_g_o_in_both():
    # Only the g block's bias nonzero, all weights zero: i = f = o = 1/2, g = tanh(b_g), so
    # c_1 = tanh(b_g)/2. A different gate order in the copy would give another c_1.
    rng = np.random.default_rng(6)
    ours = LSTM(1, 2, rng)
    ours.w_in[...] = 0.0
    ours.w_h[...] = 0.0
    ours.b[...] = 0.0
    ours.b[4:6] = [0.7, -1.2]
    theirs = to_torch_lstm(ours)
    _, (_, c1) = theirs(torch.zeros((1, 1, 1), dtype=torch.float64))
    np.testing.assert_allclose(c1[0, 0].detach().numpy(), np.tanh([0.7, -1.2]) / 2)
    ours.forward(np.zeros((1, 1, 1)))
    np.testing.assert_allclose(ours.final_states[1][0], np.tanh([0.7, -1.2]) / 2)


def test_weights_round_trip_and_both_torch_biases_are_summed():
    rng = np.random.default_rng(7)
    ours = LSTM(D, H, rng)
    theirs = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    copy_lstm_weights_from_torch(theirs, ours)
    np.testing.assert_array_equal(ours.w_in, theirs.weight_ih_l0.detach().numpy().T)
    np.testing.assert_allclose(ours.b, (theirs.bias_ih_l0 + theirs.bias_hh_l0).detach().numpy())
    x = rng.standard_normal((N, T, D))
    np.testing.assert_allclose(ours.forward(x), theirs(torch.tensor(x))[0].detach().numpy(),
                               rtol=1e-10, atol=1e-12)
    copy_lstm_weights_to_torch(ours, theirs)
    assert torch.count_nonzero(theirs.bias_hh_l0) == 0


def test_module_gradients_accumulate_and_equal_the_kernel():
    rng = np.random.default_rng(8)
    model = LSTM(D, H, rng)
    x, dout = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    model.forward(x)
    dx = model.backward(dout)
    zeros = np.zeros((N, H))
    _, _, cache = lstm_forward(x, zeros, zeros, model.w_in, model.w_h, model.b)
    want = lstm_backward(dout, cache)
    np.testing.assert_allclose(dx, want[0])
    first = {k: v.copy() for k, v in model.gradients().items()}
    assert model.backward(dout, input_grad=False) is None
    for name, grad in model.gradients().items():
        np.testing.assert_allclose(grad, 2 * first[name])
    model.zero_grad()
    assert all(not g.any() for g in model.gradients().values())


def test_the_module_trains_with_an_optimiser():
    rng = np.random.default_rng(9)
    model = SequenceRegressor.lstm(D, H, rng)
    opt = SGD(model, 0.1)
    x, y = rng.standard_normal((8, T, D)), rng.standard_normal((8, 1))

    def loss():
        return float(np.mean((model.forward(x) - y) ** 2))

    before = loss()
    for _ in range(30):
        model.zero_grad()
        model.backward(2 * (model.forward(x) - y) / 8, input_grad=False)
        opt.step()
    assert loss() < 0.8 * before


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_sequence_regressor_matches_finite_differences(kind):
    rng = np.random.default_rng(10)
    model = getattr(SequenceRegressor, kind)(D, H, rng)
    x, dout = rng.standard_normal((N, T, D)), rng.standard_normal((N, 1))
    model.forward(x)
    dx = model.backward(dout)
    grads = {k: v.copy() for k, v in model.gradients().items()}
    for name, param in model.parameters().items():
        def f(value, param=param):
            saved = param.copy()
            param[...] = value
            result = np.sum(model.forward(x) * dout)
            param[...] = saved
            return result
        assert relative_error(grads[name], numerical_gradient(f, param.copy())) < 1e-7, name
    numeric = numerical_gradient(lambda v: np.sum(model.forward(v) * dout), x)
    assert relative_error(dx, numeric) < 1e-7
    assert set(model.parameters()) == set(model.gradients())


# --- bad inputs -------------------------------------------------------------------------------


def test_lstm_forward_refuses_wrong_shapes_and_types():
    rng = np.random.default_rng(11)
    p = _inputs(rng)
    for name, bad in (("x", p["x"][0]), ("x", p["x"].tolist()), ("h0", p["h0"][:, :-1]),
                      ("c0", p["c0"][:-1]), ("w_in", p["w_in"][:, :-1]),
                      ("w_h", p["w_h"][:, :H]), ("b", p["b"][:-1]), ("b", None),
                      ("x", p["x"].astype(int))):
        assert_clear_error(lambda name=name, bad=bad: lstm_forward(**{**p, name: bad}), EITHER,
                           name)


def test_lstm_backward_checks_dout_shapes_exactly():
    rng = np.random.default_rng(12)
    p = _inputs(rng)
    _, _, cache = lstm_forward(**p)
    good = np.zeros((N, T, H))
    assert_clear_error(lambda: lstm_backward(good[:, :-1], cache), ValueError, "dh")
    assert_clear_error(lambda: lstm_backward(good[:, :, :1], cache), ValueError, "dh")
    assert_clear_error(lambda: lstm_backward(good, cache, dh_n=np.zeros((1, H))), ValueError,
                       "dh_n")
    assert_clear_error(lambda: lstm_backward(good, cache, dc_n=np.zeros(H)), ValueError, "dc_n")
    assert_clear_error(lambda: lstm_backward(good, ("nope",)), TypeError, "cache")
    (_, _), step_cache = lstm_step_forward(p["x"][:, 0], p["h0"], p["c0"], p["w_in"], p["w_h"],
                                           p["b"])
    assert_clear_error(lambda: lstm_step_backward(np.zeros((N, H)), np.zeros((N, 1)),
                                                  step_cache), ValueError, "dc")
    assert_clear_error(lambda: lstm_step_backward(np.zeros((N, H)), np.zeros((N, H)), cache),
                       TypeError, "cache")


def test_module_refuses_bad_construction_and_bad_calls():
    rng = np.random.default_rng(13)
    assert_clear_error(lambda: LSTM(0, H, rng), ValueError, "input_size")
    assert_clear_error(lambda: LSTM(D, 2.0, rng), TypeError, "hidden_size")
    assert_clear_error(lambda: LSTM(D, H, 7), TypeError, "rng")
    assert_clear_error(lambda: LSTM(D, H, rng, forget_bias="1"), TypeError, "forget_bias")
    assert_clear_error(lambda: LSTM(D, H, rng, forget_bias=float("nan")), ValueError,
                       "forget_bias")
    model = LSTM(D, H, rng)
    with pytest.raises(RuntimeError, match="before forward"):
        model.backward(np.zeros((N, T, H)))
    assert_clear_error(lambda: model.forward(np.zeros((N, T, D + 1))), ValueError, "x")
    assert_clear_error(lambda: model.forward(np.zeros((N, 0, D))), ValueError, "x")
    model.forward(np.zeros((N, T, D)))
    assert_clear_error(lambda: model.backward(np.zeros((N, T, H, 1))), ValueError, "dh")
    assert_clear_error(lambda: model.backward(np.zeros((N, T, H)), input_grad=1), TypeError,
                       "input_grad")
    assert_clear_error(lambda: SequenceRegressor(Linear(D, H, rng), Linear(H, 1, rng)),
                       TypeError, "recurrent")
    assert_clear_error(lambda: SequenceRegressor(RNN(D, H, rng, bidirectional=True),
                                                 Linear(H, 1, rng)), TypeError, "recurrent")
    assert_clear_error(lambda: SequenceRegressor(model, Linear(H + 1, 1, rng)), ValueError,
                       "head")
    head = SequenceRegressor(model, Linear(H, 1, rng))
    head.forward(np.zeros((N, T, D)))
    assert_clear_error(lambda: head.backward(np.zeros(N)), EITHER, "dout")


def test_torch_helpers_refuse_mismatched_models():
    rng = np.random.default_rng(14)
    ours = LSTM(D, H, rng)
    assert_clear_error(lambda: to_torch_lstm("lstm"), TypeError, "lstm")
    assert_clear_error(lambda: to_torch_lstm(ours, dtype=torch.int64), TypeError, "dtype")
    other = torch.nn.LSTM(D, H + 1, batch_first=True, dtype=torch.float64)
    assert_clear_error(lambda: copy_lstm_weights_to_torch(ours, other), ValueError, "torch_lstm")
    seq_first = torch.nn.LSTM(D, H, dtype=torch.float64)
    assert_clear_error(lambda: copy_lstm_weights_to_torch(ours, seq_first), ValueError,
                       "torch_lstm")
    assert_clear_error(lambda: torch_lstm_gradients(ours, torch.nn.RNN(D, H)), TypeError,
                       "torch_lstm")
    fresh = to_torch_lstm(ours)
    assert_clear_error(lambda: torch_lstm_gradients(ours, fresh), ValueError, "weight_ih_l0")


# --- the regressor in torch ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_torch_regressor_gives_the_same_outputs(kind):
    rng = np.random.default_rng(15)
    model = getattr(SequenceRegressor, kind)(D, H, rng)
    torch_model = to_torch_regressor(model, device="cpu")
    x = rng.standard_normal((N, T, D))
    np.testing.assert_allclose(predict_torch_regressor(torch_model, torch.tensor(x)),
                               model.forward(x)[:, 0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("clip, threshold, rtol", [(None, None, 1e-10), ("value", 0.05, 1e-10),
                                                   ("norm", 0.05, 1e-4)])
def test_training_in_torch_follows_the_numpy_loop(clip, threshold, rtol):
    # Full batches, so the shuffling order does not matter; plain SGD in both. torch's 1e-6
    # in the norm clipping makes each clipped step differ by about 1e-6 relative.
    from course_nn import adding_problem as ap

    rng = np.random.default_rng(16)
    X, y = ap.adding_problem(16, 6, rng)
    model = SequenceRegressor.lstm(2, 3, rng, forget_bias=1.0)
    torch_model = to_torch_regressor(model)
    history = ap.train_regressor(model, SGD(model, 0.3), X, y, epochs=4, batch_size=16,
                                 rng=rng, clip=clip, threshold=threshold)
    ours = history["loss"]
    assert clip is None or min(history["grad_norm"]) > 0.1  # clipping cuts every step
    theirs = fit_torch_regressor(torch_model, torch.optim.SGD(torch_model.parameters(), lr=0.3),
                                 torch.tensor(X), torch.tensor(y), epochs=4, batch_size=16,
                                 generator=torch.Generator().manual_seed(0), clip=clip,
                                 threshold=threshold)
    np.testing.assert_allclose(theirs, ours, rtol=rtol)
    assert ours[-1] != ours[0]
    np.testing.assert_allclose(predict_torch_regressor(torch_model, torch.tensor(X)),
                               ap.predict_sequences(model, X), rtol=rtol, atol=1e-12)


def test_torch_training_refuses_bad_arguments_and_nonfinite_gradients():
    rng = np.random.default_rng(17)
    torch_model = to_torch_regressor(SequenceRegressor.lstm(D, H, rng))
    opt = torch.optim.SGD(torch_model.parameters(), lr=0.1)
    X, y = torch.zeros((N, T, D), dtype=torch.float64), torch.zeros(N, dtype=torch.float64)
    gen = torch.Generator().manual_seed(0)
    good = {"epochs": 1, "batch_size": 2, "generator": gen}
    for args, kw, name, kind in (
        ((torch_model, opt, X[0], y), good, "X", ValueError),
        ((torch_model, opt, X.numpy(), y), good, "X", TypeError),
        ((torch_model, opt, X.float(), y), good, "X", ValueError),
        ((torch_model, opt, X, y[:-1]), good, "y", ValueError),
        ((torch_model, opt, X, y.float()), good, "y", ValueError),
        (("model", opt, X, y), good, "torch_model", TypeError),
        ((torch_model, "sgd", X, y), good, "optimiser", TypeError),
        ((torch_model, opt, X, y), {**good, "generator": 0}, "generator", TypeError),
        ((torch_model, opt, X, y), {**good, "clip": "max", "threshold": 1.0}, "clip",
         ValueError),
        ((torch_model, opt, X, y), {**good, "threshold": 1.0}, "threshold", ValueError),
    ):
        assert_clear_error(lambda args=args, kw=kw: fit_torch_regressor(*args, **kw), kind, name)
    bad = X.clone()
    bad[0, 0, 0] = float("nan")
    assert_clear_error(lambda: fit_torch_regressor(torch_model, opt, bad, y, **good), ValueError,
                       "X")
    with torch.no_grad():
        torch_model.head.weight.fill_(float("inf"))  # inf output: NaN/inf gradients
    with pytest.raises(RuntimeError, match="non-finite"):
        fit_torch_regressor(torch_model, opt, X + 1, y, **good, clip="norm", threshold=1.0)
    assert_clear_error(lambda: fit_torch_regressor(torch_model, opt, X + 1, y, **good,
                                                   clip="value", threshold=1.0),
                       ValueError, "gradients")
    assert_clear_error(lambda: to_torch_regressor(LSTM(D, H, rng)), TypeError, "model")
    assert_clear_error(lambda: to_torch_regressor(SequenceRegressor.lstm(D, H, rng),
                                                  device=3), TypeError, "device")
    assert_clear_error(lambda: to_torch_lstm(LSTM(D, H, rng), device="nowhere"), ValueError,
                       "device")


@settings(max_examples=20, deadline=None)
@given(x=st.one_of(not_arrays(), wrong_ndim(3)), x_t=st.one_of(not_arrays(), wrong_ndim(2)))
def test_layer_and_step_refuse_bad_inputs(x, x_t):
    rng = np.random.default_rng(18)
    p = _inputs(rng)
    assert_clear_error(lambda: lstm_forward(**{**p, "x": x}), EITHER, "x")
    assert_clear_error(lambda: LSTM(D, H, rng).forward(x), EITHER, "x")
    assert_clear_error(lambda: lstm_step_forward(x_t, p["h0"], p["c0"], p["w_in"], p["w_h"],
                                                 p["b"]), EITHER, "x_t")


def test_step_forward_refuses_mismatched_states_and_predict_refuses_bad_X():
    rng = np.random.default_rng(19)
    p = _inputs(rng)
    x_t = p["x"][:, 0]
    assert_clear_error(lambda: lstm_step_forward(x_t, p["h0"][:1], p["c0"], p["w_in"], p["w_h"],
                                                 p["b"]), ValueError, "h_prev")
    assert_clear_error(lambda: lstm_step_forward(x_t, p["h0"], p["c0"].T, p["w_in"], p["w_h"],
                                                 p["b"]), ValueError, "c_prev")
    for name in ("x_t", "w_in"):
        assert_clear_error(lambda: lstm_step_forward(x_t[:, :1], p["h0"], p["c0"], p["w_in"],
                                                     p["w_h"], p["b"]), ValueError, name)
    torch_model = to_torch_regressor(SequenceRegressor.lstm(D, H, rng))
    assert_clear_error(lambda: predict_torch_regressor(torch_model, np.zeros((N, T, D))),
                       TypeError, "X")
    assert_clear_error(lambda: predict_torch_regressor(torch_model, torch.zeros((N, T, D))),
                       ValueError, "X")
    assert_clear_error(lambda: predict_torch_regressor(None, torch.zeros((N, T, D))),
                       TypeError, "torch_model")
    assert_clear_error(lambda: copy_lstm_weights_from_torch(torch_model, LSTM(D, H, rng)),
                       TypeError, "torch_lstm")
    assert_clear_error(lambda: copy_lstm_weights_from_torch(torch_model.recurrent, "lstm"),
                       TypeError, "lstm")
