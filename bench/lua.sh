#!/usr/bin/env bash
# bench/lua.sh — the Lua API side by side with ip, in one run, with ratios.
#
#   sudo bench/lua.sh                 # builds nssh itself
#   NS=50 REPS=1 bench/lua.sh         # quicker
#   NSSH=/path/to/nssh bench/lua.sh   # use a built binary (bench/run.sh does)
#
# Compares, over NS namespaces (default 200):
#   netns.exec_all{"sleep","0.01"} vs `ip -all netns exec sleep 0.01`
#   netns.exec_all{"true"}         vs `ip -all netns exec true`
#   one ns:exec{"true"} from Lua   vs `ip netns exec NAME true`
#   start-up of `nssh -e ''`
# nssh times for exec_all are of the whole `nssh -e` process (start-up
# included); ns:exec is timed inside Lua over EXEC_N calls. Each figure is
# the median of REPS runs.
#
# Runs in a private mount namespace with a tmpfs on /run (the host's
# /run/netns is never touched) and deletes every namespace it made.
set -euo pipefail
NS=${NS:-200}
EXEC_N=${EXEC_N:-200}
START_N=${START_N:-50}
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if [ -z "${NSSH_BENCH_SANDBOX:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/lua.sh: needs root (it creates real namespaces)" >&2; exit 1; }
	exec unshare --mount --propagation private env NSSH_BENCH_SANDBOX=1 NSSH_BENCH_LUA_OWN=1 bash "$0" "$@"
fi
if [ -n "${NSSH_BENCH_LUA_OWN:-}" ]; then
	mount -t tmpfs nssh-bench-lua /run # bench/run.sh did this when it calls us
fi
export NSSH_RUN_DIR=/run/netns NSSH_STATE_DIR=/run/nssh NSSH_ETC_DIR=/run/etc-netns
out=$(mktemp -d /tmp/nssh-bench-lua.XXXXXX)
cleanup() {
	if [ -x "${nssh:-}" ]; then "$nssh" -e 'netns.del_all()' 2>/dev/null || true; fi
	ip -all netns del 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT

nssh=${NSSH:-}
if [ -z "$nssh" ]; then
	echo "building nssh..." >&2
	(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh" ./cmd/nssh)
	nssh=$out/nssh
fi

SETTLE=0.5
# shellcheck source=lib.sh
source "$here/lib.sh"
elapsed() { # command... -> seconds
	local t0 t1
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

echo "creating $NS namespaces..." >&2
"$nssh" -e "for i = 1, $NS do netns.add('lb' .. i) end"
[ "$(ip netns list | wc -l)" = "$NS" ] || { echo "bench/lua.sh: namespaces missing" >&2; exit 1; }

# check that both tools really ran the command everywhere before timing
"$nssh" -e "local n, r = 0, netns.exec_all({'true'}); for _, x in pairs(r) do assert(x.ok, x.error) n = n + 1 end; assert(n == $NS)"
[ "$(ip -all netns exec true | grep -c '^netns: ')" = "$NS" ]

echo "exec_all over $NS namespaces, median of $REPS runs..." >&2
measure all_sleep_nssh elapsed "$nssh" -e "netns.exec_all({'sleep', '0.01'})"
measure all_sleep_ip elapsed ip -all netns exec sleep 0.01
measure all_true_nssh elapsed "$nssh" -e "netns.exec_all({'true'})"
measure all_true_ip elapsed ip -all netns exec true

lua_exec() {
	"$nssh" -e "local ns = netns.get('lb1'); ns:exec({'true'})
		local t0 = os.clock()
		for i = 1, $EXEC_N do ns:exec({'true'}) end
		print((os.clock() - t0) / $EXEC_N)"
}
ip_exec() {
	local t0 t1 i
	t0=$(now)
	for ((i = 0; i < EXEC_N; i++)); do ip netns exec lb1 true; done
	t1=$(now)
	echo "($t1 - $t0) / $EXEC_N" | bc -l
}
echo "one exec of true, $EXEC_N calls, median of $REPS..." >&2
measure exec_lua lua_exec
measure exec_ip ip_exec

start_loop() {
	local t0 t1 i
	t0=$(now)
	for ((i = 0; i < START_N; i++)); do "$nssh" -e ''; done
	t1=$(now)
	echo "($t1 - $t0) / $START_N" | bc -l
}
true_loop() {
	local t0 t1 i
	t0=$(now)
	for ((i = 0; i < START_N; i++)); do /bin/true; done
	t1=$(now)
	echo "($t1 - $t0) / $START_N" | bc -l
}
echo "start-up, $START_N runs, median of $REPS..." >&2
measure start_nssh start_loop
measure start_true true_loop

"$nssh" -e 'netns.del_all()'
[ -z "$(ip netns list)" ] || { echo "bench/lua.sh: namespaces left" >&2; exit 1; }

ratio() { echo "scale=2; $1 / $2" | bc -l; }
ms() { printf '%.2f ms' "$(echo "$1 * 1000" | bc -l)"; }
row() { printf '%-44s %12s %12s %9s  %s\n' "$@"; }
echo
row "Lua API vs ip ($NS namespaces, $(nproc) CPUs)" "nssh" "ip" "ip/nssh" "target"
row "exec_all sleep 0.01 / ip -all netns exec" "$(ms "${T[all_sleep_nssh]}")" "$(ms "${T[all_sleep_ip]}")" \
	"$(ratio "${T[all_sleep_ip]}" "${T[all_sleep_nssh]}")x" ">= 5x"
row "exec_all true / ip -all netns exec" "$(ms "${T[all_true_nssh]}")" "$(ms "${T[all_true_ip]}")" \
	"$(ratio "${T[all_true_ip]}" "${T[all_true_nssh]}")x" ">= 1.8x"
row "ns:exec{\"true\"} / ip netns exec NAME true" "$(ms "${T[exec_lua]}")" "$(ms "${T[exec_ip]}")" \
	"$(ratio "${T[exec_ip]}" "${T[exec_lua]}")x" ">= 1x"
row "start-up: nssh -e '' (/bin/true for scale)" "$(ms "${T[start_nssh]}")" "$(ms "${T[start_true]}")" "" ""
