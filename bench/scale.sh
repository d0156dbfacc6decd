#!/usr/bin/env bash
# bench/scale.sh — the 10,000-host target of nssh.md §7: a switched tree
# (bench/scale/tree.lua: 10 leaf switch nodes of N/10 hosts under a core
# switch node, one IPv4 address per host in one /8) built by netns.lab{}
# at each size, 20 sample pings between random hosts of different leaves,
# then down(). Per size it prints up, down, pings, the peak fds and threads
# of nssh during up (sampled), its peak RSS, and the time per host, which
# should stay flat. After each nssh size, the kernel floor of that size:
# the same topology built and removed by bench/scalefloor (plain netlink
# calls, one request per step, no checks, bookkeeping or waits), and the
# ratio nssh/floor.
#
#   sudo bench/scale.sh                    # SIZES="1000 3000 10000"
#   SIZES="1000 3000" NO_FIX=1 bench/scale.sh
#   PROFILE=/tmp/prof bench/scale.sh       # nssh's up and down profiled:
#       /tmp/prof/{up,down}-N.{cpu,trace} (see cmd/nssh/profile.go)
#
# The kernel frees deleted namespaces asynchronously (the cleanup_net work
# queue), seconds to minutes after `ip netns del` returned, and that work
# slows whatever runs next (its rcu_barrier and RTNL hold-ups make umount,
# veth creation and sysctl writes wait). So before each run the script
# waits until the count of live namespaces (net_namespace in
# /proc/slabinfo) is back to the start's; the "cleanup" column is that
# wait after each down. At 10,000 hosts it takes minutes; SETTLE_MAX
# (seconds, default 300) caps it.
#
# Host-wide settings: unless NO_FIX is set, `nssh doctor --hosts MAX --fix`
# raises what the largest size needs; every sysctl doctor may change is
# saved first and restored on exit (both printed). Runs hold
# /tmp/nssh-heavy.lock exclusively so that no other heavy job loads the
# machine. The lab runs in a private mount namespace with a tmpfs on /run
# (run and state dirs), so the host's /run/netns is never touched.
set -euo pipefail
[ -n "${SCALE_TRACE:-}" ] && set -x
SIZES=${SIZES:-"1000 3000 10000"}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if [ -z "${NSSH_SCALE_SANDBOX:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/scale.sh: needs root (real namespaces, host sysctls)" >&2; exit 1; }
	exec flock /tmp/nssh-heavy.lock unshare --mount --propagation private env NSSH_SCALE_SANDBOX=1 bash "$0" "$@"
fi
mount -t tmpfs nssh-scale /run
export NSSH_RUN_DIR=/run/netns NSSH_STATE_DIR=/run/nssh
out=$(mktemp -d /tmp/nssh-scale.XXXXXX)

keys=(net.core.netdev_max_backlog
	net.ipv4.neigh.default.gc_thresh1 net.ipv4.neigh.default.gc_thresh2 net.ipv4.neigh.default.gc_thresh3
	net.ipv6.neigh.default.gc_thresh1 net.ipv6.neigh.default.gc_thresh2 net.ipv6.neigh.default.gc_thresh3
	user.max_net_namespaces fs.inotify.max_user_instances fs.inotify.max_user_watches)
declare -A saved
for k in "${keys[@]}"; do saved[$k]=$(sysctl -n "$k"); done
restore() {
	local k changed=()
	for k in "${keys[@]}"; do
		if [ "$(sysctl -n "$k")" != "${saved[$k]}" ]; then
			sysctl -qw "$k=${saved[$k]}"
			changed+=("$k=${saved[$k]}")
		fi
	done
	[ ${#changed[@]} -eq 0 ] || echo "restored host-wide settings: ${changed[*]}" >&2
}
cleanup() {
	"$out/nssh" lab down tree >/dev/null 2>&1 || true
	"$out/floor" -down >/dev/null 2>&1 || true
	restore
	rm -rf "$out"
}
trap cleanup EXIT

echo "building..." >&2
(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh" ./cmd/nssh && CGO_ENABLED=0 go build -o "$out/floor" ./bench/scalefloor)
max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
if [ -z "${NO_FIX:-}" ]; then
	echo "saved host-wide settings: $(for k in "${keys[@]}"; do printf '%s=%s ' "$k" "${saved[$k]}"; done)" >&2
	"$out/nssh" doctor --hosts "$max" --fix | sed -n '/^--fix/,$p' >&2 || true
fi

# run_sampled MODE N: runs `nssh tree.lua MODE N`, prints "SECONDS MAXRSS_KB
# PEAK_FDS PEAK_THREADS" and leaves the script's stdout in $out/stdout.
run_sampled() {
	local t0 t1 pid fds thr peak_fds=0 peak_thr=0 prof=()
	if [ -n "${PROFILE:-}" ] && [ "$1" != ping ]; then
		mkdir -p "$PROFILE"
		prof=(NSSH_CPUPROFILE="$PROFILE/$1-$2.cpu" NSSH_TRACE="$PROFILE/$1-$2.trace")
	fi
	t0=${EPOCHREALTIME/,/.}
	/usr/bin/time -f "%M" -o "$out/rss" env "${prof[@]}" "$out/nssh" "$here/scale/tree.lua" "$1" "$2" >"$out/stdout" &
	local tp=$!
	while kill -0 "$tp" 2>/dev/null; do
		pid=$(pgrep -P "$tp" | head -1 || true) # env execs nssh
		if [ -n "$pid" ]; then
			fds=$( (ls "/proc/$pid/fd" 2>/dev/null || true) | wc -l)
			thr=$( (ls "/proc/$pid/task" 2>/dev/null || true) | wc -l)
			[ "$fds" -gt "$peak_fds" ] && peak_fds=$fds
			[ "$thr" -gt "$peak_thr" ] && peak_thr=$thr
		fi
		sleep 0.1
	done
	wait "$tp"
	t1=${EPOCHREALTIME/,/.}
	echo "$(echo "$t1 - $t0" | bc -l) $(cat "$out/rss") $peak_fds $peak_thr"
}

# drops is the sum of the per-CPU backlog drop counters.
drops() {
	local s=0 d
	while read -r _ d _; do s=$((s + 16#$d)); done </proc/net/softnet_stat
	echo "$s"
}

# live_netns is the number of network namespaces the kernel holds (freed
# ones leave the net_namespace slab only once cleanup_net is done; SLUB
# may keep counting some freed objects for a while).
live_netns() { awk '$1 == "net_namespace" {print $2}' /proc/slabinfo; }

# kernel_settle waits until the kernel has freed the namespaces of the
# previous run: the live count is back to the start's plus a slack for
# other users of the machine. (Whether a kworker runs cleanup_net is no
# signal: a deleted namespace may wait for its last reference, off any
# work queue, for a minute and more.) It prints the seconds it waited, and
# gives up after SETTLE_MAX seconds (default 300), saying how many are
# left; the run that follows then shares the machine with that cleanup.
base_netns=$(live_netns)
kernel_settle() {
	local t0=${EPOCHREALTIME/,/.} limit=$((base_netns + 64)) n i
	for ((i = 0; i < ${SETTLE_MAX:-300} * 10; i++)); do
		n=$(live_netns)
		[ "$n" -le "$limit" ] && break
		sleep 0.1
	done
	[ "$n" -le "$limit" ] ||
		echo "scale.sh: gave up waiting for the kernel's cleanup: $n namespaces still live (started with $base_netns)" >&2
	echo "${EPOCHREALTIME/,/.} - $t0" | bc -l
}

ratio() { echo "scale=2; ($1) / ($2)" | bc -l; }
row() { printf '%-7s %-6s %7.1fs %7.1fs %8.1fs %7s %5s %4s %7s %9.2fms %9s %10s\n' "$@"; }
printf '%-7s %-6s %8s %8s %9s %7s %5s %4s %7s %11s %9s %10s\n' hosts who up down cleanup pings fds thr "RSS MB" "up/host" "user+sys" drops
declare -a ratios
for n in $SIZES; do
	kernel_settle >/dev/null
	d0=$(drops)
	read -r up rss fds thr < <(run_sampled up "$n")
	read -r _ prss _ _ < <(run_sampled ping "$n")
	pings=$(cat "$out/stdout")
	read -r down drss dfds _ < <(run_sampled down "$n")
	d1=$(drops)
	clean=$(kernel_settle)
	peak=$(( (rss > prss ? rss : prss) > drss ? (rss > prss ? rss : prss) : drss ))
	row "$n" nssh "$up" "$down" "$clean" "${pings#pings }" "$((fds > dfds ? fds : dfds))" "$thr" \
		"$((peak / 1024))" "$(echo "$up * 1000 / $n" | bc -l)" "" "$((d1 - d0))"
	read -r fup fdown fcpu kb < <("$out/floor" -n "$n")
	fclean=$(kernel_settle)
	row "$n" floor "$fup" "$fdown" "$fclean" "" "" "" "" "$(echo "$fup * 1000 / $n" | bc -l)" "${fcpu}s" ""
	ratios+=("$(printf '%-7s %10s %10s %14s' "$n" "$(ratio "$up" "$fup")" "$(ratio "$down" "$fdown")" \
		"$(ratio "$down + $clean" "$fdown + $fclean")")")
done
echo
echo "nssh/floor (floor: bench/scalefloor, the same tree by plain netlink calls; user+sys is its CPU time):"
printf '%-7s %10s %10s %14s\n' hosts up down down+cleanup
printf '%s\n' "${ratios[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
