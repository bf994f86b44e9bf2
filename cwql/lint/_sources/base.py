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
from typing import Any

from ..._record import Record

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


class Segment(Record):
    __slots__ = ("h_end", "h_start", "part", "q_end", "q_start")
    q_start: int
    q_end: int
    h_start: int
    h_end: int
    #: Which literal part of the host the segment is in (implicit concatenation
    #: has several); HOLE for text only known at run time.
    part: int

    def __init__(self, q_start: int, q_end: int, h_start: int, h_end: int, part: int = 0) -> None:
        _set = object.__setattr__
        _set(self, "q_start", q_start)
        _set(self, "q_end", q_end)
        _set(self, "h_start", h_start)
        _set(self, "h_end", h_end)
        _set(self, "part", part)


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


class Site(Record, frozen=False):
    """One query in a host file."""

    __slots__ = (
        "endpoint",
        "first_line",
        "holes",
        "kind",
        "last_line",
        "map",
        "quote",
        "read_only",
        "text",
        "verify",
        "writer",
    )
    text: str
    kind: str
    endpoint: str | None
    map: OffsetMap
    #: The host lines the literal spans; a noqa comment on any of them applies.
    first_line: int
    last_line: int
    #: Encodes replacement text for the host; None when the host is read-only here.
    writer: Writer | None
    #: Query spans only known at run time (f-string holes), filled with placeholders.
    holes: tuple[tuple[int, int], ...]
    #: The quote character a query string can use without an escape in the host.
    quote: str
    #: For hosts whose syntax the writer alone cannot guarantee (YAML): given the host
    #: edits and the query they should produce, whether the host reads it back so.
    verify: Callable[[list[Any], str], bool] | None
    #: Why the host cannot be written here (``writer`` is None), in words for ``cwql fmt``.
    read_only: str

    def __init__(
        self,
        text: str,
        kind: str,
        endpoint: str | None,
        map: OffsetMap,
        first_line: int,
        last_line: int,
        writer: Writer | None = None,
        holes: tuple[tuple[int, int], ...] = (),
        quote: str = '"',
        verify: Callable[[list[Any], str], bool] | None = None,
        read_only: str = "this file is read-only to cwql",
    ) -> None:
        self.text = text
        self.kind = kind
        self.endpoint = endpoint
        self.map = map
        self.first_line = first_line
        self.last_line = last_line
        self.writer = writer
        self.holes = holes
        self.quote = quote
        self.verify = verify
        self.read_only = read_only


class Comment(Record):
    """A ``# cwql:`` comment: ``body`` is the text after ``cwql:``."""

    __slots__ = ("body", "end", "line", "own_line", "start")
    line: int
    start: int
    end: int
    body: str
    own_line: bool

    def __init__(self, line: int, start: int, end: int, body: str, own_line: bool) -> None:
        _set = object.__setattr__
        _set(self, "line", line)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "body", body)
        _set(self, "own_line", own_line)


class Unchecked(Record):
    """Why a file (or the rest of it, from ``at``) was not checked: a finding of the files family."""

    #: F001 (the file cannot be read as text) or F002 (it does not parse).
    __slots__ = ("at", "code", "message")
    code: str
    message: str
    #: The host offset where reading stopped.
    at: int

    def __init__(self, code: str, message: str, at: int = 0) -> None:
        _set = object.__setattr__
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "at", at)


def unparsable(language: str, reason: str, at: int = 0) -> Unchecked:
    """F002 for a file that is not valid ``language``, with the registry's wording."""
    from ..._codes import CODES

    return Unchecked("F002", CODES["F002"].format(language=language, reason=reason), at)


class Extraction(Record, frozen=False):
    """What a reader found in one file."""

    __slots__ = ("comments", "dynamic", "sites", "skipped", "unclaimed", "work")
    sites: list[Site]
    comments: list[Comment]
    #: Queries built at run time that could not be checked: (host offset, why).
    dynamic: list[tuple[int, str]]
    #: Why the file, or the rest of it, was not checked.
    skipped: Unchecked | None
    #: Units of work the reader did (YAML: nodes walked), which hostile input must not inflate.
    work: int
    #: Values under the generic keys (``conditions``, ``orderBy``, ``fields``) not read as
    #: queries because nothing says the file is about ConnectWise (JSON and YAML): said, not silent.
    unclaimed: int

    def __init__(
        self,
        sites: list[Site] | None = None,
        comments: list[Comment] | None = None,
        dynamic: list[tuple[int, str]] | None = None,
        skipped: Unchecked | None = None,
        work: int = 0,
        unclaimed: int = 0,
    ) -> None:
        self.sites = [] if sites is None else sites
        self.comments = [] if comments is None else comments
        self.dynamic = [] if dynamic is None else dynamic
        self.skipped = skipped
        self.work = work
        self.unclaimed = unclaimed
