package core

// WatchOverflows lets tests check that a kernel queue overflow happened.
var WatchOverflows = &watchOverflows

// SetGeteuid makes the file readers believe the process runs as uid; the
// returned function restores the real one.
func SetGeteuid(uid int) (restore func()) {
	old := geteuid
	geteuid = func() int { return uid }
	return func() { geteuid = old }
}

// ICMPChecksum lets tests build ICMP packets the way Ping does.
var ICMPChecksum = checksum

// SetProcRoot makes HostLimits and FixHostLimits read and write below dir
// instead of /proc; the returned function restores /proc.
func SetProcRoot(dir string) (restore func()) {
	old := procRoot
	procRoot = dir
	return func() { procRoot = old }
}

// SetPlaceholderHook makes AddWith call fn between creating its
// placeholder and binding onto it; the returned function removes it.
func SetPlaceholderHook(fn func(name string)) (restore func()) {
	placeholderHook = fn
	return func() { placeholderHook = nil }
}

// StackedIn lets tests parse a mountinfo text as StackedNames does.
var StackedIn = stackedIn
