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

// next returns the next event or fails after a generous timeout.
func next(t *testing.T, ch <-chan core.Event) core.Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
		return core.Event{}
	}
}

func TestWatchAddDel(t *testing.T) {
	c := cfg()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	before := nstest.Name(t)
	if _, err := c.Add(before); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(before)
	ch, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A placeholder that never becomes a namespace is not reported.
	stale := c.Path("stale-placeholder")
	if err := os.WriteFile(stale, nil, 0); err != nil {
		t.Fatal(err)
	}
	name := nstest.Name(t)
	if _, err := c.Add(name); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, ch); ev.Kind != "add" || ev.Netns != name {
		t.Fatalf("got %+v, want add %s", ev, name)
	}
	if err := c.Delete(name); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, ch); ev.Kind != "del" || ev.Netns != name {
		t.Fatalf("got %+v, want del %s", ev, name)
	}
	os.Remove(stale)
	cancel()
	for ev := range ch {
		t.Fatalf("unexpected event %+v (stale placeholder or the pre-existing name)", ev)
	}
}

// TestWatchOverflow blocks the consumer while far more changes happen than
// the kernel queue holds (fs.inotify.max_queued_events, 16384 by default),
// then checks that the view built from the events equals the directory.
func TestWatchOverflow(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	c := cfg()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	overflowsBefore := core.WatchOverflows.Load()
	limit := 16384
	if b, err := os.ReadFile("/proc/sys/fs/inotify/max_queued_events"); err == nil {
		fmt.Sscan(string(b), &limit)
	}
	// 1. 100 namespaces: more "add" events than the channel holds, so the
	// watcher blocks and stops reading the kernel queue.
	var names []string
	add := func(n string) {
		if _, err := c.Add(n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	for i := 0; i < 100; i++ {
		add(fmt.Sprintf("ovf-a%d", i))
	}
	defer func() {
		for _, n := range names {
			c.Delete(n)
		}
	}()
	// 2. Plain files (never namespaces) until the kernel queue overflows.
	for i := 0; i < limit+2000; i++ {
		p := c.Path(fmt.Sprintf("junk-%d", i))
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(p)
	}
	// 3. Changes whose events the kernel drops: only a rescan finds them.
	for i := 0; i < 200; i++ {
		add(fmt.Sprintf("ovf-b%d", i))
	}
	for i := 0; i < 100; i += 2 {
		if err := c.Delete(names[i]); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for i, n := range names {
		if i >= 100 || i%2 == 1 {
			want[n] = true
		}
	}
	view := map[string]bool{}
	deadline := time.After(60 * time.Second)
	for !equalSets(view, want) {
		select {
		case ev := <-ch:
			switch ev.Kind {
			case "add":
				view[ev.Netns] = true
			case "del":
				delete(view, ev.Netns)
			}
		case <-deadline:
			t.Fatalf("view never matched the directory: %d names in view, %d wanted", len(view), len(want))
		}
	}
	// Nothing further (no phantom events for the junk files).
	select {
	case ev := <-ch:
		t.Fatalf("extra event after convergence: %+v", ev)
	case <-time.After(3 * time.Second):
	}
	if core.WatchOverflows.Load() == overflowsBefore {
		t.Fatal("the kernel queue never overflowed: the test did not test recovery")
	}
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// TestWatchReportsAddsInCreationOrder adds namespaces back to back and
// expects their add events in the same order.
func TestWatchReportsAddsInCreationOrder(t *testing.T) {
	c := cfg()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := 0; i < 30; i++ {
		n := fmt.Sprintf("order-%02d", i)
		if _, err := c.Add(n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	defer func() {
		for _, n := range names {
			c.Delete(n)
		}
	}()
	for _, want := range names {
		if ev := next(t, ch); ev.Kind != "add" || ev.Netns != want {
			t.Fatalf("got %+v, want add %s", ev, want)
		}
	}
}

// TestWatchQuickAddDel: an add immediately followed by a delete, by this
// process, still gives both events.
func TestWatchQuickAddDel(t *testing.T) {
	c := cfg()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		name := fmt.Sprintf("quick-%d", i)
		if _, err := c.Add(name); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(name); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"add", "del"} {
			if ev := next(t, ch); ev.Kind != want || ev.Netns != name {
				t.Fatalf("got %+v, want %s %s", ev, want, name)
			}
		}
	}
}

// TestWatchReusedNameSlowConsumer adds and deletes one name many times,
// first while the watcher keeps up, then while nobody reads its channel
// for longer than its re-check backoff: every pair gives "add" then
// "del", none is coalesced or given up on.
func TestWatchReusedNameSlowConsumer(t *testing.T) {
	c := cfg()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := nstest.Name(t)
	const pairs = 300
	for i := 0; i < pairs; i++ {
		if _, err := c.Add(name); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(name); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2500 * time.Millisecond) // a consumer busy for longer than the backoff
	for i := 0; i < pairs; i++ {
		for _, want := range []string{"add", "del"} {
			if ev := next(t, ch); ev.Kind != want || ev.Netns != name {
				t.Fatalf("pair %d: got %+v, want %s %s", i, ev, want, name)
			}
		}
	}
}
