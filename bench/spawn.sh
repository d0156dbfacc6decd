#!/usr/bin/env bash
# bench/spawn.sh — starting a process in a namespace, side by side in one
# run, with ratios:
#
#   ns:spawn({"true"}):wait()   (handle, pipes into the line buffers, reaper)
#   ns:exec({"true"})           (captured output, waits)
#   ip netns exec NAME true     (a new ip process each time)
#
#   sudo bench/spawn.sh                 # builds nssh itself
#   N=100 REPS=1 bench/spawn.sh         # quicker
#   NSSH=/path/to/nssh bench/spawn.sh   # use a built binary
#
# The Lua figures are wall time per call inside one nssh process: a loop of
# N calls minus an empty loop (so nssh's start-up is not counted); ip's is
# a shell loop of N runs. Each figure is the median of REPS runs.
#
# Runs in a private mount namespace with a tmpfs on /run (the host's
# /run/netns is never touched) and deletes the namespace it made.
set -euo pipefail
N=${N:-300}
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if [ -z "${NSSH_BENCH_SANDBOX:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/spawn.sh: needs root (it creates a real namespace)" >&2; exit 1; }
	exec unshare --mount --propagation private env NSSH_BENCH_SANDBOX=1 bash "$0" "$@"
fi
mount -t tmpfs nssh-bench-spawn /run
export NSSH_RUN_DIR=/run/netns NSSH_STATE_DIR=/run/nssh NSSH_ETC_DIR=/run/etc-netns
out=$(mktemp -d /tmp/nssh-bench-spawn.XXXXXX)
cleanup() {
	ip netns del sp1 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT

nssh=${NSSH:-}
if [ -z "$nssh" ]; then
	echo "building nssh..." >&2
	(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh" ./cmd/nssh)
	nssh=$out/nssh
fi

SETTLE=0.2
# shellcheck source=lib.sh
source "$here/lib.sh"

"$nssh" -e 'netns.add("sp1")'
# check that each way really runs the command before timing
"$nssh" -e 'local ns = netns.get("sp1"); assert(ns:spawn({"true"}):wait().ok); assert(ns:exec({"true"}).ok)'
ip netns exec sp1 true

# lua_loop CALL -> seconds per CALL: a timed loop of N minus an empty one
lua_loop() {
	local t0 t1 t2 t3
	t0=$(now)
	"$nssh" -e "local ns = netns.get('sp1'); for i = 1, $N do $1 end"
	t1=$(now)
	"$nssh" -e "local ns = netns.get('sp1'); for i = 1, $N do end"
	t2=$(now)
	echo "(($t1 - $t0) - ($t2 - $t1)) / $N" | bc -l
}
spawn_wait() { lua_loop 'ns:spawn({"true"}):wait()'; }
lua_exec() { lua_loop 'ns:exec({"true"})'; }
ip_exec() {
	local t0 t1 i
	t0=$(now)
	for ((i = 0; i < N; i++)); do ip netns exec sp1 true; done
	t1=$(now)
	echo "($t1 - $t0) / $N" | bc -l
}
echo "$N calls each, median of $REPS runs..." >&2
measure spawn spawn_wait
measure exec lua_exec
measure ip ip_exec

ip netns del sp1

ratio() { echo "scale=2; $1 / $2" | bc -l; }
ms() { printf '%.3f ms' "$(echo "$1 * 1000" | bc -l)"; }
row() { printf '%-40s %12s %10s %10s\n' "$@"; }
echo
row "start true in a namespace ($(nproc) CPUs)" "per call" "ip/this" "this/exec"
row "ns:spawn{\"true\"}:wait()" "$(ms "${T[spawn]}")" "$(ratio "${T[ip]}" "${T[spawn]}")x" "$(ratio "${T[spawn]}" "${T[exec]}")x"
row "ns:exec{\"true\"}" "$(ms "${T[exec]}")" "$(ratio "${T[ip]}" "${T[exec]}")x" "1.00x"
row "ip netns exec NAME true" "$(ms "${T[ip]}")" "1.00x" "$(ratio "${T[ip]}" "${T[exec]}")x"
