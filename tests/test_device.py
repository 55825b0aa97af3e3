"""course_nn.device: CUDA, else MPS, else the CPU; a forced choice fails clearly."""

import pytest
import torch

from course_nn import choose_device
from course_nn.device import describe_device


def _cuda() -> bool:
    return torch.cuda.is_available()


def _mps() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return backend is not None and backend.is_available()


def test_choose_device_follows_the_documented_order():
    device = choose_device()
    assert isinstance(device, torch.device)
    assert device.type in {"cuda", "mps", "cpu"}
    if _cuda():
        expected = "cuda"
    elif _mps():
        expected = "mps"
    else:
        expected = "cpu"
    assert device.type == expected
    assert (device.type == "cuda") == _cuda()


def test_prefer_cpu_always_works():
    assert choose_device(prefer="cpu") == torch.device("cpu")


@pytest.mark.parametrize("bad", ["tpu", "CPU", "gpu", ""])
def test_unknown_preference_raises_naming_prefer(bad):
    with pytest.raises(ValueError, match="prefer"):
        choose_device(prefer=bad)


@pytest.mark.parametrize(("name", "available"), [("cuda", _cuda), ("mps", _mps)])
def test_prefer_an_accelerator_matches_its_availability(name, available):
    if available():
        assert choose_device(prefer=name).type == name
    else:
        with pytest.raises(ValueError, match=f"prefer='{name}'.*not available"):
            choose_device(prefer=name)


def test_describe_device_cpu():
    assert describe_device("cpu") == "cpu"
    assert describe_device(torch.device("cpu")) == "cpu"


def test_describe_device_cuda_names_the_gpu_when_present():
    if _cuda():
        text = describe_device("cuda")
        assert text == f"cuda ({torch.cuda.get_device_name(0)})"
    else:
        # No GPU here: the description of the chosen device is then the plain CPU name.
        assert describe_device(choose_device()) in {"cpu", "mps"}


def test_limit_cpu_threads_sets_torch_threads_only_for_the_cpu():
    import torch

    from course_nn.device import limit_cpu_threads

    before = torch.get_num_threads()
    try:
        limit_cpu_threads("cpu", threads=1)
        assert torch.get_num_threads() == 1
        limit_cpu_threads(torch.device("meta"), threads=3)  # not a CPU: nothing changes
        assert torch.get_num_threads() == 1
        with pytest.raises(ValueError, match="threads"):
            limit_cpu_threads("cpu", threads=0)
    finally:
        torch.set_num_threads(before)
