"""The codes of the schema findings, with their documentation and a checked example.

Kept apart from the checker so the linter's rule catalogue can list them
without importing the schema machinery.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SCHEMA_CODES", "SchemaCode"]


@dataclass(frozen=True, slots=True)
class SchemaCode:
    """A schema finding: code, name, summary, default severity, and a checked example."""

    code: str
    name: str
    summary: str
    severity: str
    example: str
    fix: str
    endpoint: str = "/service/tickets"
    kind: str = "conditions"


_S = SchemaCode

#: Every finding :func:`check` reports, by code.
SCHEMA_CODES: dict[str, SchemaCode] = {c.code: c for c in (
    _S("S001", "unknown-field", "A path names a field the endpoint's records do not have.",
       "error", 'sumary contains "printer"', 'summary contains "printer"'),
    _S("S002", "field-case", "A field written in another letter case than the schema's.",
       "warning", "Status/Name = \"Open\"", "status/name = \"Open\""),
    _S("S003", "reference-without-subfield",
       "A reference (status, company, ...) compared as a whole instead of through a sub-field.",
       "error", "status = 1", "status/id = 1"),
    _S("S004", "array-in-conditions",
       "A conditions path that goes into an array field; arrays are filtered with childConditions.",
       "error", 'communicationItems/value like "*@example.com"', "firstName = \"Ann\"",
       endpoint="/company/contacts"),
    _S("S005", "child-path-without-array",
       "A childConditions path that does not go into an array field.",
       "error", 'firstName = "Ann"', 'communicationItems/value like "*@example.com"',
       endpoint="/company/contacts", kind="childConditions"),
    _S("S006", "text-operator-on-non-text", "`contains` or `like` on a field that is not text.",
       "error", 'budgetHours like "1*"', "budgetHours >= 1"),
    _S("S007", "ordering-on-boolean", "`<`, `<=`, `>` or `>=` on a true/false field.",
       "error", "closedFlag > false", "closedFlag = true"),
    _S("S008", "value-type-mismatch", "A value of another type than the field's.",
       "error", 'budgetHours = "2"', "budgetHours = 2"),
    _S("S009", "datetime-as-string",
       "A date written as a quoted string where the field holds a datetime; it needs brackets.",
       "error", 'requiredDate > "2024-01-01"', "requiredDate > [2024-01-01]"),
    _S("S010", "not-a-custom-field-column",
       "A customFieldConditions path other than the custom-field row's own fields (caption, value, ...).",
       "error", 'name = "Region"', 'caption = "Region" and value = "West"',
       kind="customFieldConditions"),
    _S("S011", "decimal-for-integer", "A number with a decimal point for a whole-number field.",
       "warning", "id = 5.0", "id = 5"),
    _S("S012", "no-custom-fields", "customFieldConditions on an endpoint whose records have no custom fields.",
       "error", 'caption = "Region"', 'caption = "Region"', endpoint="/service/boards",
       kind="customFieldConditions"),
    _S("S014", "unknown-enum-value",
       "A value that is none of the field's enum values, compared with `=`, `!=`, `in` or `not in`.",
       "error", 'chargeToType = "Project"', 'chargeToType = "ProjectTicket"', endpoint="/time/entries"),
    _S("S015", "enum-value-case", "An enum value written in another letter case than the spec's.",
       "warning", 'chargeToType = "projectticket"', 'chargeToType = "ProjectTicket"',
       endpoint="/time/entries"),
    _S("S016", "enum-pattern-matches-nothing",
       "A `like` or `contains` pattern on an enum field that none of its values match.",
       "warning", 'status like "Approved"', 'status like "Approved*"', endpoint="/time/entries"),
)}
