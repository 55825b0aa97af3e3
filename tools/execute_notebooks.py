"""Execute notebooks in place and save their outputs, printing how long each took.

Used by `make execute`. Every cell has a time limit, so a kernel that stops answering fails
the run with the cell's number instead of hanging it (we saw `jupyter nbconvert --execute`
wait forever on an idle kernel a few times here).

    python tools/execute_notebooks.py notebooks/01_threshold_units.ipynb [...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(notebook) -> None:
    """Drop what changes on every run or makes the website load scripts from a CDN.

    Saved widget state (``metadata.widgets``) makes MyST-NB put require.js and the widget
    manager from public CDNs in every page; per-cell ``execution`` timestamps change on every
    run. The kernelspec stays, so JupyterLab opens the notebook without modifying it.
    """
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def execute(path: Path, cell_timeout: int) -> float:
    """Run every cell of the notebook at ``path`` in a fresh kernel and save it in place."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,  # timestamps in cell metadata would change every re-execution
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    clean(notebook)
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--cell-timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--clean-only", action="store_true",
                        help="only drop widget state and timestamps, and set the kernelspec")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        if args.clean_only:
            notebook = nbformat.read(path, as_version=4)
            clean(notebook)
            nbformat.write(notebook, path)
            continue
        try:
            elapsed = execute(path, args.cell_timeout)
        except (CellExecutionError, CellTimeoutError) as error:
            print(f"{path}: FAILED\n{error}", file=sys.stderr)
            return 1
        print(f"{path}: executed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
