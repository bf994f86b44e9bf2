"""The schema family: one rule per finding of ``cwql.schema.check``, made from ``SCHEMA_CODES``.

These run only when a query's endpoint is known (a ``# cwql: endpoint=...``
directive, ``endpoint`` in the config, or ``--endpoint``), against the bundled
Manage schema or the one ``schema`` / ``--schema`` names. The engine runs the
type checker once per query and files each finding under its rule, so the
linter, the validator and the docs share one implementation.
"""

from __future__ import annotations

from ...schema._codes import SCHEMA_CODES
from .._model import Rule
from .base import SCHEMA

__all__ = ["RULES", "UNKNOWN_ENDPOINT"]

_WHY = {
    "S001": "The server answers 400 for a field it does not know, or, on some versions, ignores "
            "the condition and returns records the query meant to exclude.",
    "S002": "Field names are case-insensitive on the server, so this works; the schema's spelling "
            "keeps queries searchable and consistent.",
    "S003": "A reference is an object; the server compares its sub-fields, so the condition "
            "fails with 400 or matches nothing.",
    "S004": "conditions cannot look inside array fields; the server refuses the path. "
            "childConditions exist for exactly this.",
    "S005": "childConditions filter the members of array fields; a plain field there is refused.",
    "S006": "`contains` and `like` compare text; on numbers, booleans or dates the server answers "
            "400 or converts the field in ways that depend on its version.",
    "S007": "true and false have no order; the server refuses the comparison or treats it as a "
            "number, which says nothing useful.",
    "S008": "The server converts one side to the other's type; a string that is not a number makes "
            "the whole request fail, and a quoted number on a text field compares as text.",
    "S009": "A quoted date is a string: compared with a datetime field it fails to convert or "
            "compares as text. Datetimes need square brackets.",
    "S010": "customFieldConditions filter the rows of a record's custom fields, whose columns are "
            "the custom-field row's own (caption, value, ...); other names are refused.",
    "S011": "The server truncates or refuses a decimal for a whole-number field; say what you mean.",
    "S012": "The endpoint's records carry no custom fields, so customFieldConditions match nothing.",
    "S014": "The server compares an enum field with its values (the spec lists them): any other value "
            "matches no record, so `=` and `in` come back silently empty and `!=` and `not in` exclude "
            "nothing; some versions answer 400 \"Enum value supplied was invalid\" instead.",
    "S015": "The server compares strings case-insensitively, so this matches; the spec's spelling keeps "
            "queries searchable and consistent with the values records carry.",
    "S016": "None of the field's values fits the pattern, so `like` and `contains` match no record "
            "(and their negations exclude none): usually a misremembered value.",
}
_FIXABLE = frozenset({"S002", "S015"})

_RULES: list[Rule] = [
    Rule(
        code=c.code, name=c.name, family=SCHEMA,
        severity="warning" if c.severity == "warning" else "error",
        summary=c.summary, what=c.summary, why=_WHY[c.code],
        example=c.example, fix=c.fix, example_kind=c.kind,
        fixable="safe" if c.code in _FIXABLE else None,
    )
    for c in SCHEMA_CODES.values()
]

#: Reported when the endpoint given for a query is not one the schema lists.
UNKNOWN_ENDPOINT = Rule(
    code="S013", name="unknown-endpoint", family=SCHEMA, severity="error",
    summary="The endpoint given for the query is not a list endpoint of the schema.",
    what="""The endpoint from a `# cwql: endpoint=...` directive, the config or `--endpoint` is not
    one of the schema's list endpoints, so the query's fields cannot be checked.""",
    why="""A typo in the endpoint switches the schema rules off silently for every query under it;
    a request to it would answer 404.""",
    example="summary contains \"x\"", fix="summary contains \"x\"",
)

RULES: tuple[Rule, ...] = (*_RULES, UNKNOWN_ENDPOINT)
