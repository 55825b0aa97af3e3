"""Serve MathJax from the built site instead of a CDN, so the maths renders offline.

The MathJax 3 files come from the ``django-static-mathjax`` wheel (Apache-2.0), a dependency in
pyproject.toml that installs them as the package ``mathjax``. After the build we copy the single
"full" TeX-to-HTML bundle and its web fonts (about 1.7 MB) into ``_static/mathjax``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

BUNDLE = "tex-chtml-full.js"


def _mathjax_root() -> Path:
    import mathjax

    root = Path(mathjax.__file__).parent / "static" / "mathjax"
    if not (root / "es5" / BUNDLE).exists():
        raise RuntimeError(f"MathJax bundle not found under {root}: reinstall the environment")
    return root


def _copy_files(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = _mathjax_root()
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "es5" / BUNDLE, target / BUNDLE)
    shutil.copy2(root / "LICENSE", target / "LICENSE")
    fonts = Path("output") / "chtml" / "fonts" / "woff-v2"
    shutil.copytree(root / "es5" / fonts, target / fonts, dirs_exist_ok=True)


def _use_local_bundle(app, config) -> None:
    _mathjax_root()  # fail early, with a clear message, if the files are missing
    config.mathjax_path = f"mathjax/{BUNDLE}"


def setup(app):
    app.connect("config-inited", _use_local_bundle)
    app.connect("build-finished", _copy_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
