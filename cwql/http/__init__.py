"""The paginated executor: fetch everything a query matches, at the rate the API allows.

Needs the ``http`` extra: ``pip install cwql[http]`` (httpx).

>>> from cwql.http import Client
>>> from cwql.testing import FakePSA
>>> psa = FakePSA.demo()
>>> with Client(base_url=psa.base_url, transport=psa.transport(), **psa.credentials()) as api:
...     api.count("/service/tickets", "closedFlag = false")
2004

The exceptions it raises are drawn in :mod:`cwql.errors`; the API's are
re-exported here for convenience.
"""

try:
    import httpx  # noqa: F401 - the extra this package needs
except ImportError as e:  # pragma: no cover - exercised by .ci/run's wheel check
    raise ImportError("cwql.http needs httpx: pip install 'cwql[http]'") from e

from ..errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    QueryTooLongError,
    RateLimitError,
    ResponseError,
    ServerError,
    TransportError,
)
from ._client import (
    SEARCH_ENDPOINTS,
    AsyncClient,
    Client,
    ClientOptions,
    Page,
    SchemaWarning,
    Stats,
)
from ._throttle import RateLimiter, RetryPolicy

__all__ = [
    "SEARCH_ENDPOINTS",
    "APIError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ClientOptions",
    "ConfigurationError",
    "ConflictError",
    "FieldError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "QueryTooLongError",
    "RateLimitError",
    "RateLimiter",
    "ResponseError",
    "RetryPolicy",
    "SchemaWarning",
    "ServerError",
    "Stats",
    "TransportError",
]
