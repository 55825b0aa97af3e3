"""course_nn.seed and course_nn.torch_generator: reproducible, and no hidden global state."""

import numpy as np
import pytest
import torch

import course_nn
from course_nn import seed, torch_generator


def test_seed_returns_a_numpy_generator():
    assert isinstance(seed(0), np.random.Generator)


def test_seed_is_exported_at_package_level():
    assert course_nn.seed is seed
    assert course_nn.torch_generator is torch_generator


@pytest.mark.parametrize("value", [0, 1, 12345, np.int64(7)])
def test_same_seed_gives_same_draws(value):
    a = seed(value).standard_normal(20)
    b = seed(value).standard_normal(20)
    np.testing.assert_array_equal(a, b)


def test_seed_matches_default_rng_with_that_seed():
    # The documented contract: a PCG64 generator seeded with ``value``.
    np.testing.assert_array_equal(
        seed(42).random(10), np.random.default_rng(42).random(10)
    )


def test_different_seeds_give_different_draws():
    assert not np.array_equal(seed(0).random(10), seed(1).random(10))


def test_seed_seeds_torch_global_generator():
    seed(3)
    first = torch.rand(5, dtype=torch.float64)
    torch.rand(7)  # move the global generator on
    seed(3)
    second = torch.rand(5, dtype=torch.float64)
    assert torch.equal(first, second)
    seed(4)
    assert not torch.equal(first, torch.rand(5, dtype=torch.float64))


def test_seed_leaves_numpy_global_state_alone():
    # The legacy global generator is what the check is about, hence the NPY002 waivers.
    before = np.random.get_state()  # noqa: NPY002
    seed(11)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    # and so the global stream continues as if seed() had never been called
    try:
        expected = np.random.random(3)  # noqa: NPY002
        np.random.set_state(before)  # noqa: NPY002
        seed(11)
        np.testing.assert_array_equal(np.random.random(3), expected)  # noqa: NPY002
    finally:
        np.random.set_state(before)  # noqa: NPY002


@pytest.mark.parametrize(
    ("bad", "error"),
    [(-1, ValueError), (1.0, TypeError), (True, TypeError), ("3", TypeError), (None, TypeError)],
)
def test_bad_seed_is_rejected_naming_seed(bad, error):
    with pytest.raises(error, match="seed"):
        seed(bad)


@pytest.mark.parametrize(
    ("bad", "error"), [(-5, ValueError), (2.5, TypeError), (False, TypeError)]
)
def test_torch_generator_rejects_bad_seed(bad, error):
    with pytest.raises(error, match="seed"):
        torch_generator(bad)


def test_torch_generator_is_reproducible_and_on_cpu():
    g1, g2 = torch_generator(9), torch_generator(9)
    assert isinstance(g1, torch.Generator)
    assert g1.device.type == "cpu"
    assert g1.initial_seed() == 9
    a = torch.rand(6, generator=g1, dtype=torch.float64)
    b = torch.rand(6, generator=g2, dtype=torch.float64)
    assert torch.equal(a, b)
    c = torch.rand(6, generator=torch_generator(10), dtype=torch.float64)
    assert not torch.equal(a, c)


def test_torch_generator_does_not_touch_torch_global_state():
    torch.manual_seed(5)
    expected = torch.rand(4, dtype=torch.float64)
    torch.manual_seed(5)
    torch_generator(123)
    assert torch.equal(torch.rand(4, dtype=torch.float64), expected)
