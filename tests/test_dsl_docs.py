"""The DSL examples in the docs pass ruff's E711 and E712 (issue 16).

``F.x == None`` and ``F.x == False`` build conditions, but ruff flags them,
and its rewrite (``not F.x``) raises. The docs show the spelling that passes:
``F.x.is_null()``, ``F.x.is_false()``, ``F.x.is_(False)``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"```(pycon|python)\n(.*?)```", re.DOTALL)


def python_of(markdown: str) -> str:
    """The Python in a page's ``pycon`` and ``python`` blocks, one statement after another."""
    lines: list[str] = []
    for kind, body in _FENCE.findall(markdown):
        if kind == "python":
            lines.extend(body.splitlines())
            continue
        for line in body.splitlines():
            if line.startswith((">>> ", "... ")):
                lines.append(line[4:])
            elif line in (">>>", "..."):
                lines.append("")
        lines.append("")
    return "\n".join(lines) + "\n"


def test_the_extraction_sees_the_dsl_examples() -> None:
    code = python_of((DOCS / "dsl.md").read_text(encoding="utf-8"))
    assert "F.closedFlag.is_false()" in code
    assert "F.status.name ==" in code


def test_a_comparison_with_false_would_be_flagged(tmp_path: Path) -> None:
    """The check is live: the spelling the docs avoid is what ruff reports."""
    sample = tmp_path / "sample.py"
    sample.write_text("from cwql import F\ncond = F.closedFlag == False\nnull = F.contact == None\n")
    result = _ruff(sample)
    assert "E712" in result.stdout
    assert "E711" in result.stdout


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_docs_examples_pass_ruff_e711_e712(page: str, tmp_path: Path) -> None:
    code = python_of((DOCS / page).read_text(encoding="utf-8"))
    target = tmp_path / (page.replace(".", "_").replace("-", "_") + ".py")
    target.write_text(code, encoding="utf-8")
    result = _ruff(target)
    assert result.returncode == 0, result.stdout + result.stderr


def _ruff(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select", "E711,E712",
         "--output-format", "concise", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
