#!/usr/bin/env bash
# bench/run.sh — nssh side by side with its peers, in one run, with ratios.
#
#   sudo bench/run.sh            # everything (needs root, gcc, go, iproute2)
#   N=200 REPS=1 bench/run.sh    # quicker
#
# Part 1 (this file): add+del of N namespaces by nssh in-process, by a
# minimal C program doing the same syscalls, by a shell loop of `ip netns
# add/del`, and by `ip -batch`; then the latency of `nssh netns exec NAME
# true` against `ip netns exec NAME true` (interleaved runs, medians). Later parts (bench/lua.sh,
# bench/lab.sh) run after it when present.
#
# Everything runs in a private mount namespace with a tmpfs on /run, so the
# host's /run/netns is never touched; every namespace made is deleted.
set -euo pipefail
N=${N:-1000}
EXEC_N=${EXEC_N:-300}
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if [ -z "${NSSH_BENCH_SANDBOX:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root (it creates real namespaces)" >&2; exit 1; }
	exec unshare --mount --propagation private env NSSH_BENCH_SANDBOX=1 bash "$0" "$@"
fi
mount -t tmpfs nssh-bench /run
export NSSH_RUN_DIR=/run/netns NSSH_STATE_DIR=/run/nssh
out=$(mktemp -d /tmp/nssh-bench.XXXXXX)
cleanup() { ip -all netns del 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT

echo "building..." >&2
# Static (CGO_ENABLED=0) binaries start about 0.5 ms faster than cgo ones.
(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh" ./cmd/nssh && CGO_ENABLED=0 go build -o "$out/addel" ./bench/addel &&
	CGO_ENABLED=0 go build -o "$out/exectime" ./bench/exectime)
gcc -O2 -o "$out/addel_c" "$here/c/addel.c"

# shellcheck source=lib.sh
source "$here/lib.sh"

ip_loop() {
	local t0 t1 i
	t0=$(now)
	for ((i = 0; i < N; i++)); do ip netns add "b$i"; done
	for ((i = 0; i < N; i++)); do ip netns del "b$i"; done
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
ip_batch() {
	local f="$out/batch" t0 t1 i
	{ for ((i = 0; i < N; i++)); do echo "netns add b$i"; done
	  for ((i = 0; i < N; i++)); do echo "netns del b$i"; done; } >"$f"
	t0=$(now); ip -batch "$f"; t1=$(now)
	echo "$t1 - $t0" | bc -l
}

echo "add+del of $N namespaces, median of $REPS runs..." >&2
measure c bash -c "'$out/addel_c' $N /run/netns | awk '{print \$1 + \$2}'"
measure nssh bash -c "'$out/addel' -n $N | awk '{print \$1 + \$2}'"
measure batch ip_batch
measure loop ip_loop

ip netns add bx
echo "exec true latency, $EXEC_N runs of each, interleaved (ip, nssh, ip, ...)..." >&2
# Interleaving makes a load change during the run hit both tools alike.
"$out/exectime" -n "$EXEC_N" -- ip netns exec bx true -- "$out/nssh" netns exec bx true >"$out/exec"
T[exec_ip]=$(awk 'NR == 1 {print $(NF-2) / 1000}' "$out/exec")
T[exec_nssh]=$(awk 'NR == 2 {print $(NF-2) / 1000}' "$out/exec")
ip netns del bx

ratio() { echo "scale=2; $1 / $2" | bc -l; }
ms() { printf '%.1f ms' "$(echo "$1 * 1000" | bc -l)"; }
printf '\n%-46s %12s %10s %s\n' "add+del of $N namespaces" "time" "nssh/x" "target"
printf '%-46s %12s %10s %s\n' "nssh, in-process (core.Add/Delete)" "$(ms "${T[nssh]}")" "1.00" ""
printf '%-46s %12s %10s %s\n' "minimal C loop, same syscalls" "$(ms "${T[c]}")" "$(ratio "${T[nssh]}" "${T[c]}")" "<= 1.5"
printf '%-46s %12s %10s %s\n' "ip -batch" "$(ms "${T[batch]}")" "$(ratio "${T[nssh]}" "${T[batch]}")" ""
printf '%-46s %12s %10s %s\n' "shell loop of ip netns add/del" "$(ms "${T[loop]}")" "$(ratio "${T[nssh]}" "${T[loop]}")" "far below 1"
printf '\n%-46s %12s %10s %s\n' "exec true (per call)" "time" "nssh/ip" "target"
printf '%-46s %12s %10s %s\n' "nssh netns exec NAME true" "$(ms "${T[exec_nssh]}")" "$(ratio "${T[exec_nssh]}" "${T[exec_ip]}")" "<= 1.1 (spec: <= 1.0)"
printf '%-46s %12s %10s %s\n' "ip netns exec NAME true" "$(ms "${T[exec_ip]}")" "1.00" ""

for part in lua.sh lab.sh; do
	if [ -f "$here/$part" ]; then
		echo
		NSSH="$out/nssh" bash "$here/$part"
	fi
done
