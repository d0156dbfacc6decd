package core_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"golang.org/x/sys/unix"
)

// TestRouterBetweenTwoSubnets builds h1 - r1 - h2 with two veth pairs,
// reads every object back from the kernel, and checks real traffic: ping
// and TCP pass only once r1 forwards.
func TestRouterBetweenTwoSubnets(t *testing.T) {
	auditThreads(t)
	h1, h2, r1 := newNS(t), newNS(t), newNS(t)
	must(t, core.Veth(h1, "eth0", r1, "eth1", core.VethOptions{Up: true}))
	must(t, core.Veth(h2, "eth0", r1, "eth2", core.VethOptions{Up: true, MTU: 1400}))
	must(t, h1.AddrAdd("eth0", "10.0.1.2/24"))
	must(t, r1.AddrAdd("eth1", "10.0.1.1/24"))
	must(t, h2.AddrAdd("eth0", "10.0.2.2/24"))
	must(t, r1.AddrAdd("eth2", "10.0.2.1/24"))
	must(t, h1.RouteAdd(core.Route{Dst: "default", Via: "10.0.1.1"}))
	must(t, h2.RouteAdd(core.Route{Dst: "default", Via: "10.0.2.1"}))

	links, err := r1.Links()
	must(t, err)
	var names []string
	for _, l := range links {
		names = append(names, l.Name)
		if l.Name == "eth2" && (l.MTU != 1400 || !l.Up || l.Type != "veth" || l.Address == "") {
			t.Errorf("eth2 = %+v", l)
		}
	}
	if !slices.Equal(names, []string{"lo", "eth1", "eth2"}) {
		t.Fatalf("r1 links = %q", names)
	}
	addrs, err := r1.Addrs("eth2")
	must(t, err)
	if len(addrs) != 2 || addrs[1].Family != "inet6" || addrs[1].Scope != "link" || addrs[0] != (core.Addr{Dev: "eth2", Addr: "10.0.2.1/24", Family: "inet", Scope: "global"}) {
		t.Fatalf("r1 eth2 addrs = %+v", addrs)
	}
	routes, err := h1.Routes()
	must(t, err)
	wantDefault := core.Route{Dst: "default", Via: "10.0.1.1", Dev: "eth0", Table: 254, Proto: "boot", Scope: "global", Family: "inet"}
	wantLink := core.Route{Dst: "10.0.1.0/24", Dev: "eth0", Table: 254, Proto: "kernel", Scope: "link", Family: "inet"}
	if !containsRoute(routes, wantDefault) || !containsRoute(routes, wantLink) {
		t.Fatalf("h1 routes = %+v", routes)
	}

	if !ping(t, h1, "10.0.1.1") {
		t.Fatal("h1 cannot reach its router")
	}
	if v, err := r1.Sysctl("net.ipv4.ip_forward", nil); err != nil || v != "0" {
		t.Fatalf("ip_forward = %q, %v", v, err)
	}
	tcpListen(t, h2, "10.0.2.2:7000")
	if err := tcpEcho(h1, "10.0.2.2:7000", 300*time.Millisecond); err == nil {
		t.Fatal("TCP crossed a router that does not forward")
	}
	if v, err := r1.Sysctl("net.ipv4.ip_forward", ptr("1")); err != nil || v != "1" {
		t.Fatalf("set ip_forward = %q, %v", v, err)
	}
	if !ping(t, h1, "10.0.2.2") || !ping(t, h2, "10.0.1.2") {
		t.Fatal("no ping across the router")
	}
	if err := tcpEcho(h1, "10.0.2.2:7000", 5*time.Second); err != nil {
		t.Fatalf("TCP across the router: %v", err)
	}

	must(t, h1.RouteDel(core.Route{Dst: "default"}))
	routes, _ = h1.Routes()
	if containsRoute(routes, wantDefault) {
		t.Fatal("default route still there")
	}
	if r, _ := core.Ping(t.Context(), h1, "10.0.2.2", core.PingOptions{Timeout: 200e6}); r.OK {
		t.Fatal("ping without a route")
	}
	must(t, r1.AddrDel("eth2", "10.0.2.1/24"))
	if addrs, _ := r1.Addrs("eth2"); len(addrs) != 1 || addrs[0].Family != "inet6" {
		t.Fatalf("address still there: %+v", addrs)
	}
}

// TestWiringBadInputChangesNothing checks that malformed input is an
// EINVAL error that leaves the namespace as it was.
func TestWiringBadInputChangesNothing(t *testing.T) {
	auditThreads(t)
	ns := newNS(t)
	before, err := ns.Links()
	must(t, err)
	bad := []error{
		ns.AddrAdd("lo", "10.0.0.1"),
		ns.AddrAdd("lo", "10.0.0.300/24"),
		ns.AddrAdd("lo", "fe80::1%lo/64"),
		ns.RouteAdd(core.Route{Dst: "10.0.0.5/24", Dev: "lo"}),
		ns.RouteAdd(core.Route{Dst: "default", Via: "nonsense"}),
		ns.RouteAdd(core.Route{Dst: "10.9.0.0/16"}),
		ns.RouteAdd(core.Route{Dst: "10.9.0.0/16", Via: "fd00::1"}),
		ns.LinkSet("lo", core.LinkChange{Address: "zz:zz", MTU: 1400}),
		ns.LinkSet("lo", core.LinkChange{Name: "a/b", MTU: 1400}),
		func() error { _, err := ns.LinkAdd(core.LinkSpec{Name: "x", Type: "veth"}); return err }(),
		func() error { _, err := ns.LinkAdd(core.LinkSpec{Name: "x", Type: "bond"}); return err }(),
		func() error { _, err := ns.LinkAdd(core.LinkSpec{Name: "x", Type: "bridge", VlanID: 5}); return err }(),
		func() error {
			_, err := ns.LinkAdd(core.LinkSpec{Name: "x", Type: "vlan", Parent: "lo", VlanID: 5000})
			return err
		}(),
		func() error { _, err := ns.LinkAdd(core.LinkSpec{Name: "", Type: "bridge"}); return err }(),
		func() error { _, err := ns.Sysctl("kernel.hostname", nil); return err }(),
		func() error { _, err := ns.Sysctl("net.ipv4..ip_forward", nil); return err }(),
		func() error { _, err := ns.Sysctl("net/ipv4/ip_forward", nil); return err }(),
		func() error { _, err := ns.Sysctl("net.ipv4.ip_forward", ptr("1\n0")); return err }(),
		ns.Netem("lo", &core.Netem{Loss: 150}),
		ns.Netem("lo", &core.Netem{Rate: "fast"}),
		ns.Netem("lo", &core.Netem{Jitter: 5e6}),
	}
	for i, err := range bad {
		if !errors.Is(err, unix.EINVAL) {
			t.Errorf("case %d: got %v, want EINVAL", i, err)
		}
	}
	if err := ns.LinkSet("lo", core.LinkChange{MTU: 1400, Master: ptr("nosuchbridge")}); !errors.Is(err, unix.ENODEV) {
		t.Errorf("missing master: %v", err)
	}
	after, err := ns.Links()
	must(t, err)
	if !slices.EqualFunc(before, after, func(a, b core.Link) bool { return a.Name == b.Name && a.MTU == b.MTU }) {
		t.Fatalf("links changed: %+v -> %+v", before, after)
	}
	if addrs, _ := ns.Addrs(""); len(addrs) != 2 { // 127.0.0.1/8 and ::1/128
		t.Fatalf("addresses changed: %+v", addrs)
	}
	var oe *core.OpError
	if err := ns.AddrAdd("eth9", "10.0.0.1/24"); !errors.Is(err, unix.ENODEV) || !errors.As(err, &oe) || oe.Text != `Cannot find device "eth9"` {
		t.Fatalf("missing device: %#v", err)
	}
}

func containsRoute(routes []core.Route, want core.Route) bool {
	return slices.ContainsFunc(routes, func(r core.Route) bool { return reflect.DeepEqual(r, want) })
}
