"""Which files are linted, and reading and writing them without losing a byte.

Folders are walked without following symlinks to folders, pruning excluded
folders and what ``.gitignore`` files ignore (their negations, ``!pattern``,
are not followed). A symlink to a file is followed only when the file lies in
the project (the config's folder, or the working directory without one) or in
the folder walked: as ruff does, the linter leaves the project only for a path
named on the command line, so ``cwql lint .`` never prints, and ``cwql fmt .``
never rewrites, a file elsewhere. A symlink to nothing is skipped with a
notice. Files that cannot be read as text (a NUL byte, invalid UTF-8, larger
than ``max-file-size``) and folders the walk cannot list are reported by the
runner as F001 findings.
"""

from __future__ import annotations

import codecs
import io
import os
import shutil
import tokenize
from collections.abc import Iterator
from pathlib import Path

from .._record import Record
from ._config import Config
from ._globs import Pattern, compile_pattern
from ._sources import SUFFIXES

__all__ = ["Source", "Target", "discover", "load", "save"]


class Target(Record):
    """A file to lint."""

    __slots__ = ("display", "filetype", "path", "relative", "unlistable")
    path: Path
    #: How the file is shown in output: relative to the working directory when under it.
    display: str
    #: Relative to the config's folder, ``/``-separated, for patterns.
    relative: str
    #: The reader: a value of ``sources.SUFFIXES``.
    filetype: str
    #: Why the walk could not list this folder: then it is reported as an F001 finding.
    unlistable: str | None

    def __init__(
        self,
        path: Path,
        display: str,
        relative: str,
        filetype: str,
        unlistable: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "display", display)
        _set(self, "relative", relative)
        _set(self, "filetype", filetype)
        _set(self, "unlistable", unlistable)


class Source(Record):
    """A file's text, and how to write it back the same way."""

    __slots__ = ("bom", "encoding", "text")
    text: str
    encoding: str
    bom: bool

    def __init__(self, text: str, encoding: str = "utf-8", bom: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "encoding", encoding)
        _set(self, "bom", bom)


def _display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix().lstrip("/")


def target(path: Path, config: Config, relative: str | None = None,
           display: str | None = None) -> Target | None:
    """The file as a Target, or None when no reader takes its suffix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return None
    return Target(path, display or _display(path), relative or _relative(path, config.root), kind)


def _gitignore(folder: Path, base: str) -> list[tuple[str, Pattern]]:
    out: list[tuple[str, Pattern]] = []
    try:
        lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return out
    for line in lines:
        line = line.strip()
        if line and not line.startswith(("#", "!")):
            try:
                out.append((base, compile_pattern(line)))
            except ValueError:
                continue
    return out


def discover(paths: list[str], config: Config) -> tuple[list[Target], list[str]]:
    """The files to lint under ``paths``, and notices about what was left out.

    Raises FileNotFoundError for a path that does not exist.
    """
    found: dict[Path, Target] = {}
    notices: list[str] = []
    for arg in paths:
        path = Path(arg)
        if not path.exists():
            raise FileNotFoundError(arg)
        if path.is_dir():
            for walked in _walk(path, config, notices):
                found.setdefault(walked.path, walked)
            continue
        named = target(path, config)
        if named is None:
            notices.append(f"{_display(path)}: skipped: not a file cwql reads "
                           f"({', '.join(sorted(SUFFIXES))})")
        elif config.excluded(named.relative):
            notices.append(f"{named.display}: skipped: excluded by the config")
        else:
            found.setdefault(path, named)
    return sorted(found.values(), key=lambda t: t.display), notices


def _ignored(config: Config, ignores: list[tuple[str, Pattern]], full: str, is_dir: bool) -> bool:
    """Excluded by the config, or by a .gitignore in a folder above ``full``."""
    if config.excluded(full, is_dir):
        return True
    for base, pattern in ignores:
        if not base:
            if pattern.matches(full, is_dir):
                return True
        elif full.startswith(base + "/") and pattern.matches(full[len(base) + 1:], is_dir):
            return True
    return False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _walk(top: Path, config: Config, notices: list[str]) -> Iterator[Target]:
    ignores: list[tuple[str, Pattern]] = []
    if config.respect_gitignore:
        # The .gitignore files between the project's root and the folder walked from.
        start = top.resolve()
        root = config.root.resolve()
        if start != root and start.is_relative_to(root):
            between = reversed(start.relative_to(root).parents[:-1])  # "a", "a/b", ...
            ignores += _gitignore(root, "")
            for step in between:
                ignores += _gitignore(root / step, step.as_posix())
    # A folder that cannot be listed is a finding, as ruff's E902: never a silent gap in the walk.
    unlistable: list[OSError] = []
    for folder, dirs, files in os.walk(top, onerror=unlistable.append):
        here = Path(folder)
        rel = _relative(here, config.root)
        rel = "" if rel == "." else rel
        if config.respect_gitignore:
            ignores += _gitignore(here, rel)
        prefix = f"{rel}/" if rel else ""
        # Shown relative to the working directory: worked out once per folder, not per file.
        shown = _display(here)
        shown = "" if shown == "." else shown if shown.endswith("/") else shown + "/"
        dirs[:] = sorted(d for d in dirs if not _ignored(config, ignores, prefix + d, True)
                         and not (here / d).is_symlink())
        for name in sorted(files):
            if not _ignored(config, ignores, prefix + name, False):
                t = target(here / name, config, prefix + name, shown + name)
                if t is not None and (not t.path.is_symlink() or _followed(t, top, config, notices)):
                    yield t
    for error in unlistable:
        path = Path(error.filename) if error.filename else top
        why = error.strerror or type(error).__name__
        yield Target(path, _display(path), _relative(path, config.root), "cwql",
                     f"a folder cwql cannot list ({why})")


def _followed(t: Target, top: Path, config: Config, notices: list[str]) -> bool:
    """Whether the walk follows a symlink to a file: only to a file in the project or under ``top``."""
    real = Path(os.path.realpath(t.path))
    if not real.exists():
        notices.append(f"{t.display}: skipped: a symlink to nothing")
        return False
    if _inside(real, config.root.resolve()) or _inside(real, top.resolve()):
        return True
    notices.append(f"{t.display}: skipped: a symlink to a file outside the project "
                   "(name the file on the command line to lint it)")
    return False


class Unreadable(Exception):
    """A file that is not text cwql can read; the message says why."""


def load(path: Path, filetype: str, max_size: int) -> Source:
    """Read a file as text, keeping what is needed to write it back. Raises Unreadable."""
    try:
        size = path.stat().st_size
        if size > max_size:
            raise Unreadable(f"larger than max-file-size ({size:,} > {max_size:,} bytes)")
        data = path.read_bytes()
    except OSError as e:
        raise Unreadable(f"cannot read it: {e.strerror}") from None
    return decode(data, filetype)


def decode(data: bytes, filetype: str) -> Source:
    if b"\x00" in data[:8192]:
        raise Unreadable("a binary file (it holds NUL bytes)")
    encoding = "utf-8"
    # PEP 263: a coding cookie is a comment in the first two lines; without the word, what
    # tokenize would find is UTF-8 (a BOM is read below), so most files skip it.
    if filetype == "python" and b"coding" in b"".join(data.split(b"\n", 2)[:2]):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as e:
            raise Unreadable(f"cannot tell its encoding: {e}") from None
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[3:].decode(encoding) if bom else data.decode(encoding)
    except UnicodeDecodeError as e:
        raise Unreadable(f"not valid {e.encoding.upper()} (byte {e.start}: {e.reason})") from None
    except LookupError:
        raise Unreadable(f"unknown encoding {encoding!r}") from None
    return Source(text, encoding, bom)


def save(path: Path, source: Source, text: str) -> None:
    """Write ``text`` back with the file's encoding and BOM, atomically.

    A symlink stays a symlink: the file it points to is rewritten (through a
    temporary file beside that file, so the rename stays on one file system),
    keeping its mode.
    """
    data = text.encode(source.encoding)
    if source.bom:
        data = codecs.BOM_UTF8 + data
    real = Path(os.path.realpath(path))
    tmp = real.with_name(f".{real.name}.cwql-tmp")
    try:
        tmp.write_bytes(data)
        shutil.copymode(real, tmp)
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
