"""Write the student version of the notebooks: every worked solution removed.

Used by `make student` (instructors hand out the result):

    python tools/make_student.py notebooks/*.ipynb --out student

Each `notebooks/NN_topic.ipynb` becomes `student/NN_topic.ipynb` without its cells tagged
`solution`. The exercise stubs (cells tagged `stub`) stay as they are: a function that returns
None or an answer still None, followed by its checker, which says "Not yet" until the student
fills it in. Outputs are cleared, so nothing a solution printed survives, and the student runs
the notebook from the top.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat


def student_version(notebook):
    """A copy of ``notebook`` without solution cells and with every output cleared."""
    copy = nbformat.from_dict(notebook)
    copy.cells = [c for c in copy.cells if "solution" not in c.metadata.get("tags", [])]
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("student"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        student = student_version(notebook)
        removed = len(notebook.cells) - len(student.cells)
        nbformat.write(student, args.out / path.name)
        print(f"{args.out / path.name}: {removed} solution cells removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
