package core

import "time"

// Event is a change seen by a watcher, as a plain Go value; front ends
// (Lua, the CLI) convert it.
//
//   - Kind "add" and "del": a name appeared in or left the run dir; Netns
//     is that name. "add" is reported only once the entry is a mounted
//     network namespace.
//   - Kind "link", "addr", "route": a netlink notification from inside the
//     namespace Netns; Action is "new" or "del" and Attrs holds the
//     kind's fields (link: name, index, up; addr: dev, addr; route: dst,
//     via, dev).
//
// Time is when the watcher saw the change (a monotonic reading).
type Event struct {
	Kind   string
	Netns  string
	Action string
	Attrs  map[string]any
	Time   time.Time
}
