package core

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// SignalName returns the symbolic name of signal sig ("SIGKILL"), "" when
// it has none.
func SignalName(sig int) string { return unix.SignalName(syscall.Signal(sig)) }
