"""``cwql get``, ``cwql count`` (and ``encode``/``decode``) through a real subprocess, against the fake PSA.

Exit status (docs/cli.md): 0 done, 1 a failed request, 2 usage or a bad query.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading

import pytest

ENV = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTWISE_")}
CREDENTIALS = {"CONNECTWISE_COMPANY_ID": "c", "CONNECTWISE_PUBLIC_KEY": "p", "CONNECTWISE_PRIVATE_KEY": "k",
               "CONNECTWISE_CLIENT_ID": "x"}


def cwql(*args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
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


# ---- wording and exit codes (issue 16) ---------------------------------------------------------


def test_missing_credentials_say_which_variables_to_set_once() -> None:
    r = cwql("get", "/service/tickets")
    assert r.returncode == 2
    for variable in ("CONNECTWISE_COMPANY_ID", "CONNECTWISE_PRIVATE_KEY", "CONNECTWISE_SITE", "--demo"):
        assert r.stderr.count(variable) == 1, r.stderr
    assert "from_env" not in r.stderr
    assert "pass them" not in r.stderr
    assert r.stderr.count("\n") == 1  # one line
    partial = cwql("count", "/service/tickets", env={**ENV, **CREDENTIALS})
    assert partial.returncode == 2
    assert "CONNECTWISE_SITE" in partial.stderr
    assert "CONNECTWISE_PRIVATE_KEY" not in partial.stderr


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["get", "/service/tickets", "--demo", "-c", "a == 1"], 2, "E009"),
        (["count", "/service/tickets", "--demo", "-c", "summary = ["], 2, "E023"),
        (["get", "/service/tickets", "--demo", "--order-by", "id", "--paging", "forward"], 2, "orderBy"),
        (["get", "/service/tickets", "--demo", "--page-size", "5000"], 2, "1-1000"),
        (["get", "/no/such/thing", "--demo"], 1, "404"),
        (["get", "/service/tickets/999999", "--demo"], 1, "404"),
        (["count", "/service/tickets", "--demo", "--limit", "3"], 2, "usage: cwql count"),
        (["serve", "--demo", "--requests-per-minute", "-5"], 2, "give at least 1, or 0 for no limit"),
        (["get", "/service/tickets", "--demo", "--requests-per-minute", "0"], 2, "--requests-per-minute: 0 is not"),
    ],
)
def test_errors_are_messages_with_the_documented_exit_status(args: list[str], status: int, message: str) -> None:
    r = cwql(*args)
    assert r.returncode == status, r.stderr
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert "internal error" not in r.stderr
    assert "None" not in r.stderr  # the Python API's word for "no limit", not the CLI's


def test_the_schema_refuses_a_bad_query_before_sending() -> None:
    # Issue 12: these printed nothing and exited 0.
    bogus = cwql("get", "/service/tickets", "--demo", "-c", "bogus = 1")
    assert bogus.returncode == 2
    assert "S001" in bogus.stderr
    child = cwql("get", "/service/tickets", "--demo", "--child", 'value like "*@x*"')
    assert child.returncode == 2
    assert "S001" in child.stderr
    assert "did you mean customFields/value?" in child.stderr  # the array missing from the path
    custom = cwql("get", "/service/tickets", "--demo", "-c", 'customFields/value = "x"')
    assert custom.returncode == 2
    assert 'customFieldConditions: caption="<the custom field\'s name>" and value="x"' in custom.stderr
    typo = cwql("count", "/service/tickets", "--demo", "-c", "sumary = 1")
    assert typo.returncode == 2
    assert "did you mean summary" in typo.stderr
    off = cwql("get", "/service/tickets", "--demo", "-c", "bogus = 1", "--no-schema-check")
    # sent: the fake, like the server, answers the unknown field with a 400 (a failed request)
    assert (off.returncode, off.stdout) == (1, "")
    assert "ApiFindCondition" in off.stderr
    assert "S001" not in off.stderr


def test_a_schema_warning_is_printed_once_and_the_query_runs() -> None:
    r = cwql("get", "/service/tickets", "--demo", "-c", 'Summary contains "printer"', "--limit", "2",
             "--page-size", "1")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 2
    assert r.stderr.count("warning") == 1
    assert "S002" in r.stderr


def test_path_slash_id_prints_one_record() -> None:
    r = cwql("get", "/service/tickets/5", "--demo", "--fields", "id,summary")
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [5]
    r = cwql("get", "/service/tickets/5", "--demo", "--format", "json")
    assert json.loads(r.stdout)["id"] == 5
    r = cwql("get", "/service/boards/1/statuses", "--demo", "--limit", "2")
    assert r.returncode == 0, r.stderr  # a list under a record is still a list
    r = cwql("get", "/service/tickets/5", "--demo", "-c", "id > 1")
    assert r.returncode == 2
    assert "one record" in r.stderr


def refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: connecting is refused


def test_a_refused_connection_says_so_at_its_first_retry() -> None:
    url = f"http://127.0.0.1:{refused_port()}/v4_6_release/apis/3.0/"
    r = cwql("count", "/service/tickets", "--base-url", url, env={**ENV, **CREDENTIALS})
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert "no answer from http://127.0.0.1" in lines[0]
    assert "retrying" in lines[0]
    assert sum("retrying" in line for line in lines) == 1
    assert "no answer: ConnectError" in lines[-1]
    assert "after 5 attempts" in lines[-1]


def test_paging_has_help() -> None:
    r = cwql("get", "--help")
    text = " ".join(r.stdout.split())
    assert "--paging {auto,forward,link,page,keyset} how to walk the pages" in text
    assert "Exit status: 0 done, 1 the request failed, 2 usage or a bad query" in text


# ---- output (issue 16) ---------------------------------------------------------------------------


@pytest.mark.parametrize("paging", ["auto", "forward", "keyset", "link", "page"])
def test_columns_are_the_same_in_every_format_and_paging_mode(paging: str) -> None:
    order = ["--order-by", "summary"] if paging in ("link", "page") else []
    common = ["get", "/service/tickets", "--demo", "--fields", "summary", "--limit", "3", "--page-size", "2",
              "--paging", paging, *order]
    lines = cwql(*common).stdout.splitlines()
    assert [set(json.loads(line)) for line in lines] == [{"summary"}] * 3
    assert [set(row) for row in json.loads(cwql(*common, "--format", "json").stdout)] == [{"summary"}] * 3
    table = list(csv.reader(io.StringIO(cwql(*common, "--format", "csv").stdout)))
    assert table[0] == ["summary"]
    assert len(table) == 4


def test_csv_writes_json_values_booleans_and_nulls() -> None:
    r = cwql("get", "/service/tickets", "--demo", "--fields", "id,closedFlag,status,closedDate", "--limit", "40",
             "--format", "csv")
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["closedFlag"] for row in table} == {"true", "false"}
    assert all(json.loads(row["status"])["name"] for row in table)  # an object named whole is JSON
    assert "" in {row["closedDate"] for row in table}  # null is an empty cell
    assert "True" not in r.stdout
    assert "None" not in r.stdout


def test_json_output_stays_one_document_when_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cwql", "get", "/service/tickets", "--demo", "--format", "json",
         "--page-size", "5", "--requests-per-minute", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    head = [process.stdout.readline(), process.stdout.readline()]  # "[" and a first record: under way
    process.send_signal(signal.SIGINT)
    out = "".join(head) + process.stdout.read()  # through the same buffer readline() filled
    err = process.stderr.read()
    assert process.wait(timeout=60) == 130, err
    data = json.loads(out)
    assert 0 < len(data) < 3000
    assert "interrupted" in err


class _FailsOnPageTwo(http.server.BaseHTTPRequestHandler):
    """Page 1 with a next link, then a 400: a walk that fails midway."""

    def do_GET(self) -> None:
        if "pageId" not in self.path:
            body = json.dumps([{"id": 1, "summary": "a"}, {"id": 2, "summary": "b"}]).encode()
            self.send_response(200)
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            self.send_header("Link", f'<{host}/x/apis/3.0/service/tickets?pageSize=2&pageId=2>; rel="next"')
        else:
            body = json.dumps({"code": "InvalidObject", "message": "page two is broken"}).encode()
            self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_json_output_stays_one_document_when_a_request_fails_midway() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FailsOnPageTwo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x/apis/3.0/"
        r = cwql("get", "/service/tickets", "--base-url", url, "--format", "json", "--page-size", "2",
                 "--no-progress", env={**ENV, **CREDENTIALS})
    finally:
        server.shutdown()
        server.server_close()
    assert r.returncode == 1, r.stderr
    assert "page two is broken" in r.stderr
    assert [record["id"] for record in json.loads(r.stdout)] == [1, 2]  # what came, in one valid array


# ---- encode and decode (issues 11 and 16) ----------------------------------------------------


def test_decode_prints_the_text_and_refuses_what_is_not_utf8() -> None:
    r = cwql("decode", "company/name%3D%22A%26B%22")
    assert (r.returncode, r.stdout) == (0, 'company/name="A&B"\n')
    r = cwql("decode", 'summary like "%ab%"')
    assert r.returncode == 2
    assert "UTF-8" in r.stderr



def test_decode_warns_that_the_server_reads_a_raw_plus_as_a_space() -> None:
    r = cwql("decode", "email%3D%22a+b%40x.com%22")
    assert (r.returncode, r.stdout) == (0, 'email="a+b@x.com"\n')
    assert "reads a raw `+` in a query string as a space" in r.stderr
    assert cwql("decode", "a%2Bb").stderr == ""  # an encoded + is a +


def test_encode_of_bytes_that_are_not_utf8_is_a_usage_error() -> None:
    # Issue 11: cwql encode $'a = "\xff"' was reported as an internal error.
    r = cwql("encode", b'a = "\xff"')
    assert r.returncode == 2
    assert "not UTF-8" in r.stderr
    assert "internal error" not in r.stderr
