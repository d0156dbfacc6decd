package lab_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/nssh/nssh/lab"
)

// TestConvergeWaitsForRouting breaks forwarding on the router, lets the
// first round of Converge fail, repairs it, and expects convergence with
// converged_after measured from the start (the repair came after round 1).
func TestConvergeWaitsForRouting(t *testing.T) {
	spec := demo(t)
	spec.Nodes["r1"] = lab.Node{Sysctl: map[string]string{"net.ipv4.ip_forward": "1"},
		Addrs: map[string][]netip.Prefix{"lo": {netip.MustParsePrefix("10.255.0.1/32")}}}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	r1 := lab.Netns(spec.Name, "r1")
	ip(t, "-n", r1, "route", "del", "10.0.2.0/24") // h1 -> h2 and h2 -> h1 fail
	var rounds []int
	restore := lab.SetAfterRound(func(n int) {
		rounds = append(rounds, n)
		if n == 1 {
			ip(t, "-n", r1, "route", "add", "10.0.2.0/24", "dev", "eth2")
		}
	})
	defer restore()
	m, after, ok, err := l.Converge(context.Background(), lab.CheckOptions{}, time.Minute)
	if err != nil || !ok {
		t.Fatalf("Converge = %v, %v (matrix %v)", ok, err, m)
	}
	if after <= 0 || len(rounds) < 3 {
		t.Fatalf("converged after %v in rounds %v: the first round had failures", after, rounds)
	}
	for src, row := range m {
		for dst, res := range row {
			if !res.OK {
				t.Errorf("%s -> %s not answered", src, dst)
			}
		}
	}
	if len(m) != 3 {
		t.Fatalf("matrix has %d rows, want h1, h2, r1 (r1 at its first link address)", len(m))
	}
}

// TestConvergeGivesUp: a lab that never converges returns the failing
// matrix and ok=false once the time is up; targets pick the address.
func TestConvergeGivesUp(t *testing.T) {
	spec := demo(t)
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	opts := lab.CheckOptions{Targets: map[string]string{"r1": "10.0.2.1", "h2": "10.0.9.9/24"}}
	m, _, ok, err := l.Converge(context.Background(), opts, 300*time.Millisecond)
	if err != nil || ok {
		t.Fatalf("Converge = %v, %v", ok, err)
	}
	if m["h1"]["h2"].OK || !m["h1"]["r1"].OK {
		t.Fatalf("matrix = %v (h2 targeted at an address nobody has, r1 at its eth2)", m)
	}
	if _, err := l.Check(context.Background(), lab.CheckOptions{Targets: map[string]string{"nosuch": "10.0.0.1"}}); err == nil {
		t.Fatal("a target for an unknown node was accepted")
	}
}
