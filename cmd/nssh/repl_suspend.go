package main

import (
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// suspend is Ctrl-Z at the prompt. readline has the terminal in raw mode,
// where the terminal sends no SIGTSTP itself, so nssh stops itself as the
// terminal would stop a shell job: the shell shows nssh as stopped and fg
// continues it at the prompt. Processes nssh started in the background go
// on running.
//
// Nothing happens unless a job-control shell could continue nssh: nssh
// must be in the terminal's foreground process group, and its parent in
// the same session but another process group (a shell that made nssh a
// job). Without such a parent the kernel would discard the stop (nssh
// started by setsid) or nobody would see it (sh -c nssh), and the
// terminal would be left to a stopped program.
//
// The terminal goes back to its state at start while nssh is stopped, and
// to raw mode when it continues. SIGTSTP is sent to this very thread, so
// the stop takes effect before tgkill returns: raw mode is not set again
// before the shell got the terminal back.
//
// In the sandbox of a non-root user (sandbox.go) the shell's job is the nssh
// outside, which the PID namespace hides; that nssh checked the above when
// it started, and the whole process group stops instead (the sandbox's
// init, PID 1, ignores SIGTSTP). The signal reaches this thread first, so
// the same ordering holds.
func (r *repl) suspend() {
	inSandboxJob := os.Getenv(sandboxEnv) == sandboxJob
	if !inSandboxJob && !jobControlled(r.fd) {
		return
	}
	r.exitRaw()
	defer r.makeRaw()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if inSandboxJob {
		unix.Kill(0, unix.SIGTSTP)
		return
	}
	unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGTSTP)
}

// jobControlled reports whether nssh is a foreground job of a shell on the
// terminal fd.
func jobControlled(fd int) bool {
	pgrp := unix.Getpgrp()
	fg, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	if err != nil || fg != pgrp {
		return false
	}
	ppid := os.Getppid()
	sid, err1 := unix.Getsid(0)
	psid, err2 := unix.Getsid(ppid)
	ppgrp, err3 := unix.Getpgid(ppid)
	return err1 == nil && err2 == nil && err3 == nil && psid == sid && ppgrp != pgrp
}
