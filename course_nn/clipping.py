"""Gradient clipping, by global norm and by value (notebook 09).

Over a model's gradients ``g`` (all of ``model.gradients()`` seen as one long vector):

- **by norm** (Pascanu, Mikolov & Bengio, 2013): ``g <- threshold * g / ||g||`` when
  ``||g|| > threshold``, else unchanged. The step keeps its direction and only gets shorter.
- **by value**: every entry is clamped to ``[-clip_value, clip_value]``. Large entries are cut
  more than small ones, so the direction of the step changes.

``clip_grad_norm`` and ``clip_grad_value`` work in place on a ``course_nn`` Module, like
``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``; ``clip_norm`` and ``clip_value``
return a clipped copy of one array (for drawing steps and for exercises).

**NaN and infinity.** A NaN or infinite gradient means the step has already gone wrong (an
overflow in the forward or backward pass); no rescaling can repair it. So every function here
raises ``ValueError`` naming the parameter, and leaves every gradient as it was. This is
torch's ``error_if_nonfinite=True`` (which raises ``RuntimeError``), made the only behaviour.
torch's default, ``error_if_nonfinite=False``, multiplies by ``threshold / (nan or inf)``
instead, which silently turns every gradient into NaN or 0; ``clip_grad_value_`` clamps inf to
the bound and lets NaN through. We refuse both, so a diverged run stops where it went wrong.

**torch's epsilon.** torch scales by ``min(1, threshold / (||g|| + 1e-6))``: a little
below 1 even at ``||g|| = threshold``. We follow the maths (``eps=0``); pass ``eps=1e-6`` to
reproduce torch's numbers to rounding.

The norm is computed scale-safely: gradients near 1e200 or 1e-200 do not overflow or
underflow in the squares (see ``gradient_norm``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from course_nn.modules import Module
from course_nn.validation import check_array, check_positive, check_real_array, describe


def _model_gradients(model) -> dict[str, np.ndarray]:
    """The model's gradient arrays by name, each checked to be a finite float array."""
    if not isinstance(model, Module):
        raise TypeError(f"model must be a course_nn Module (with gradients()), got "
                        f"{describe(model)}")
    grads = model.gradients()
    if not grads:
        raise ValueError(f"model must have parameters with gradients, got none in {model!r}")
    for name, grad in grads.items():
        check_array(grad, f"model.gradients()[{name!r}]")
        _check_finite(grad, f"model.gradients()[{name!r}]")
    return grads


def _check_finite(array: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(array)):
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} has {bad} NaN or infinite entries: the step has already "
                         "diverged, and clipping cannot repair it (lower the learning rate or "
                         "clip earlier); gradients were left unchanged")


def _norm(arrays: Sequence[np.ndarray]) -> float:
    """``sqrt(sum of squares)`` over all arrays, without overflow or underflow.

    Every entry is first divided by the power of two nearest the largest magnitude, so the
    squares lie in [0, 1]; the result is multiplied back. Scaling by a power of two is exact.
    """
    largest = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    if largest == 0.0:
        return 0.0
    _, exponent = np.frexp(largest)
    total = sum(float(np.sum(np.square(np.ldexp(a, -exponent)))) for a in arrays)
    return float(np.ldexp(np.sqrt(total), exponent))


def gradient_norm(model: Module) -> float:
    """The global Euclidean norm ``||g||`` of all of ``model``'s gradients as one vector."""
    return _norm(list(_model_gradients(model).values()))


def _scale(norm: float, threshold: float, eps: float) -> float:
    """The factor that clipping multiplies by: ``min(1, threshold / (norm + eps))``."""
    if norm + eps <= threshold:
        return 1.0
    return threshold / (norm + eps)


def _check_eps(eps) -> float:
    return check_positive(eps, "eps", allow_zero=True)


def clip_grad_norm(model: Module, max_norm: float, *, eps: float = 0.0) -> float:
    """Clip ``model``'s gradients in place to global norm at most ``max_norm``.

    ``g <- max_norm * g / ||g||`` when ``||g|| > max_norm``; otherwise the gradients are not
    touched (a zero gradient stays zero). Returns ``||g||`` *before* clipping, as torch does,
    so a training loop can record how often and how hard it clipped.

    ``eps=1e-6`` reproduces ``torch.nn.utils.clip_grad_norm_``. NaN/inf gradients raise
    ``ValueError`` (see the module docstring).
    """
    grads = _model_gradients(model)
    threshold = check_positive(max_norm, "max_norm")
    eps = _check_eps(eps)
    norm = _norm(list(grads.values()))
    factor = _scale(norm, threshold, eps)
    if factor < 1.0:
        for grad in grads.values():
            grad *= factor
    return norm


def clip_grad_value(model: Module, clip_value: float) -> None:
    """Clamp every gradient entry of ``model`` to ``[-clip_value, clip_value]``, in place.

    Equals ``torch.nn.utils.clip_grad_value_`` on finite gradients; NaN/inf raise ``ValueError``.
    """
    grads = _model_gradients(model)
    bound = check_positive(clip_value, "clip_value")
    for grad in grads.values():
        np.clip(grad, -bound, bound, out=grad)


def _as_gradient(g, name: str = "g") -> np.ndarray:
    array = check_real_array(g, name)
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    _check_finite(array, name)
    return array


def clip_norm(g, threshold: float, *, eps: float = 0.0) -> np.ndarray:
    """A copy of one gradient ``g`` (any shape) clipped to norm at most ``threshold``."""
    g = _as_gradient(g)
    factor = _scale(_norm([g]), check_positive(threshold, "threshold"), _check_eps(eps))
    return g * factor


def clip_value(g, threshold: float) -> np.ndarray:
    """A copy of one gradient ``g`` (any shape), entries clamped to ``[-threshold, threshold]``."""
    g = _as_gradient(g)
    bound = check_positive(threshold, "threshold")
    return np.clip(g, -bound, bound)


def clip_arrays_by_norm(grads, threshold: float) -> tuple[np.ndarray, ...]:
    """Clipped copies of several gradient arrays, by their *global* norm (not each its own).

    ``grads``: a list/tuple of arrays (or a dict, in its order). The function the exercise of
    notebook 09 asks the reader to write.
    """
    if isinstance(grads, Mapping):
        grads = list(grads.values())
    if isinstance(grads, str | bytes) or not isinstance(grads, Sequence) or not grads:
        raise TypeError(f"grads must be a non-empty list of gradient arrays, got {describe(grads)}")
    arrays = [_as_gradient(g, f"grads[{i}]") for i, g in enumerate(grads)]
    factor = _scale(_norm(arrays), check_positive(threshold, "threshold"), 0.0)
    return tuple(a * factor for a in arrays)
