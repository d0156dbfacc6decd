// Package core implements named network namespaces the way iproute2's
// `ip netns` does, in-process and without touching the caller's threads.
//
// # Threads and namespaces
//
// setns(2) and unshare(2) change the calling OS thread only. Go moves
// goroutines between threads, so a thread left in a foreign namespace would
// silently run unrelated code there. In this package exactly one function,
// InNetns, switches a thread's network namespace: it runs the work on a fresh
// locked goroutine and unlocks the thread only after it is back home. A
// thread whose restore failed is never unlocked, so the runtime destroys it.
// The exec launcher (Namespace.Exec, Spawn, Config.Start) is the only other
// place that calls setns: on a throw-away locked thread that forks the
// command and then exits still locked, or in a re-executed helper process
// that immediately execs.
//
// Importing core locks the main goroutine to the main thread in init(), so
// that /proc/PID/ns/net (which reads the main thread) always shows the home
// namespace: that is what `ip netns identify` and `ip netns pids` look at.
//
// # Processes
//
// This package is the only code of nssh that forks and signals. Exec waits
// for a command; Spawn returns a Process at once, in a process group of its
// own, whose stdout and stderr are read by goroutines into bounded line
// buffers (the child never waits for nssh) and which a goroutine reaps.
// KillAll stops every process whose network namespace is the given one,
// found in /proc as `ip netns pids` finds them and signalled through
// pidfds, so that a reused pid is never hit.
//
// # Privileges
//
// Creating, attaching and deleting namespaces needs CAP_SYS_ADMIN over the
// mount namespace of the run directory; assigning ids needs CAP_NET_ADMIN.
// Inside a user namespace that owns a mount and a network namespace (what
// `unshare -Urmn` gives) every operation works on a private run directory.
// Without them, operations fail with EPERM and say what was needed.
package core
