package tests

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
)

// TestWiringConcurrentThreadAudit runs wiring operations from many
// goroutines at once (handles, veths across namespaces, addresses, routes,
// sysctls through fds opened inside namespaces, ping sockets, netlink
// subscriptions) while a watcher follows every namespace, then checks that
// no thread of the process is left in a foreign namespace and that the
// watcher's goroutines end with it.
func TestWiringConcurrentThreadAudit(t *testing.T) {
	c := core.DefaultConfig()
	home, err := nstest.HomeNamespaces()
	if err != nil {
		t.Fatal(err)
	}
	goroutines := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	links, err := c.WatchNetlink(ctx, "link", "")
	if err != nil {
		t.Fatal(err)
	}
	drained := make(chan int)
	go func() {
		n := 0
		for range links {
			n++
		}
		drained <- n
	}()

	const workers, rounds = 8, 12
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				if err := wiringRound(c, fmt.Sprintf("s%d-%d", w, r)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	cancel()
	if n := <-drained; n == 0 {
		t.Error("the watcher saw no link event")
	}
	bad, err := nstest.ThreadAudit(home)
	if err != nil || len(bad) > 0 {
		t.Fatalf("threads left in foreign namespaces: %v %v", bad, err)
	}
	// Subscription goroutines end once the watch is cancelled (allow the
	// runtime a moment to retire them; this is a leak check, not timing).
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > goroutines+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines+2 {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left (started with %d):\n%s", n, goroutines, buf[:runtime.Stack(buf, true)])
	}
	if names, _ := c.Names(); len(names) != 0 {
		t.Fatalf("namespaces left: %v", names)
	}
}

// wiringRound builds a two-host link, uses it and removes it.
func wiringRound(c core.Config, prefix string) error {
	a, err := c.Add(prefix + "a")
	if err != nil {
		return err
	}
	defer c.Delete(a.Name)
	b, err := c.Add(prefix + "b")
	if err != nil {
		return err
	}
	defer c.Delete(b.Name)
	if err := core.Veth(a, "eth0", b, "a-long-peer-name-0", core.VethOptions{Up: true}); err != nil {
		return err
	}
	steps := []func() error{
		func() error { return a.AddrAdd("eth0", "10.1.0.1/24") },
		func() error { return b.AddrAdd("a-long-peer-name-0", "10.1.0.2/24") },
		func() error { return a.RouteAdd(core.Route{Dst: "10.2.0.0/16", Via: "10.1.0.2"}) },
		func() error { _, err := b.Sysctl("net.ipv4.ip_forward", ptrTo("1")); return err },
		func() error {
			r, err := core.Ping(context.Background(), a, "10.1.0.2", core.PingOptions{Timeout: 5 * time.Second})
			if err == nil && !r.OK {
				err = fmt.Errorf("%s: no ping reply%s", prefix, arpOverflowNote())
			}
			return err
		},
		func() error { _, err := a.Routes(); return err },
		func() error { return b.LinkDel("a-long-peer-name-0") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }

// arpOverflowNote explains a lost ping when the kernel's neighbour table,
// which all network namespaces of the machine share (gc_thresh3, 1024 by
// default), is full: then ARP cannot resolve and the first packets drop.
func arpOverflowNote() string {
	b, err := os.ReadFile("/proc/net/stat/arp_cache")
	if err != nil {
		return ""
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 {
		return ""
	}
	f := strings.Fields(lines[1])
	if len(f) < 13 {
		return ""
	}
	entries, _ := strconv.ParseInt(f[0], 16, 64)
	fulls, _ := strconv.ParseInt(f[12], 16, 64)
	if fulls == 0 {
		return ""
	}
	return fmt.Sprintf(" (the machine-wide ARP table holds %d entries and overflowed %d times: another workload fills it)", entries, fulls)
}
