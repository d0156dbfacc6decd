package core_test

import (
	"net"
	"reflect"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/nssh/nssh/core"
)

// TestRoutesMultipath checks that a multipath route is reported with its
// nexthops (via, dev, weight), its proto and scope, by Routes and in route
// events (decoded from the notification, not from a dump).
func TestRoutesMultipath(t *testing.T) {
	a, b, c := newNS(t), newNS(t), newNS(t)
	must(t, core.Veth(a, "eth0", b, "eth0", core.VethOptions{Up: true}))
	must(t, core.Veth(a, "eth1", c, "eth0", core.VethOptions{Up: true}))
	must(t, a.AddrAdd("eth0", "10.7.1.1/24"))
	must(t, a.AddrAdd("eth1", "10.7.2.1/24"))
	routes := watch(t, "route", a.Name)

	h, release, err := a.Handle()
	must(t, err)
	defer release()
	links := map[string]int{}
	for _, n := range []string{"eth0", "eth1"} {
		l, err := h.LinkByName(n)
		must(t, err)
		links[n] = l.Attrs().Index
	}
	_, dst, _ := net.ParseCIDR("10.9.0.0/16")
	must(t, h.RouteAdd(&netlink.Route{Dst: dst, Protocol: netlink.RouteProtocol(12), MultiPath: []*netlink.NexthopInfo{
		{LinkIndex: links["eth0"], Gw: net.ParseIP("10.7.1.2"), Hops: 0},
		{LinkIndex: links["eth1"], Gw: net.ParseIP("10.7.2.2"), Hops: 2},
	}}))

	want := []core.Nexthop{{Via: "10.7.1.2", Dev: "eth0", Weight: 1}, {Via: "10.7.2.2", Dev: "eth1", Weight: 3}}
	list, err := a.Routes()
	must(t, err)
	var got *core.Route
	for i := range list {
		if list[i].Dst == "10.9.0.0/16" {
			got = &list[i]
		}
	}
	if got == nil || got.Proto != "bird" || got.Scope != "global" || got.Via != "" || got.Dev != "" ||
		!reflect.DeepEqual(got.Nexthops, want) {
		t.Fatalf("multipath route = %+v", got)
	}

	ev := waitEvent(t, routes, nil, func(ev core.Event) bool { return ev.Attrs["dst"] == "10.9.0.0/16" })
	wantEv := []map[string]any{
		{"via": "10.7.1.2", "dev": "eth0", "weight": 1},
		{"via": "10.7.2.2", "dev": "eth1", "weight": 3},
	}
	if ev.Action != "new" || ev.Attrs["proto"] != "bird" || ev.Attrs["scope"] != "global" ||
		!reflect.DeepEqual(ev.Attrs["nexthops"], wantEv) {
		t.Fatalf("route event = %+v", ev)
	}
	must(t, a.RouteDel(core.Route{Dst: "10.9.0.0/16"}))
	ev = waitEvent(t, routes, nil, func(ev core.Event) bool { return ev.Attrs["dst"] == "10.9.0.0/16" })
	if ev.Action != "del" || !reflect.DeepEqual(ev.Attrs["nexthops"], wantEv) {
		t.Fatalf("route del event = %+v", ev)
	}
}
