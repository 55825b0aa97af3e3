"""Small helpers for the notebooks themselves: showing package source, a versions report."""

from __future__ import annotations

import functools
import inspect
import os
import platform


def show_source(obj) -> None:
    """Display the source of a ``course_nn`` function or class as a highlighted code block.

    Notebooks never re-type package code; they show it with this, so the reader reads the
    exact lines the tests check.
    """
    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{inspect.getsource(obj).rstrip()}\n```"))


def versions_report(device=None) -> str:
    """One line per component: Python, NumPy, PyTorch, the chosen device and the BLAS used."""
    import numpy as np

    lines = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    try:
        import torch
    except ImportError:  # pragma: no cover
        lines.append("torch not installed")
    else:
        lines.append(f"torch {torch.__version__}")
    if device is not None:
        from course_nn.device import describe_device

        lines.append(f"device {describe_device(device)}")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover
        pass
    else:
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                lines.append(
                    f"blas {pool.get('internal_api')} {pool.get('version')} "
                    f"({pool.get('architecture')}, {pool.get('num_threads')} threads)"
                )
    return "\n".join(lines)


_OFF_VALUES = {"0", "off", "false", "no"}


def widgets_enabled() -> bool:
    """True unless ``COURSE_NN_WIDGETS`` is set to 0/off/false/no."""
    return os.environ.get("COURSE_NN_WIDGETS", "on").strip().lower() not in _OFF_VALUES


def live_interact(function, **controls):
    """``ipywidgets.interact(function, **controls)``: sliders that redraw a figure live.

    The function's return value (often the matplotlib ``Axes`` it drew on) is dropped, so no
    ``<Axes: ...>`` line appears under the figure.

    ``make execute`` and ``make test`` run notebooks without a browser and set
    ``COURSE_NN_WIDGETS=off``: there an ``interact`` cell sometimes left the kernel's reply
    waiting until the cell timed out, and its widget state changed the saved file on every run.
    With sliders off this prints what a reader should do and returns None; the static figure
    that follows every slider cell shows the default setting either way.
    """
    if not widgets_enabled():
        print("Run this cell to get the sliders (they need a running kernel); the figure below "
              "shows their default setting.")
        return None
    from ipywidgets import interact

    @functools.wraps(function)
    def draw(**kwargs):
        function(**kwargs)

    return interact(draw, **controls)
