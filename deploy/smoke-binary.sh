#!/usr/bin/env bash
# Smoke-tests a gatehouse binary without Docker: checks that it is static
# (built with CGO_ENABLED=0), starts it on a loopback port of the
# kernel's choosing over a SQLite file in a temporary folder, runs the
# checks of smoke-lib.sh and gatehouse health against it, and stops it by
# its PID. Everything is bounded in time.
#   deploy/smoke-binary.sh ./gatehouse
set -euo pipefail

bin=${1:?usage: deploy/smoke-binary.sh BINARY}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/smoke-lib.sh
. "$here/smoke-lib.sh"

if ! go version -m "$bin" | grep -q 'CGO_ENABLED=0'; then
	echo "smoke: $bin was not built with CGO_ENABLED=0" >&2
	exit 1
fi
echo "smoke: $bin is a static build (CGO_ENABLED=0)"

dir=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

key=smoke_admin_$(smoke_random_hex 16)
# The log files exist before the server starts: the loop below reads
# stderr at once, and the subshell opens it only when it execs.
: >"$dir/stdout"
: >"$dir/stderr"
(
	cd "$dir"
	exec env GATEHOUSE_ADDR=127.0.0.1:0 GATEHOUSE_DATABASE="sqlite:$dir/gatehouse.db" \
		GATEHOUSE_ADMIN_KEY="$key" GATEHOUSE_LOG_FORMAT=json GATEHOUSE_SECRET_KEY="$(smoke_random_hex 32)" \
		"$bin" serve >>"$dir/stdout" 2>>"$dir/stderr"
) &
pid=$!

# The log names the address the kernel chose.
addr=
for _ in $(seq 1 300); do
	addr=$(sed -n 's/.*"msg":"gatehouse listening","addr":"\([^"]*\)".*/\1/p' "$dir/stderr" | head -n 1)
	[ -n "$addr" ] && break
	if ! kill -0 "$pid" 2>/dev/null; then
		break
	fi
	sleep 0.1
done
if [ -z "$addr" ]; then
	echo "smoke: the server did not start; its log:" >&2
	cat "$dir/stderr" >&2
	exit 1
fi
echo "smoke: listening on $addr (pid $pid)"
base=http://$addr
smoke_wait_health "$base" 30
smoke_api "$base" "$key"
"$bin" health --addr "$addr" --timeout 5s

kill "$pid"
status=0
wait "$pid" || status=$?
pid=
if [ "$status" -ne 0 ]; then
	echo "smoke: the server exited $status on SIGTERM; its log:" >&2
	cat "$dir/stderr" >&2
	exit 1
fi
echo "smoke: stopped cleanly on SIGTERM"
