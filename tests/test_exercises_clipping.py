"""course_nn.exercises.clipping: worked answers pass, slips and malformed answers do not."""

from fractions import Fraction

import numpy as np
import pytest
import torch
from checks import assert_correct, assert_not_yet

from course_nn.exercises import clipping as ex
from course_nn.lstm import lstm_step_backward, lstm_step_forward

# --- clip_by_norm --------------------------------------------------------------------------------


def good_clip_by_norm(grads, threshold):
    scale = max(np.max(np.abs(g)) for g in grads)
    if scale == 0:
        return [g.copy() for g in grads]
    norm = scale * np.sqrt(sum(np.sum((g / scale) ** 2) for g in grads))
    factor = threshold / norm if norm > threshold else 1.0
    return [g * factor for g in grads]


def test_the_reference_equals_torch_on_every_case():
    for grads, threshold in ex.clip_by_norm_cases():
        if max(np.max(np.abs(g)) for g in grads) > 1e100:
            continue  # torch's own norm overflows here; the reference is tested by hand below
        params = []
        for g in grads:
            p = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
            p.grad = torch.tensor(g)
            params.append(p)
        torch.nn.utils.clip_grad_norm_(params, threshold)
        for ours, p in zip(ex.reference_clip_by_norm(grads, threshold), params, strict=True):
            np.testing.assert_allclose(ours, p.grad.numpy(), rtol=2e-6, atol=1e-15)
    grads, threshold = ex.clip_by_norm_cases()[-1]
    want = np.array([1.0, -2.0, 0.3]) / np.sqrt(1 + 4 + 0.09)
    got = np.concatenate(ex.reference_clip_by_norm(grads, threshold))
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_clip_by_norm_accepts_the_worked_solution_and_other_forms():
    assert_correct(ex.check_clip_by_norm(good_clip_by_norm))
    assert_correct(ex.check_clip_by_norm(lambda g, t: tuple(good_clip_by_norm(g, t))))
    assert_correct(ex.check_clip_by_norm(
        lambda g, t: [torch.tensor(a) for a in good_clip_by_norm(g, t)]))
    assert_correct(ex.check_clip_by_norm(
        lambda g, t: [a.tolist() for a in good_clip_by_norm(g, t)]))

    def in_place(grads, threshold):
        for g, c in zip(grads, good_clip_by_norm(grads, threshold), strict=True):
            g[...] = c
        return grads

    assert_correct(ex.check_clip_by_norm(in_place))
    message = repr(ex.check_clip_by_norm(good_clip_by_norm))
    assert "torch" in message
    for grads, threshold in ex.clip_by_norm_cases():
        for array in ex.reference_clip_by_norm(grads, threshold):
            assert not any(f"{v:.3g}" in message for v in array.ravel() if v not in (0, 1))


def test_clip_by_norm_names_the_slips():
    def per_array(grads, threshold):
        return [good_clip_by_norm([g], threshold)[0] for g in grads]

    def always(grads, threshold):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * threshold / norm for g in grads]

    def naive(grads, threshold):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * threshold / norm if norm > threshold else g for g in grads]

    def no_sqrt(grads, threshold):
        norm2 = sum(np.sum(g**2) for g in grads)
        return [g * min(1.0, threshold / norm2) for g in grads]

    def unguarded(grads, threshold):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g / norm * min(norm, threshold) for g in grads]  # 0 / 0 at a zero gradient

    assert_not_yet(ex.check_clip_by_norm(per_array), "global norm")
    assert_not_yet(ex.check_clip_by_norm(lambda g, t: [np.clip(a, -t, t) for a in g]),
                   "by value")
    assert_not_yet(ex.check_clip_by_norm(always), "at most the threshold")
    assert_not_yet(ex.check_clip_by_norm(no_sqrt), "square root")
    assert_not_yet(ex.check_clip_by_norm(unguarded), "all-zero")
    assert_not_yet(ex.check_clip_by_norm(naive), "overflowed")


@pytest.mark.parametrize("candidate, fragment", [
    (None, "should be a function"),
    ("clip", "should be a function"),
    (lambda g, t: None, "still returns None"),
    (lambda g, t: g[0], "list of"),
    (lambda g, t: g[:1], "list of"),
    (lambda g, t: [np.ones(7) for _ in g], "shape"),
    (lambda g, t: ["a" for _ in g], "text"),
    (lambda g, t: 1 / 0, "ZeroDivisionError"),
])
def test_clip_by_norm_refuses_malformed_candidates(candidate, fragment):
    assert_not_yet(ex.check_clip_by_norm(candidate), fragment)


# --- the value-clipping angle ---------------------------------------------------------------


def test_angle_is_the_difference_of_the_two_directions():
    want = 45.0 - np.degrees(np.arctan(0.25))
    assert ex.value_clipping_angle() == pytest.approx(want, rel=1e-12)
    for answer in (want, round(want, 2), np.float32(want), np.array([want]), [want],
                   Fraction(round(want * 100), 100), torch.tensor(want, requires_grad=True)):
        assert_correct(ex.check_value_clipping_angle(answer))
    assert "30" not in repr(ex.check_value_clipping_angle(want))


@pytest.mark.parametrize("answer, fragment", [
    (np.radians(30.96), "radians"), (0, "keeps the direction"), (45, "first axis"),
    (14.04, "first axis"), (31.5, "close"), (60, "not the angle"), (None, "None"),
    ("31", "text"), (True, "number"), (float("nan"), "finite"),
])
def test_angle_rejects_slips(answer, fragment):
    assert_not_yet(ex.check_value_clipping_angle(answer), fragment)


# --- the forget gate's backward ------------------------------------------------------------------


def test_forget_gate_reference_equals_the_lstm_backward():
    rng = np.random.default_rng(1)
    h = 3
    x, h_prev, c_prev = (rng.standard_normal((1, 2)), rng.standard_normal((1, h)),
                         rng.standard_normal((1, h)))
    w_in, w_h, b = (rng.standard_normal((2, 4 * h)), rng.standard_normal((h, 4 * h)),
                    rng.standard_normal(4 * h))
    _, cache = lstm_step_forward(x, h_prev, c_prev, w_in, w_h, b)
    dc = rng.standard_normal((1, h))
    *_, db = lstm_step_backward(np.zeros((1, h)), dc, cache)  # one row: db is dE/da
    f = cache[4]
    np.testing.assert_allclose(ex.reference_forget_gate_backward(dc, c_prev, f)[0],
                               db[h:2 * h], rtol=1e-13)


def test_forget_gate_accepts_the_solution_and_names_the_slips():
    assert_correct(ex.check_forget_gate_backward(lambda dc, c_prev, f: dc * c_prev * f * (1 - f)))
    assert_not_yet(ex.check_forget_gate_backward(lambda dc, c_prev, f: dc * c_prev), "f (1 - f)")
    assert_not_yet(ex.check_forget_gate_backward(lambda dc, c_prev, f: dc * f * (1 - f)),
                   "c_prev")
    assert_not_yet(ex.check_forget_gate_backward(lambda dc, c_prev, f: None), "None")
    assert_not_yet(ex.check_forget_gate_backward(lambda dc, c_prev, f: dc.sum()), "shape")
    assert_not_yet(ex.check_forget_gate_backward(lambda dc, c_prev, f: dc * 2), "wrong in")
