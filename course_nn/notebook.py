"""Small helpers for the notebooks themselves: showing package source, a versions report."""

from __future__ import annotations

import inspect
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
