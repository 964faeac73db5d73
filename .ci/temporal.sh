#!/usr/bin/env bash
# The Temporal CLI and a Temporal dev server, for the tests and benchmarks of
# flowy's temporal engine (package temporal).
#
#   .ci/temporal.sh install       install the Temporal CLI into $FLOWY_TOOLS
#                                 (default /var/cache/flowy-tools) if missing
#   .ci/temporal.sh start [LOG]   start a dev server on free ports in the
#                                 background (log to LOG, default a temp file)
#                                 and print, for eval:
#                                   FLOWY_TEMPORAL_ADDR=127.0.0.1:PORT
#                                   FLOWY_TEMPORAL_PID=PID
#   .ci/temporal.sh stop PID      stop the dev server with that process id
#
# Or source it and call temporal_install, temporal_start, temporal_stop.
# In .ci/run:
#
#   .ci/temporal.sh install
#   eval "$(.ci/temporal.sh start)"
#   trap '.ci/temporal.sh stop "$FLOWY_TEMPORAL_PID"' EXIT
#   export FLOWY_TEMPORAL_ADDR
#   go test -race ./temporal/          # and: go test -run '^$' -bench Temporal ./temporal/
#
# Without FLOWY_TEMPORAL_ADDR the temporal tests start (and stop) a dev server
# themselves with the same CLI.

TEMPORAL_CLI_VERSION=v1.5.1 # Temporal server 1.29.1
TEMPORAL_TOOLS=${FLOWY_TOOLS:-/var/cache/flowy-tools}
# The server's default hands tasks to the transfer queue at 10 polls a second
# under load (a ~50 ms delay per task); the benchmarks raise it.
TEMPORAL_DEV_FLAGS=(--headless --log-level error
	--dynamic-config-value history.transferProcessorMaxPollRPS=1000)

# temporal_cli prints the path of the CLI: $FLOWY_TEMPORAL_CLI, the tools
# folder's, or the one on PATH.
temporal_cli() {
	if [ -n "${FLOWY_TEMPORAL_CLI:-}" ]; then
		echo "$FLOWY_TEMPORAL_CLI"
	elif [ -x "$TEMPORAL_TOOLS/temporal" ]; then
		echo "$TEMPORAL_TOOLS/temporal"
	else
		command -v temporal || echo "$TEMPORAL_TOOLS/temporal"
	fi
}

temporal_install() {
	if "$(temporal_cli)" --version >/dev/null 2>&1; then
		return 0
	fi
	echo "== installing the Temporal CLI $TEMPORAL_CLI_VERSION into $TEMPORAL_TOOLS" >&2
	mkdir -p "$TEMPORAL_TOOLS"
	GOBIN="$TEMPORAL_TOOLS" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
}

# temporal_free_port prints a TCP port nothing listens on.
temporal_free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "temporal.sh: no free port found" >&2
	return 1
}

temporal_start() {
	local log=${1:-$(mktemp -t flowy-temporal-dev.XXXXXX)}
	local cli port http metrics pid
	cli=$(temporal_cli)
	for _ in 1 2 3; do
		port=$(temporal_free_port) && http=$(temporal_free_port) && metrics=$(temporal_free_port) || return 1
		nohup "$cli" server start-dev --ip 127.0.0.1 --port "$port" --http-port "$http" \
			--metrics-port "$metrics" "${TEMPORAL_DEV_FLAGS[@]}" >"$log" 2>&1 </dev/null &
		pid=$!
		for _ in $(seq 120); do
			if ! kill -0 "$pid" 2>/dev/null; then
				break # exited: most likely a port was taken meanwhile
			fi
			if "$cli" operator cluster health --address "127.0.0.1:$port" 2>/dev/null | grep -q SERVING; then
				echo "== Temporal dev server at 127.0.0.1:$port, pid $pid, log $log" >&2
				echo "FLOWY_TEMPORAL_ADDR=127.0.0.1:$port"
				echo "FLOWY_TEMPORAL_PID=$pid"
				return 0
			fi
			sleep 0.5
		done
		temporal_stop "$pid"
		echo "temporal.sh: the dev server did not start; its log:" >&2
		cat "$log" >&2
	done
	return 1
}

temporal_stop() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.25
	done
	kill -9 "$pid" 2>/dev/null || true
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}" in
	install) temporal_install ;;
	start) temporal_start "${2:-}" ;;
	stop) temporal_stop "${2:?usage: temporal.sh stop PID}" ;;
	*)
		echo "usage: $0 install | start [LOG] | stop PID" >&2
		exit 2
		;;
	esac
fi
