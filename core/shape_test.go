package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// TestShape: a rate alone always works (netem, or tbf where the kernel
// lacks sch_netem) and reads back; a delay works only with netem and
// otherwise fails with ENOTSUP naming the module; nil clears.
func TestShape(t *testing.T) {
	a, b := newNS(t), newNS(t)
	must(t, core.Veth(a, "eth0", b, "eth0", core.VethOptions{Up: true}))
	must(t, a.Shape("eth0", &core.Netem{Rate: "20mbit"}))
	got, err := a.ShapeOf("eth0")
	must(t, err)
	if got == nil || got.Rate != "20000000bit" || got.Delay != 0 {
		t.Fatalf("ShapeOf = %+v", got)
	}
	err = a.Shape("eth0", &core.Netem{Rate: "20mbit", Delay: 5 * time.Millisecond})
	if err != nil {
		if !errors.Is(err, core.ErrUnsupported) || core.ErrnoName(err) != "ENOTSUP" || !strings.Contains(err.Error(), "sch_netem") {
			t.Fatalf("shape with a delay: %v", err)
		}
	}
	must(t, a.Shape("eth0", nil))
	if got, err := a.ShapeOf("eth0"); err != nil || got != nil {
		t.Fatalf("after clearing: %+v, %v", got, err)
	}
	must(t, a.Shape("eth0", nil)) // nothing to clear: no error
	if err := a.Shape("eth0", &core.Netem{Rate: "fast"}); core.ErrnoName(err) != "EINVAL" {
		t.Fatalf("bad rate: %v", err)
	}
}
