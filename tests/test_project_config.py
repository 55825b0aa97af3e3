"""Checks on the project itself: configuration files agree, notebooks are paired, executed,
listed in the book, and follow the course's conventions."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
import tomllib
from pathlib import Path

import jupytext
import pytest
import yaml

import course_nn

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted((ROOT / "notebooks").glob("*.py"))


def _normalise(requirement: str) -> str:
    return re.sub(r"\s+", "", requirement).lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_normalise(r) for r in project["dependencies"]}
    wanted |= {_normalise(r) for r in project["optional-dependencies"]["dev"]}

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in conda
    assert "-e ." in pip, "environment.yml must install the course_nn package itself"
    listed = {_normalise(r) for r in pip if r != "-e ."}
    assert listed == wanted, (
        f"only in environment.yml: {sorted(listed - wanted)}; "
        f"only in pyproject.toml: {sorted(wanted - listed)}"
    )


def test_torch_and_jupyter_book_are_pinned():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    normalised = {_normalise(d) for d in deps}
    assert "torch>=2.13,<2.14" in normalised
    assert "jupyter-book>=1,<2" in normalised
    assert "torch==2.13.0" in (ROOT / "Makefile").read_text()


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_paired_and_in_sync(notebook):
    script = notebook.with_suffix(".py")
    assert script.exists(), f"{notebook.name} has no paired script {script.name}"
    from_ipynb = jupytext.read(notebook)
    from_py = jupytext.read(script)

    def cells(nb):
        return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", [])))
                for c in nb.cells]

    left, right = cells(from_ipynb), cells(from_py)
    assert len(left) == len(right), (
        f"{notebook.name} has {len(left)} cells, {script.name} has {len(right)}: "
        "run `make sync`"
    )
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        assert a == b, f"cell {index} differs between {notebook.name} and {script.name}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_markdown_is_swallowed_by_a_code_cell(script):
    # A "# ## heading" block without its "# %% [markdown]" line becomes comments in the code
    # cell above it: the text vanishes from the page and the book's heading levels break.
    for cell in jupytext.read(script).cells:
        if cell.cell_type == "code":
            headings = [ln for ln in cell.source.splitlines() if ln.startswith("# #")]
            assert not headings, f"{script.name}: markdown inside a code cell: {headings[:2]}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_has_its_notebook(script):
    assert script.with_suffix(".ipynb").exists(), f"{script.name} has no paired .ipynb"


def _code_cells(notebook: Path) -> list[dict]:
    nb = json.loads(notebook.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_executed_without_errors(notebook):
    cells = [c for c in _code_cells(notebook) if "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, f"{notebook.name} has unexecuted cells: run `make execute`"
    assert counts == list(range(1, len(cells) + 1)), (
        f"{notebook.name} was not executed top to bottom in one run: run `make execute`"
    )
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"{notebook.name} saved an error"
            text = "".join(output.get("text", ""))
            assert "%|" not in text, f"{notebook.name} saved a progress bar"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_seeds_and_chooses_device(notebook):
    first = "".join(_code_cells(notebook)[0]["source"])
    assert "course_nn.seed(" in first
    assert "choose_device(" in first


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_widget_is_ignored_by_nbval_and_followed_by_a_static_figure(notebook):
    cells = _code_cells(notebook)
    widget_cells = [i for i, c in enumerate(cells) if "interact(" in "".join(c["source"])]
    assert widget_cells, f"{notebook.name} has no ipywidgets control"
    for i in widget_cells:
        tags = cells[i].get("metadata", {}).get("tags", [])
        assert "nbval-ignore-output" in tags, f"widget cell {i} lacks nbval-ignore-output"
        following = cells[i + 1] if i + 1 < len(cells) else {"outputs": []}
        has_figure = any("image/png" in o.get("data", {}) for o in following["outputs"])
        assert has_figure, f"widget cell {i} of {notebook.name} is not followed by a figure"


def _public_functions() -> set[str]:
    names = set()
    for module_info in pkgutil.walk_packages(course_nn.__path__, "course_nn."):
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                if not name.startswith("_"):
                    names.add(name)
    return names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_notebooks_do_not_retype_package_functions(script):
    # An exercise's stub and worked solution re-write a package function on purpose: the
    # checker compares the reader's version with the package's.
    package = _public_functions()
    notebook = jupytext.read(script)
    defined = set()
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "stub" in tags or "solution" in tags:
            continue
        defined |= {n.name for n in ast.walk(ast.parse(cell.source))
                    if isinstance(n, ast.FunctionDef)}
    assert not defined & package, (
        f"{script.name} defines {sorted(defined & package)}, which course_nn already has"
    )


def test_book_lists_every_notebook_and_only_existing_files():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    assert (ROOT / "book" / f"{toc['root']}.md").exists()
    for entry in files:
        assert (ROOT / "book" / f"{entry}.ipynb").exists(), f"_toc.yml lists missing {entry}"
    for notebook in NOTEBOOKS:
        assert f"notebooks/{notebook.stem}" in files, f"{notebook.name} is not in _toc.yml"


def test_landing_page_and_readme_map_every_notebook():
    intro = (ROOT / "book" / "intro.md").read_text()
    readme = (ROOT / "README.md").read_text()
    for notebook in NOTEBOOKS:
        assert f"(notebooks/{notebook.name})" in intro, f"intro.md does not link {notebook.name}"
        number = notebook.name[:2]
        row = next(line for line in readme.splitlines() if line.startswith(f"| {number} |"))
        assert "available" in row, f"README marks notebook {number} as not available"
    for number in range(1, 10):
        assert f"| {number:02d} |" in intro, f"intro.md's map lacks notebook {number:02d}"


# --- Exercises, solutions and clean files (see README "Writing exercises") -------------------

SOLUTION_PROMPTS = {"code_prompt_show": "Show solution", "code_prompt_hide": "Hide solution"}


def _code_cells(notebook: Path) -> list[dict]:
    cells = json.loads(notebook.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _text_output(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out["text"]))
        elif "data" in out and "text/plain" in out["data"]:
            parts.append("".join(out["data"]["text/plain"]))
    return "".join(parts)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_have_stubs_and_fully_hidden_solutions(notebook):
    cells = _code_cells(notebook)
    solutions = [c for c in cells if "solution" in _tags(c)]
    stubs = [c for c in cells if "stub" in _tags(c)]
    assert 2 <= len(solutions) <= 4, f"{notebook.name}: 2-4 exercises, got {len(solutions)}"
    assert stubs, f"{notebook.name}: at least one coding exercise (a cell tagged 'stub')"
    for cell in solutions:
        source = "".join(cell["source"])
        # hide-cell hides the code *and* its output on the website; hide-input shows the output
        assert "hide-cell" in _tags(cell) and "hide-input" not in _tags(cell), source[:80]
        assert cell["metadata"].get("jupyter", {}) == {
            "source_hidden": True, "outputs_hidden": True}, source[:80]  # collapsed in Lab
        assert cell["metadata"].get("mystnb", {}) == SOLUTION_PROMPTS, source[:80]
        assert _text_output(cell).startswith("Correct."), source[:80]
    for cell in stubs:
        assert "solution" not in _tags(cell)
        assert _text_output(cell).startswith("Not yet"), "".join(cell["source"])[:80]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_notebook_is_clean_and_keeps_its_kernelspec(notebook):
    data = json.loads(notebook.read_text())
    assert "widgets" not in data["metadata"], "saved widget state makes pages load CDN scripts"
    assert data["metadata"].get("kernelspec", {}).get("name") == "python3"
    for cell in data["cells"]:
        assert "execution" not in cell.get("metadata", {}), "per-cell execution timestamps"
