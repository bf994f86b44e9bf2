"""A clock for tests of the executor's waits: sleeping advances it instead of waiting."""

from __future__ import annotations


class VirtualTime:
    """A clock the fake and the client share (``time`` and ``sleep``, in seconds)."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
