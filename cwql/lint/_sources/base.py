"""What every source reader produces: located queries, comments, and what it skipped.

A :class:`Site` is one query found in a host file, with an :class:`OffsetMap`
from offsets in the query text to offsets in the host text. The map is a list
of segments: a segment whose two sides have the same length maps character for
character (text written as is); any other segment is one unit of the host's
syntax (an escape such as ``\\n`` or ``''``, or a run-time hole) and maps as a
whole, so a finding never points into the middle of an escape.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "API_MARK", "GENERIC_KINDS", "Comment", "Extraction", "LineIndex", "OffsetMap", "Segment", "Site", "Unchecked", "Writer",
    "unparsable",
]

#: Turns query text into the host's syntax for one literal part; None when it cannot.
Writer = Callable[[int, str], "str | None"]

HOLE = -1

#: The parameters whose names other software uses too (SQLAlchemy's ``order_by``, Google's
#: ``fields``, Jira's ``conditions``): their keys hold queries only in a file about ConnectWise.
#: ``childConditions`` and ``customFieldConditions`` are ConnectWise's alone.
GENERIC_KINDS = frozenset({"conditions", "orderBy", "fields"})
#: What every URL of the Manage REST API holds; a file that holds one is about ConnectWise.
API_MARK = "/apis/3.0"


@dataclass(frozen=True, slots=True)
class Segment:
    q_start: int
    q_end: int
    h_start: int
    h_end: int
    #: Which literal part of the host the segment is in (implicit concatenation
    #: has several); HOLE for text only known at run time.
    part: int = 0


class OffsetMap:
    """Query offsets to host offsets, through the segments."""

    __slots__ = ("_starts", "segments")

    def __init__(self, segments: list[Segment]) -> None:
        if not segments:
            raise ValueError("an offset map needs a segment (an empty one for an empty value)")
        self.segments = segments
        self._starts = [s.q_start for s in segments]

    @classmethod
    def linear(cls, q_len: int, h_start: int) -> OffsetMap:
        return cls([Segment(0, q_len, h_start, h_start + q_len)])

    def _at(self, q: int) -> Segment:
        i = bisect.bisect_right(self._starts, q) - 1
        return self.segments[max(0, min(i, len(self.segments) - 1))]

    def start(self, q: int) -> int:
        """Host offset where query character ``q`` starts (or, at the end, where the text ends)."""
        seg = self._at(q)
        if q >= seg.q_end:
            return seg.h_end
        if seg.q_end - seg.q_start == seg.h_end - seg.h_start:
            return seg.h_start + (q - seg.q_start)
        return seg.h_start

    def end(self, q: int) -> int:
        """Host offset just past query character ``q - 1``."""
        if q <= 0:
            return self.start(0)
        seg = self._at(q - 1)
        if seg.q_end - seg.q_start == seg.h_end - seg.h_start:
            return seg.h_start + (q - seg.q_start)
        return seg.h_end

    def parts(self, q_start: int, q_end: int) -> set[int]:
        """The parts that ``[q_start, q_end)`` touches (for an insertion, the part it lands in)."""
        if q_start == q_end:
            return {self._at(q_start).part}
        lo = bisect.bisect_right(self._starts, q_start) - 1
        found = set()
        for seg in self.segments[max(lo, 0):]:
            if seg.q_start >= q_end:
                break
            if seg.q_end > q_start:
                found.add(seg.part)
        return found


class LineIndex:
    """Offsets to 1-based lines and columns, counting ``\\n`` as the line break."""

    __slots__ = ("_breaks",)

    def __init__(self, text: str) -> None:
        breaks = []
        find = text.find
        at = find("\n")
        while at >= 0:
            breaks.append(at)
            at = find("\n", at + 1)
        self._breaks = breaks

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._breaks, offset) + 1

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._breaks, offset) + 1
        start = self._breaks[line - 2] + 1 if line > 1 else 0
        return line, offset - start + 1

    def line_start(self, line: int) -> int:
        return self._breaks[line - 2] + 1 if line > 1 else 0


@dataclass(slots=True)
class Site:
    """One query in a host file."""

    text: str
    kind: str
    endpoint: str | None
    map: OffsetMap
    #: The host lines the literal spans; a noqa comment on any of them applies.
    first_line: int
    last_line: int
    #: Encodes replacement text for the host; None when the host is read-only here.
    writer: Writer | None = None
    #: Query spans only known at run time (f-string holes), filled with placeholders.
    holes: tuple[tuple[int, int], ...] = ()
    #: The quote character a query string can use without an escape in the host.
    quote: str = '"'
    #: For hosts whose syntax the writer alone cannot guarantee (YAML): given the host
    #: edits and the query they should produce, whether the host reads it back so.
    verify: Callable[[list[Any], str], bool] | None = None
    #: Why the host cannot be written here (``writer`` is None), in words for ``cwql fmt``.
    read_only: str = "this file is read-only to cwql"


@dataclass(frozen=True, slots=True)
class Comment:
    """A ``# cwql:`` comment: ``body`` is the text after ``cwql:``."""

    line: int
    start: int
    end: int
    body: str
    own_line: bool


@dataclass(frozen=True, slots=True)
class Unchecked:
    """Why a file (or the rest of it, from ``at``) was not checked: a finding of the files family."""

    #: F001 (the file cannot be read as text) or F002 (it does not parse).
    code: str
    message: str
    #: The host offset where reading stopped.
    at: int = 0


def unparsable(language: str, reason: str, at: int = 0) -> Unchecked:
    """F002 for a file that is not valid ``language``, with the registry's wording."""
    from ..._codes import CODES

    return Unchecked("F002", CODES["F002"].format(language=language, reason=reason), at)


@dataclass(slots=True)
class Extraction:
    """What a reader found in one file."""

    sites: list[Site] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    #: Queries built at run time that could not be checked: (host offset, why).
    dynamic: list[tuple[int, str]] = field(default_factory=list)
    #: Why the file, or the rest of it, was not checked.
    skipped: Unchecked | None = None
    #: Units of work the reader did (YAML: nodes walked), which hostile input must not inflate.
    work: int = 0
    #: Values under the generic keys (``conditions``, ``orderBy``, ``fields``) not read as
    #: queries because nothing says the file is about ConnectWise (JSON and YAML): said, not silent.
    unclaimed: int = 0
