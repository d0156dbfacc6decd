package core

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core/nsexec"
)

// switchForExec turns the calling thread into what `ip netns exec` gives a
// command (see nsexec.Switch), with ip's messages in the *OpError. It must
// only run on a thread that execs next.
func (c Config) switchForExec(fd int, name string) error {
	return execOpErr(name, nsexec.Switch(fd, name, c.EtcDir, c.Warn))
}

// execOpErr turns an nsexec setup failure into an *OpError of op "exec".
func execOpErr(name string, err error) error {
	var se *nsexec.Error
	if errors.As(err, &se) {
		return newOpError("exec", name, se.Err, se.Text)
	}
	return err
}

// ExecError is a failure to start the command itself (execvp), after the
// namespace setup succeeded. ip exits 1 for it, not 255.
type ExecError = nsexec.ExecError

// ExecInPlace runs argv inside the namespace NAME by replacing the current
// process, exactly as `ip netns exec NAME CMD...` does: the command keeps
// this pid, so its exit status and death by signal are the caller's own.
// It must be called from the main goroutine (locked to the main thread by
// this package's init). It returns only on failure: an *OpError for the
// namespace setup (ip exits 255) or an *ExecError (ip exits 1).
func (c Config) ExecInPlace(name string, argv []string) error {
	return execOpErr(name, nsexec.InPlace(c.RunDir, c.EtcDir, name, argv, c.Warn))
}

// SwitchInPlace moves the calling (main) thread into namespace NAME with the
// same mount setup as exec, for `nssh -n NAME ...`, which then re-executes
// itself so that every thread of the new process is inside. No name check
// is done, as with `ip -n`.
func (c Config) SwitchInPlace(name string) error {
	fd, err := nsexec.Open(c.RunDir, name)
	if err != nil {
		return execOpErr(name, err)
	}
	defer unix.Close(fd)
	return c.switchForExec(fd, name)
}

// execvp is nsexec.Execvp with this process's environment.
func execvp(file string, argv []string) error {
	return nsexec.Execvp(file, argv, os.Environ())
}
