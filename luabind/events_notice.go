package luabind

// WatchLifecycle starts the add/del watcher now rather than with the first
// netns.on or netns.next_event, so that Dispatch reports every namespace
// added or deleted from here on, whether a handler takes it or not. The
// REPL calls it at start: its "[event] add blue" notices must not depend
// on a handler having been registered before.
func (b *Binding) WatchLifecycle() error {
	return b.ev.startLifecycle(false)
}
