package luabind

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nssh/nssh/core"
)

// queueSize bounds the events the queue holds in memory. Beyond it, the
// events of the kernel watchers spill to a temporary file and those of
// spawned processes wait (see eventQueue).
const queueSize = 1024

// lifecycleKey is the source key of the add/del watcher.
const lifecycleKey = "netns"

// queued is an event with the watcher that produced it.
type queued struct {
	w  *watcher
	ev core.Event
}

// watcher is one running core watcher feeding the queue.
type watcher struct {
	key     string
	cancel  context.CancelFunc
	stopped atomic.Bool
}

// events is the event state of a Binding: one queue, written by watcher
// goroutines and drained only by the goroutine that owns L, plus the
// handlers (touched only by that goroutine).
type events struct {
	b     *Binding
	q     *eventQueue
	ready chan struct{}

	mu       sync.Mutex // guards watchers (Close may run on any goroutine)
	watchers map[string]*watcher

	// watch and watchNetlink start the core watchers (a seam for tests).
	watch        func(ctx context.Context) (<-chan core.Event, error)
	watchNetlink func(ctx context.Context, kind, ns string) (<-chan core.Event, error)

	// own holds the add/del changes this binding made while no add/del
	// watcher ran, so that the first netns.next_event() still reports a
	// namespace the script added just before (see startLifecycle).
	own []core.Event

	handlers []*handler // owner goroutine only
	nextID   int
	stopped  bool // set by netns.stop(), read by netns.wait()
}

func newEvents(b *Binding) *events {
	e := &events{
		b:            b,
		watch:        b.cfg.Watch,
		watchNetlink: b.cfg.WatchNetlink,
		ready:        make(chan struct{}, 1),
		watchers:     map[string]*watcher{},
	}
	e.q = newEventQueue(e.signal)
	return e
}

// maxOwn bounds the changes remembered before the first next_event.
const maxOwn = 256

// recording reports whether recordOwn would keep a change now, so that
// callers skip the work of describing one otherwise.
func (e *events) recording() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, running := e.watchers[lifecycleKey]
	return !running && len(e.own) < maxOwn
}

// recordOwn remembers an add/del this binding made, while no add/del
// watcher runs (when one runs, it reports the change itself).
func (e *events) recordOwn(kind, name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.watchers[lifecycleKey]; ok || len(e.own) >= maxOwn {
		return
	}
	e.own = append(e.own, core.Event{Kind: kind, Netns: name, Time: time.Now()})
}

// start starts the watcher for key unless it runs already. open starts the
// core watcher; when it returns, the watch is armed. before, if not nil,
// runs with the new watcher before its events flow (to queue replayed ones
// first).
func (e *events) start(key string, open func(ctx context.Context) (<-chan core.Event, error)) error {
	return e.startWith(key, open, nil)
}

func (e *events) startWith(key string, open func(ctx context.Context) (<-chan core.Event, error), before func(w *watcher)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.watchers[key]; ok {
		return nil
	}
	if err := e.b.ctx.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.b.ctx)
	ch, err := open(ctx)
	if err != nil {
		cancel()
		return err
	}
	w := &watcher{key: key, cancel: cancel}
	e.watchers[key] = w
	if before != nil {
		before(w)
	}
	go e.pump(ctx, w, ch)
	return nil
}

// pump moves events from a core watcher into the queue until ctx is
// cancelled or the watcher ends. It never waits for the owner goroutine,
// except for process events (see eventQueue).
func (e *events) pump(ctx context.Context, w *watcher, ch <-chan core.Event) {
	defer func() {
		go func() { // let the core watcher finish its sends and close ch
			for range ch {
			}
		}()
	}()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if ev.Time.IsZero() {
				ev.Time = time.Now()
			}
			put := e.q.put
			if w.key == procKey {
				put = e.q.putWait
			}
			if !put(ctx, queued{w: w, ev: ev}) {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// signal wakes up whoever waits on Ready.
func (e *events) signal() {
	select {
	case e.ready <- struct{}{}:
	default:
	}
}

// stop stops the watcher for key; events it already queued are dropped.
func (e *events) stop(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w, ok := e.watchers[key]; ok {
		w.stopped.Store(true)
		w.cancel()
		delete(e.watchers, key)
	}
}

// stopAll stops every watcher (Close).
func (e *events) stopAll() {
	e.mu.Lock()
	keys := make([]string, 0, len(e.watchers))
	for k := range e.watchers {
		keys = append(keys, k)
	}
	e.mu.Unlock()
	for _, k := range keys {
		e.stop(k)
	}
	e.q.close()
}

// running reports how many watchers run (for tests).
func (e *events) running() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.watchers)
}

// startLifecycle starts the add/del watcher. With replay (the first
// netns.next_event), the changes this binding made before are queued first;
// without it (netns.on), they are forgotten: a handler sees only what
// happens after it was registered.
func (e *events) startLifecycle(replay bool) error {
	return e.startWith(lifecycleKey, e.watch, func(w *watcher) {
		own := e.own
		e.own = nil
		if !replay {
			return
		}
		for _, ev := range own {
			e.q.put(e.b.ctx, queued{w: w, ev: ev})
		}
	})
}

// startNetlink starts the watcher of a netlink kind for namespace ns ("":
// every namespace).
func (e *events) startNetlink(kind, ns string) error {
	return e.start(netlinkKey(kind, ns), func(ctx context.Context) (<-chan core.Event, error) {
		return e.watchNetlink(ctx, kind, ns)
	})
}

func netlinkKey(kind, ns string) string { return kind + "\x00" + ns }
