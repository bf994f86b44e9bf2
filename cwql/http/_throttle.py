"""Client-side rate limiting and retry timing, shared by the sync and async clients.

Neither sleeps: :meth:`RateLimiter.reserve` books the next free slot and says
how long to wait for it, and :class:`RetryPolicy` says how long to back off.
The clients do the waiting (``time.sleep`` or ``asyncio.sleep``), so one
limiter serves threads and concurrent tasks alike.
"""

from __future__ import annotations

import email.utils
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..errors import CWQLTypeError, UsageError

__all__ = ["RateLimiter", "RetryPolicy", "parse_retry_after"]


class RateLimiter:
    """Spaces requests evenly at ``requests_per_minute`` for one API member.

    ``clock`` (monotonic seconds), ``wall`` (epoch seconds) and ``sleep`` are
    injectable, so a test can run the limiter, and the client that waits on
    it, in virtual time. Even spacing (no bursts) keeps every 60-second window under the limit
    whether the server counts in fixed or sliding windows. It also obeys the
    server: ``X-RateLimit-Limit`` lowers the rate, ``X-RateLimit-Remaining: 0``
    with ``X-RateLimit-Reset`` and a 429's ``Retry-After`` pause every caller
    until then. Thread-safe; async callers share it the same way.
    """

    def __init__(self, requests_per_minute: float = 60, *, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        _check_number("requests_per_minute", requests_per_minute)
        if not requests_per_minute > 0:
            raise UsageError(f"requests_per_minute must be positive, not {requests_per_minute!r}")
        self.requests_per_minute = float(requests_per_minute)
        self._clock = clock
        self._wall = wall
        #: How the sync client waits. Tests pass one that advances a virtual
        #: clock (with ``clock`` and ``wall`` reading it) to run in no time.
        self.sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0  # clock time of the next free slot
        self._paused_until = 0.0
        self.waits = 0
        self.waited = 0.0

    def now(self) -> float:
        """The limiter's clock, in seconds (monotonic, or virtual in tests)."""
        return self._clock()

    @property
    def interval(self) -> float:
        return 60.0 / self.requests_per_minute

    def reserve(self) -> float:
        """Book the next slot; the seconds to wait before sending (0 if none)."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next, self._paused_until)
            self._next = slot + self.interval
            wait = slot - now
            if wait > 0:
                self.waits += 1
                self.waited += wait
            return wait

    def paused_for(self) -> float:
        """Seconds left of a pause the server asked for (0 when there is none)."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` (a 429, or an exhausted quota)."""
        if seconds <= 0:
            return
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def observe(self, headers: Mapping[str, str], *, max_pause: float = 3600.0) -> None:
        """Adjust to the server's ``X-RateLimit-*`` headers, when it sends them.

        A reset further away than ``max_pause`` seconds pauses for
        ``max_pause`` only: one answer (``X-RateLimit-Reset: 9999999999``) must
        not hold every caller for hours. The clients pass their
        :attr:`RetryPolicy.max_retry_after`.
        """
        limit = _number(headers.get("x-ratelimit-limit"))
        # Below one a minute is no limit anyone means: ignore it rather than stall.
        if limit is not None and 1 <= limit < self.requests_per_minute:
            with self._lock:
                self.requests_per_minute = limit
        remaining = _number(headers.get("x-ratelimit-remaining"))
        if remaining is not None and remaining <= 0:
            reset = _number(headers.get("x-ratelimit-reset"))
            if reset is not None:
                # Epoch seconds or seconds from now: a date after 2001 is epoch.
                seconds = reset - self._wall() if reset > 1e9 else reset
                self.pause(min(max(seconds, 0.0), max_pause))


def _check_number(name: str, value: object) -> None:
    """``value`` is a real number of seconds (or a rate): not a bool, text or NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CWQLTypeError(f"{name} is a number, not {type(value).__name__}")
    if math.isnan(value):
        raise UsageError(f"{name} must be a number, not NaN")


def _number(value: object) -> float | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delay-seconds or an HTTP date.

    None for a value that is neither (nothing to honour; the caller backs off).
    """
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            return None
        at = when.timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    current = time.time() if now is None else now
    return max(0.0, at - current)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to retry a failed idempotent request.

    Retries 429, 5xx, 409 RecordLocked and transport errors; never 400, 401,
    403 or 404. ``attempts`` counts every try (the first included);
    ``total_seconds`` bounds the time spent waiting across them. Backoff is
    exponential with full jitter (a random delay up to ``base * 2**n``, capped
    at ``cap``); a ``Retry-After`` the server sends is honoured instead, up to
    ``max_retry_after``.
    """

    attempts: int = 5
    total_seconds: float = 300.0
    base: float = 0.5
    cap: float = 30.0
    max_retry_after: float = 300.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise CWQLTypeError(f"RetryPolicy.attempts is an int, not {type(self.attempts).__name__}")
        for name in ("total_seconds", "base", "cap", "max_retry_after"):
            _check_number(f"RetryPolicy.{name}", getattr(self, name))
        if not math.isfinite(self.base) or not math.isfinite(self.cap):
            raise UsageError("RetryPolicy.base and cap are finite numbers of seconds")
        if self.max_retry_after < 0:
            raise UsageError("RetryPolicy.max_retry_after must not be negative")
        if self.attempts < 1:
            raise UsageError("RetryPolicy.attempts counts the first try too, so it must be at least 1")
        if self.base < 0 or self.cap < 0 or self.total_seconds < 0:
            raise UsageError("RetryPolicy delays must not be negative")

    @staticmethod
    def retryable_status(status: int, code: str = "") -> bool:
        if status == 429 or status >= 500:
            return True
        return status == 409 and "lock" in code.lower()

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try number ``attempt + 1`` (``attempt`` >= 1)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.rng.uniform(0, min(self.cap, self.base * (2 ** (attempt - 1))))


#: A policy that never retries (for tests and callers that retry themselves).
NO_RETRY = RetryPolicy(attempts=1)
__all__ += ["NO_RETRY"]
