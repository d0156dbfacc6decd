package core

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The kernel usually finishes what the settle waits wait for before they
// look, so the integration tests rarely see the window; these tests pin
// down the decisions themselves.

func TestUnsettledLink(t *testing.T) {
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Index: 2, Name: "br0"}}
	bond := &netlink.Bond{LinkAttrs: netlink.LinkAttrs{Index: 4, Name: "bond0"}}
	port := func(master int, flags net.Flags, raw uint32, oper netlink.LinkOperState) netlink.Link {
		return &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: 3, Name: "p0", MasterIndex: master,
			Flags: flags, RawFlags: raw, OperState: oper}}
	}
	up, carrier := net.FlagUp, uint32(unix.IFF_UP|unix.IFF_LOWER_UP)
	for _, tc := range []struct {
		name string
		l    netlink.Link
		want bool
	}{
		{"bridge port with carrier, still down", port(2, up, carrier, netlink.OperDown), true},
		{"veth with carrier back, still down", port(0, up, carrier, netlink.OperDown), true},
		{"bridge port with carrier, lower layer down", port(2, up, carrier, netlink.OperLowerLayerDown), true},
		{"bridge port up", port(2, up, carrier, netlink.OperUp), false},
		{"bridge port without operstate support", port(2, up, carrier, netlink.OperUnknown), false},
		{"bridge port without carrier", port(2, up, unix.IFF_UP, netlink.OperDown), false},
		{"bridge port set down", port(2, 0, 0, netlink.OperDown), false},
		{"bond port", port(4, up, carrier, netlink.OperDown), true},
		{"dormant", port(0, up, carrier, netlink.OperDormant), false},
	} {
		if got := unsettledLink([]netlink.Link{br, bond, tc.l}); got != tc.want {
			t.Errorf("%s: unsettledLink = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWithoutLocal(t *testing.T) {
	a := LinkAddr{Index: 2, IP: net.ParseIP("fd00::1")}
	b := LinkAddr{Index: 2, IP: net.ParseIP("fe80::2")}
	c := LinkAddr{Index: 3, IP: net.ParseIP("fe80::2")}
	local := func(index int, ip string) netlink.Route {
		return netlink.Route{Type: unix.RTN_LOCAL, LinkIndex: index,
			Dst: &net.IPNet{IP: net.ParseIP(ip), Mask: net.CIDRMask(128, 128)}}
	}
	unicast := local(2, "fd00::1")
	unicast.Type = unix.RTN_UNICAST
	got := withoutLocal([]LinkAddr{a, b, c}, []netlink.Route{local(3, "fe80::2"), unicast, local(2, "fe80::2")})
	if len(got) != 1 || !got[0].IP.Equal(a.IP) {
		t.Fatalf("withoutLocal = %v, want only fd00::1 (its route is not local)", got)
	}
}

func TestPollUntil(t *testing.T) {
	calls := 0
	err := pollUntil(time.Second, func() (bool, error) { calls++; return calls == 3, nil })
	if err != nil || calls != 3 {
		t.Fatalf("done on the 3rd call: err %v, %d calls", err, calls)
	}
	boom := errors.New("boom")
	calls = 0
	if err := pollUntil(time.Second, func() (bool, error) { calls++; return false, boom }); err != boom || calls != 1 {
		t.Fatalf("an error stops at once: err %v, %d calls", err, calls)
	}
	start := time.Now()
	if err := pollUntil(20*time.Millisecond, func() (bool, error) { return false, nil }); err != nil {
		t.Fatalf("running out of time is not an error: %v", err)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("gave up before the timeout")
	}
}

func TestRouteComing(t *testing.T) {
	a := LinkAddr{Index: 3, IP: net.ParseIP("fd00::1")}
	link := func(flags net.Flags, raw uint32) netlink.Link {
		return &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: 3, Name: "eth0", Flags: flags, RawFlags: raw}}
	}
	addr := func(ip string, flags int) netlink.Addr {
		return netlink.Addr{IPNet: &net.IPNet{IP: net.ParseIP(ip), Mask: net.CIDRMask(64, 128)}, Flags: flags}
	}
	up, carrier := net.FlagUp, uint32(unix.IFF_UP|unix.IFF_LOWER_UP)
	for _, tc := range []struct {
		name   string
		l      netlink.Link
		onLink []netlink.Addr
		want   bool
	}{
		{"on an up link with carrier", link(up, carrier), []netlink.Addr{addr("fe80::1", 0), addr("fd00::1", unix.IFA_F_NODAD)}, true},
		{"still in duplicate address detection", link(up, carrier), []netlink.Addr{addr("fd00::1", unix.IFA_F_TENTATIVE)}, true},
		{"failed duplicate address detection", link(up, carrier), []netlink.Addr{addr("fd00::1", unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED)}, false},
		{"deleted meanwhile", link(up, carrier), []netlink.Addr{addr("fe80::1", 0)}, false},
		{"link without carrier", link(up, unix.IFF_UP), []netlink.Addr{addr("fd00::1", 0)}, false},
		{"link set down", link(0, 0), []netlink.Addr{addr("fd00::1", 0)}, false},
		{"link gone", nil, nil, false},
	} {
		if got := routeComing(a, tc.l, tc.onLink); got != tc.want {
			t.Errorf("%s: routeComing = %v, want %v", tc.name, got, tc.want)
		}
	}
}
