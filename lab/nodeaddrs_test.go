package lab_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

// TestNodeAddrsDummy: addresses on a dummy link make the link; a kernel
// without the dummy type fails up with ErrUnsupported (ENOTSUP), naming it.
func TestNodeAddrsDummy(t *testing.T) {
	spec := demo(t)
	spec.Nodes["h1"] = lab.Node{Addrs: map[string][]netip.Prefix{"dum0": {netip.MustParsePrefix("10.254.0.1/32")}}}
	l := newLab(t, spec)
	_, err := l.Up(context.Background())
	if err != nil {
		if !errors.Is(err, core.ErrUnsupported) || core.ErrnoName(err) != "ENOTSUP" || !strings.Contains(err.Error(), "dummy") {
			t.Fatalf("up: %v", err)
		}
		return
	}
	ns, err := cfg().Open(lab.Netns(spec.Name, "h1"))
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := ns.Addrs("dum0")
	if err != nil || len(addrs) == 0 || addrs[0].Addr != "10.254.0.1/32" {
		t.Fatalf("dum0 addrs = %+v, %v", addrs, err)
	}
}
