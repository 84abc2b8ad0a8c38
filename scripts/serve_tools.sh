#!/usr/bin/env bash
# The tools around `recorl serve`, run by the Makefile: `serve_tools.sh demo|load|schemathesis`.
# Each serves a marketing checkpoint (trained into $SERVE_DIR when missing) on a free loopback port in
# the background, does its job against it, and stops the server on exit, whatever happens (trap).
#
# Settings (environment; the Makefile passes its variables): RECORL (the binary), SERVE_DIR,
# SERVE_TRAIN_STEPS, SERVE_DEMO_USERS, SERVE_DEMO_FLAGS (extra `recorl serve` flags, e.g. a holdout
# share), LOAD_SECONDS, LOAD_LATENCY_CONNECTIONS, SCHEMATHESIS (the executable), SCHEMATHESIS_EXAMPLES,
# SCHEMATHESIS_FLAGS, PYTHON.
set -euo pipefail

mode=${1:?usage: serve_tools.sh demo|load|schemathesis}
RECORL=${RECORL:-.build/release/recorl}
SERVE_DIR=${SERVE_DIR:-runs/serve-demo}
SERVE_TRAIN_STEPS=${SERVE_TRAIN_STEPS:-20000}
SERVE_DEMO_USERS=${SERVE_DEMO_USERS:-300}
SERVE_DEMO_FLAGS=${SERVE_DEMO_FLAGS:-}
LOAD_SECONDS=${LOAD_SECONDS:-5}
LOAD_LATENCY_CONNECTIONS=${LOAD_LATENCY_CONNECTIONS:-4}
SCHEMATHESIS=${SCHEMATHESIS:-.venv-schemathesis/bin/schemathesis}
SCHEMATHESIS_EXAMPLES=${SCHEMATHESIS_EXAMPLES:-50}
SCHEMATHESIS_FLAGS=${SCHEMATHESIS_FLAGS:-}
PYTHON=${PYTHON:-python3}

checkpoint=$SERVE_DIR/checkpoint.safetensors
# The script's own output, for messages from the traps (which run where a redirection may be in force).
exec 3>&1
server_pid=""
child_pid=""

# Runs a command in the background and waits for it: bash runs a trap only between foreground
# commands, so this lets a signal stop the script (and, through the EXIT trap, the command and the
# server) at once rather than when the command ends.
run() {
    local status=0
    "$@" &
    child_pid=$!
    wait "$child_pid" || status=$?
    child_pid=""
    return "$status"
}

cleanup() {
    if [ -n "$child_pid" ] && kill -0 "$child_pid" 2>/dev/null; then
        kill -TERM "$child_pid" 2>/dev/null || true
        wait "$child_pid" 2>/dev/null || true
    fi
    stop_server
}

stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        echo "stopped recorl serve (pid $server_pid)" >&3
    fi
    server_pid=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A marketing DQN in $SERVE_DIR unless one is there.
train_if_missing() {
    if [ -f "$checkpoint" ]; then
        echo "using $checkpoint"
    else
        echo "training a marketing DQN for $SERVE_TRAIN_STEPS steps into $SERVE_DIR"
        run "$RECORL" train --env marketing --steps "$SERVE_TRAIN_STEPS" --out "$SERVE_DIR" --overwrite
    fi
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts `recorl serve` on a free loopback port with the given extra flags and waits for GET /healthz.
start_server() {
    port=$(free_port)
    base=http://127.0.0.1:$port
    mkdir -p "$SERVE_DIR"
    log=$SERVE_DIR/serve-$mode.log
    # shellcheck disable=SC2086
    "$RECORL" serve --checkpoint "$checkpoint" --host 127.0.0.1 --port "$port" "$@" >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 600); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "recorl serve exited before answering; its output ($log):" >&2
            cat "$log" >&2
            server_pid=""
            exit 1
        fi
        if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
            echo "$(grep -m 1 '^serving ' "$log" || head -n 1 "$log") (pid $server_pid)"
            return 0
        fi
        sleep 0.2
    done
    echo "recorl serve did not answer GET /healthz on $base within 120 s" >&2
    exit 1
}

demo() {
    train_if_missing
    # shellcheck disable=SC2086
    start_server --fallback best-fixed $SERVE_DEMO_FLAGS
    echo
    echo "\$ recorl replay --url $base --env marketing --users $SERVE_DEMO_USERS --concurrency 4"
    run "$RECORL" replay --url "$base" --env marketing --users "$SERVE_DEMO_USERS" --concurrency 4 >"$SERVE_DIR/replay.txt"
    replay_output=$(cat "$SERVE_DIR/replay.txt")
    echo "$replay_output"
    echo
    echo "online reward per decision, as the replay saw it:"
    for policy in production candidate fallback; do
        # Rows: policy, version (which may hold spaces), decisions, share, mean reward.
        row=$(echo "$replay_output" | awk -v p="$policy" '$1 == p { d += $(NF - 2); r += $(NF - 2) * $NF } END { if (d > 0) printf "%d decisions, mean reward %.4f", d, r / d }')
        if [ -n "$row" ]; then
            echo "  $policy: $row"
        elif [ "$policy" != candidate ]; then
            echo "  $policy: no decisions$( [ "$policy" = fallback ] && echo " (it answers only when the model fails or is late, or for its holdout share: SERVE_DEMO_FLAGS=--fallback-share 0.1)")"
        fi
    done
    echo "and as the server counts it (recorl_serve_mean_reward, joined or defaulted feedback):"
    curl -fsS "$base/metrics" | grep '^recorl_serve_mean_reward' | sed 's/^/  /' || echo "  (none yet)"
}

# wrk at `$1` connections: prints wrk's output and appends "connections requests/s p50 p99" to $results.
run_wrk() {
    # wrk needs a connection per thread: one connection is one thread.
    local connections=$1 threads output
    threads=$(( connections < 2 ? connections : 2 ))
    echo "\$ wrk -t$threads -c$connections -d${LOAD_SECONDS}s --latency -s scripts/wrk_recommend.lua $base"
    run wrk -t"$threads" -c"$connections" -d"${LOAD_SECONDS}s" --latency -s scripts/wrk_recommend.lua "$base" >"$results.wrk"
    output=$(cat "$results.wrk")
    echo "$output"
    if echo "$output" | grep -q 'Non-2xx or 3xx responses'; then
        echo "wrk saw non-2xx responses: the body does not fit the served policy" >&2
        exit 1
    fi
    local rps p50 p99
    rps=$(echo "$output" | awk '/^Requests\/sec:/ { print $2 }')
    p50=$(echo "$output" | awk '$1 == "50%" { print $2 }')
    p99=$(echo "$output" | awk '$1 == "99%" { print $2 }')
    printf '%-38s %12s %10s %10s\n' "$2 ($threads threads)" "$rps" "$p50" "$p99" >>"$results"
}

load() {
    command -v wrk >/dev/null || { echo "wrk is missing (make serve-load installs it)" >&2; exit 1; }
    train_if_missing
    start_server --fallback best-fixed
    results=$(mktemp)
    printf '%-38s %12s %10s %10s\n' "run (${LOAD_SECONDS} s each)" "requests/s" "p50" "p99" >"$results"
    run_wrk 1 "1 connection"
    run_wrk 64 "64 connections"
    if wrk --help 2>&1 | grep -q -- '--rate'; then
        echo "\$ wrk -t2 -c$LOAD_LATENCY_CONNECTIONS -R 1000 (rate-limited latency run)"
        run wrk -t2 -c"$LOAD_LATENCY_CONNECTIONS" -d"${LOAD_SECONDS}s" -R 1000 --latency -s scripts/wrk_recommend.lua "$base" >"$results.wrk"
        output=$(cat "$results.wrk")
        echo "$output"
        printf '%-38s %12s %10s %10s\n' "1000/s, $LOAD_LATENCY_CONNECTIONS connections" \
            "$(echo "$output" | awk '/^Requests\/sec:/ { print $2 }')" \
            "$(echo "$output" | awk '$1 == "50.000%" || $1 == "50%" { print $2 }')" \
            "$(echo "$output" | awk '$1 == "99.000%" || $1 == "99%" { print $2 }')" >>"$results"
    else
        echo "this wrk ($(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}')) has no rate limit (-R is wrk2's):" \
             "latency at a modest $LOAD_LATENCY_CONNECTIONS connections instead, at full speed"
        run_wrk "$LOAD_LATENCY_CONNECTIONS" "$LOAD_LATENCY_CONNECTIONS connections (latency)"
    fi
    echo
    echo "POST /v1/recommend on $(grep -m 1 '^serving ' "$log" | sed 's/ at http.*//'):"
    cat "$results"
    rm -f "$results" "$results.wrk"
    echo "decisions the fallback made meanwhile (model late or failing), from /metrics:"
    curl -fsS "$base/metrics" | grep '^recorl_serve_fallbacks_total' | sed 's/^/  /'
}

schemathesis() {
    train_if_missing
    start_server --fallback best-fixed
    echo "\$ schemathesis run $base/openapi.yaml --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance --max-examples $SCHEMATHESIS_EXAMPLES --seed 1 $SCHEMATHESIS_FLAGS"
    # shellcheck disable=SC2086
    run "$SCHEMATHESIS" run "$base/openapi.yaml" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$SCHEMATHESIS_EXAMPLES" --seed 1 $SCHEMATHESIS_FLAGS
}

case $mode in
    demo) demo ;;
    load) load ;;
    schemathesis) schemathesis ;;
    *) echo "serve_tools.sh: unknown mode $mode; expected demo, load or schemathesis" >&2; exit 2 ;;
esac
