"""The public API is what ``__all__`` lists, and the docs describe exactly that.

Every public name of every public module appears in the docs (cwql's own,
``cwql.syntax``'s and ``cwql.errors``' on the API page), and every dotted
``cwql.…`` name the docs mention exists: a renamed or removed name cannot
linger on a page (as ``cwql.KINDS`` and ``cwql.ConditionError`` once did).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import cwql

DOCS = Path(__file__).resolve().parent.parent / "docs"
API_PAGE = (DOCS / "api.md").read_text(encoding="utf-8")
ALL_PAGES = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))

#: Public modules, and the page that must name each of their public names.
MODULES = {
    "cwql": API_PAGE,
    "cwql.syntax": API_PAGE,
    "cwql.errors": API_PAGE,
    "cwql.lint": ALL_PAGES,
    "cwql.schema": ALL_PAGES,
    "cwql.http": ALL_PAGES,
    "cwql.testing": ALL_PAGES,
}

# `cwql.x.y` in backticks, up to a call's parenthesis or an attribute of an instance.
_DOTTED = re.compile(r"`(cwql(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


_FILES = (".toml", ".yaml", ".yml", ".json", ".lark", ".md", ".py")


def _code_spans(text: str) -> str:
    return " ".join(re.findall(r"`([^`\n]+)`", text))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_public_name_is_documented(module: str) -> None:
    names = importlib.import_module(module).__all__
    spans = _code_spans(MODULES[module])
    missing = [n for n in names if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", spans)]
    assert not missing, f"{module} exports {missing}, which the docs never name"


def test_dir_of_cwql_is_its_public_api() -> None:
    assert sorted(n for n in dir(cwql) if not n.startswith("_")) == sorted(cwql.__all__)


def _resolve(dotted: str) -> bool:
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_every_dotted_name_in_the_docs_exists() -> None:
    text = ALL_PAGES + (DOCS.parent / "README.md").read_text(encoding="utf-8")
    # Private modules named on the maintainer's map are internal, not API.
    dotted = {
        m for m in _DOTTED.findall(text)
        if not m.split(".")[1].startswith("_") and not m.endswith(_FILES)  # `cwql.toml` is a file
    }
    missing = sorted(d for d in dotted if not _resolve(d))
    assert not missing, f"the docs name {missing}, which do not exist"
