"""Gitignore-style path patterns, for excludes and per-file settings.

``name`` matches a file or folder of that name at any depth; a pattern with a
``/`` inside (or at the start) is anchored to the folder of the config file;
a trailing ``/`` matches folders only; ``*`` and ``?`` stay within one path
segment, ``**`` spans any number of them. A pattern that matches a folder
matches everything under it.
"""

from __future__ import annotations

import functools
import re

__all__ = ["Pattern", "compile_pattern"]


class Pattern:
    """One compiled pattern."""

    __slots__ = ("_regex", "dir_only", "text")

    def __init__(self, text: str, regex: re.Pattern[str], dir_only: bool) -> None:
        self.text = text
        self._regex = regex
        self.dir_only = dir_only

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether ``path`` (relative, ``/``-separated) or a folder above it matches."""
        segments = path.split("/")
        for i in range(1, len(segments) + 1):
            prefix = "/".join(segments[:i])
            folder = i < len(segments) or is_dir
            if (folder or not self.dir_only) and self._regex.fullmatch(prefix):
                return True
        return False


def _translate(glob: str) -> str:
    out = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            close = glob.find("]", i + 1)
            if close < 0:
                out.append(re.escape(c))
                i += 1
            else:
                body = glob[i + 1:close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = close + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def compile_pattern(text: str) -> Pattern:
    """Compile a gitignore-style pattern; raises ValueError when it cannot be read."""
    glob = text.strip()
    if not glob:
        raise ValueError("an empty pattern")
    dir_only = glob.endswith("/")
    glob = glob.rstrip("/")
    anchored = "/" in glob
    glob = glob.lstrip("/")
    if glob.startswith("./"):
        glob = glob[2:]
    body = _translate(glob)
    regex = body if anchored or glob.startswith("**") else f"(?:.*/)?{body}"
    try:
        return Pattern(text, re.compile(regex, re.DOTALL), dir_only)
    except re.error as e:
        raise ValueError(f"cannot read the pattern {text!r}: {e}") from None
