package core_test

import (
	"testing"

	"github.com/nssh/nssh/core"
)

// TestVethOneQueue checks that both ends of a veth are made with one
// queue each way (the kernel's default is one per possible CPU, cut to
// one after registration at the cost of two RCU grace periods per pair,
// which doubled the up() of a 10,000-host lab). On a machine with one
// possible CPU the default is one too, so there it passes either way.
func TestVethOneQueue(t *testing.T) {
	a, b := newNS(t), newNS(t)
	must(t, core.Veth(a, "q0", b, "q1", core.VethOptions{Up: true}))
	for _, end := range []struct {
		ns  *core.Namespace
		dev string
	}{{a, "q0"}, {b, "q1"}} {
		h, release, err := end.ns.Handle()
		must(t, err)
		l, err := h.LinkByName(end.dev)
		release()
		must(t, err)
		if tx, rx := l.Attrs().NumTxQueues, l.Attrs().NumRxQueues; tx != 1 || rx != 1 {
			t.Errorf("%s: %d tx and %d rx queues, want 1 and 1", end.dev, tx, rx)
		}
	}
	must(t, a.AddrAdd("q0", "10.9.0.1/24"))
	must(t, b.AddrAdd("q1", "10.9.0.2/24"))
	if !ping(t, a, "10.9.0.2") {
		t.Fatal("no ping over a one-queue veth")
	}
}
