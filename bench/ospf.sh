#!/usr/bin/env bash
# bench/ospf.sh — an OSPF ring of ROUTERS routers running BIRD 2, each
# with a loopback, built, converged and torn down by nssh (bench/ospf/
# ring.lua: a lab with files and services, convergence by
# lab:check{until_full=true, targets="lo"}, teardown by `nssh lab down`) and
# by Mininet (bench/ospf/ring_mininet.py: hosts with IP forwarding, bird
# started by hand with per-router config, socket and pid files, a ping loop
# until every loopback answers). Prints the times side by side with ratios
# and the lines of code of each.
#
#   sudo bench/ospf.sh                 # defaults: ROUTERS=6 REPS=3
#   ROUTERS=10 REPS=1 bench/ospf.sh
#
# Installs bird2, mininet and iputils-ping with apt-get when missing. Everything runs in
# private mount and network namespaces with a tmpfs on /run, so the host's
# /run/netns, /run/nssh and network are never touched; every namespace,
# link, bird and file made is removed (Mininet by net.stop(), never
# `mn -c`, which kills system-wide by name).
set -euo pipefail
ROUTERS=${ROUTERS:-6}
REPS=${REPS:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
py=/usr/bin/python3

if [ -z "${NSSH_OSPF_BENCH_SANDBOX:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/ospf.sh: needs root (real namespaces, Mininet)" >&2; exit 1; }
	missing=()
	command -v bird >/dev/null || missing+=(bird2)
	command -v ping >/dev/null || missing+=(iputils-ping)
	$py -c 'import mininet.net' 2>/dev/null && command -v mnexec >/dev/null || missing+=(mininet)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "installing ${missing[*]}..." >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
	fi
	exec unshare --mount --net --propagation private env NSSH_OSPF_BENCH_SANDBOX=1 bash "$0" "$@"
fi

mount -t tmpfs nssh-ospf-bench /run
mkdir -p /run/netns /run/nssh
export NSSH_RUN_DIR=/run/netns NSSH_STATE_DIR=/run/nssh NSSH_ETC_DIR=/run/etc-netns
ip link set lo up
out=$(mktemp -d /tmp/nssh-ospf-bench.XXXXXX)
cleanup() {
	"${NSSH:-$out/nssh}" lab down ospf >/dev/null 2>&1 || true
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
declare -A BUILD CONV DOWN

echo "OSPF ring: $ROUTERS routers, median of $REPS..." >&2
b=() c=() d=()
for ((r = 0; r < REPS; r++)); do
	settle
	t0=$(now)
	"$NSSH" "$here/ospf/ring.lua" up "$ROUTERS"
	t1=$(now)
	res=$("$NSSH" "$here/ospf/ring.lua" converge "$ROUTERS")
	t2=$(now)
	[ "$res" = converged ] || { echo "bench/ospf.sh: nssh: $res" >&2; exit 1; }
	"$NSSH" lab down ospf >/dev/null
	t3=$(now)
	[ -z "$(ip netns list)" ] || { echo "bench/ospf.sh: nssh left namespaces" >&2; exit 1; }
	b+=("$(sub "$t1" "$t0")") c+=("$(sub "$t2" "$t1")") d+=("$(sub "$t3" "$t2")")
done
BUILD[nssh]=$(printf '%s\n' "${b[@]}" | median)
CONV[nssh]=$(printf '%s\n' "${c[@]}" | median)
DOWN[nssh]=$(printf '%s\n' "${d[@]}" | median)

b=() c=() d=()
for ((r = 0; r < REPS; r++)); do
	settle
	res=$($py "$here/ospf/ring_mininet.py" "$ROUTERS")
	[ "$(awk '$1=="routers"{print $2}' <<<"$res")" = "$ROUTERS" ] ||
		{ echo "bench/ospf.sh: Mininet: $res" >&2; exit 1; }
	b+=("$(awk '$1=="build"{print $2}' <<<"$res")")
	c+=("$(awk '$1=="converge"{print $2}' <<<"$res")")
	d+=("$(awk '$1=="down"{print $2}' <<<"$res")")
done
BUILD[Mininet]=$(printf '%s\n' "${b[@]}" | median)
CONV[Mininet]=$(printf '%s\n' "${c[@]}" | median)
DOWN[Mininet]=$(printf '%s\n' "${d[@]}" | median)

# lines of code: not blank, not a comment, not the Python docstring
loc_lua=$(grep -cvE '^\s*(--|$)' "$here/ospf/ring.lua")
loc_py=$(sed '1,/^"""$/d' "$here/ospf/ring_mininet.py" | grep -cvE '^\s*(#|$)')

printf '\nOSPF ring, %d routers running BIRD (seconds, median of %d)\n' "$ROUTERS" "$REPS"
printf '%-9s %9s %9s %9s %9s %6s\n' tool build converge teardown total lines
for t in nssh Mininet; do
	total=$(echo "${BUILD[$t]} + ${CONV[$t]} + ${DOWN[$t]}" | bc -l)
	loc=$loc_lua
	[ "$t" = Mininet ] && loc=$loc_py
	printf '%-9s %9.3f %9.3f %9.3f %9.3f %6d\n' "$t" "${BUILD[$t]}" "${CONV[$t]}" "${DOWN[$t]}" "$total" "$loc"
done
printf '%-9s %8.1fx %8.1fx %8.1fx\n' "Mininet/nssh" \
	"$(echo "${BUILD[Mininet]} / ${BUILD[nssh]}" | bc -l)" \
	"$(echo "${CONV[Mininet]} / ${CONV[nssh]}" | bc -l)" \
	"$(echo "${DOWN[Mininet]} / ${DOWN[nssh]}" | bc -l)"
