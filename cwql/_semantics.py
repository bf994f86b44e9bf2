"""What the Manage server is modelled to do with a condition (LANGUAGE.md §6), in one place.

The server runs filters as SQL Server queries with its default,
case-insensitive collation. Everything in cwql that reasons about what a
condition *means* rather than how it is written (the evaluator, ``to_sql``,
the fake PSA, the linter's logic rules, the DSL) reads that meaning here.
"""

from __future__ import annotations

import datetime as _dt

from .syntax import DateTime

__all__ = ["instant", "model_instant", "text_key"]

_UTC = _dt.UTC


def instant(literal: DateTime) -> _dt.datetime | None:
    """The instant a datetime literal stands for: a date is midnight UTC.

    None for a naive time, whose zone on the server is unknown; see
    :func:`model_instant` for what the evaluator assumes for it.
    """
    value = literal.value
    if not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    return None if value.tzinfo is None else value


def model_instant(literal: DateTime) -> _dt.datetime:
    """The instant the evaluator and ``to_sql`` compare with: a naive time is read as UTC."""
    at = instant(literal)
    if at is not None:
        return at
    naive = literal.value
    assert isinstance(naive, _dt.datetime)  # only a naive time has no instant
    return naive.replace(tzinfo=_UTC)


def text_key(value: str) -> str:
    """What two strings share when the server's collation finds them equal.

    Equality, ``in`` lists and anything that merges or deduplicates string
    values (the executor's splitting of long lists) compare through this.
    """
    return value.lower()
