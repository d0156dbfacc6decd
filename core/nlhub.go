package core

import (
	"context"
	"sync"
)

// The netlink watchers of a process share one lifecycle watcher (one
// inotify instance) per run dir, however many there are: one per
// netns.on(..., {ns = ...}) handler would exhaust the user's inotify
// instances (fs.inotify.max_user_instances, 128 by default) and, while
// held, keep other processes of the user from making any.
var lifecycleHubs = struct {
	sync.Mutex
	m map[string]*lifecycleHub
}{m: map[string]*lifecycleHub{}}

// lifecycleHub runs the shared Watch of one run dir while it has users.
type lifecycleHub struct {
	runDir string
	cancel context.CancelFunc
	users  int
}

// joinLifecycle makes sure the shared watcher of c.RunDir runs (armed when
// this returns) and counts one more user; leaveLifecycle undoes it.
func (c Config) joinLifecycle() error {
	lifecycleHubs.Lock()
	defer lifecycleHubs.Unlock()
	if h := lifecycleHubs.m[c.RunDir]; h != nil {
		h.users++
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := c.Watch(ctx)
	if err != nil {
		cancel()
		return err
	}
	h := &lifecycleHub{runDir: c.RunDir, cancel: cancel, users: 1}
	lifecycleHubs.m[c.RunDir] = h
	go h.run(ch)
	return nil
}

// leaveLifecycle drops one user of the shared watcher of runDir and stops
// it after the last.
func leaveLifecycle(runDir string) {
	lifecycleHubs.Lock()
	defer lifecycleHubs.Unlock()
	h := lifecycleHubs.m[runDir]
	if h == nil {
		return
	}
	if h.users--; h.users == 0 {
		h.cancel()
		delete(lifecycleHubs.m, runDir)
	}
}

// run hands every add and del of the run dir to the netlink watchers of
// that run dir, which start or stop their subscriptions (no watcher blocks
// on its consumer here).
func (h *lifecycleHub) run(ch <-chan Event) {
	for ev := range ch {
		liveNlWatchers.Lock()
		var ws []*nlWatcher
		for w := range liveNlWatchers.set {
			if w.cfg.RunDir == h.runDir && w.ctx.Err() == nil {
				ws = append(ws, w)
			}
		}
		liveNlWatchers.Unlock()
		for _, w := range ws {
			w.lifecycle(ev)
		}
	}
}
