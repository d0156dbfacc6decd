package nsexec

import (
	"errors"
	"syscall"
)

// Error is a failed namespace setup. Text is iproute2 6.1's message for it
// (ip exits 255); Err is the underlying errno.
type Error struct {
	Text string
	Err  error
}

func (e *Error) Error() string { return e.Text }
func (e *Error) Unwrap() error { return e.Err }

// ExecError is a failure to start the command itself (execvp), after the
// namespace setup succeeded. ip exits 1 for it, not 255.
type ExecError struct {
	Cmd string
	Err error
}

func (e *ExecError) Error() string {
	return "exec of \"" + e.Cmd + "\" failed: " + Strerror(e.Err)
}
func (e *ExecError) Unwrap() error { return e.Err }

// Strerror returns glibc's strerror(3) text for an errno: Go's errno
// strings with the first letter capitalised ("No such file or directory").
// Other errors are returned as their Error() text.
func Strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s == "" || hasPrefix(s, "errno ") {
		return "Unknown error " + itoa(int(errno))
	}
	if 'a' <= s[0] && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
