package core_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// star builds a switch namespace with a bridge and n hosts 10.3.0.(i+1)/24.
func star(t *testing.T, n int) (sw *core.Namespace, hosts []*core.Namespace) {
	return starAddr(t, n, "10.3.0.%d/24")
}

// starAddr is star with an address pattern (%d is the host number, from 1).
func starAddr(t *testing.T, n int, pattern string) (sw *core.Namespace, hosts []*core.Namespace) {
	t.Helper()
	sw = newNS(t)
	_, err := sw.LinkAdd(core.LinkSpec{Name: "br0", Type: "bridge", Up: true})
	must(t, err)
	for i := range n {
		h := newNS(t)
		port := fmt.Sprintf("p%d", i)
		must(t, core.Veth(h, "eth0", sw, port, core.VethOptions{Up: true}))
		must(t, sw.LinkSet(port, core.LinkChange{Master: ptr("br0")}))
		must(t, h.AddrAdd("eth0", fmt.Sprintf(pattern, i+1)))
		hosts = append(hosts, h)
	}
	return sw, hosts
}

func TestPingAll(t *testing.T) {
	auditThreads(t)
	sw, hosts := star(t, 4)
	m, err := core.PingAll(context.Background(), append(hosts, sw), core.PingAllOptions{PingOptions: core.PingOptions{Timeout: 3 * time.Second}})
	must(t, err)
	for _, src := range hosts {
		if len(m[src.Name]) != len(hosts) {
			t.Fatalf("row %s = %+v", src.Name, m[src.Name])
		}
		for _, dst := range hosts {
			if src != dst && !m[src.Name][dst.Name].OK {
				t.Errorf("%s -> %s failed", src.Name, dst.Name)
			}
		}
		if m[src.Name][sw.Name].OK || m[sw.Name][src.Name].OK {
			t.Errorf("the address-less switch answered or reached %s", src.Name)
		}
	}
	if addr, ok, err := hosts[2].PingAddr(); err != nil || !ok || addr != "10.3.0.3" {
		t.Fatalf("PingAddr = %q %v %v", addr, ok, err)
	}
	list, err := cfg().PingHosts()
	must(t, err)
	if len(list) != len(hosts) {
		t.Fatalf("PingHosts = %v", list)
	}
	// Overrides and a host isolated by unplugging its port.
	must(t, sw.LinkSet("p3", core.LinkChange{Up: ptr(false)}))
	m, err = core.PingAll(context.Background(), hosts, core.PingAllOptions{
		PingOptions: core.PingOptions{Timeout: 300 * time.Millisecond},
		Addrs:       map[string]string{hosts[0].Name: "10.3.0.1"},
	})
	must(t, err)
	if m[hosts[0].Name][hosts[3].Name].OK || m[hosts[3].Name][hosts[0].Name].OK || !m[hosts[1].Name][hosts[0].Name].OK {
		t.Fatalf("matrix with p3 down = %+v", m)
	}
}

func TestPingEdgeCases(t *testing.T) {
	auditThreads(t)
	shared := nstest.ReadShared()
	a, b := newNS(t), newNS(t)
	must(t, core.Veth(a, "eth0", b, "eth0", core.VethOptions{Up: true}))
	must(t, a.AddrAdd("eth0", "10.4.0.1/24"))
	must(t, b.AddrAdd("eth0", "10.4.0.2/24"))
	must(t, b.AddrAdd("eth0", "fd04::2/64"))
	must(t, a.AddrAdd("eth0", "fd04::1/64"))

	if _, err := core.Ping(context.Background(), a, "not-an-ip", core.PingOptions{}); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("bad address: %v", err)
	}
	if _, err := core.Ping(context.Background(), a, "10.4.0.2", core.PingOptions{Count: -1}); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("bad count: %v", err)
	}
	r, err := core.Ping(context.Background(), a, "10.99.0.1", core.PingOptions{})
	if err != nil || r.OK {
		t.Fatalf("unroutable destination = %+v, %v", r, err)
	}
	r, err = core.Ping(context.Background(), a, "10.4.0.2", core.PingOptions{Count: 3, Size: 1400, Timeout: 3 * time.Second})
	if err != nil || !r.OK || r.Sent != 3 || r.Received != 3 || r.RTT <= 0 {
		t.Fatalf("3 pings = %+v, %v; %s", r, err, shared.Since())
	}
	if !ping(t, a, "10.4.0.1") || !ping(t, a, "fd04::2") {
		t.Fatal("own address or IPv6 unreachable; " + shared.Since())
	}
	// IPv6 link-local with a zone (an address added by AddrAdd, so no DAD).
	must(t, b.AddrAdd("eth0", "fe80::2/64"))
	if !ping(t, a, "fe80::2%eth0") {
		t.Fatal("link-local ping failed; " + shared.Since())
	}
	// The unprivileged ICMP socket path, allowed by ping_group_range.
	_, err = a.Sysctl("net.ipv4.ping_group_range", ptr("0 0"))
	must(t, err)
	if !ping(t, a, "10.4.0.2") || !ping(t, a, "fd04::2") {
		t.Fatal("ping socket path failed; " + shared.Since())
	}
	// Cancellation ends a ping that would otherwise wait for its timeout.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	r, err = core.Ping(ctx, a, "10.4.0.99", core.PingOptions{Timeout: time.Hour})
	if !errors.Is(err, context.Canceled) || r.OK {
		t.Fatalf("cancelled ping = %+v, %v", r, err)
	}
}

// TestPingAllLargeMeshBatches pings a mesh too large for one batch of the
// machine-wide neighbour budget and checks that every pair answered and
// that the neighbour entries the pings created are gone afterwards. It
// uses IPv6 (the batching is the same for both families), whose table
// other IPv4 labs on a shared machine do not fill. With -short the mesh
// is 12 hosts (2 batches) instead of 30 (8): the neighbour table and the
// softnet backlog it fills are shared with whatever else runs.
func TestPingAllLargeMeshBatches(t *testing.T) {
	auditThreads(t)
	shared := nstest.ReadShared()
	n := 30
	if testing.Short() {
		n = 12
	}
	_, hosts := starAddr(t, n, "fd03::%d/64")
	m, err := core.PingAll(context.Background(), hosts, core.PingAllOptions{PingOptions: core.PingOptions{Timeout: 5 * time.Second}})
	must(t, err)
	bad := 0
	for _, src := range hosts {
		for _, dst := range hosts {
			if src != dst && !m[src.Name][dst.Name].OK {
				bad++
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d pairs failed; %s", bad, n*(n-1), shared.Since())
	}
	for _, h := range hosts {
		hh, release, err := h.Handle()
		must(t, err)
		defer release()
		list, err := hh.NeighList(0, unix.AF_INET6)
		must(t, err)
		for _, n := range list {
			if n.IP.IsGlobalUnicast() {
				t.Fatalf("%s kept a neighbour entry after pingall: %v", h.Name, n)
			}
		}
	}
}

// TestIPv6AddrUsableAtOnce checks that AddrAdd of an IPv6 address on an up
// link returns only after the kernel installed its local route (it does
// so from a work queue after acknowledging the add), so that a packet sent
// right away is not dropped. Without the wait, about one add in six here
// still lacked its route when AddrAdd returned.
func TestIPv6AddrUsableAtOnce(t *testing.T) {
	auditThreads(t)
	shared := nstest.ReadShared()
	a, b := newNS(t), newNS(t)
	must(t, core.Veth(a, "eth0", b, "eth0", core.VethOptions{Up: true}))
	must(t, a.AddrAdd("eth0", "fd05::1/64"))
	h, release, err := b.Handle()
	must(t, err)
	defer release()
	for i := 2; i < 22; i++ {
		addr := fmt.Sprintf("fd05::%x", i)
		lladdr := fmt.Sprintf("fe80::%x", i)
		must(t, b.AddrAdd("eth0", addr+"/64"))
		must(t, b.AddrAdd("eth0", lladdr+"/64"))
		for _, want := range []string{addr, lladdr} {
			routes, err := h.RouteListFiltered(netlink.FAMILY_V6,
				&netlink.Route{Table: unix.RT_TABLE_LOCAL}, netlink.RT_FILTER_TABLE)
			must(t, err)
			if !slices.ContainsFunc(routes, func(r netlink.Route) bool {
				return r.Type == unix.RTN_LOCAL && r.Dst != nil && r.Dst.IP.String() == want
			}) {
				t.Fatalf("no local route for %s right after AddrAdd", want)
			}
		}
		if !ping(t, a, addr) || !ping(t, a, lladdr+"%eth0") {
			t.Fatalf("%s or %s unreachable right after AddrAdd; %s", addr, lladdr, shared.Since())
		}
	}
	// A link that is down is not waited for: the add returns at once and
	// the address becomes usable when the link comes up.
	_, err = b.LinkAdd(core.LinkSpec{Name: "br9", Type: "bridge"})
	must(t, err)
	must(t, b.AddrAdd("br9", "fd06::1/64"))
}
