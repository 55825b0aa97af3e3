"""Progress bars for long loops, through ``tqdm.auto``, switched off by one variable.

Set ``COURSE_NN_PROGRESS=off`` (the Makefile does when it executes or validates notebooks) so
that saved and re-executed notebooks carry no progress output for nbval to compare.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

_OFF_VALUES = {"0", "off", "false", "no"}


def progress_enabled() -> bool:
    """True unless ``COURSE_NN_PROGRESS`` is set to 0/off/false/no."""
    return os.environ.get("COURSE_NN_PROGRESS", "on").strip().lower() not in _OFF_VALUES


def progress(
    iterable: Iterable | None = None,
    *,
    desc: str | None = None,
    total: int | None = None,
    disable_if: bool = False,
    **kwargs,
):
    """Wrap ``iterable`` in a ``tqdm.auto`` bar (a widget in Jupyter, text in a terminal).

    The bar is off when ``COURSE_NN_PROGRESS`` says so or when ``disable_if`` is true.
    """
    from tqdm.auto import tqdm

    kwargs.setdefault("leave", False)
    disable = disable_if or not progress_enabled()
    return tqdm(iterable, desc=desc, total=total, disable=disable, **kwargs)


def finish(bar, reason: str) -> None:
    """Close a manually updated bar that stopped early, in a normal state that says why.

    A bar closed before its total turns red in a notebook and stays stuck part-way (e.g.
    "38% 57/150"). Here the total becomes the count reached (a full bar) and ``reason`` is shown
    beside it. Use it with a bar made with ``total=`` and advanced by ``bar.update()``: a bar
    wrapped around a ``for`` loop is closed by Python as soon as the loop ``break``s.
    """
    if getattr(bar, "disable", True):
        return
    if bar.total is not None and bar.n < bar.total:
        bar.total = bar.n
        bar.leave = True
        bar.set_postfix_str(reason, refresh=False)
    bar.close()
