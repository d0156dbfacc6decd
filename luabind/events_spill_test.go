package luabind

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// Spilled events come back as they went in: kinds, names, the attribute
// values Lua sees (integers of any width as int) and monotonic times.
func TestSpillRoundTrip(t *testing.T) {
	now := time.Now()
	w1, w2 := &watcher{key: "a"}, &watcher{key: "b"}
	in := []queued{
		{w1, core.Event{Kind: "add", Netns: "blue", Time: now}},
		{w2, core.Event{Kind: "link", Netns: "r1", Action: "new", Time: now.Add(time.Millisecond),
			Attrs: map[string]any{"name": "eth0", "index": 2, "up": true, "carrier": false}}},
		{w2, core.Event{Kind: "route", Netns: "r1", Action: "del", Time: now.Add(-time.Second),
			Attrs: map[string]any{"dst": "default", "metric": uint32(7), "table": int32(254), "nexthops": []map[string]any{
				{"dev": "eth0", "weight": 1, "via": "10.0.0.1"}, {"dev": "eth1", "weight": uint8(2)}}}}},
		{w1, core.Event{Kind: "del", Netns: "blue"}},
	}
	want := []queued{in[0], in[1], in[2], in[3]}
	want[2].ev.Attrs = map[string]any{"dst": "default", "metric": 7, "table": 254, "nexthops": []map[string]any{
		{"dev": "eth0", "weight": 1, "via": "10.0.0.1"}, {"dev": "eth1", "weight": 2}}}
	s, err := newSpillFile()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for round := 0; round < 2; round++ { // again after the reset
		for _, it := range in {
			if err := s.push(it); err != nil {
				t.Fatal(err)
			}
		}
		for i := range in {
			got, err := s.pop()
			if err != nil {
				t.Fatal(err)
			}
			if got.w != want[i].w {
				t.Errorf("record %d: watcher %q, want %q", i, got.w.key, want[i].w.key)
			}
			if got.ev.Time.IsZero() != want[i].ev.Time.IsZero() || !want[i].ev.Time.IsZero() && got.ev.Time.Sub(now) != want[i].ev.Time.Sub(now) {
				t.Errorf("record %d: time %v, want %v", i, got.ev.Time, want[i].ev.Time)
			}
			got.ev.Time, got.w = time.Time{}, nil
			w := want[i].ev
			w.Time = time.Time{}
			if !reflect.DeepEqual(got.ev, w) {
				t.Errorf("record %d:\n got %#v\nwant %#v", i, got.ev, w)
			}
		}
		s.reset()
	}
}

// Records larger than the read buffer, and many of them, come back whole.
func TestSpillLargeRecords(t *testing.T) {
	s, err := newSpillFile()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	w := &watcher{key: "k"}
	big := string(make([]byte, spillChunk+100))
	const n = 3000
	for i := 0; i < n; i++ {
		line := fmt.Sprint("line ", i)
		if i%1000 == 1 {
			line = big
		}
		if err := s.push(queued{w, core.Event{Kind: "output", Attrs: map[string]any{"line": line}}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		it, err := s.pop()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		want := fmt.Sprint("line ", i)
		if i%1000 == 1 {
			want = big
		}
		if it.ev.Attrs["line"] != want {
			t.Fatalf("record %d: line of %d bytes, want %d", i, len(it.ev.Attrs["line"].(string)), len(want))
		}
	}
}

// putWait (process events) never jumps the queue: it waits until the
// spilled events were taken and memory has room.
func TestQueuePutWaitKeepsOrder(t *testing.T) {
	q := newEventQueue(func() {})
	defer q.close()
	w := &watcher{key: "k"}
	ctx := context.Background()
	for i := 0; i < queueSize+10; i++ {
		q.put(ctx, queued{w, core.Event{Kind: "add", Netns: fmt.Sprint(i)}})
	}
	done := make(chan bool)
	go func() { done <- q.putWait(ctx, queued{w, core.Event{Kind: "add", Netns: "last"}}) }()
	var got []string
	for len(got) < queueSize+11 {
		if it, ok := q.get(); ok {
			got = append(got, it.ev.Netns)
			continue
		}
		if !<-done {
			t.Fatal("putWait failed")
		}
	}
	for i := 0; i < queueSize+10; i++ {
		if got[i] != fmt.Sprint(i) {
			t.Fatalf("event %d is %s, want %d", i, got[i], i)
		}
	}
	if got[len(got)-1] != "last" {
		t.Errorf("last event %s, want the waiting one", got[len(got)-1])
	}
}

// A putWait that waits because events are spilled (memory itself has room)
// is woken as the spill drains: it used to sleep until some later event
// went through memory, so a process's last output or exit event could
// wait forever.
func TestQueuePutWaitWakesAsTheSpillDrains(t *testing.T) {
	q := newEventQueue(func() {})
	defer q.close()
	w := &watcher{key: "k"}
	ctx := context.Background()
	for i := 0; i < queueSize+3; i++ {
		q.put(ctx, queued{w, core.Event{Kind: "add", Netns: fmt.Sprint(i)}})
	}
	for i := 0; i < queueSize; i++ { // memory empty, 3 spilled
		q.get()
	}
	done := make(chan bool)
	go func() { done <- q.putWait(ctx, queued{w, core.Event{Kind: "add", Netns: "last"}}) }()
	for waiting := false; !waiting; {
		q.mu.Lock()
		waiting = q.waits == 1
		q.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 3; i++ {
		if it, ok := q.get(); !ok || it.ev.Netns != fmt.Sprint(queueSize+i) {
			t.Fatalf("spilled event %d: %v %v", i, it.ev.Netns, ok)
		}
	}
	select { // a liveness guard, not a timing assertion
	case ok := <-done:
		if !ok {
			t.Fatal("putWait failed")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("putWait still waits after the spill drained")
	}
	if it, ok := q.get(); !ok || it.ev.Netns != "last" {
		t.Fatalf("the waiting event: %v %v", it.ev.Netns, ok)
	}
}
