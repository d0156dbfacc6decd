package core_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"golang.org/x/sys/unix"
)

// waitEvent reads ch until match accepts an event; it fails the test after
// a generous deadline (a missing event, not a slow one). Every event read
// is passed to seen when not nil.
func waitEvent(t *testing.T, ch <-chan core.Event, seen func(core.Event), match func(core.Event) bool) core.Event {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("event channel closed")
			}
			if seen != nil {
				seen(ev)
			}
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatal("expected event never came")
		}
	}
}

func watch(t *testing.T, kind, ns string) <-chan core.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := cfg().WatchNetlink(ctx, kind, ns)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		for range ch { // the channel must close once ctx ends
		}
	})
	return ch
}

func TestNetlinkEventsLinkAddrRoute(t *testing.T) {
	auditThreads(t)
	a, b := newNS(t), newNS(t)
	links := watch(t, "link", "")
	addrs := watch(t, "addr", a.Name)
	routes := watch(t, "route", a.Name)

	must(t, core.Veth(a, "eth0", b, "eth1", core.VethOptions{}))
	ev := waitEvent(t, links, nil, func(ev core.Event) bool { return ev.Netns == b.Name && ev.Attrs["name"] == "eth1" })
	if ev.Kind != "link" || ev.Action != "new" || ev.Attrs["up"] != false || ev.Attrs["index"].(int) <= 1 {
		t.Fatalf("link event = %+v", ev)
	}
	must(t, a.LinkSet("eth0", core.LinkChange{Up: ptr(true)}))
	waitEvent(t, links, nil, func(ev core.Event) bool {
		return ev.Netns == a.Name && ev.Attrs["name"] == "eth0" && ev.Attrs["up"] == true
	})

	must(t, b.AddrAdd("eth1", "10.6.0.2/24")) // filtered out: b is not watched for addr
	must(t, a.AddrAdd("eth0", "10.6.0.1/24"))
	noB := func(ev core.Event) {
		if ev.Netns != a.Name {
			t.Errorf("event from an unwatched namespace: %+v", ev)
		}
	}
	ev = waitEvent(t, addrs, noB, func(ev core.Event) bool { return ev.Attrs["addr"] == "10.6.0.1/24" })
	if ev.Action != "new" || ev.Attrs["dev"] != "eth0" {
		t.Fatalf("addr event = %+v", ev)
	}
	must(t, a.RouteAdd(core.Route{Dst: "10.8.0.0/16", Via: "10.6.0.2"}))
	ev = waitEvent(t, routes, noB, func(ev core.Event) bool { return ev.Attrs["dst"] == "10.8.0.0/16" })
	if ev.Action != "new" || ev.Attrs["via"] != "10.6.0.2" || ev.Attrs["dev"] != "eth0" {
		t.Fatalf("route event = %+v", ev)
	}
	must(t, a.RouteDel(core.Route{Dst: "10.8.0.0/16"}))
	waitEvent(t, routes, noB, func(ev core.Event) bool { return ev.Action == "del" && ev.Attrs["dst"] == "10.8.0.0/16" })
	must(t, a.AddrDel("eth0", "10.6.0.1/24"))
	waitEvent(t, addrs, noB, func(ev core.Event) bool { return ev.Action == "del" && ev.Attrs["addr"] == "10.6.0.1/24" })
	must(t, b.LinkDel("eth1"))
	ev = waitEvent(t, links, nil, func(ev core.Event) bool { return ev.Action == "del" && ev.Netns == a.Name })
	if ev.Attrs["name"] != "eth0" {
		t.Fatalf("link del event = %+v", ev)
	}

	if _, err := cfg().WatchNetlink(context.Background(), "neigh", ""); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("unknown kind: %v", err)
	}
}

// TestNetlinkEventsLaterNamespace watches a name that does not exist yet:
// once it appears, its objects and changes are reported.
func TestNetlinkEventsLaterNamespace(t *testing.T) {
	auditThreads(t)
	c := cfg()
	name := fmt.Sprintf("later-%d", time.Now().UnixNano()%100000)
	links := watch(t, "link", name)
	other := newNS(t)
	ns, err := c.Add(name)
	must(t, err)
	t.Cleanup(func() { c.Delete(name) })
	must(t, core.Veth(ns, "eth0", other, "eth0", core.VethOptions{Up: true}))
	seen := func(ev core.Event) {
		if ev.Netns != name {
			t.Errorf("event from another namespace: %+v", ev)
		}
	}
	waitEvent(t, links, seen, func(ev core.Event) bool { return ev.Attrs["name"] == "eth0" && ev.Attrs["up"] == true })
	// Deleted and created again under the same name: the new one is watched.
	must(t, c.Delete(name))
	ns, err = c.Add(name)
	must(t, err)
	_, err = ns.LinkAdd(core.LinkSpec{Name: "br9", Type: "bridge"})
	must(t, err)
	waitEvent(t, links, seen, func(ev core.Event) bool { return ev.Attrs["name"] == "br9" })
}

// TestNetlinkEventsOverrun shrinks the socket buffer, stalls the consumer
// while hundreds of addresses change, and checks that the picture built
// from the events ends equal to the kernel's (resync after ENOBUFS).
func TestNetlinkEventsOverrun(t *testing.T) {
	auditThreads(t)
	ns := newNS(t)
	old := core.SetNetlinkRcvBufForTest(1024)
	ch := watch(t, "addr", ns.Name)
	core.SetNetlinkRcvBufForTest(old)
	before := core.NetlinkOverrunsForTest()

	picture := map[string]bool{}
	current, err := ns.Addrs("")
	must(t, err)
	for _, a := range current {
		picture[a.Addr] = true
	}
	for i := range 400 { // the watcher blocks on the unread channel meanwhile
		must(t, ns.AddrAdd("lo", fmt.Sprintf("10.%d.%d.1/32", 20+i/200, i%200)))
	}
	for i := range 150 {
		must(t, ns.AddrDel("lo", fmt.Sprintf("10.%d.%d.1/32", 20+i/200, i%200)))
	}
	want := map[string]bool{}
	current, err = ns.Addrs("")
	must(t, err)
	for _, a := range current {
		want[a.Addr] = true
	}
	apply := func(ev core.Event) {
		if ev.Action == "new" {
			picture[ev.Attrs["addr"].(string)] = true
		} else {
			delete(picture, ev.Attrs["addr"].(string))
		}
	}
	equal := func() bool {
		if len(picture) != len(want) {
			return false
		}
		for k := range want {
			if !picture[k] {
				return false
			}
		}
		return true
	}
	waitEvent(t, ch, apply, func(core.Event) bool { return equal() })
	if core.NetlinkOverrunsForTest() == before {
		t.Fatal("the test did not overrun the socket; it proves nothing")
	}
}

// TestNetlinkEventsOfDeletedNamespace deletes a namespace (twice under one
// name) before reading any event: everything the kernel reported in it
// comes, then its links as deleted (lo last), and the next namespace of
// the name reports only after that.
func TestNetlinkEventsOfDeletedNamespace(t *testing.T) {
	auditThreads(t)
	c := cfg()
	name := fmt.Sprintf("gone-%d", time.Now().UnixNano()%100000)
	links := watch(t, "link", name)
	other := newNS(t)
	for i := 0; i < 2; i++ {
		ns, err := c.Add(name)
		must(t, err)
		must(t, core.Veth(ns, "eth0", other, fmt.Sprint("v", i), core.VethOptions{}))
		must(t, c.Delete(name))
	}
	var got []string
	ends := 0
	waitEvent(t, links, nil, func(ev core.Event) bool {
		got = append(got, fmt.Sprint(ev.Action, " ", ev.Attrs["name"]))
		if ev.Action == "del" && ev.Attrs["name"] == "lo" {
			ends++
		}
		return ends == 2
	})
	want := "[new lo new eth0 del eth0 del lo new lo new eth0 del eth0 del lo]"
	if fmt.Sprint(got) != want {
		t.Errorf("link events of %s: %v, want %s", name, got, want)
	}
}
