"""Settings from ``[tool.cwql]`` in ``pyproject.toml``, or ``cwql.toml``, and the command line.

The nearest config file above the first path (or the working directory) wins;
paths in it are relative to its folder. Keys are kebab-case, as in ruff::

    [tool.cwql]
    select = ["E", "V", "L", "W", "M"]   # prefixes of rule codes, or "ALL"
    extend-select = ["C"]                # the style family is off by default
    ignore = ["V005"]
    exclude = ["legacy/"]                # gitignore-style patterns
    kind = "conditions"                  # for .cwql files without a directive
    endpoint = "/service/tickets"
    connectwise-files = ["psa/**"]       # their conditions/orderBy/fields keys are queries
    generic-keys = "evidence"            # or "everywhere"
    fail-on = "warning"                  # info findings are shown but do not fail

    [tool.cwql.per-file-ignores]
    "tests/**" = ["V001"]

    [tool.cwql.per-file-settings]
    "queries/contacts/*.cwql" = { endpoint = "/company/contacts" }
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._record import Record
from .._spec import ALL_KINDS as KINDS
from ..errors import ConfigurationError
from ._globs import Pattern, PatternSet, compile_pattern
from ._model import SEVERITIES, Settings
from ._rules import RULES

__all__ = ["DEFAULT_EXCLUDE", "Config", "find_config", "load", "select"]


#: Folders nobody wants linted; ``exclude`` replaces this list, ``extend-exclude`` adds to it.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "node_modules",
    "site-packages", "build", "dist", ".eggs", "*.egg-info",
)


class Config(Record):
    """Everything that decides what is linted and how."""

    __slots__ = (
        "_excluded",
        "connectwise_files",
        "endpoint",
        "exclude",
        "extend_exclude",
        "extend_ignore",
        "extend_select",
        "fail_on",
        "generic_keys",
        "ignore",
        "kind",
        "max_file_size",
        "per_file_ignores",
        "per_file_settings",
        "respect_gitignore",
        "root",
        "schema",
        "select",
        "settings",
        "source",
    )
    root: Path
    source: Path | None
    select: tuple[str, ...] | None
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_ignore: tuple[str, ...]
    per_file_ignores: tuple[tuple[Pattern, tuple[str, ...]], ...]
    exclude: tuple[Pattern, ...]
    extend_exclude: tuple[Pattern, ...]
    respect_gitignore: bool
    kind: str
    endpoint: str | None
    #: A schema file for the schema rules (relative paths from the config's folder).
    schema: str | None
    per_file_settings: tuple[tuple[Pattern, Mapping[str, str]], ...]
    settings: Settings
    max_file_size: int
    #: The lowest severity whose findings make the exit status 1.
    fail_on: str
    #: Files about ConnectWise whatever they hold: their generic keys hold queries.
    connectwise_files: tuple[Pattern, ...]
    #: Where the generic keys (conditions, orderBy, fields) hold queries: "evidence" (in
    #: files about ConnectWise) or "everywhere".
    generic_keys: str
    _excluded: PatternSet

    def __init__(
        self,
        root: Path | None = None,
        source: Path | None = None,
        select: tuple[str, ...] | None = None,
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        extend_ignore: tuple[str, ...] = (),
        per_file_ignores: tuple[tuple[Pattern, tuple[str, ...]], ...] = (),
        exclude: tuple[Pattern, ...] | None = None,
        extend_exclude: tuple[Pattern, ...] = (),
        respect_gitignore: bool = True,
        kind: str = "conditions",
        endpoint: str | None = None,
        schema: str | None = None,
        per_file_settings: tuple[tuple[Pattern, Mapping[str, str]], ...] = (),
        settings: Settings | None = None,
        max_file_size: int = 10 * 1024 * 1024,
        fail_on: str = "info",
        connectwise_files: tuple[Pattern, ...] = (),
        generic_keys: str = "evidence",
    ) -> None:
        _set = object.__setattr__
        _set(self, "root", Path.cwd() if root is None else root)
        _set(self, "source", source)
        _set(self, "select", select)
        _set(self, "extend_select", extend_select)
        _set(self, "ignore", ignore)
        _set(self, "extend_ignore", extend_ignore)
        _set(self, "per_file_ignores", per_file_ignores)
        _set(self, "exclude", (lambda: tuple(compile_pattern(p) for p in DEFAULT_EXCLUDE))() if exclude is None else exclude)
        _set(self, "extend_exclude", extend_exclude)
        _set(self, "respect_gitignore", respect_gitignore)
        _set(self, "kind", kind)
        _set(self, "endpoint", endpoint)
        _set(self, "schema", schema)
        _set(self, "per_file_settings", per_file_settings)
        _set(self, "settings", Settings() if settings is None else settings)
        _set(self, "max_file_size", max_file_size)
        _set(self, "fail_on", fail_on)
        _set(self, "connectwise_files", connectwise_files)
        _set(self, "generic_keys", generic_keys)
        # Every file is tested against the excludes: matched as one set, made once.
        _set(self, "_excluded", PatternSet((*self.exclude, *self.extend_exclude)))

    def enabled(self) -> frozenset[str]:
        """The codes of the rules that run."""
        return select(self.select, (*self.extend_select,), (*self.ignore, *self.extend_ignore))

    def enabled_for(self, relative: str, base: frozenset[str]) -> frozenset[str]:
        """``base`` less the per-file ignores that match ``relative``."""
        ignored = [s for pattern, sel in self.per_file_ignores if pattern.matches(relative)
                   for s in sel]
        if not ignored:
            return base
        return frozenset(c for c in base if not any(_matches(c, s) for s in ignored))

    def kind_and_endpoint(self, relative: str) -> tuple[str, str | None]:
        kind, endpoint = self.kind, self.endpoint
        for pattern, values in self.per_file_settings:
            if pattern.matches(relative):
                kind = values.get("kind", kind)
                endpoint = values.get("endpoint", endpoint)
        return kind, endpoint

    def about_connectwise(self, relative: str) -> bool:
        """Whether the config says the file is about ConnectWise (its generic keys are queries)."""
        return self.generic_keys == "everywhere" or any(
            p.matches(relative) for p in self.connectwise_files) or any(
            p.matches(relative) for p, _ in self.per_file_settings)

    def excluded(self, relative: str, is_dir: bool = False) -> bool:
        return self._excluded.matches(relative, is_dir)


def _matches(code: str, selector: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def check_selectors(selectors: Iterable[str], where: str) -> tuple[str, ...]:
    out = []
    names = {r.name: code for code, r in RULES.items()}
    for s in selectors:
        if not isinstance(s, str):
            raise ConfigurationError(f"{where}: rule selectors are strings, not {s!r}")
        code = names.get(s, s.upper())
        if code != "ALL" and not any(c.startswith(code) for c in RULES) and code != "S":
            raise ConfigurationError(f"{where}: {s!r} selects no rule (see `cwql rules`)")
        out.append(code)
    return tuple(out)


def select(chosen: Iterable[str] | None, extend: Iterable[str], ignore: Iterable[str]) -> frozenset[str]:
    """The enabled codes: the most specific selector decides, and ignore wins a tie.

    With no ``chosen`` list, every rule that is on by default starts selected.
    """
    chosen = None if chosen is None else list(chosen)
    picks = [*(chosen or ()), *extend]
    drops = list(ignore)
    enabled = set()
    for code, rule in RULES.items():
        best_select = max((len(s) for s in picks if _matches(code, s)), default=-1)
        if chosen is None and rule.default:
            best_select = max(best_select, 0)
        best_ignore = max((len(s) for s in drops if _matches(code, s)), default=-1)
        if best_select >= 0 and best_select > best_ignore:
            enabled.add(code)
    return frozenset(enabled)


# ---- reading ---------------------------------------------------------------


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``cwql.toml`` or ``pyproject.toml`` with ``[tool.cwql]`` at or above ``start``."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in ("cwql.toml", ".cwql.toml"):
            path = candidate / name
            if path.is_file():
                return path, _read_toml(path)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            section = data.get("tool", {}).get("cwql")
            if isinstance(section, dict):
                return pyproject, section
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read: `cwql check` starts faster

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigurationError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigurationError(f"{path}: cannot read it: {e.strerror}") from None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{where} must be a list of strings")
    return tuple(value)


def _patterns(value: Any, where: str) -> tuple[Pattern, ...]:
    try:
        return tuple(compile_pattern(p) for p in _strings(value, where))
    except ValueError as e:
        raise ConfigurationError(f"{where}: {e}") from None


def _kind(value: Any, where: str) -> str:
    if value not in KINDS:
        raise ConfigurationError(f"{where} must be one of {', '.join(KINDS)}, not {value!r}")
    return str(value)


def _endpoint(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.startswith("/"):
        raise ConfigurationError(f"{where} must be a path such as \"/service/tickets\", not {value!r}")
    return value


def apply(config: Config, data: Mapping[str, Any], where: str) -> Config:
    """``config`` with the keys in ``data`` applied; unknown keys are an error."""
    changes: dict[str, Any] = {}
    settings = config.settings
    for key, value in data.items():
        at = f"{where}: {key}"
        if key in ("select", "extend-select", "ignore", "extend-ignore"):
            changes[key.replace("-", "_")] = check_selectors(_strings(value, at), at)
        elif key in ("exclude", "extend-exclude", "connectwise-files"):
            changes[key.replace("-", "_")] = _patterns(value, at)
        elif key == "generic-keys":
            if value not in ("evidence", "everywhere"):
                raise ConfigurationError(f"{at} must be \"evidence\" or \"everywhere\", not {value!r}")
            changes["generic_keys"] = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigurationError(f"{at} must be a table of pattern = [codes]")
            changes["per_file_ignores"] = tuple(
                (_patterns(p, at)[0], check_selectors(_strings(v, f"{at}.{p}"), f"{at}.{p}"))
                for p, v in value.items()
            )
        elif key == "per-file-settings":
            if not isinstance(value, dict):
                raise ConfigurationError(f"{at} must be a table of pattern = {{ kind = ..., endpoint = ... }}")
            rows = []
            for p, v in value.items():
                if not isinstance(v, dict) or not set(v) <= {"kind", "endpoint"}:
                    raise ConfigurationError(f"{at}.{p} takes `kind` and `endpoint`")
                checked = {}
                if "kind" in v:
                    checked["kind"] = _kind(v["kind"], f"{at}.{p}.kind")
                if "endpoint" in v:
                    checked["endpoint"] = _endpoint(v["endpoint"], f"{at}.{p}.endpoint")
                rows.append((_patterns(p, at)[0], checked))
            changes["per_file_settings"] = tuple(rows)
        elif key == "kind":
            changes["kind"] = _kind(value, at)
        elif key == "endpoint":
            changes["endpoint"] = _endpoint(value, at)
        elif key == "schema":
            if not isinstance(value, str) or not value:
                raise ConfigurationError(f"{at} must be the path of a schema file (cwql schema import)")
            changes["schema"] = str((config.root / value).resolve())
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigurationError(f"{at} must be true or false")
            changes["respect_gitignore"] = value
        elif key in ("max-url-length", "max-file-size"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigurationError(f"{at} must be a positive integer")
            if key == "max-file-size":
                changes["max_file_size"] = value
            else:
                settings = settings.replace(max_url_length=value)
        elif key == "fail-on":
            if value not in SEVERITIES:
                raise ConfigurationError(f"{at} must be one of {', '.join(SEVERITIES)}, not {value!r}")
            changes["fail_on"] = value
        elif key == "base-url":
            if not isinstance(value, str) or not value.startswith(("http://", "https://")):
                raise ConfigurationError(f"{at} must be an http(s) URL")
            settings = settings.replace(base_url=value.rstrip("/"))
        else:
            raise ConfigurationError(f"{where}: unknown key {key!r}")
    return config.replace(settings=settings, **changes)


def load(start: Path | None = None, *, isolated: bool = False, path: Path | None = None,
         overrides: Iterable[str] = ()) -> Config:
    """The config for a run: a file (found, or given), then ``KEY=VALUE`` overrides."""
    config = Config()
    if path is not None:
        if not path.is_file():
            raise ConfigurationError(f"{path}: no such config file")
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("cwql", {})
        config = apply(config.replace(root=path.resolve().parent, source=path), data, str(path))
    elif not isolated:
        found = find_config((start or Path.cwd()).resolve())
        if found is not None:
            where, data = found
            config = apply(config.replace(root=where.parent, source=where), data, str(where))
    for item in overrides:
        import tomllib

        try:
            data = tomllib.loads(item)
        except tomllib.TOMLDecodeError as e:
            raise ConfigurationError(f"--config {item!r}: not a TOML `key = value` ({e})") from None
        config = apply(config, data, "--config")
    return config
