"""The built website loads nothing from outside itself (run by `make test` after the build).

Pages that pull require.js, fonts or images from a CDN fail offline and, on a network that
accepts connections but never answers, stay "loading" with raw maths on screen. Set
COURSE_NN_SITE to the built HTML folder to run these checks; `make test` does.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

SITE = os.environ.get("COURSE_NN_SITE")
pytestmark = pytest.mark.skipif(not SITE, reason="set COURSE_NN_SITE to the built site")
EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


class _Resources(HTMLParser):
    """Collects the addresses a page *loads* (scripts, stylesheets, images, frames)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if any(word in rel for word in ("stylesheet", "preload", "icon", "modulepreload")):
                self.loaded.append(attrs["href"])


def _pages():
    return sorted(Path(SITE).rglob("*.html")) if SITE else []


def test_site_was_built():
    assert _pages(), f"no HTML pages under {SITE}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(SITE)))
def test_page_loads_nothing_from_outside_the_site(page):
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    external = [url for url in parser.loaded if EXTERNAL.match(url)]
    assert external == [], f"{page.name} loads {external}"


SOLUTION = re.compile(r'<div class="cell tag_solution[^"]*">\s*<details class="([^"]*)"([^>]*)>'
                      r'(.*?)</details>', re.DOTALL)


@pytest.mark.parametrize("page", [p for p in _pages() if p.parent.name == "notebooks"],
                         ids=lambda p: p.name)
def test_solutions_are_closed_toggles_hiding_code_and_output(page):
    html = page.read_text(encoding="utf-8")
    solutions = SOLUTION.findall(html)
    assert len(solutions) == html.count("tag_solution"), "a solution cell is not in a toggle"
    assert 2 <= len(solutions) <= 4, f"{page.name}: {len(solutions)} solutions"
    for classes, attributes, inner in solutions:
        assert "hide" in classes and "open" not in attributes  # closed until the reader opens it
        assert "Show solution" in inner
        assert "cell_input" in inner and "cell_output" in inner  # code and output both inside
