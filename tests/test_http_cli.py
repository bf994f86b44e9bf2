"""``cwql get`` and ``cwql count`` through a real subprocess, against the embedded fake PSA."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

ENV = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTWISE_")}


def cwql(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True,
                          timeout=120, env=env or ENV)


def test_get_jsonl() -> None:
    r = cwql("get", "/service/tickets", "--demo", "-c", 'summary contains "printer" and closedFlag = false',
             "--fields", "id,summary,closedFlag")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows
    assert all("printer" in row["summary"].lower() and row["closedFlag"] is False for row in rows)
    assert [row["id"] for row in rows] == sorted({row["id"] for row in rows})
    assert r.stderr == ""  # no progress line when stderr is not a terminal


def test_get_json_and_csv() -> None:
    r = cwql("get", "/company/contacts", "--demo", "--limit", "5", "--format", "json",
             "--fields", "id,firstName,company/name")
    data = json.loads(r.stdout)
    assert len(data) == 5
    assert set(data[0]) <= {"id", "firstName", "company"}
    r = cwql("get", "/company/contacts", "--demo", "--limit", "3", "--format", "csv",
             "--fields", "id,firstName,company/name", "--order-by", "firstName")
    table = list(csv.reader(io.StringIO(r.stdout)))
    assert table[0] == ["id", "firstName", "company/name"]
    assert len(table) == 4
    names = [row[1].lower() for row in table[1:]]
    assert names == sorted(names)


def test_count_matches_get() -> None:
    condition = "priority/id in (1, 2) and closedFlag = false"
    count = cwql("count", "/service/tickets", "--demo", "-c", condition)
    got = cwql("get", "/service/tickets", "--demo", "-c", condition, "--fields", "id")
    assert count.returncode == got.returncode == 0
    assert int(count.stdout) == len(got.stdout.splitlines()) > 0


def test_progress_line() -> None:
    r = cwql("get", "/service/tickets", "--demo", "--progress", "--page-size", "500")
    assert r.returncode == 0
    assert "3,000 records, 6 pages" in r.stderr


def test_without_credentials() -> None:
    r = cwql("get", "/service/tickets")
    assert r.returncode == 2
    assert "CONNECTWISE_PRIVATE_KEY" in r.stderr
    assert "--demo" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["get", "/service/tickets", "--demo", "-c", "a == 1"], "E009"),
        (["get", "/service/tickets", "--demo", "--order-by", "id", "--paging", "forward"], "orderBy"),
        (["get", "/no/such/thing", "--demo"], "404"),
        (["count", "/service/tickets", "--demo", "-c", "summary = ["], "E023"),
    ],
)
def test_errors_are_messages_not_tracebacks(args: list[str], message: str) -> None:
    r = cwql(*args)
    assert r.returncode == 1
    assert message in r.stderr
    assert "Traceback" not in r.stderr
