"""Test without ConnectWise: a fake PSA (Manage) REST API.

:class:`FakePSA` answers list, count, get-by-id and search requests over
records held in memory, with ConnectWise's session start (companyinfo, two
codebases), auth, paging, errors (``ApiFindCondition`` for names its schema
does not know) and rate limit, and faults injected on demand. Mount it
in-process with :meth:`FakePSA.transport` (httpx), over real HTTP with
:meth:`FakePSA.serve` or ``cwql serve --demo``, or take the ``fake_psa``
pytest fixture. docs/fake-psa.md lists what it models and the evidence.
"""

from ._fake import QUIRKS, ROUTER_CODEBASE, FakePSA, Fault, LoggedRequest, Response

__all__ = ["QUIRKS", "ROUTER_CODEBASE", "FakePSA", "Fault", "LoggedRequest", "Response"]
