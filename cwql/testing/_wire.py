"""What the fake PSA answers, and what the mounts (_transport, _server) need of it.

Kept apart from ``_fake.py`` so the mounts depend on this small contract
rather than on the fake itself, which creates them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["Handler", "Response"]


@dataclass(frozen=True, slots=True)
class Response:
    """What :meth:`FakePSA.handle` returns; the mounts turn it into HTTP."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    #: Seconds to wait before answering (a SLOW fault).
    delay: float = 0.0
    #: Close the connection instead of answering (a DROP fault).
    drop: bool = False

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def json(self) -> Any:
        return json.loads(self.body)


class Handler(Protocol):
    """The fake as its mounts see it: one call per request."""

    @property
    def base_path(self) -> str: ...

    def handle(
        self, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> Response: ...
