"""Test without ConnectWise: a fake PSA (Manage) REST API.

:class:`FakePSA` answers list, count, get-by-id and search requests over
records held in memory, with ConnectWise's auth, paging, errors and rate
limit, and faults injected on demand. Mount it in-process with
:meth:`FakePSA.transport` (httpx), over real HTTP with :meth:`FakePSA.serve`
or ``cwql serve --demo``, or take the ``fake_psa`` pytest fixture.
"""

from ._fake import QUIRKS, FakePSA, Fault, LoggedRequest, Response

__all__ = ["QUIRKS", "FakePSA", "Fault", "LoggedRequest", "Response"]
