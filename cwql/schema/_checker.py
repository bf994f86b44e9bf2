"""Type-check a parsed query against the schema (LANGUAGE.md §2.14), enum values included.

Each finding is a :class:`~cwql.errors.Diagnostic` with an ``S`` code of the
registry (:data:`cwql.errors.CODES`); the linter's schema rule family and the
validator are both built on :func:`check`. A finding with a safe rewrite
carries the replacement text for its span in ``expected`` (one entry): the
schema's spelling of a field, or an enum value's canonical spelling.

Enum values are compared as the server compares strings (``text_key``,
LANGUAGE.md §6): a value that differs only in letter case matches, and is
flagged only for its spelling; a ``like`` or ``contains`` pattern is run
through the evaluator against each value, so it is read exactly as the
evaluator and the fake read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._codes import CODES
from .._printer import to_text
from .._semantics import text_key
from ..errors import Diagnostic, SchemaError
from ..syntax import (
    Boolean,
    DateTime,
    Fields,
    Literal,
    Node,
    Null,
    Number,
    Op,
    OrderBy,
    Path,
    Predicate,
    String,
    walk,
)
from ._core import (
    CUSTOM_FIELD_MODEL,
    INFO_KEYS,
    Model,
    Resolved,
    Schema,
    Unresolved,
    _close_matches,
)
from ._types import ArrayOf, Ref, Scalar

__all__ = ["check", "holds_datetimes"]


_TEXTUAL = frozenset({"string", "object", "any"})
_DATE_SHAPED = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?\s*")
_NAMED_LIKE_A_DATE = re.compile(r"(?:^|[a-z])Date$|^date", re.IGNORECASE)


def check(
    node: Node, *, schema: Schema, endpoint: str, kind: str = "conditions", text: str | None = None
) -> list[Diagnostic]:
    """Findings for ``node`` (a parsed parameter) on ``endpoint``, in source order.

    ``kind`` is ``conditions``, ``childConditions``, ``customFieldConditions``,
    ``orderBy`` or ``fields``. ``text`` is the source the node was parsed
    from, for positions; without it (a tree built in Python) findings sit at
    offset 0. Raises :class:`~cwql.errors.SchemaError` for an endpoint the
    schema does not list.
    """
    _, model = schema.endpoint(endpoint)
    return list(_Checker(schema, model, kind, text or "").run(node))


def holds_datetimes(path: str, *, schema: Schema | None = None, endpoint: str | None = None,
                    kind: str = "conditions") -> bool:
    """Whether ``path`` names a field that holds date-times, where a ``[date]`` is only midnight.

    By ``schema`` when it lists ``endpoint``: a ``datetime`` field, or a
    ``string`` one named like a date (the spec types ``closedDate`` as text).
    Otherwise by name: a last segment named like a date (``dateEntered``,
    ``closedDate``) or an ``_info`` datetime (``lastUpdated``).
    """
    last = path.rsplit("/", 1)[-1]
    named = _NAMED_LIKE_A_DATE.search(last) is not None
    if schema is not None and endpoint is not None:
        try:
            _, model = schema.endpoint(endpoint)
        except SchemaError:
            model = None
        if model is not None:
            found = schema.resolve(model, path, kind=kind)
            if isinstance(found, Unresolved):
                return False
            return found.type == _DATETIME or (found.type == _STRING and named)
    return named or INFO_KEYS.get(last) == _DATETIME


_DATETIME = Scalar("datetime")
_STRING = Scalar("string")


class _Checker:
    def __init__(self, schema: Schema, model: Model, kind: str, text: str) -> None:
        self.schema = schema
        self.model = model
        self.kind = kind
        self.text = text
        # orderBy and fields name plain fields: they resolve as conditions do.
        self.path_kind = "conditions" if kind in ("orderBy", "fields") else kind

    def diag(self, code: str, message: str, span: tuple[int, int] | None, hint: str | None = None,
             replacement: str | None = None) -> Diagnostic:
        start, end = span if span is not None else (0, 0)
        if end > len(self.text):
            start, end = 0, 0
        return Diagnostic.at(self.text, code, message, start, end, hint=hint,
                             severity=CODES[code].severity,
                             expected=() if replacement is None else (replacement,))

    def resolve(self, path: str) -> Resolved | Unresolved:
        return self.schema.resolve(self.model, path, kind=self.path_kind)  # remembered by the schema

    def run(self, node: Node) -> Iterator[Diagnostic]:
        if self.kind == "customFieldConditions" and "customFields" not in self.model.fields:
            yield self.diag("S012", f"{self.model.name} records have no custom fields", node.span,
                            "filter on the endpoint's own fields with conditions instead")
            return
        for current in walk(node):
            if isinstance(current, Predicate):
                yield from self.predicate(current)
            elif isinstance(node, (OrderBy, Fields)) and isinstance(current, Path):
                yield from self.path(current, sorting=isinstance(node, OrderBy))

    # ---- paths ---------------------------------------------------------------

    def path(self, path: Path, *, sorting: bool = False, pred: Predicate | None = None) -> Iterator[Diagnostic]:
        """Findings about the path alone (``pred``: the condition it is tested in, for hints)."""
        found = self.resolve(path.name)
        if isinstance(found, Unresolved):
            yield self.unknown(path, found)
            return
        if found.case_differs:
            yield self.diag("S002", f"`{path.name}` is spelled `{found.canonical}` in the schema",
                            path.span, f"write {found.canonical}", found.canonical)
        if (found.array_at is not None and self.kind == "conditions") or (sorting and found.array_at is not None):
            array = "/".join(path.name.split("/")[: found.array_at + 1])
            if sorting:
                hint = "sort by a field that is not in an array"
            elif found.array_at == 0 and found.fields[0].type == ArrayOf(Ref(CUSTOM_FIELD_MODEL)):
                hint = f"send it as customFieldConditions: {_custom_field_condition(path, pred)}"
            else:
                hint = f"filter its members with childConditions: {path.name} ..."
            yield self.diag("S004", f"`{array}` is an array; conditions cannot look inside it", path.span, hint)
        if self.kind == "childConditions" and found.array_at is None:
            arrays = [f.name for f in self.model.fields.values() if isinstance(f.type, ArrayOf)]
            listed = ", ".join(arrays[:5]) if arrays else "none"
            yield self.diag(
                "S005", f"`{path.name}` does not go into an array field",
                path.span,
                f"childConditions filter array members (here: {listed}); use conditions for {path.name}",
            )

    def unknown(self, path: Path, found: Unresolved) -> Diagnostic:
        start = (path.span[0] if path.span else 0) + found.offset
        span = (start, start + len(found.name)) if path.span else None
        code = "S010" if self.kind == "customFieldConditions" and found.model == CUSTOM_FIELD_MODEL else "S001"
        if code == "S010":
            fields = ", ".join(self.schema.model(CUSTOM_FIELD_MODEL).fields)
            return self.diag("S010", f"`{found.name}` is not a column of a custom-field row", span,
                             f"customFieldConditions filter on {fields}; e.g. caption=\"Region\" and value=\"West\"")
        suggestions = found.suggestions
        if self.kind == "childConditions" and found.index == 0:
            # A member's field without its array (`value` for customFields/value).
            suggestions = (*self._in_arrays(found.name), *suggestions)
        hint = f"did you mean {' or '.join(suggestions)}?" if suggestions else None
        if self.kind in ("conditions", "childConditions") and found.index == 0 and \
                "customFields" in self.model.fields and \
                self.schema.model(CUSTOM_FIELD_MODEL).field(found.name) is not None:
            # `caption="Region" and value="West"`, in the wrong parameter.
            custom = (f"`{found.name}` is a column of custom-field rows, which customFieldConditions "
                      'filter: for a custom field, send the condition as customFieldConditions, e.g. '
                      'caption="Region" and value="West" (with cwql: CF("Region") == "West")')
            hint = custom if self.kind == "conditions" or hint is None else f"{hint} {custom[0].upper()}{custom[1:]}"
        return self.diag("S001", f"{found.reason}", span, hint)

    def _in_arrays(self, name: str) -> list[str]:
        """``array/name`` for each array field of the endpoint's model whose members have ``name``."""
        out = []
        for field in self.model.fields.values():
            item = field.type.item if isinstance(field.type, ArrayOf) else None
            if isinstance(item, Ref):
                member = self.schema.model(item.model).field(name)
                if member is not None:
                    out.append(f"{field.name}/{member.name}")
        return out

    # ---- predicates ------------------------------------------------------------

    def predicate(self, pred: Predicate) -> Iterator[Diagnostic]:
        findings = list(self.path(pred.path, pred=pred))
        yield from findings
        found = self.resolve(pred.path.name)
        if isinstance(found, Unresolved) or any(d.code in ("S004",) for d in findings):
            return
        ftype, op, name = found.type, pred.op, found.canonical
        values = pred.value if isinstance(pred.value, tuple) else (pred.value,)
        if isinstance(ftype, Ref):
            if not all(isinstance(v, Null) for v in values):
                yield self.diag(
                    "S003", f"`{pred.path.name}` is a reference to {ftype.model}; compare one of its fields",
                    pred.path.span, self.subfield_hint(pred.path.name, ftype.model),
                )
            return
        if isinstance(ftype, ArrayOf) or (isinstance(ftype, Scalar) and ftype.name == "info"):
            return
        kind = ftype.name
        if op in (Op.CONTAINS, Op.NOT_CONTAINS, Op.LIKE, Op.NOT_LIKE):
            if kind not in _TEXTUAL:
                yield self.diag("S006", f"`{op.value}` needs a text field; `{name}` is {_a(kind)}",
                                pred.span, _compare_hint(kind))
            elif found.enum is not None and isinstance(pred.value, String):
                yield from self.enum_pattern(pred, pred.value, found.enum, name)
            return
        if op.is_ordering and kind == "boolean":
            yield self.diag("S007", f"`{name}` is true or false; `{op.value}` does not order those",
                            pred.span, f"write {name}=true or {name}=false")
        for value in values:
            finding = self.value(value, kind, name)
            if finding is not None:
                yield finding
            elif found.enum is not None and isinstance(value, String) and op in _ENUM_OPS:
                yield from self.enum_value(value, found.enum, name, op)

    # ---- enum values -------------------------------------------------------------

    def enum_value(self, value: String, members: tuple[str, ...], name: str, op: Op) -> Iterator[Diagnostic]:
        """S014 for a value that is no member; S015 for one that is a member in another case."""
        if value.value in members:
            return
        keyed = {text_key(m): m for m in members}
        canonical = keyed.get(text_key(value.value))
        if canonical is not None:
            literal = to_text(String(canonical))
            yield self.diag("S015", f"{to_text(value)} is spelled {literal} in the spec", value.span,
                            f"write {literal}", literal)
            return
        close = _suggest(value.value, members)
        hint = f"did you mean {' or '.join(to_text(String(m)) for m in close)}? " if close else ""
        effect = "matches nothing" if op in (Op.EQ, Op.IN) else "excludes nothing"
        yield self.diag(
            "S014", f"{to_text(value)} is not a value of `{name}`, so `{op.value}` with it {effect}",
            value.span, f"{hint}{name} is one of {_listed(members)}",
        )

    def enum_pattern(self, pred: Predicate, value: String, members: tuple[str, ...], name: str) -> Iterator[Diagnostic]:
        """S016 for a ``like``/``contains`` pattern that none of the enum values match."""
        # Imported here: only a pattern on an enum field needs the evaluator, and linting
        # a project should not pay for loading it.
        from .._evaluator import compile_predicate

        positive = pred.op if pred.op in (Op.LIKE, Op.CONTAINS) else pred.op.negated
        test = compile_predicate(Predicate(Path("v"), positive, value))
        if any(test({"v": member}) for member in members):
            return
        effect = "excludes nothing" if positive is not pred.op else "matches nothing"
        yield self.diag(
            "S016", f"`{pred.op.value} {to_text(value)}` matches none of the values of `{name}`, so it {effect}",
            value.span, f"{name} is one of {_listed(members)}",
        )

    def subfield_hint(self, written: str, model: str) -> str:
        try:
            fields = [f for f in ("id", "name", "identifier") if f in self.schema.model(model).fields]
        except Exception:  # a reference to a model the schema lacks: no suggestion
            fields = []
        if not fields:
            return "compare one of its fields"
        return "compare " + " or ".join(f"{written}/{f}" for f in fields)

    def value(self, value: Literal, kind: str, name: str) -> Diagnostic | None:
        """A finding when ``value`` cannot be compared with a field of type ``kind``."""
        if isinstance(value, Null) or kind in ("object", "any"):
            return None
        span = value.span
        if kind == "integer":
            if isinstance(value, Number):
                if "." in value.text:
                    return self.diag("S011", f"`{name}` holds whole numbers; `{value.text}` has a decimal point",
                                     span, f"write {value.text.split('.')[0] or '0'}")
                return None
            return self.mismatch(value, kind, name)
        if kind == "number":
            return None if isinstance(value, Number) else self.mismatch(value, kind, name)
        if kind == "boolean":
            return None if isinstance(value, Boolean) else self.mismatch(value, kind, name)
        if kind == "datetime":
            if isinstance(value, DateTime):
                return None
            if isinstance(value, String) and _DATE_SHAPED.fullmatch(value.value):
                return self.diag("S009", f"`{name}` holds datetimes; \"{value.value}\" is a string",
                                 span, f"write [{value.value.strip()}]")
            return self.mismatch(value, kind, name)
        if kind == "string":
            if isinstance(value, String):
                return None
            if isinstance(value, DateTime) and _NAMED_LIKE_A_DATE.search(name.rsplit("/", 1)[-1]):
                # The spec types some date fields as strings (closedDate, dateResolved).
                return None
            return self.mismatch(value, kind, name)
        return None

    def mismatch(self, value: Literal, kind: str, name: str) -> Diagnostic:
        got = {String: "a string", Number: "a number", Boolean: "true/false", DateTime: "a datetime"}.get(
            type(value), "a value")
        if kind == "boolean" and isinstance(value, String) and value.value.strip().lower() in ("true", "false"):
            hint = f"write {value.value.strip().lower()} without quotes"
        elif kind == "boolean" and isinstance(value, Number):
            hint = "write true or false"
        elif kind in ("integer", "number") and isinstance(value, String) and _is_number(value.value):
            hint = f"write {value.value.strip()} without quotes"
        elif kind == "string" and not isinstance(value, String):
            hint = f'quote it: "{to_text(value).strip("[]")}"'
        else:
            hint = _compare_hint(kind)
        return self.diag("S008", f"`{name}` is {_a(kind)}, but the value is {got}", value.span, hint)


_ENUM_OPS = frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN})
_LISTED = 12


def _listed(members: tuple[str, ...]) -> str:
    shown = ", ".join(members[:_LISTED])
    return shown + (f" and {len(members) - _LISTED} more" if len(members) > _LISTED else "")


def _suggest(value: str, members: tuple[str, ...]) -> list[str]:
    """Members close to ``value``, best first: those it starts or is part of, then look-alikes."""
    key = text_key(value.strip())
    keyed = {text_key(m): m for m in members}
    found: list[str] = []
    if key:
        found += [m for k, m in keyed.items() if k.startswith(key)]
        found += [m for k, m in keyed.items() if key in k]
    found += [keyed[k] for k in _close_matches(key, list(keyed), n=3, cutoff=0.6)]
    return list(dict.fromkeys(found))[:3]


def _a(kind: str) -> str:
    return {
        "integer": "a whole number", "number": "a number", "boolean": "true/false",
        "string": "text", "datetime": "a datetime", "info": "the _info block",
    }.get(kind, kind)


def _compare_hint(kind: str) -> str:
    return {
        "integer": "compare it with a number, e.g. = 5, > 10, in (1,2)",
        "number": "compare it with a number, e.g. >= 2.5",
        "boolean": "compare it with true or false",
        "datetime": "compare it with a bracketed datetime, e.g. > [2024-01-01T00:00:00Z]",
        "string": 'compare it with a quoted string, e.g. = "text", contains "text"',
    }.get(kind, "compare it with a value of its type")


def _is_number(text: str) -> bool:
    return re.fullmatch(r"\s*-?(\d+(\.\d*)?|\.\d+)\s*", text) is not None


def _custom_field_condition(path: Path, pred: Predicate | None) -> str:
    """``customFields/value = "x"`` as customFieldConditions: ``caption="<...>" and value="x"``."""
    column = path.name.split("/", 1)[1] if "/" in path.name else "value"
    test = f"{column} ..." if pred is None else to_text(Predicate(Path(column), pred.op, pred.value))
    if column.lower() == "caption":
        return f"{test} and value ... (with cwql: CF(caption) and a comparison)"
    return f'caption="<the custom field\'s name>" and {test} (with cwql: CF(name) and a comparison)'
