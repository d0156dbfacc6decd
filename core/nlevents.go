package core

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// WatchNetlink reports link, addr or route changes (kind) inside the
// namespace named ns, or inside every namespace when ns is "". Namespaces
// that appear later (under the name ns, or any name) are subscribed as they
// appear, through Watch; a subscription ends when its name is deleted.
// When WatchNetlink returns, the subscriptions for the namespaces that
// exist are in place.
//
// Events are Event{Kind: kind, Netns: name, Action: "new" or "del"} with
// Attrs: link {name, index, up, carrier}, addr {dev, addr "10.0.0.1/24"},
// route {dst, via, dev, metric, table} (via and dev absent when empty).
// Each subscription remembers what it reported and reports changes only:
// "new" when an object appears or one of its reported attributes changes,
// "del" when it goes away. Objects that exist when a subscription starts
// are its starting picture and are not reported. When a consumer is so
// slow that the kernel drops notifications (ENOBUFS), the subscription
// dumps the objects again and reports the differences, so the picture
// built from the events always ends equal to the kernel's. When a
// namespace leaves the run dir, its subscription first reports what the
// kernel had queued for it, then every object of its picture as "del" (the
// objects go with the namespace; the kernel sends no deletions for them
// because the subscription's socket keeps the namespace alive until then);
// a later namespace of the same name reports only after that.
//
// The channel is closed after ctx ends.
//
// Equivalent to: `ip -n NS monitor link|address|route`, for every namespace
func (c Config) WatchNetlink(ctx context.Context, kind, ns string) (<-chan Event, error) {
	if _, ok := nlKinds[kind]; !ok {
		err := fmt.Errorf("unknown netlink event kind %q (link, addr, route): %w", kind, unix.EINVAL)
		return nil, newOpError("monitor", ns, err, err.Error())
	}
	if ns != "" {
		if err := ValidName(ns); err != nil {
			return nil, newOpError("monitor", ns, err, fmt.Sprintf("Invalid netns name %q", ns))
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	if err := c.joinLifecycle(); err != nil {
		cancel()
		return nil, err
	}
	w := &nlWatcher{cfg: c, kind: kind, filter: ns, ctx: ctx, out: make(chan Event, 256), subs: map[string]*nlSub{},
		ended: map[string]*nlSub{}}
	liveNlWatchers.add(w)
	names, err := c.Names()
	if err == nil {
		for _, name := range names {
			if ns == "" || name == ns {
				err = w.start(name, false)
				if errors.Is(err, ErrNotNetns) || errors.Is(err, ErrNamespaceGone) || errors.Is(err, unix.ENOENT) {
					err = nil // a stale entry or one deleted meanwhile
				}
				if err != nil {
					break
				}
			}
		}
	}
	if err != nil {
		cancel()
		w.stopAll()
		liveNlWatchers.remove(w)
		leaveLifecycle(c.RunDir)
		return nil, err
	}
	go w.finish(cancel)
	return w.out, nil
}

// nlWatcher merges the subscriptions of one WatchNetlink call.
type nlWatcher struct {
	cfg     Config
	kind    string
	filter  string
	ctx     context.Context
	out     chan Event
	startMu sync.Mutex // one start at a time: no double subscription
	mu      sync.Mutex
	subs    map[string]*nlSub
	ended   map[string]*nlSub // per name, the last subscription stopped and still reporting
	wg      sync.WaitGroup
}

// liveNlWatchers are this process's netlink watchers, so that Add and
// Attach can subscribe them to a new namespace before returning: the
// changes a script makes right after netns.add are then never missed.
var liveNlWatchers nlWatcherSet

type nlWatcherSet struct {
	sync.Mutex
	set map[*nlWatcher]bool
}

func (s *nlWatcherSet) add(w *nlWatcher) {
	s.Lock()
	defer s.Unlock()
	if s.set == nil {
		s.set = map[*nlWatcher]bool{}
	}
	s.set[w] = true
}

func (s *nlWatcherSet) remove(w *nlWatcher) {
	s.Lock()
	defer s.Unlock()
	delete(s.set, w)
}

// quietBirths are the namespaces AddWith made with a setup step: what they
// had when they became visible is their starting state, not news, however
// a watcher learns of them (AddWith's own subscribeNew, or the add event
// of the run dir, which may come first).
var quietBirths = struct {
	sync.Mutex
	m map[nsKey]bool
}{m: map[nsKey]bool{}}

func markQuietBirth(k nsKey) {
	quietBirths.Lock()
	quietBirths.m[k] = true
	quietBirths.Unlock()
}

// forgetQuietBirth drops the mark of a namespace whose name was deleted.
func forgetQuietBirth(k nsKey) {
	quietBirths.Lock()
	delete(quietBirths.m, k)
	quietBirths.Unlock()
}

func quietBirth(k nsKey) bool {
	quietBirths.Lock()
	defer quietBirths.Unlock()
	return quietBirths.m[k]
}

// subscribeNew subscribes the watchers of runDir that cover name to the
// namespace just mounted there (called by Add and Attach); fresh reports
// the objects it has as new.
func subscribeNew(runDir, name string, fresh bool) {
	liveNlWatchers.Lock()
	var ws []*nlWatcher
	for w := range liveNlWatchers.set {
		if w.cfg.RunDir == runDir && (w.filter == "" || w.filter == name) && w.ctx.Err() == nil {
			ws = append(ws, w)
		}
	}
	liveNlWatchers.Unlock()
	for _, w := range ws {
		_ = w.start(name, fresh) // on failure the lifecycle event retries
	}
}

// start subscribes to the namespace called name (replacing a subscription
// to an older namespace of that name); fresh reports its objects as new.
func (w *nlWatcher) start(name string, fresh bool) error {
	w.startMu.Lock()
	defer w.startMu.Unlock()
	if w.ctx.Err() != nil {
		return w.ctx.Err()
	}
	ns, err := w.cfg.Open(name)
	if err != nil {
		return err
	}
	w.mu.Lock()
	old := w.subs[name]
	w.mu.Unlock()
	if old != nil {
		if old.ns.Same(ns) {
			return nil
		}
		w.stop(name)
	}
	s, err := subscribe(w.kind, ns, w.send, fresh && !quietBirth(ns.key()))
	if err != nil {
		return err
	}
	w.mu.Lock()
	if prev := w.ended[name]; prev != nil {
		s.after = prev.done // its last events come first
	}
	w.subs[name] = s
	w.mu.Unlock()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		s.run(w.ctx)
		w.mu.Lock()
		if w.ended[name] == s {
			delete(w.ended, name)
		}
		w.mu.Unlock()
	}()
	return nil
}

// stop ends the subscription to the namespace that had the name: it
// reports what it still has queued and its objects as deleted, then closes
// (see nlSub.end).
func (w *nlWatcher) stop(name string) {
	w.mu.Lock()
	s := w.subs[name]
	delete(w.subs, name)
	if s != nil {
		w.ended[name] = s
	}
	w.mu.Unlock()
	if s != nil {
		s.end()
	}
}

func (w *nlWatcher) stopAll() {
	w.startMu.Lock() // a start that checked ctx before it ended finishes first
	defer w.startMu.Unlock()
	w.mu.Lock()
	subs := w.subs
	w.subs = map[string]*nlSub{}
	w.mu.Unlock()
	for _, s := range subs {
		s.close()
	}
}

// send delivers an event; false once the watcher is closing.
func (w *nlWatcher) send(ev Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// lifecycle follows a namespace appearing or leaving the run dir (from
// the shared lifecycle watcher, see lifecycleHub).
func (w *nlWatcher) lifecycle(ev Event) {
	if w.filter != "" && ev.Netns != w.filter {
		return
	}
	switch ev.Kind {
	case "add":
		_ = w.start(ev.Netns, true) // a namespace gone again already: nothing to watch
	case "del":
		// The shared watcher may report a del late, after Add already
		// subscribed a new namespace of that name: keep a subscription
		// whose namespace still has the name. Under startMu, so that a
		// start cannot put a new subscription in place meanwhile.
		w.startMu.Lock()
		defer w.startMu.Unlock()
		w.mu.Lock()
		s := w.subs[ev.Netns]
		w.mu.Unlock()
		if s == nil {
			return
		}
		if cur, err := w.cfg.Open(ev.Netns); err == nil && cur.Same(s.ns) {
			return
		}
		w.stop(ev.Netns)
	}
}

// finish waits for ctx to end, then leaves the shared lifecycle watcher,
// closes every subscription and, once their readers are done, the channel.
func (w *nlWatcher) finish(cancel context.CancelFunc) {
	defer cancel()
	<-w.ctx.Done()
	liveNlWatchers.remove(w)
	leaveLifecycle(w.cfg.RunDir)
	w.stopAll()
	w.wg.Wait()
	close(w.out)
}
