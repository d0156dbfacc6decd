package nsexec

// MaxNameLen is the longest namespace name ip accepts (NAME_MAX).
const MaxNameLen = 255

// NameOK reports whether ip accepts name as a namespace name: non-empty,
// at most MaxNameLen bytes, no '/', and not "." or "..".
func NameOK(name string) bool {
	return name != "" && len(name) <= MaxNameLen && !contains(name, '/') && name != "." && name != ".."
}

// Default directories, the values Debian's iproute2 6.1 is compiled with.
const (
	DefaultRunDir   = "/run/netns"
	DefaultEtcDir   = "/etc/netns"
	DefaultStateDir = "/run/nssh" // nssh's own
)
