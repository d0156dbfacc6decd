package core

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// runSandboxInit is the first process of a sandbox started by RunSandboxed
// with Init: PID 1 of the sandbox's PID namespace. It sets the sandbox up,
// runs the real command (os.Args[1:]) as its child and exits with its
// status; the kernel then kills whatever else still runs in the sandbox.
func runSandboxInit() {
	if err := SetupSandbox(); err != nil {
		fmt.Fprintf(os.Stderr, "nssh: sandbox setup: %v\n", err)
		os.Exit(1)
	}
	// A /proc of the new PID namespace: getpid() and /proc/PID agree, and
	// only the sandbox's processes are listed.
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		fmt.Fprintf(os.Stderr, "nssh: sandbox setup: mount /proc: %v\n", err)
		os.Exit(1)
	}
	var pid atomic.Int64
	// Catch the signals before starting the child: PID 1 that does not
	// handle SIGHUP or SIGTERM would exit at once.
	stop := forwardSignals(func(sig syscall.Signal) {
		if p := int(pid.Load()); p > 0 {
			unix.Kill(p, sig)
		}
	})
	defer stop()
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = os.Args[1:]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "nssh: sandbox: %v\n", err)
		os.Exit(1)
	}
	pid.Store(int64(cmd.Process.Pid))
	os.Exit(waitStatus(cmd.Process.Pid, true))
}

// forwardSignals relays SIGTERM and SIGHUP to send, and swallows SIGINT
// and SIGQUIT (the terminal sends those to the whole foreground process
// group, the sandboxed command included), until stop is called. The
// signals are caught, not ignored, so children start with the default
// dispositions.
func forwardSignals(send func(syscall.Signal)) (stop func()) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				if n := s.(syscall.Signal); n == syscall.SIGTERM || n == syscall.SIGHUP {
					send(n)
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// waitStatus waits for the process pid and returns its exit status, or
// 128+N when signal N killed it. With reapAll it also reaps any other
// child (orphans handed to an init) while waiting.
func waitStatus(pid int, reapAll bool) int {
	want := pid
	if reapAll {
		want = -1
	}
	for {
		var ws unix.WaitStatus
		got, err := unix.Wait4(want, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 1 // ECHILD: nothing to wait for (cannot happen for our child)
		}
		if got != pid {
			continue
		}
		if ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ws.ExitStatus()
	}
}
