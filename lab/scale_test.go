package lab_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

// TestIPv6OnlyWhereTheSpecUsesIt: a node without IPv6 addresses or routes
// has IPv6 disabled from its creation (no link-local address on any link);
// an IPv6 address, ipv6=true on the node, or ipv6=true on the lab keeps it.
func TestIPv6OnlyWhereTheSpecUsesIt(t *testing.T) {
	p := netip.MustParsePrefix
	spec := oneNode(t)
	spec.Nodes = map[string]lab.Node{"v4": {}, "flag": {IPv6: true}, "v6": {}, "lo6": {Addrs: map[string][]netip.Prefix{"lo": {p("fd00::9/128")}}}}
	spec.Links = []lab.Link{
		{Ends: [2]lab.End{{"v4", "eth0"}, {"v6", "eth0"}},
			Addrs: [2][]netip.Prefix{{p("10.0.0.1/24")}, {p("fd00::2/64")}}},
		{Ends: [2]lab.End{{"flag", "eth0"}, {"v6", "eth1"}}},
	}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	for node, want := range map[string]string{"v4": "1", "flag": "0", "v6": "0", "lo6": "0"} {
		ns, err := cfg().Open(lab.Netns(spec.Name, node))
		must(t, err)
		for _, key := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6", "net.ipv6.conf.lo.disable_ipv6"} {
			if v, err := ns.Sysctl(key, nil); err != nil || v != want {
				t.Errorf("%s: %s = %q, %v; want %s", node, key, v, err, want)
			}
		}
		addrs, err := ns.Addrs("")
		must(t, err)
		v6 := 0
		for _, a := range addrs {
			if a.Family == "inet6" {
				v6++
			}
		}
		if (v6 == 0) != (want == "1") {
			t.Errorf("%s: %d IPv6 addresses (%v)", node, v6, addrs)
		}
	}

	all := oneNode(t)
	all.Name += "a"
	all.IPv6 = true
	la := newLab(t, all)
	if _, err := la.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	ns, err := cfg().Open(lab.Netns(all.Name, "h1"))
	must(t, err)
	if v, err := ns.Sysctl("net.ipv6.conf.all.disable_ipv6", nil); err != nil || v != "0" {
		t.Errorf("lab ipv6=true: disable_ipv6 = %q, %v", v, err)
	}
}

// TestBridgePortLimitIsASpecError: a bridge node with more link ends than
// a Linux bridge holds ports is refused before anything is made.
func TestBridgePortLimitIsASpecError(t *testing.T) {
	star := func(hosts int) lab.Spec {
		s := oneNode(t)
		s.Nodes = map[string]lab.Node{"sw": {Bridge: "br0"}}
		for i := range hosts {
			h := fmt.Sprintf("h%d", i)
			s.Nodes[h] = lab.Node{}
			s.Links = append(s.Links, lab.Link{Ends: [2]lab.End{{h, "eth0"}, {"sw", fmt.Sprintf("p%d", i)}}})
		}
		return s
	}
	if _, err := lab.New(cfg(), star(core.BridgeMaxPorts), lab.Options{}); err != nil {
		t.Errorf("%d ports: %v", core.BridgeMaxPorts, err)
	}
	_, err := lab.New(cfg(), star(core.BridgeMaxPorts+1), lab.Options{})
	if err == nil || !strings.Contains(err.Error(), "nodes.sw: bridge br0 would have 1025 ports; a Linux bridge holds at most 1024") {
		t.Errorf("1025 ports: %v", err)
	}
}

// TestUpWarnsOnceAboutHostLimits: Up of a lab the host's limits are too
// low for writes one warning line naming the limits and nssh doctor, the
// first time only; a lab within the limits gets none. The inotify limits
// count only for labs whose nodes run services.
func TestUpWarnsOnceAboutHostLimits(t *testing.T) {
	low := []core.HostLimit{{Name: "net.core.netdev_max_backlog", Value: 1000, Need: 3000},
		{Name: "fs.inotify.max_user_instances", Value: 128, Need: 200}, // no services: not named
		{Name: "MemAvailable", Value: 10, Need: 5}}
	defer lab.SetHostLimits(func(int) []core.HostLimit { return low })()
	var warnings bytes.Buffer
	spec := oneNode(t)
	l, err := lab.New(cfg(), spec, lab.Options{Warnings: &warnings})
	must(t, err)
	t.Cleanup(func() { l.Down(context.Background()) })
	for range 2 {
		if _, err := l.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := fmt.Sprintf("nssh: warning: lab %s (1 hosts) exceeds host limits: net.core.netdev_max_backlog 1000 < 3000; see `nssh doctor --hosts 1` (--fix raises them)\n", spec.Name)
	if warnings.String() != want {
		t.Errorf("warnings %q, want %q", warnings.String(), want)
	}

	low = low[1:] // within every limit that matters without services
	warnings.Reset()
	ok := oneNode(t)
	ok.Name += "b"
	l2, err := lab.New(cfg(), ok, lab.Options{Warnings: &warnings})
	must(t, err)
	t.Cleanup(func() { l2.Down(context.Background()) })
	if _, err := l2.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if warnings.Len() != 0 {
		t.Errorf("warning within the limits: %q", warnings.String())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
