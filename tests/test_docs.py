"""The docs stay true: generated pages are current (tests/test_codes.py checks their examples).

The examples inside the pages themselves run as doctests (``--doctest-glob=*.md``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", sorted(_generator().PAGES))
def test_generated_page_is_current(page: str) -> None:
    built = _generator().PAGES[page]()
    assert (DOCS / page).read_text(encoding="utf-8") == built, (
        f"docs/{page} is stale: run python docs/generate.py"
    )


def test_every_page_is_in_the_nav() -> None:
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        assert page.name in nav, page.name
