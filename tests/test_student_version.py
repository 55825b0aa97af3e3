"""The student version (`make student`): solutions gone, every stub's checker says "Not yet".

Executing the student notebooks also proves that no later cell depends on a solution.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_student.py"), *map(str, NOTEBOOKS),
         "--out", str(out)],
        check=True, capture_output=True, text=True,
    )
    return out


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif "data" in out and "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
    return "".join(parts)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_student_notebook_has_no_solution_and_its_stubs_say_not_yet(notebook, student_dir,
                                                                     monkeypatch):
    path = student_dir / notebook.name
    raw = json.loads(path.read_text())
    tags = [t for c in raw["cells"] for t in c.get("metadata", {}).get("tags", [])]
    assert "solution" not in tags
    assert "stub" in tags

    monkeypatch.setenv("COURSE_NN_PROGRESS", "off")
    monkeypatch.setenv("COURSE_NN_WIDGETS", "off")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # as make execute and nbval run them
    student = nbformat.read(path, as_version=4)
    NotebookClient(student, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        text = _text(cell)
        assert "Correct." not in text, cell.source[:120]
        if "stub" in cell.metadata.get("tags", []):
            assert text.startswith("Not yet"), (cell.source[:120], text[:200])
