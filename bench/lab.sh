#!/usr/bin/env bash
# bench/lab.sh — the lab benchmarks of nssh.md §7, side by side, with ratios:
#
#  1. a star lab of HOSTS hosts (a bridge in a switch namespace, a veth and an
#     address per host, links up) built and torn down by nssh (a Lua script,
#     bench/lab/star.lua, run by the built nssh; teardown by `nssh lab down`),
#     by a shell script of ip commands (bench/lab/star-ip.sh), by pyroute2
#     (bench/lab/star_pyroute2.py) and by Mininet with a Linux bridge
#     (bench/lab/star_mininet.py);
#  2. pingall over PING_HOSTS hosts (n*(n-1) pairs): nssh lab:check() against
#     a shell loop of `ip netns exec ping` and Mininet's pingAll(). All three
#     use permanent neighbour entries (nssh adds and removes its own; the
#     others get theirs before the timing starts): the kernel's ARP table is
#     shared by all namespaces and holds 1024 dynamic entries, fewer than the
#     2450 that 50 hosts need, so real ARP would lose pings for every tool.
#
#   sudo bench/lab.sh                        # defaults: HOSTS=200 PING_HOSTS=50 REPS=3
#   HOSTS=100 REPS=1 NO_MININET=1 bench/lab.sh
#
# Installs python3-pyroute2, mininet, bridge-utils and iputils-ping with apt-get when they
# are missing (Debian's /usr/bin/python3 is used, never a pyenv one).
# Everything runs in private mount and network namespaces with a tmpfs on
# /run, so the host's /run/netns, /run/nssh and network are never touched;
# every namespace, link and process made is removed. Mininet is stopped with
# net.stop(), which removes only what it made (never `mn -c`).
set -euo pipefail
HOSTS=${HOSTS:-200}
PING_HOSTS=${PING_HOSTS:-50}
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
py=/usr/bin/python3

if [ -z "${NSSH_LAB_BENCH_SANDBOX:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/lab.sh: needs root (real namespaces, Mininet)" >&2; exit 1; }
	missing=()
	$py -c 'import pyroute2' 2>/dev/null || missing+=(python3-pyroute2)
	command -v ping >/dev/null || missing+=(iputils-ping)
	if [ -z "${NO_MININET:-}" ]; then
		$py -c 'import mininet.net' 2>/dev/null && command -v mnexec >/dev/null || missing+=(mininet)
		command -v brctl >/dev/null || missing+=(bridge-utils)
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		echo "installing ${missing[*]}..." >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
	fi
	exec unshare --mount --net --propagation private env NSSH_LAB_BENCH_SANDBOX=1 bash "$0" "$@"
fi

mount -t tmpfs nssh-lab-bench /run
mkdir -p /run/netns /run/nssh
export NSSH_RUN_DIR=/run/netns NSSH_STATE_DIR=/run/nssh NSSH_ETC_DIR=/run/etc-netns
ip link set lo up
out=$(mktemp -d /tmp/nssh-lab-bench.XXXXXX)
cleanup() {
	"${NSSH:-$out/nssh}" lab down star >/dev/null 2>&1 || true
	ip -all netns del 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT

if [ -z "${NSSH:-}" ]; then
	echo "building nssh..." >&2
	(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh" ./cmd/nssh)
	NSSH=$out/nssh
fi

# shellcheck source=lib.sh
source "$here/lib.sh"
sub() { echo "$1 - $2" | bc -l; }

# check_built NAMES: the lab must be complete before its teardown is timed.
check_built() {
	local got
	got=$(ip netns list | grep -c '^star-' || true)
	if [ "$got" != "$((HOSTS + 1))" ]; then
		echo "bench/lab.sh: $1 built $got namespaces, want $((HOSTS + 1))" >&2
		exit 1
	fi
	ip netns exec star-h1 ping -q -c1 -W2 "10.1.$((HOSTS / 256)).$((HOSTS % 256))" >/dev/null ||
		{ echo "bench/lab.sh: $1: star-h1 cannot reach star-h$HOSTS" >&2; exit 1; }
}
check_gone() {
	if ip netns list | grep -q '^star-'; then
		echo "bench/lab.sh: $1 left namespaces behind" >&2
		exit 1
	fi
}

declare -A BUILD DOWN
run_named() { # tool, build command..., -- , teardown command...
	local tool=$1 t0 t1 t2 b=() d=()
	shift
	while [ "$1" != -- ]; do b+=("$1"); shift; done
	shift
	d=("$@")
	local builds=() downs=()
	for ((r = 0; r < REPS; r++)); do
		settle
		t0=$(now)
		"${b[@]}" >/dev/null
		t1=$(now)
		check_built "$tool"
		t2=$(now)
		"${d[@]}" >/dev/null
		t3=$(now)
		check_gone "$tool"
		builds+=("$(sub "$t1" "$t0")")
		downs+=("$(sub "$t3" "$t2")")
	done
	BUILD[$tool]=$(printf '%s\n' "${builds[@]}" | median)
	DOWN[$tool]=$(printf '%s\n' "${downs[@]}" | median)
}

tools=(nssh "ip script" pyroute2)
echo "star lab: $HOSTS hosts, median of $REPS..." >&2
run_named nssh "$NSSH" "$here/lab/star.lua" up "$HOSTS" -- "$NSSH" lab down star
run_named "ip script" sh "$here/lab/star-ip.sh" up "$HOSTS" -- sh "$here/lab/star-ip.sh" down "$HOSTS"
run_named pyroute2 $py "$here/lab/star_pyroute2.py" up "$HOSTS" -- $py "$here/lab/star_pyroute2.py" down "$HOSTS"
if [ -z "${NO_MININET:-}" ]; then
	tools+=(Mininet)
	builds=() downs=()
	for ((r = 0; r < REPS; r++)); do
		settle
		res=$($py "$here/lab/star_mininet.py" star "$HOSTS")
		[ "$(awk '$1=="hosts"{print $2}' <<<"$res")" = "$HOSTS" ] ||
			{ echo "bench/lab.sh: Mininet built: $res" >&2; exit 1; }
		builds+=("$(awk '$1=="build"{print $2}' <<<"$res")")
		downs+=("$(awk '$1=="down"{print $2}' <<<"$res")")
	done
	BUILD[Mininet]=$(printf '%s\n' "${builds[@]}" | median)
	DOWN[Mininet]=$(printf '%s\n' "${downs[@]}" | median)
fi

base=$(echo "${BUILD[nssh]} + ${DOWN[nssh]}" | bc -l)
printf '\nstar lab, %d hosts (seconds, median of %d)\n' "$HOSTS" "$REPS"
printf '%-12s %9s %9s %9s %10s\n' tool build teardown total "vs nssh"
for t in "${tools[@]}"; do
	total=$(echo "${BUILD[$t]} + ${DOWN[$t]}" | bc -l)
	printf '%-12s %9.3f %9.3f %9.3f %9.1fx\n' "$t" "${BUILD[$t]}" "${DOWN[$t]}" "$total" "$(echo "$total / $base" | bc -l)"
done

# pingall over PING_HOSTS hosts, on a lab each tool built itself.
HOSTS_SAVED=$HOSTS
HOSTS=$PING_HOSTS
pairs=$((PING_HOSTS * (PING_HOSTS - 1)))
echo "pingall: $PING_HOSTS hosts..." >&2
declare -A PING OKS
settle
"$NSSH" "$here/lab/star.lua" up "$PING_HOSTS" >/dev/null
check_built nssh
t0=$(now)
OKS[nssh]=$("$NSSH" "$here/lab/star.lua" check "$PING_HOSTS")
t1=$(now)
PING[nssh]=$(sub "$t1" "$t0")
"$NSSH" lab down star >/dev/null
settle
sh "$here/lab/star-ip.sh" up "$PING_HOSTS"
check_built "ip script"
sh "$here/lab/star-ip.sh" arp "$PING_HOSTS"
t0=$(now)
OKS[ip]=$(sh "$here/lab/star-ip.sh" pingall "$PING_HOSTS")
t1=$(now)
PING[ip]=$(sub "$t1" "$t0")
sh "$here/lab/star-ip.sh" down "$PING_HOSTS"
ping_tools=(nssh ip)
if [ -z "${NO_MININET:-}" ]; then
	settle
	res=$($py "$here/lab/star_mininet.py" pingall "$PING_HOSTS")
	PING[Mininet]=$(awk '$1=="pingall"{print $2}' <<<"$res")
	OKS[Mininet]=$(awk '$1=="ok"{print "ok " $2}' <<<"$res")
	ping_tools+=(Mininet)
fi
HOSTS=$HOSTS_SAVED

printf '\npingall, %d hosts (%d pairs, seconds)\n' "$PING_HOSTS" "$pairs"
printf '%-34s %9s %10s  %s\n' tool time "vs nssh" replies
declare -A LABEL=([nssh]="nssh lab:check()" [ip]="ip netns exec ping (shell loop)" [Mininet]="Mininet pingAll()")
for t in "${ping_tools[@]}"; do
	printf '%-34s %9.3f %9.1fx  %s\n' "${LABEL[$t]}" "${PING[$t]}" "$(echo "${PING[$t]} / ${PING[nssh]}" | bc -l)" "${OKS[$t]#ok }"
done
