"""The client's arguments are typed: mypy --strict catches a wrong type or a misspelt keyword.

cwql ships ``py.typed``; an editor and a type checker must see ``company_id``,
``site`` and the rest, not ``**kwargs`` (issue 16).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
from cwql import Query
from cwql.http import AsyncClient, Client, RetryPolicy

api = Client(company_id="acme", public_key="p", private_key="k", client_id="c",
             site="api-na.myconnectwise.net", retry=RetryPolicy(attempts=3), schema_check=False)
again = Client.from_env(site="api-eu.myconnectwise.net", requests_per_minute=30)
one = api.get_one("/service/tickets", 5)
changed = api.request("PATCH", "/service/tickets/5", json=[{"op": "replace"}])
count: int = api.count("/service/tickets", Query("id > 1", page_size=10))
aio = AsyncClient(company_id="acme", public_key="p", private_key="k", client_id="c", base_url="https://h/")
"""

BAD = {
    "company_id=1": 'Client(company_id=1, public_key="p", private_key="k", client_id="c", site="s")',
    "misspelt keyword": 'Client(compnay_id="acme", public_key="p", private_key="k", client_id="c", site="s")',
    "from_env misspelt": 'Client.from_env(stie="api-na.myconnectwise.net")',
    "from_env wrong type": "Client.from_env(requests_per_minute='60')",
    "async misspelt": 'AsyncClient(public_kye="p")',
    "get_one id as text": 'Client(site="s").get_one("/service/tickets", "5")',
}


def test_mypy_strict_passes_the_documented_calls_and_fails_each_wrong_one(tmp_path: Path) -> None:
    # One mypy run (it checks cwql and httpx from scratch): the good calls,
    # then one wrong call per line, each of which must be reported on its line.
    lines = ["from cwql.http import AsyncClient, Client", *textwrap.dedent(GOOD).splitlines()]
    first_bad = len(lines) + 1
    lines += BAD.values()
    file = tmp_path / "snippet.py"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    saved = os.environ.get("MYPYPATH")
    os.environ["MYPYPATH"] = str(ROOT)
    try:
        out, err, status = api.run(["--strict", "--cache-dir", str(tmp_path / "cache"), str(file)])
    finally:
        if saved is None:
            os.environ.pop("MYPYPATH", None)
        else:
            os.environ["MYPYPATH"] = saved
    reported = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    assert status == 1, out + err
    assert all(n >= first_bad for n in reported), out  # the documented calls pass
    for offset, name in enumerate(BAD):
        assert first_bad + offset in reported, f"{name} was not caught:\n{out}"
