package lab_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/nssh/nssh/lab"
)

func TestZZProf(t *testing.T) {
	spec := lab.Spec{Name: "star", Nodes: map[string]lab.Node{"sw": {Bridge: "br0"}}}
	for i := 1; i <= 200; i++ {
		h := fmt.Sprintf("h%d", i)
		spec.Nodes[h] = lab.Node{}
		spec.Links = append(spec.Links, lab.Link{Ends: [2]lab.End{{"sw", fmt.Sprintf("p%d", i)}, {h, "eth0"}},
			Addrs: [2][]netip.Prefix{nil, {netip.MustParsePrefix(fmt.Sprintf("10.1.%d.%d/16", i/256, i%256))}}})
	}
	l, _ := lab.New(cfg(), spec, lab.Options{})
	for r := 0; r < 3; r++ {
		t0 := time.Now()
		if _, err := l.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		l.Up(context.Background())
		t2 := time.Now()
		l.Down(context.Background())
		t3 := time.Now()
		t.Logf("up %v  noop-up %v  down %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2))
		time.Sleep(time.Second)
	}
}
