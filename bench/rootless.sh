#!/usr/bin/env bash
# bench/rootless.sh — start-up cost of the private sandbox (nssh.md §4.8).
#
#   sudo bench/rootless.sh                 # builds nssh itself
#   START_N=20 REPS=3 bench/rootless.sh    # quicker
#
# Times `nssh -e ''` run START_N times in a row:
#   as root (no sandbox),
#   as root with --rootless (the sandbox, same user: its cost alone),
#   as the user nobody (the sandbox a normal user gets),
#   and, as the kernel's floor, `unshare -Urmnpf --mount-proc true` as
#   nobody (the same namespaces made by util-linux around a program that
#   does nothing).
# The four loops are interleaved REPS times (root, --rootless, nobody,
# floor, root, ...) so that load from other work on the machine hits them alike;
# each figure is the median of the REPS per-run means. `nssh -e ''` makes
# no namespace as root; in the sandbox everything lives in private
# namespaces that vanish with it, so the host is never touched.
set -euo pipefail
START_N=${START_N:-50}
REPS=${REPS:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ "$(id -u)" = 0 ] || { echo "bench/rootless.sh: run it as root (it compares root with nobody)" >&2; exit 1; }

out=$(mktemp -d /tmp/nssh-bench-rootless.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"
echo "building..." >&2
(cd "$root" && CGO_ENABLED=0 go build -o "$out/nssh" ./cmd/nssh)
chmod 755 "$out/nssh"

# shellcheck source=lib.sh
source "$here/lib.sh"

# loop prints the mean seconds of one `nssh ARGS -e ''` over START_N runs.
cat >"$out/loop.sh" <<'EOF'
now() { echo "${EPOCHREALTIME/,/.}"; }
bin=$1 n=$2
shift 2
t0=$(now)
if [ "$bin" = unshare ]; then
	for ((i = 0; i < n; i++)); do unshare -Urmnpf --mount-proc true; done
else
	for ((i = 0; i < n; i++)); do "$bin" "$@" -e '' 2>/dev/null; done
fi
t1=$(now)
echo "($t1 - $t0) / $n" | bc -l
EOF
chmod 755 "$out/loop.sh"

declare -a v_root v_forced v_nobody v_floor
for ((r = 0; r < REPS; r++)); do
	v_root+=("$(bash "$out/loop.sh" "$out/nssh" "$START_N")")
	v_forced+=("$(bash "$out/loop.sh" "$out/nssh" "$START_N" --rootless)")
	v_nobody+=("$(su nobody -s /bin/bash -c "bash '$out/loop.sh' '$out/nssh' '$START_N'")")
	v_floor+=("$(su nobody -s /bin/bash -c "bash '$out/loop.sh' unshare '$START_N'")")
done
med() { printf '%s\n' "$@" | median; }
t_root=$(med "${v_root[@]}")
t_forced=$(med "${v_forced[@]}")
t_nobody=$(med "${v_nobody[@]}")
t_floor=$(med "${v_floor[@]}")

ms() { printf '%.2f ms' "$(echo "$1 * 1000" | bc -l)"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
printf '\n%-44s %12s %10s\n' "nssh -e '' start-up ($START_N runs x $REPS)" "per run" "x root"
printf '%-44s %12s %10s\n' "root, no sandbox" "$(ms "$t_root")" "1.00"
printf '%-44s %12s %10s\n' "root --rootless (sandbox)" "$(ms "$t_forced")" "$(ratio "$t_forced" "$t_root")"
printf '%-44s %12s %10s\n' "nobody (sandbox)" "$(ms "$t_nobody")" "$(ratio "$t_nobody" "$t_root")"
printf '%-44s %12s\n' "kernel floor: unshare -Urmnpf --mount-proc true" "$(ms "$t_floor")"
printf '%-44s %12s\n' "sandbox cost (nobody - root)" "$(ms "$(echo "$t_nobody - $t_root" | bc -l)")"
