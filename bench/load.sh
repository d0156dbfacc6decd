#!/usr/bin/env bash
# bench/load.sh — run a command (default: the test suite) beside a bounded
# CPU and namespace-traffic load, as on a busy CI machine.
#
#   sudo bench/load.sh                          # go test -count=1 ./...
#   sudo bench/load.sh -t 600 -- go test -count=1 -short ./core/
#   sudo bench/load.sh -c 4 -p 3 -n 200 -- go test -count=1 ./...
#
# Options (before the command; "--" ends them):
#   -t SECONDS  upper bound for the whole run: the command is killed after
#               it (exit status 124) and the load stops with it (default 1800)
#   -c N        busy loops, one process each (default: the number of CPUs)
#   -p N        namespace pairs with traffic between them (default 2): each
#               pair is two namespaces on one bridge with an iperf3 stream
#               between them at full speed, UDP on even pairs (it fills the
#               softnet backlog, shared by the whole machine), TCP on odd
#   -m N        namespace churn (default 20): add N namespaces, each with a
#               veth to the bridge and an address, then delete them all, in
#               a loop; the kernel tears namespaces down in batches holding
#               the RTNL lock, which delays its deferred link and address
#               work (linkwatch, IPv6 address routes) machine-wide
#   -n N        neighbour entries to hold in the kernel's IPv4 neighbour
#               table, which every namespace of the machine shares (at most
#               gc_thresh3, 1024 by default, dynamic entries in all): what
#               other labs on the machine do to it (default 0)
#
# Everything the load starts runs in one sandbox: `unshare` with its own
# mount, network and PID namespaces, a tmpfs on /run/netns (so `ip netns`
# inside never touches the host's), and traffic only between the sandbox's
# own namespaces. When the command ends, the sandbox's PID 1 is killed,
# which kills every process in it and frees its namespaces; nothing outside
# is started or changed (no sysctl is written). The script prints the
# command's exit status and exits with it.
set -uo pipefail
{ # read whole before running: the file may change while a run lasts

bound=1800
cpus=$(nproc)
pairs=2
neigh=0
churn=20
while getopts "t:c:p:m:n:h" opt; do
	case $opt in
	t) bound=$OPTARG ;;
	c) cpus=$OPTARG ;;
	p) pairs=$OPTARG ;;
	m) churn=$OPTARG ;;
	n) neigh=$OPTARG ;;
	*) sed -n '2,30p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
for v in "$bound" "$cpus" "$pairs" "$churn" "$neigh"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "bench/load.sh: option values must be whole numbers, got $v" >&2; exit 2; }
done
[ "$bound" -gt 0 ] || { echo "bench/load.sh: -t must be > 0" >&2; exit 2; }
[ "$churn" -le 240 ] || { echo "bench/load.sh: -m at most 240" >&2; exit 2; }
[ "$neigh" -le 60000 ] || { echo "bench/load.sh: -n at most 60000" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/load.sh: needs root (it creates namespaces and veths)" >&2; exit 2; }
for c in unshare ip iperf3 timeout; do
	command -v "$c" >/dev/null || { echo "bench/load.sh: $c not found" >&2; exit 2; }
done
[ $# -gt 0 ] || set -- go test -count=1 ./...

# sandbox is the load itself; it runs as PID 1 of its own PID namespace
# (killing it kills everything below) and stops by itself after $bound.
sandbox() {
	set -u
	mount -t tmpfs nssh-load /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs nssh-load /run/netns; } || exit 1
	ip link set lo up
	ip link add lbr type bridge && ip link set lbr up || exit 1
	join() { # join NS ADDR: a namespace on the bridge with ADDR/16
		ip netns add "$1" && ip link add "v$1" type veth peer name eth0 netns "$1" &&
			ip link set "v$1" master lbr up && ip -n "$1" link set lo up &&
			ip -n "$1" addr add "$2/16" dev eth0 && ip -n "$1" link set eth0 up
	}
	for ((i = 0; i < pairs; i++)); do
		join "a$i" "10.77.$i.1" && join "b$i" "10.77.$i.2" || exit 1
	done
	sleep 1 # let the bridge ports forward
	for ((i = 0; i < pairs; i++)); do
		ip netns exec "b$i" iperf3 -s -B "10.77.$i.2" >/dev/null 2>&1 &
	done
	sleep 0.5
	for ((i = 0; i < pairs; i++)); do
		proto=-u # even pairs: UDP as fast as it goes, odd pairs: TCP
		((i % 2)) && proto=
		ip netns exec "a$i" iperf3 $proto -b 0 -l 1400 -t "$bound" -c "10.77.$i.2" >/dev/null 2>&1 &
	done
	if [ "$neigh" -gt 0 ]; then
		join nb 10.78.0.1 || exit 1
		# Dynamic entries, rewritten every 2 s with another state: an entry
		# changed in the last 5 s is one the kernel's forced GC may not free.
		( st=(reachable stale); r=0
		while :; do
			for ((k = 0; k < neigh; k++)); do
				printf 'neigh replace 10.78.%d.%d dev eth0 lladdr 02:00:00:00:%02x:%02x nud %s\n' \
					$((k / 250 + 1)) $((k % 250 + 1)) $((k / 256)) $((k % 256)) "${st[r % 2]}"
			done | ip -n nb -batch - >/dev/null 2>&1
			r=$((r + 1)); sleep 2
		done ) &
	fi
	if [ "$churn" -gt 0 ]; then
		( while :; do
			for ((k = 0; k < churn; k++)); do
				join "c$k" "10.79.$k.1" && ip -n "c$k" addr add "fd79::$((k + 1))/64" dev eth0
			done >/dev/null 2>&1
			for ((k = 0; k < churn; k++)); do echo "netns del c$k"; done | ip -force -batch - >/dev/null 2>&1
		done ) &
	fi
	for ((i = 0; i < cpus; i++)); do
		( while :; do :; done ) &
	done
	sleep "$bound"
}
export -f sandbox
export bound cpus pairs churn neigh

unshare --mount --propagation private --net --pid --fork --kill-child --mount-proc \
	bash -c sandbox &
load=$!
stop() { kill -KILL "$load" 2>/dev/null; wait "$load" 2>/dev/null; }
trap 'stop; exit 130' INT TERM
echo "bench/load.sh: load started (pid $load): $cpus busy loops, $pairs iperf3 pairs, churn of $churn namespaces, $neigh held neighbour entries; bound ${bound}s; no host setting changed" >&2
sleep 2 # the load is up before the command starts
if ! kill -0 "$load" 2>/dev/null; then
	echo "bench/load.sh: the load sandbox failed to start" >&2
	stop
	exit 2
fi

start=$(date +%s)
timeout "$bound" "$@"
status=$?
took=$(($(date +%s) - start))

# unshare ignores SIGTERM while it waits; SIGKILL it, and --kill-child
# kills its PID 1, and with it every process of the sandbox.
stop
echo "bench/load.sh: load stopped; command took ${took}s; exit status $status: $*" >&2
exit "$status"
}
