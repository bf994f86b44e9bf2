#!/usr/bin/env bash
# Real ConnectWise clients against the fake, as moto is tested with boto3:
#
#     bash tests/interop/run.sh [WORKDIR]
#
# Installs the published pyconnectwise (PyPI, in its own virtual environment) and
# connectwise-rest (npm, in its own folder) under WORKDIR (default: a new temporary folder;
# reuse one to skip the downloads), starts `cwql serve --demo` on 127.0.0.1 on a free port,
# runs tests/interop/pyconnectwise_demo.py and tests/interop/connectwise_rest_demo.js against
# it, and stops the server. CWQL names the cwql command (default: .venv/bin/cwql). .ci/run
# runs this; it exits non-zero when a client or a check fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d)}
cwql=${CWQL:-$repo/.venv/bin/cwql}
# The versions these scripts were written against (read from their source); bump deliberately.
pyconnectwise=pyconnectwise==0.6.1.2
connectwise_rest=connectwise-rest@1.3.0

mkdir -p "$work/js"
[ -x "$work/py/bin/python" ] || python3 -m venv "$work/py"
"$work/py/bin/pip" install --quiet --disable-pip-version-check "$pyconnectwise"
[ -f "$work/js/package.json" ] || (cd "$work/js" && npm init -y > /dev/null)
(cd "$work/js" && npm install --silent --no-audit --no-fund "$connectwise_rest")

out="$work/serve.out"
"$cwql" serve --demo --host 127.0.0.1 --port 0 --requests-per-minute 0 > "$out" 2> "$work/serve.err" &
server=$!
trap 'kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true' EXIT
# The server prints its base URL first, and "Ctrl-C stops the server." once it listens.
for _ in $(seq 1200); do
    grep -q "Ctrl-C" "$out" 2> /dev/null && break
    kill -0 "$server" 2> /dev/null || { cat "$work/serve.err" >&2; exit 1; }
    sleep 0.1
done
grep -q "Ctrl-C" "$out" || { echo "cwql serve did not start" >&2; exit 1; }
base=$(head -n 1 "$out")
origin=${base%%/v4_6_release/*}
echo "cwql serve --demo at $origin"

"$work/py/bin/python" "$here/pyconnectwise_demo.py" "$origin"
NODE_PATH="$work/js/node_modules" node "$here/connectwise_rest_demo.js" "$origin"
echo "interop: pyconnectwise and connectwise-rest passed against cwql serve --demo"
