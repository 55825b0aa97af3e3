"""course_nn.clipping: against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ and by hand."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from malformed import assert_clear_error, non_numbers, not_arrays, with_nonfinite

from course_nn.clipping import (
    clip_arrays_by_norm,
    clip_grad_norm,
    clip_grad_value,
    clip_norm,
    clip_value,
    gradient_norm,
)
from course_nn.modules import Module, mlp

EITHER = (ValueError, TypeError)


def _model(rng, scale=1.0):
    """A small MLP whose gradients are set to random values times ``scale``."""
    model = mlp([3, 4, 2], rng)
    for grad in model.gradients().values():
        grad[...] = rng.standard_normal(grad.shape) * scale
    return model


def _torch_params(model):
    params = []
    for grad in model.gradients().values():
        p = torch.zeros(grad.shape, dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(grad)
        params.append(p)
    return params


def _grads(model):
    return {k: v.copy() for k, v in model.gradients().items()}


def _assert_same_as_torch(model, params):
    for ours, p in zip(model.gradients().values(), params, strict=True):
        np.testing.assert_allclose(ours, p.grad.numpy(), rtol=1e-12, atol=0)


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 3.0, 100.0])
def test_norm_clipping_equals_torch(max_norm):
    rng = np.random.default_rng(1)
    model = _model(rng)
    params = _torch_params(model)
    theirs = torch.nn.utils.clip_grad_norm_(params, max_norm)
    ours = clip_grad_norm(model, max_norm, eps=1e-6)   # torch's epsilon, to compare bit by bit
    assert ours == pytest.approx(float(theirs), rel=1e-13)
    _assert_same_as_torch(model, params)


def test_norm_clipping_follows_the_formula_and_keeps_the_direction():
    rng = np.random.default_rng(2)
    model = _model(rng)
    before = _grads(model)
    flat = np.concatenate([g.ravel() for g in before.values()])
    norm = np.sqrt(np.sum(flat**2))
    assert gradient_norm(model) == pytest.approx(norm, rel=1e-14)
    assert clip_grad_norm(model, 0.5) == pytest.approx(norm, rel=1e-14)  # norm before clipping
    for name, grad in model.gradients().items():
        np.testing.assert_allclose(grad, 0.5 * before[name] / norm, rtol=1e-14)
    assert gradient_norm(model) == pytest.approx(0.5, rel=1e-14)


def test_norm_at_or_below_the_threshold_leaves_gradients_untouched():
    rng = np.random.default_rng(3)
    model = _model(rng)
    norm = gradient_norm(model)
    before = _grads(model)
    for threshold in (norm, 2 * norm):
        assert clip_grad_norm(model, threshold) == norm
        for name, grad in model.gradients().items():
            np.testing.assert_array_equal(grad, before[name])
    # torch's epsilon scales by norm / (norm + 1e-6) even exactly at the threshold: a change of
    # about 1e-6 relative, reproduced with eps=1e-6.
    params = _torch_params(model)
    torch.nn.utils.clip_grad_norm_(params, norm)
    clip_grad_norm(model, norm, eps=1e-6)
    _assert_same_as_torch(model, params)
    assert not np.array_equal(model.gradients()["0.weight"], before["0.weight"])


def test_zero_gradient_stays_zero_and_has_norm_zero():
    rng = np.random.default_rng(4)
    model = _model(rng, scale=0.0)
    params = _torch_params(model)
    assert clip_grad_norm(model, 1.0) == 0.0
    assert float(torch.nn.utils.clip_grad_norm_(params, 1.0)) == 0.0
    assert all(not g.any() for g in model.gradients().values())
    _assert_same_as_torch(model, params)
    np.testing.assert_array_equal(clip_norm(np.zeros(3), 1.0), np.zeros(3))


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e300, 1e-310])
def test_huge_and_tiny_gradients_do_not_overflow_or_underflow(scale):
    rng = np.random.default_rng(5)
    model = _model(rng)
    unit = gradient_norm(model)
    for grad in model.gradients().values():
        grad *= scale
    with np.errstate(over="ignore", under="ignore"):  # the naive sum of squares fails here
        naive = np.sqrt(sum(np.sum(g**2) for g in model.gradients().values()))
    assert naive == 0 or not np.isfinite(naive) or abs(naive / (unit * scale) - 1) > 1e-3
    norm = clip_grad_norm(model, 1.0)
    assert np.isfinite(norm) and norm > 0
    assert norm == pytest.approx(unit * scale, rel=1e-12)
    if scale > 1:
        assert gradient_norm(model) == pytest.approx(1.0, rel=1e-12)
    # torch's float64 norm squares directly: inf above ~1e154, 0 below ~1e-162 (torch 2.13)
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor([scale, scale], dtype=torch.float64)
    assert float(torch.nn.utils.clip_grad_norm_([p], 1.0)) in (0.0, float("inf"))


def test_value_clipping_equals_torch():
    rng = np.random.default_rng(6)
    for clip in (0.01, 0.5, 2.0, 1e6):
        model = _model(rng)
        params = _torch_params(model)
        torch.nn.utils.clip_grad_value_(params, clip)
        assert clip_grad_value(model, clip) is None
        _assert_same_as_torch(model, params)
        assert max(np.max(np.abs(g)) for g in model.gradients().values()) <= clip


def test_value_clipping_turns_the_step_but_norm_clipping_does_not():
    g = np.array([3.0, 0.5])
    by_value, by_norm = clip_value(g, 1.0), clip_norm(g, 1.0)
    np.testing.assert_array_equal(by_value, [1.0, 0.5])
    assert np.linalg.norm(by_norm) == pytest.approx(1.0)

    def cosine(a):
        return a @ g / np.linalg.norm(a) / np.linalg.norm(g)

    assert cosine(by_norm) == pytest.approx(1.0, abs=1e-15)
    assert cosine(by_value) < 0.99
    np.testing.assert_array_equal(g, [3.0, 0.5])  # the copies leave the input alone


def test_clip_arrays_by_norm_uses_the_global_norm():
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((3, 2)) * 2, rng.standard_normal(4)]
    clipped = clip_arrays_by_norm(arrays, 1.0)
    params = []
    for a in arrays:
        p = torch.zeros(a.shape, dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(a)
        params.append(p)
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    for c, p in zip(clipped, params, strict=True):
        np.testing.assert_allclose(c, p.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(clip_arrays_by_norm({"a": arrays[0]}, 1e9)[0], arrays[0])


# --- NaN and infinity: a clear error, gradients untouched (torch's error_if_nonfinite=True) ---


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_gradients_raise_and_leave_everything_unchanged(bad):
    rng = np.random.default_rng(8)
    model = _model(rng)
    model.gradients()["2.bias"][1] = bad
    before = _grads(model)
    for call in (lambda: clip_grad_norm(model, 1.0), lambda: clip_grad_value(model, 0.1),
                 lambda: gradient_norm(model)):
        error = assert_clear_error(call, ValueError, "model.gradients()['2.bias']")
        assert "NaN or infinite" in str(error)
        for name, grad in model.gradients().items():
            np.testing.assert_array_equal(grad, before[name])
    # torch with error_if_nonfinite=True refuses too ...
    with pytest.raises(RuntimeError, match="non-finite"):
        torch.nn.utils.clip_grad_norm_(_torch_params(model), 1.0, error_if_nonfinite=True)
    # ... and by default it silently spoils every gradient: the behaviour we refuse.
    params = _torch_params(model)
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    finite_before = params[0].grad.numpy()
    assert not np.array_equal(finite_before, before["0.weight"])
    assert_clear_error(lambda: clip_norm([1.0, bad], 1.0), ValueError, "g")
    assert_clear_error(lambda: clip_value([1.0, bad], 1.0), ValueError, "g")
    assert_clear_error(lambda: clip_arrays_by_norm([np.ones(2), np.array([bad])], 1.0),
                       ValueError, "grads[1]")


# --- bad inputs ---------------------------------------------------------------------------------


def test_bad_arguments_name_themselves():
    rng = np.random.default_rng(9)
    model = _model(rng)
    for bad in (0.0, -1.0, float("inf"), float("nan")):
        assert_clear_error(lambda bad=bad: clip_grad_norm(model, bad), ValueError, "max_norm")
        assert_clear_error(lambda bad=bad: clip_grad_value(model, bad), ValueError, "clip_value")
        assert_clear_error(lambda bad=bad: clip_norm([1.0], bad), ValueError, "threshold")
    for bad in (None, "1", True, [1.0]):
        assert_clear_error(lambda bad=bad: clip_grad_norm(model, bad), TypeError, "max_norm")
        assert_clear_error(lambda bad=bad: clip_grad_value(model, bad), TypeError, "clip_value")
    assert_clear_error(lambda: clip_grad_norm(model, 1.0, eps=-1e-6), ValueError, "eps")
    for bad in (None, "model", {"w": np.ones(2)}, np.ones(3)):
        assert_clear_error(lambda bad=bad: clip_grad_norm(bad, 1.0), TypeError, "model")
        assert_clear_error(lambda bad=bad: gradient_norm(bad), TypeError, "model")
    assert_clear_error(lambda: clip_grad_value(Module(), 1.0), ValueError, "model")
    assert_clear_error(lambda: clip_norm(None, 1.0), TypeError, "g")
    assert_clear_error(lambda: clip_norm("1.0", 1.0), TypeError, "g")
    assert_clear_error(lambda: clip_norm(np.array([]), 1.0), ValueError, "g")
    assert_clear_error(lambda: clip_arrays_by_norm([], 1.0), TypeError, "grads")
    assert_clear_error(lambda: clip_arrays_by_norm(np.ones(3), 1.0), TypeError, "grads")
    assert_clear_error(lambda: clip_arrays_by_norm([np.ones(2), "x"], 1.0), TypeError,
                       "grads[1]")


def test_integer_gradients_in_a_model_are_refused():
    class Odd(Module):
        def gradients(self):
            return {"w": np.ones(3, dtype=int)}

    assert_clear_error(lambda: clip_grad_norm(Odd(), 1.0), TypeError, "model.gradients()['w']")


@settings(max_examples=20, deadline=None)
@given(bad=non_numbers())
def test_thresholds_refuse_non_numbers(bad):
    model = _model(np.random.default_rng(10))
    assert_clear_error(lambda: clip_grad_norm(model, bad), EITHER, "max_norm")
    assert_clear_error(lambda: clip_grad_value(model, bad), EITHER, "clip_value")
    assert_clear_error(lambda: clip_norm(np.ones(2), bad), EITHER, "threshold")
    assert_clear_error(lambda: clip_value(np.ones(2), bad), EITHER, "threshold")
    assert_clear_error(lambda: clip_arrays_by_norm([np.ones(2)], bad), EITHER, "threshold")


@settings(max_examples=20, deadline=None)
@given(g=st.one_of(not_arrays(), with_nonfinite((3,))))
def test_single_gradients_refuse_non_arrays_and_nonfinite(g):
    assert_clear_error(lambda: clip_norm(g, 1.0), EITHER, "g")
    assert_clear_error(lambda: clip_value(g, 1.0), EITHER, "g")
