#!/usr/bin/env bash
# bench/events.sh — memory and delivery of link events when a script makes
# changes without netns.wait (issue 14): this tree side by side with a base
# revision.
#
#   bench/events.sh                  # N=3000 iterations, BASE=main
#   N=1000 BASE=HEAD~3 bench/events.sh
#
# Runs bench/events.lua (a link handler on every namespace, then N times
# add xI / veth xI-y / del xI with no wait, then a wait for every xI's
# "del eth0") under each binary and prints one column per binary: the
# RSS after the loop and at its peak, the fds, the link events delivered
# and their rate, and how many of the N "new eth0" and "del eth0" came.
# Each run is `nssh --rootless`: a private sandbox, so the host's
# /run/netns is never touched and the namespaces vanish with it.
set -euo pipefail
N=${N:-3000}
BASE=${BASE:-main}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$(mktemp -d /tmp/nssh-bench-events.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "building this tree and $BASE..." >&2
(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh-new" ./cmd/nssh)
mkdir "$out/base"
(cd "$root" && git archive "$BASE" | tar -x -C "$out/base")
(cd "$out/base" && CGO_ENABLED=0 go build -o "$out/nssh-base" ./cmd/nssh)

for v in base new; do
	echo "running $v (N=$N)..." >&2
	"$out/nssh-$v" --rootless "$here/events.lua" "$N" 2>/dev/null | tail -1 >"$out/$v.txt"
done

val() { tr ' ' '\n' <"$out/$1.txt" | sed -n "s/^$2=//p"; }
printf '%-16s %12s %12s\n' "N=$N" "$BASE" "this tree"
for k in loop_s rss_loop_mb peak_rss_mb fds_loop fds_end events events_per_s new_eth0 del_eth0; do
	printf '%-16s %12s %12s\n' "$k" "$(val base "$k")" "$(val new "$k")"
done
