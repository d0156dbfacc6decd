package core_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"golang.org/x/sys/unix"
)

// TestSysctlIsPerNamespace writes a sysctl in one namespace and checks that
// neither another namespace nor the process's own changed.
func TestSysctlIsPerNamespace(t *testing.T) {
	auditThreads(t)
	a, b := newNS(t), newNS(t)
	own, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	must(t, err)
	if v, err := a.Sysctl("net.ipv4.ip_forward", ptr("1")); err != nil || v != "1" {
		t.Fatalf("write = %q, %v", v, err)
	}
	if v, err := a.Sysctl("net.ipv4.ip_forward", nil); err != nil || v != "1" {
		t.Fatalf("read back = %q, %v", v, err)
	}
	if v, err := b.Sysctl("net.ipv4.ip_forward", nil); err != nil || v != "0" {
		t.Fatalf("other namespace = %q, %v", v, err)
	}
	if now, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); string(now) != string(own) {
		t.Fatalf("own namespace changed: %q -> %q", own, now)
	}
	v, err := a.Sysctl("net.ipv4.ping_group_range", nil)
	if err != nil || len(strings.Fields(v)) != 2 {
		t.Fatalf("multi-value key = %q, %v", v, err)
	}
	if _, err := a.Sysctl("net.ipv4.no_such_key", nil); !errors.Is(err, unix.ENOENT) {
		t.Fatalf("missing key: %v", err)
	}
	for _, key := range []string{"net.core.netdev_max_backlog", "net.ipv4.neigh.default.gc_thresh3"} {
		_, err := a.Sysctl(key, ptr("5000"))
		if !errors.Is(err, unix.ENOENT) || !strings.Contains(err.Error(), "host-wide") || !strings.Contains(err.Error(), "needs root on the host") {
			t.Fatalf("host-wide key %s: %v", key, err)
		}
	}
	if _, err := a.Sysctl("net.core.no_such_key", nil); err == nil || strings.Contains(err.Error(), "host-wide") {
		t.Fatalf("unknown net.core key: %v", err)
	}
	if _, err := a.Sysctl("net.ipv4.ip_forward", ptr("banana")); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("bad value: %v", err)
	}
}

// TestNetem sets delay, loss and rate, reads them back, checks that pings
// still pass with delay and fail with 100% loss, and clears the setting.
func TestNetem(t *testing.T) {
	auditThreads(t)
	a, b := newNS(t), newNS(t)
	must(t, core.Veth(a, "eth0", b, "eth0", core.VethOptions{Up: true}))
	must(t, a.AddrAdd("eth0", "10.5.0.1/24"))
	must(t, b.AddrAdd("eth0", "10.5.0.2/24"))
	err := a.Netem("eth0", &core.Netem{Delay: 20 * time.Millisecond, Jitter: time.Millisecond, Rate: "10mbit"})
	skipUnsupported(t, err, "qdisc netem")
	must(t, err)
	n, err := a.NetemOf("eth0")
	must(t, err)
	if n == nil || n.Delay != 20*time.Millisecond || n.Jitter != time.Millisecond || n.Rate != "10000000bit" || n.Loss != 0 {
		t.Fatalf("netem read back = %+v", n)
	}
	r, err := core.Ping(context.Background(), a, "10.5.0.2", core.PingOptions{Timeout: 3 * time.Second})
	must(t, err)
	if !r.OK || r.RTT < 20*time.Millisecond { // the added delay is a lower bound, not a timing assertion
		t.Fatalf("ping with delay = %+v", r)
	}
	must(t, a.Netem("eth0", &core.Netem{Loss: 100}))
	if r, _ := core.Ping(context.Background(), a, "10.5.0.2", core.PingOptions{Timeout: 300 * time.Millisecond, Count: 3}); r.OK {
		t.Fatalf("ping through 100%% loss = %+v", r)
	}
	must(t, a.Netem("eth0", nil))
	if n, _ := a.NetemOf("eth0"); n != nil {
		t.Fatalf("netem not cleared: %+v", n)
	}
	must(t, a.Netem("eth0", nil)) // clearing twice is fine
	if !ping(t, a, "10.5.0.2") {
		t.Fatal("no ping after clearing netem")
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]uint64{"10mbit": 1250000, "1gbit": 125000000, "8000": 1000, "500kbps": 500000, "1kibit": 128} {
		if got, err := core.ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fast", "-1mbit", "0", "mbit", "1bit"} {
		if _, err := core.ParseRate(in); !errors.Is(err, unix.EINVAL) {
			t.Errorf("ParseRate(%q) = %v, want EINVAL", in, err)
		}
	}
}

// TestSysctlInAddWithSetup sets sysctls in a namespace before its bind
// mount makes it visible: IPv6 off before any link, as lab nodes without
// IPv6 addresses get it, so lo never gets ::1.
func TestSysctlInAddWithSetup(t *testing.T) {
	auditThreads(t)
	name := nstest.Name(t)
	ns, err := cfg().AddWith(name, func(ns *core.Namespace) error {
		for _, key := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6"} {
			if _, err := ns.Sysctl(key, ptr("1")); err != nil {
				return err
			}
		}
		up := true
		return ns.LinkSet("lo", core.LinkChange{Up: &up})
	})
	must(t, err)
	t.Cleanup(func() { cfg().Delete(name) })
	for _, key := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6", "net.ipv6.conf.lo.disable_ipv6"} {
		if v, err := ns.Sysctl(key, nil); err != nil || v != "1" {
			t.Errorf("%s = %q, %v; want 1", key, v, err)
		}
	}
	addrs, err := ns.Addrs("lo")
	must(t, err)
	for _, a := range addrs {
		if a.Family == "inet6" {
			t.Errorf("lo has IPv6 address %s", a.Addr)
		}
	}
	if v, _ := os.ReadFile("/proc/sys/net/ipv6/conf/all/disable_ipv6"); strings.TrimSpace(string(v)) != "0" {
		t.Errorf("own namespace: disable_ipv6 = %q", v)
	}
}
