"""pyconnectwise (the published PyPI package) against ``cwql serve --demo``.

Run with the Python of a virtual environment that has pyconnectwise and not
cwql (``tests/interop/run.sh`` makes one)::

    python tests/interop/pyconnectwise_demo.py http://127.0.0.1:PORT

The client runs unmodified, with one workaround for its own quirk: it
hard-codes ``https://`` for both the companyinfo call and the API, so the
script rewrites that scheme to ``http://`` for the fake's address, below the
client, in ``requests.request`` (the one function it sends through).
Exits non-zero, naming the check, when any check fails.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import requests
from pyconnectwise import ConnectWiseManageAPIClient
from pyconnectwise.exceptions import MalformedRequestException

COMPANY, PUBLIC, PRIVATE, CLIENT_ID = "demo", "demo-public", "demo-private", "demo-client"


def http_for(host: str) -> None:
    """Send pyconnectwise's https:// requests for ``host`` over plain HTTP (its quirk, not the fake's)."""
    send = requests.request

    def request(method: str, url: str, **kwargs: object) -> requests.Response:
        if url.startswith(f"https://{host}/"):
            url = "http://" + url[len("https://"):]
        return send(method, url, **kwargs)  # type: ignore[arg-type]

    requests.request = request  # type: ignore[assignment]


def check(name: str, ok: bool, detail: object = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        raise SystemExit(f"pyconnectwise interop failed: {name}")


def main(root: str) -> None:
    host = urlsplit(root).netloc
    http_for(host)

    # Companyinfo answers without credentials (the client sends them anyway).
    info = requests.get(f"{root}/login/companyinfo/{COMPANY}", timeout=30)
    check("companyinfo without auth", info.status_code == 200 and info.json()["Codebase"].endswith("/"), info.text)

    # The session starts as the client always starts it: companyinfo, then its Codebase.
    api = ConnectWiseManageAPIClient(COMPANY, host, CLIENT_ID, PUBLIC, PRIVATE)
    check("codebase from companyinfo", api.codebase.strip("/") == info.json()["Codebase"].strip("/"), api.codebase)

    # A list with conditions, customFieldConditions, orderBy and fields.
    tickets = api.service.tickets.get(params={
        "conditions": 'closedFlag = false and priority/id in (1, 2) and summary contains "e"',
        "customFieldConditions": 'caption = "Region" and value = "West"',
        "orderBy": "id desc", "fields": "id,summary,closedFlag,priority/id", "pageSize": 1000,
    })
    ids = [t.id for t in tickets]
    check("conditions and customFieldConditions", bool(tickets) and all(
        t.closed_flag is False and t.priority is not None and t.priority.id in (1, 2) and "e" in t.summary.lower()
        for t in tickets), len(tickets))
    check("orderBy id desc", ids == sorted(ids, reverse=True), ids[:5])
    check("fields", all(t.company is None and t.board is None for t in tickets))
    region = api.service.tickets.get(params={"conditions": f"id = {ids[0]}"})[0]
    check("customFieldConditions matched", any(
        f.caption == "Region" and f.value == "West" for f in region.custom_fields or []))

    # childConditions reach into an array.
    contacts = api.company.contacts.get(params={
        "childConditions": 'communicationItems/communicationType = "Phone" and communicationItems/value like "+44*"',
        "pageSize": 1000,
    })
    check("childConditions", bool(contacts) and all(
        any(i.communication_type == "Phone" and (i.value or "").startswith("+44") for i in c.communication_items or [])
        for c in contacts), len(contacts))

    # Paged iteration to the last record: pyconnectwise reads the page number off the Link header.
    condition = "closedFlag = false"
    walked = [t.id for t in api.service.tickets.paginated(1, 100, {"conditions": condition}).all()]
    count = api.service.tickets.count.get(params={"conditions": condition}).count
    check("paged iteration reaches the last record", len(walked) == len(set(walked)) == count > 100,
          (len(walked), count))

    # Every record of every demo collection goes through the client's models.
    collections = {
        "service/tickets": api.service.tickets, "project/tickets": api.project.tickets,
        "company/companies": api.company.companies, "company/contacts": api.company.contacts,
        "time/entries": api.time.entries, "project/projects": api.project.projects,
        "service/boards": api.service.boards, "service/priorities": api.service.priorities,
        "system/members": api.system.members, "service/boards/1/statuses": api.service.boards.id(1).statuses,
    }
    for name, endpoint in collections.items():
        records = list(endpoint.paginated(1, 1000).all())
        total = endpoint.count.get().count
        check(f"every {name} record parses", len(records) == total > 0, (len(records), total))

    # An unknown field, and an array path in conditions, reach the client as errors.
    for path, condition in (("company/contacts", 'types/name = "Primary"'), ("company/companies", 'typeids = "1"')):
        endpoint = api.company.contacts if path == "company/contacts" else api.company.companies
        try:
            endpoint.get(params={"conditions": condition})
        except MalformedRequestException as e:
            body = e.response.json()
            check(f"400 ApiFindCondition for {condition}", e.response.status_code == 400
                  and body.get("code") == "ApiFindCondition", body)
        else:
            check(f"400 for {condition}", False, "no error raised")
    print("pyconnectwise: all checks passed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: pyconnectwise_demo.py ROOT (e.g. http://127.0.0.1:8123)")
    main(sys.argv[1].rstrip("/"))
