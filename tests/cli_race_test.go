package tests

import (
	"strings"
	"testing"
)

// TestCLIMixedAddDelRaceGC runs `ip netns add/del` and `nssh netns add/del`
// loops over the same 50 names in parallel, a bounded number of steps
// each (issue 12), adds a stacked name and a placeholder by hand (so the
// test does not depend on the race producing them), waits until the
// placeholder is stale and runs `nssh gc`. After it the run dir holds only
// namespaces: each name one nsfs mount, usable by ip netns exec.
func TestCLIMixedAddDelRaceGC(t *testing.T) {
	requireOracle(t)
	script := `
worker() { # TOOL SEED: 150 add or del steps over n0..n49
	i=0; while [ $i -lt 150 ]; do
		k=$(( (i * 7919 + $2 * 104729) % 1000 ))
		if [ $((k % 2)) = 0 ]; then op=add; else op=del; fi
		$1 netns $op n$((k % 50)) 2>/dev/null
		i=$((i + 1))
	done
}
worker ip 1 & worker ip 2 & worker $NSSH 3 & worker $NSSH 4 &
wait
mounts() { awk -v p="/run/netns/$1" '$5 == p' /proc/self/mountinfo | wc -l; }
for f in /run/netns/*; do
	n=${f##*/}; [ -e "$f" ] || continue
	if [ "$(stat -f -c %T "$f")" != nsfs ]; then echo "race left $n: not a namespace" >&2
	elif [ "$(mounts $n)" -gt 1 ]; then echo "race left $n: $(mounts $n) stacked mounts" >&2; fi
done
ip netns add s1; ip netns add s2; mount --bind /run/netns/s2 /run/netns/s1
: > /run/netns/p; chmod 000 /run/netns/p
sleep 5.2
$NSSH gc >/dev/null || echo "gc failed"
for f in /run/netns/*; do
	n=${f##*/}
	if [ "$(stat -f -c %T "$f")" != nsfs ]; then echo "$n is not a namespace"
	elif [ "$(mounts $n)" != 1 ]; then echo "$n has $(mounts $n) mounts"
	elif ! ip netns exec $n true; then echo "$n does not work"; fi
done
[ -e /run/netns/s1 ] && [ ! -e /run/netns/p ] && echo clean`
	got := cliRun(t, "ip", script)
	for _, line := range strings.Split(strings.TrimSpace(got.stderr), "\n") {
		if strings.HasPrefix(line, "race left ") {
			t.Log(line)
		}
	}
	if got.stdout != "clean\n" || got.code != 0 {
		t.Errorf("after the race and nssh gc (exit %d):\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
	}
}
