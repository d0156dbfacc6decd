package core

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

func init() {
	// Keep the main goroutine on the main thread for the life of the
	// process: no other goroutine can then run on m0, which the runtime can
	// never destroy and which /proc/PID/ns/net reports. See doc.go.
	runtime.LockOSThread()
	if len(os.Args) > 0 && os.Args[0] == execHelperArg0 {
		runExecHelper() // never returns
	}
	if len(os.Args) > 1 && os.Args[0] == sandboxInitArg0 {
		runSandboxInit() // never returns
	}
}

// InNetns runs fn on a locked OS thread after enter has switched that
// thread's network namespace, then switches it back.
//
// It is the only code in nssh that changes the network namespace of a
// thread that goes on living. The thread is unlocked only after a successful
// restore; if the restore fails, its goroutine exits still locked and the Go
// runtime destroys the thread. fn must not start goroutines that expect to
// be in the namespace: they run on other threads.
func InNetns(enter func() error, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("open own netns: %w", err)
			return
		}
		defer unix.Close(home)
		if err := enter(); err != nil {
			// enter may have half-switched; restore before reuse. A thread
			// still at home needs none (and without CAP_SYS_ADMIN the
			// restore would fail too, saying EPERM a second time).
			if !atHome(home) {
				if rerr := unix.Setns(home, unix.CLONE_NEWNET); rerr != nil {
					errc <- errors.Join(err, fmt.Errorf("restore netns: %w", rerr))
					return // stay locked: the thread dies with the goroutine
				}
			}
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		ferr := fn()
		if rerr := unix.Setns(home, unix.CLONE_NEWNET); rerr != nil {
			errc <- errors.Join(ferr, fmt.Errorf("restore netns: %w", rerr))
			return // stay locked: the thread dies with the goroutine
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// atHome reports whether the calling thread is in the network namespace
// of the fd home (false when that cannot be told).
func atHome(home int) bool {
	var h, cur unix.Stat_t
	if unix.Fstat(home, &h) != nil || unix.Stat("/proc/thread-self/ns/net", &cur) != nil {
		return false
	}
	return h.Dev == cur.Dev && h.Ino == cur.Ino
}

// InNetnsFd runs fn on a thread inside the network namespace of fd. A
// failure to enter it is an *enterError, so callers can tell it from
// fn's own.
func InNetnsFd(fd int, fn func() error) error {
	return InNetns(func() error {
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			return &enterError{Err: err}
		}
		return nil
	}, fn)
}

// enterError is a failure to switch a thread into a network namespace
// (setns): the operation meant to run inside never ran. Without
// CAP_SYS_ADMIN over the namespace it wraps EPERM.
type enterError struct{ Err error }

func (e *enterError) Error() string { return "enter namespace: " + e.Err.Error() }
func (e *enterError) Unwrap() error { return e.Err }

// InNewNetns runs fn on a thread inside a brand-new network namespace. The
// namespace lives on only if fn keeps a reference (a bind mount, an fd).
func InNewNetns(fn func() error) error {
	return InNetns(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return unshareError{err}
		}
		return nil
	}, fn)
}
