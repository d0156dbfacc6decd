package lab_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"github.com/nssh/nssh/lab"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { nstest.Main(m) }

func cfg() core.Config { return core.DefaultConfig() }

// demo is the lab of the README's "Labs as code", named after the test.
func demo(t *testing.T) lab.Spec {
	t.Helper()
	name := strings.TrimPrefix(nstest.Name(t), "nssh-test-")
	p := netip.MustParsePrefix
	return lab.Spec{
		Name: "t" + name,
		Nodes: map[string]lab.Node{
			"h1": {}, "h2": {},
			"r1": {Sysctl: map[string]string{"net.ipv4.ip_forward": "1"}},
		},
		Links: []lab.Link{
			{Ends: [2]lab.End{{"h1", "eth0"}, {"r1", "eth1"}},
				Addrs: [2][]netip.Prefix{{p("10.0.1.2/24")}, {p("10.0.1.1/24")}}},
			{Ends: [2]lab.End{{"h2", "eth0"}, {"r1", "eth2"}},
				Addrs: [2][]netip.Prefix{{p("10.0.2.2/24")}, {p("10.0.2.1/24")}}},
		},
		Routes: map[string][]lab.Route{
			"h1": {{Via: netip.MustParseAddr("10.0.1.1")}},
			"h2": {{Via: netip.MustParseAddr("10.0.2.1")}},
		},
	}
}

func newLab(t *testing.T, spec lab.Spec) *lab.Lab {
	t.Helper()
	l, err := lab.New(cfg(), spec, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := l.Down(context.Background()); err != nil {
			t.Errorf("cleanup down: %v", err)
		}
	})
	return l
}

func ip(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestUpTwiceSecondMakesNoChanges(t *testing.T) {
	spec := demo(t)
	l := newLab(t, spec)
	ch, err := l.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"add netns " + spec.Name + "-h1",
		"add link " + spec.Name + "-h1:eth0 veth peer " + spec.Name + "-r1:eth1",
		"add addr " + spec.Name + "-r1:eth1 10.0.1.1/24",
		"set sysctl " + spec.Name + "-r1 net.ipv4.ip_forward=1",
		"add route " + spec.Name + "-h2 default via 10.0.2.1",
	}
	got := texts(ch)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("first up: missing change %q in %q", w, got)
		}
	}
	again, err := l.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("second up made changes: %q", texts(again))
	}
	m, err := l.Check(context.Background(), lab.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !m["h1"]["h2"].OK || !m["h2"]["h1"].OK || len(m) != 3 {
		t.Errorf("check through the router: %v", m)
	}
}

func TestUpRepairsDriftAndPlanChangesNothing(t *testing.T) {
	spec := demo(t)
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	h1, r1 := spec.Name+"-h1", spec.Name+"-r1"
	ip(t, "-n", h1, "link", "set", "eth0", "down")
	ip(t, "-n", r1, "addr", "del", "10.0.1.1/24", "dev", "eth1")
	// (setting eth0 down also removed h1's default route through it)
	before := ip(t, "-n", h1, "-d", "link") + ip(t, "-n", r1, "addr")

	plan, err := l.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"set link " + h1 + ":eth0 up",
		"add addr " + r1 + ":eth1 10.0.1.1/24",
		"add route " + h1 + " default via 10.0.1.1",
	}
	if got := texts(plan); !slices.Equal(got, want) {
		t.Errorf("plan = %q, want %q", got, want)
	}
	if after := ip(t, "-n", h1, "-d", "link") + ip(t, "-n", r1, "addr"); after != before {
		t.Errorf("plan changed the kernel:\n%s\n---\n%s", before, after)
	}
	up, err := l.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(up); !slices.Equal(got, want) {
		t.Errorf("up = %q, want %q", got, want)
	}
	if again, _ := l.Plan(context.Background()); len(again) != 0 {
		t.Errorf("plan after repair: %q", texts(again))
	}
}

func TestDownRemovesOnlyWhatTheLabOwns(t *testing.T) {
	spec := demo(t)
	// An ip-made namespace with a lab-like name, and an ip-made link.
	other := spec.Name + "x"
	foreign := other + "-h9"
	ip(t, "netns", "add", foreign)
	defer ip(t, "netns", "del", foreign)
	ip(t, "-n", foreign, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
	ip(t, "link", "add", "iptest0", "type", "veth", "peer", "name", "iptest1")
	defer ip(t, "link", "del", "iptest0")

	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A lab that names the foreign namespace as a node must refuse it.
	bad := spec
	bad.Name = other
	bad.Nodes = map[string]lab.Node{"h9": {}}
	bad.Links, bad.Routes = nil, nil
	bl, err := lab.New(cfg(), bad, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bl.Up(context.Background()); !errors.Is(err, lab.ErrNotOwned) {
		t.Errorf("up over an ip-made namespace: err = %v, want ErrNotOwned", err)
	}
	if _, err := bl.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	ch, err := l.Down(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 3 {
		t.Errorf("down: %q, want 3 namespaces", texts(ch))
	}
	list := ip(t, "netns", "list")
	if strings.TrimSpace(list) != foreign {
		t.Errorf("after down, ip netns list = %q, want only %s", list, foreign)
	}
	if !strings.Contains(ip(t, "-n", foreign, "link"), "eth0@eth1") {
		t.Error("down touched the link in the ip-made namespace")
	}
	if !strings.Contains(ip(t, "link"), "iptest0@iptest1") {
		t.Error("down touched the ip-made link")
	}
	if _, err := os.Stat(cfg().StateDir + "/labs/" + spec.Name + ".json"); !os.IsNotExist(err) {
		t.Errorf("state file left: %v", err)
	}
}

func TestLongInterfaceNamesGetShortKernelNameAndAltname(t *testing.T) {
	spec := lab.Spec{
		Name:  "t" + strings.TrimPrefix(nstest.Name(t), "nssh-test-"),
		Nodes: map[string]lab.Node{"a": {}, "sw": {Bridge: "bridge-with-a-long-name"}},
		Links: []lab.Link{{Ends: [2]lab.End{{"a", "uplink-to-the-switch"}, {"sw", "port-a-very-long-name"}}}},
	}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := ip(t, "-n", spec.Name+"-a", "link", "show", "dev", "uplink-to-the-switch")
	short := core.KernelName("uplink-to-the-switch")
	if len(short) > 15 || !strings.Contains(out, short+"@") || !strings.Contains(out, "altname uplink-to-the-switch") {
		t.Errorf("long name: want kernel name %s and altname:\n%s", short, out)
	}
	sw := ip(t, "-n", spec.Name+"-sw", "link", "show", "dev", "port-a-very-long-name")
	if !strings.Contains(sw, "master "+core.KernelName("bridge-with-a-long-name")) {
		t.Errorf("port not enslaved to the long-named bridge:\n%s", sw)
	}
	if again, err := l.Up(context.Background()); err != nil || len(again) != 0 {
		t.Errorf("second up: %q, %v", texts(again), err)
	}
}

func TestInvalidSpecChangesNothing(t *testing.T) {
	p := netip.MustParsePrefix
	cases := map[string]lab.Spec{
		"bad lab name":  {Name: "a/b", Nodes: map[string]lab.Node{"h": {}}},
		"no nodes":      {Name: "x"},
		"unknown node":  {Name: "x", Nodes: map[string]lab.Node{"h": {}}, Links: []lab.Link{{Ends: [2]lab.End{{"h", "e0"}, {"z", "e0"}}}}},
		"same node":     {Name: "x", Nodes: map[string]lab.Node{"h": {}}, Links: []lab.Link{{Ends: [2]lab.End{{"h", "e0"}, {"h", "e1"}}}}},
		"dev twice":     {Name: "x", Nodes: map[string]lab.Node{"h": {}, "g": {}, "k": {}}, Links: []lab.Link{{Ends: [2]lab.End{{"h", "e0"}, {"g", "e0"}}}, {Ends: [2]lab.End{{"h", "e0"}, {"k", "e0"}}}}},
		"bad dev":       {Name: "x", Nodes: map[string]lab.Node{"h": {}, "g": {}}, Links: []lab.Link{{Ends: [2]lab.End{{"h", "e/0"}, {"g", "e0"}}}}},
		"host sysctl":   {Name: "x", Nodes: map[string]lab.Node{"h": {Sysctl: map[string]string{"kernel.hostname": "x"}}}},
		"route no via":  {Name: "x", Nodes: map[string]lab.Node{"h": {}}, Routes: map[string][]lab.Route{"h": {{}}}},
		"route unknown": {Name: "x", Nodes: map[string]lab.Node{"h": {}}, Routes: map[string][]lab.Route{"z": {{Dev: "e0"}}}},
		"port addr":     {Name: "x", Nodes: map[string]lab.Node{"h": {}, "s": {Bridge: "br0"}}, Links: []lab.Link{{Ends: [2]lab.End{{"h", "e0"}, {"s", "p0"}}, Addrs: [2][]netip.Prefix{nil, {p("10.0.0.1/24")}}}}},
	}
	// One shape: "lab NAME: SUBJECT: reason", the subject named as in the
	// description (nodes.h, links[2], routes.h[1]).
	shape := regexp.MustCompile(`^lab (x: (nodes(\.[a-z]+)?|links\[\d+\]|routes\.[a-z]+(\[\d+\])?): |x: no nodes$|name "a/b": )`)
	for name, spec := range cases {
		_, err := lab.New(cfg(), spec, lab.Options{})
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if !shape.MatchString(err.Error()) {
			t.Errorf("%s: %q does not name its subject as the description does", name, err)
		}
	}
	if names, _ := cfg().Names(); len(names) != 0 {
		t.Errorf("run dir not empty: %v", names)
	}
}

func texts(ch []lab.Change) []string {
	out := make([]string, len(ch))
	for i, c := range ch {
		out[i] = c.String()
	}
	return out
}

func TestNetemIsAppliedOnceAndRepaired(t *testing.T) {
	spec := demo(t)
	spec.Links[0].Netem = [2]*core.Netem{{Delay: 5 * time.Millisecond, Loss: 1}, nil}
	l := newLab(t, spec)
	ch, err := l.Up(context.Background())
	if errors.Is(err, core.ErrUnsupported) {
		t.Skipf("kernel without sch_netem: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := "set netem " + spec.Name + "-h1:eth0 delay 5ms loss 1%"
	if !slices.Contains(texts(ch), want) {
		t.Errorf("first up: no %q in %q", want, texts(ch))
	}
	if again, err := l.Up(context.Background()); err != nil || len(again) != 0 {
		t.Errorf("second up: %q, %v", texts(again), err)
	}
	ip(t, "-n", spec.Name+"-h1", "link", "set", "eth0", "down") // no effect on netem
	ns, err := cfg().Open(spec.Name + "-h1")
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Netem("eth0", nil); err != nil {
		t.Fatal(err)
	}
	plan, err := l.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(texts(plan), want) {
		t.Errorf("plan after netem removed by hand: %q, want %q", texts(plan), want)
	}
}

// TestIPv6LabAnswersRightAfterUp checks that up() returns only once the
// kernel accepts packets for the lab's IPv6 addresses: it installs their
// local routes from a work queue after acknowledging the add.
func TestIPv6LabAnswersRightAfterUp(t *testing.T) {
	shared := nstest.ReadShared()
	spec := lab.Spec{
		Name:  "t" + strings.TrimPrefix(nstest.Name(t), "nssh-test-"),
		Nodes: map[string]lab.Node{"h0": {}},
	}
	const hosts = 8
	for i := 1; i <= hosts; i++ {
		h := "h" + strconv.Itoa(i)
		spec.Nodes[h] = lab.Node{}
		spec.Links = append(spec.Links, lab.Link{
			Ends: [2]lab.End{{"h0", "eth" + strconv.Itoa(i)}, {h, "eth0"}},
			Addrs: [2][]netip.Prefix{
				{netip.MustParsePrefix(fmt.Sprintf("fd07:%x::1/64", i))},
				{netip.MustParsePrefix(fmt.Sprintf("fd07:%x::2/64", i))},
			},
		})
	}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Last link first: its addresses were the last added. In-process,
	// because an ip subprocess takes long enough to hide the race.
	for i := hosts; i >= 1; i-- {
		h, release, err := cfg().Get(lab.Netns(spec.Name, "h"+strconv.Itoa(i))).Handle()
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		routes, err := h.RouteListFiltered(netlink.FAMILY_V6,
			&netlink.Route{Table: unix.RT_TABLE_LOCAL}, netlink.RT_FILTER_TABLE)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("fd07:%x::2", i)
		if !slices.ContainsFunc(routes, func(r netlink.Route) bool {
			return r.Type == unix.RTN_LOCAL && r.Dst != nil && r.Dst.IP.String() == want
		}) {
			t.Fatalf("right after up, h%d has no local route for %s", i, want)
		}
	}
	hub := cfg().Get(lab.Netns(spec.Name, "h0"))
	for i := 1; i <= hosts; i++ {
		dst := fmt.Sprintf("fd07:%x::2", i)
		r, err := core.Ping(context.Background(), hub, dst, core.PingOptions{Timeout: time.Second})
		if err != nil || !r.OK {
			t.Errorf("ping %s right after up: %+v %v; %s", dst, r, err, shared.Since())
		}
	}
}

// A link set down and up again has its carrier back at once but forwards
// only once the kernel's link work queue has run (up to a second later,
// since it batches events after a recent one): up() repairs the link and
// returns only when every link that has a carrier is operationally up.
func TestUpReturnsRepairedLinksForwarding(t *testing.T) {
	spec := demo(t)
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	r1 := spec.Name + "-r1"
	for round := 0; round < 3; round++ {
		ip(t, "-n", r1, "link", "set", "eth1", "down")
		if _, err := l.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, node := range []string{"h1", "r1"} {
			out := ip(t, "-n", lab.Netns(spec.Name, node), "-o", "link")
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.Contains(line, ",UP,LOWER_UP") && !strings.Contains(line, "state UP") && !strings.Contains(line, "state UNKNOWN") {
					t.Errorf("round %d: up() returned before a link forwards: %s", round, line)
				}
			}
		}
	}
}

// TestUpReplacingABrokenPairRestoresItsRoutes: up() deletes the lone end of
// a pair broken by hand and makes the pair again; the kernel deleted the
// routes through that end with it, so the same up() (and the plan before
// it) adds them back, and a second plan finds nothing to do.
func TestUpReplacingABrokenPairRestoresItsRoutes(t *testing.T) {
	spec := demo(t)
	l := newLab(t, spec)
	ctx := context.Background()
	if _, err := l.Up(ctx); err != nil {
		t.Fatal(err)
	}
	h1, r1, away := spec.Name+"-h1", spec.Name+"-r1", spec.Name+"-away"
	ip(t, "netns", "add", away)
	t.Cleanup(func() { ip(t, "netns", "del", away) })
	ip(t, "-n", r1, "link", "set", "eth1", "netns", away) // h1:eth0 is a lone end now

	want := []string{
		"del link " + h1 + ":eth0 lone end of a broken pair",
		"add link " + h1 + ":eth0 veth peer " + r1 + ":eth1",
		"add addr " + h1 + ":eth0 10.0.1.2/24",
		"add addr " + r1 + ":eth1 10.0.1.1/24",
		"add route " + h1 + " default via 10.0.1.1",
	}
	plan, err := l.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(plan); !slices.Equal(got, want) {
		t.Errorf("plan = %q, want %q", got, want)
	}
	up, err := l.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(up); !slices.Equal(got, want) {
		t.Errorf("up = %q, want %q", got, want)
	}
	if again, err := l.Plan(ctx); err != nil || len(again) != 0 {
		t.Errorf("plan after up: %q, %v", texts(again), err)
	}
	if m, err := l.Check(ctx, lab.CheckOptions{}); err != nil || !m["h1"]["h2"].OK {
		t.Errorf("h1 -> h2 through the router after up: %v, %v", m, err)
	}
}
