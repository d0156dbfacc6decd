package core_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
)

// inotifyFds counts this process's inotify instances.
func inotifyFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		l, err := os.Readlink("/proc/self/fd/" + e.Name())
		if os.IsPermission(err) {
			// A test binary started through su is not dumpable: its fd
			// links are root's to read.
			t.Skipf("cannot read /proc/self/fd links as this user: %v", err)
		}
		if l == "anon_inode:inotify" {
			n++
		}
	}
	return n
}

// TestNetlinkWatchersShareOneInotify starts more filtered netlink watchers
// than the default fs.inotify.max_user_instances (128): they share one
// inotify instance, each still follows its namespace, and the instance
// goes with the last watcher.
func TestNetlinkWatchersShareOneInotify(t *testing.T) {
	c := cfg()
	before := inotifyFds(t)
	ctx, cancel := context.WithCancel(context.Background())
	base := nstest.Name(t)
	var chans []<-chan core.Event
	for i := 0; i < 200; i++ {
		ch, err := c.WatchNetlink(ctx, "link", fmt.Sprintf("%s-%d", base, i))
		if err != nil {
			cancel()
			t.Fatalf("watcher %d: %v", i, err)
		}
		chans = append(chans, ch)
	}
	// An earlier test's watcher may still hold the shared instance: then
	// the 200 add none.
	if got := inotifyFds(t) - before; got > 1 {
		t.Errorf("200 watchers hold %d more inotify instances, want at most 1", got)
	}
	// The last watcher still follows its namespace from its creation on.
	name := fmt.Sprintf("%s-%d", base, 199)
	ns, err := c.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Delete(name)
	if err := ns.LinkSet("lo", core.LinkChange{Up: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, chans[199]); ev.Kind != "link" || ev.Netns != name {
		t.Fatalf("got %+v", ev)
	}
	cancel()
	for _, ch := range chans {
		for range ch {
		}
	}
	// The shared instance is closed by its own goroutine once the last
	// watcher ended: wait for that (the guard only keeps a bug from
	// hanging the test). An earlier test's watcher that held it when the
	// test began may end meanwhile too, so fewer than before is fine.
	for i := 0; inotifyFds(t) > before; i++ {
		if i == 1000 {
			t.Fatalf("inotify instances after the watchers ended: %d, before: %d", inotifyFds(t), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
