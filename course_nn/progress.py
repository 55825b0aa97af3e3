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


def progress(iterable: Iterable, *, desc: str | None = None, total: int | None = None, **kwargs):
    """Wrap ``iterable`` in a ``tqdm.auto`` bar (a widget in Jupyter, text in a terminal)."""
    from tqdm.auto import tqdm

    kwargs.setdefault("leave", False)
    return tqdm(iterable, desc=desc, total=total, disable=not progress_enabled(), **kwargs)
