"""The pytest plugin: a ``fake_psa`` fixture (registered through the ``pytest11`` entry point).

The fixture is a fresh :class:`~cwql.testing.FakePSA` holding the demo data,
one per test. Mount it as your code needs::

    def test_open_tickets(fake_psa):
        client = httpx.Client(transport=fake_psa.transport(),
                              base_url="https://api-na.myconnectwise.net" + fake_psa.base_path + "/",
                              headers=fake_psa.auth_headers())
        ...

    def test_over_http(fake_psa):
        with fake_psa.serve() as base_url:
            ...

Override ``fake_psa_options`` in a conftest to change how it is built, e.g.
``return {"requests_per_minute": 60, "quirks": {"repeat-page-id"}}``.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._fake import FakePSA

__all__ = ["fake_psa", "fake_psa_options"]


@pytest.fixture
def fake_psa_options() -> dict[str, Any]:
    """Keyword arguments for :meth:`FakePSA.demo`; override it to configure ``fake_psa``."""
    return {}


@pytest.fixture
def fake_psa(fake_psa_options: dict[str, Any]) -> FakePSA:
    """A fake ConnectWise PSA with the demo data set, new for each test."""
    return FakePSA.demo(**fake_psa_options)
