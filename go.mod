module github.com/nssh/nssh

go 1.26.0

require (
	github.com/chzyer/readline v1.5.1
	github.com/creack/pty v1.1.24
	github.com/vishvananda/netlink v1.3.1
	github.com/yuin/gopher-lua v1.1.2
	golang.org/x/sys v0.50.0
)

require github.com/vishvananda/netns v0.0.5 // indirect

// chzyer/readline v1.5.1 with one patch: its key loop recovers from panics
// (see third_party/readline/NSSH_PATCH.md).
replace github.com/chzyer/readline => ./third_party/readline
