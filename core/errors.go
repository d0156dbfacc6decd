package core

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core/nsexec"
)

// ErrInvalidName is returned (wrapped) for names ValidName rejects.
var ErrInvalidName = errors.New("invalid netns name")

// ErrNotNetns is returned (wrapped) when a file exists but is not a network
// namespace (a stale placeholder, a directory, another namespace type).
var ErrNotNetns = errors.New("not a network namespace")

// OpError describes a failed operation on a namespace.
//
// Error() gives the Go-style text ("netns add blue: file exists"). Text, when
// set, is the exact message iproute2 6.1 prints for the same failure
// (`Cannot create namespace file "/run/netns/blue": File exists`), which the
// CLI prints verbatim.
type OpError struct {
	Op   string // "add", "attach", "delete", "set", "exec", ...
	Name string // subject: namespace name or pid, may be empty
	Err  error  // underlying error, usually a syscall.Errno
	Text string // ip-compatible message, may be empty
}

func (e *OpError) Error() string {
	s := "netns " + e.Op
	if e.Name != "" {
		s += " " + e.Name
	}
	return s + ": " + e.Err.Error()
}

func (e *OpError) Unwrap() error { return e.Err }

// newOpError is how every OpError is made: op and subject, the cause, and
// the text users read ("" when the cause's own text says it).
func newOpError(op, name string, err error, text string) *OpError {
	return &OpError{Op: op, Name: name, Err: err, Text: text}
}

// opErr is newOpError with the text formatted.
func opErr(op, name string, err error, format string, args ...any) *OpError {
	return newOpError(op, name, err, fmt.Sprintf(format, args...))
}

// Strerror returns glibc's strerror(3) text for err: Go's errno strings
// with the first letter capitalised ("No such file or directory"). Other
// errors are returned as their Error() text.
func Strerror(err error) string {
	if errors.Is(err, ErrInvalidName) {
		return "Invalid argument"
	}
	return nsexec.Strerror(err)
}

// ErrnoName returns the symbolic errno name of err ("EEXIST"), "EINVAL" for
// invalid names and non-namespace files, and "" when err carries no errno.
func ErrnoName(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return unix.ErrnoName(errno)
	}
	if errors.Is(err, ErrInvalidName) || errors.Is(err, ErrNotNetns) {
		return "EINVAL"
	}
	return ""
}

// Errno extracts the errno of err, or 0.
func Errno(err error) syscall.Errno {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return 0
}

// Reason is what a user reads of err after "op: subject: ": for an
// *OpError its Text (the message nssh shows), else the text of its cause;
// for other errors their text.
func Reason(err error) string {
	var oe *OpError
	if errors.As(err, &oe) {
		if oe.Text != "" {
			return oe.Text
		}
		if oe.Err != nil {
			return oe.Err.Error()
		}
	}
	return err.Error()
}
