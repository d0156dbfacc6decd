package core

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrNoStdinPipe is returned by Process.Write and CloseStdin when the
// process was not started with SpawnOptions.StdinPipe.
var ErrNoStdinPipe = errors.New("stdin is not a pipe")

// Process is a command started in a namespace by Spawn, Exec or Start.
// Its stdout and stderr, when they are pipes, are read on goroutines of
// their own into a bounded buffer of lines, so the command never waits for
// nssh; a Process is reaped by a goroutine of its own too, so Done, Alive
// and Wait need no caller to drive them.
type Process struct {
	Netns string   // the namespace's name when it was started
	Argv  []string // the command
	Name  string   // SpawnOptions.Name

	pid   int
	cmd   *exec.Cmd
	start time.Time
	group bool // leader of its own process group: Signal reaches it all
	// groupGone is set once the group was seen empty after the leader's
	// exit: its id may then be reused by an unrelated process group, so
	// nothing is sent to it any more.
	groupGone atomic.Bool

	stdinMu   sync.Mutex
	stdin     *os.File // write end of a stdin pipe, nil once closed
	stdinPipe bool     // started with a stdin pipe

	ring    *lineRing
	readers []*pipeReader
	keep    bool       // readers go on after the exit (until EOF)
	after   []*os.File // parent-side files closed once the process exited

	done chan struct{}
	res  Result
	err  error
}

func newProcess(ns *Namespace, argv []string) *Process {
	return &Process{Netns: ns.Name, Argv: argv, ring: newLineRing(), done: make(chan struct{})}
}

// Pid returns the process id.
func (p *Process) Pid() int { return p.pid }

// Started returns when the process was started.
func (p *Process) Started() time.Time { return p.start }

// Done is closed once the process has exited and been reaped, and its
// output up to the exit is buffered.
func (p *Process) Done() <-chan struct{} { return p.done }

// Alive reports whether the process has not exited yet.
func (p *Process) Alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Wait waits until the process exits or ctx ends (then it returns ctx's
// error). The error is otherwise nil unless waiting itself failed: a
// non-zero exit is a Result.
func (p *Process) Wait(ctx context.Context) (Result, error) {
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Signal sends sig to the process's whole process group (the process
// alone when it shares nssh's group). It returns os.ErrProcessDone when
// nothing was left to signal.
func (p *Process) Signal(sig syscall.Signal) error {
	target := p.pid
	if p.group {
		target = -p.pid
	}
	if !p.group && !p.Alive() || p.groupGone.Load() {
		return os.ErrProcessDone
	}
	err := unix.Kill(target, sig)
	if err == unix.ESRCH {
		if !p.Alive() {
			p.groupGone.Store(true)
		}
		return os.ErrProcessDone
	}
	if err != nil {
		return newOpError("kill", fmt.Sprint(p.pid), err, "")
	}
	return nil
}

// Write writes b to the process's stdin pipe. It fails with
// ErrNoStdinPipe without one, os.ErrClosed after CloseStdin, and ctx's
// error when ctx ends while the pipe is full.
func (p *Process) Write(ctx context.Context, b []byte) error {
	p.stdinMu.Lock()
	defer p.stdinMu.Unlock()
	if err := p.stdinUsable(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { p.stdin.SetWriteDeadline(time.Unix(1, 0)) })
	_, err := p.stdin.Write(b)
	if !stop() {
		p.stdin.SetWriteDeadline(time.Time{})
		if err != nil {
			return ctx.Err()
		}
	}
	if errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("stdin: the process closed it: %w", syscall.EPIPE)
	}
	return err
}

// stdinUsable says why stdin cannot be written, or nil. stdinMu is held.
func (p *Process) stdinUsable() error {
	if !p.stdinPipe {
		return ErrNoStdinPipe
	}
	if p.stdin == nil {
		return fmt.Errorf("stdin: %w", os.ErrClosed)
	}
	return nil
}

// CloseStdin closes the stdin pipe (the process reads EOF).
func (p *Process) CloseStdin() error {
	p.stdinMu.Lock()
	defer p.stdinMu.Unlock()
	if err := p.stdinUsable(); err != nil {
		return err
	}
	err := p.stdin.Close()
	p.stdin = nil
	return err
}

// LinesSince returns the buffered output lines of the given streams with
// Seq >= seq, oldest first (lines the buffer dropped are skipped); the seq
// to ask for next; a channel closed when more lines arrive; and whether
// every stream asked for has ended. Streams that are not pipes have no
// lines and count as ended.
func (p *Process) LinesSince(seq uint64, streams ...Stream) ([]Line, uint64, <-chan struct{}, bool) {
	return p.ring.since(seq, streams...)
}

// Output returns what the buffer of stream s holds: the last RingBytes of
// its lines.
func (p *Process) Output(s Stream) string { return p.ring.text(s) }

// Dropped returns how many output lines were dropped from the buffers
// because newer lines needed the room.
func (p *Process) Dropped() int64 { return p.ring.droppedLines() }

// reap waits for the process, takes in its output written before the exit
// and records the result; it runs on its own goroutine.
func (p *Process) reap() {
	err := p.cmd.Wait()
	p.res.Duration = time.Since(p.start)
	p.res.Code, p.res.Signal = exitStatus(p.cmd.ProcessState)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		p.err = err
	}
	if p.group && unix.Kill(-p.pid, 0) == unix.ESRCH {
		p.groupGone.Store(true)
	}
	for _, r := range p.readers {
		r.flush(!p.keep)
	}
	for _, f := range p.after {
		f.Close()
	}
	close(p.done)
}

// exitStatus returns the exit code (128+N for a death by signal N) and
// the signal.
func exitStatus(ps *os.ProcessState) (code, sig int) {
	if ps == nil {
		return -1, 0
	}
	ws := ps.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal()), int(ws.Signal())
	}
	return ws.ExitStatus(), 0
}

// GroupAlive reports whether any process of p's process group still runs
// (the leader may have exited while children it left go on).
func (p *Process) GroupAlive() bool {
	if !p.group || p.groupGone.Load() {
		return p.Alive()
	}
	return unix.Kill(-p.pid, 0) == nil
}

// StopProcesses stops procs and their process groups: SIGTERM, then
// SIGKILL to the groups still running after grace. It returns once every
// leader is reaped and every group is empty, or killWait after the
// SIGKILL, and reports how many groups it signalled.
func StopProcesses(procs []*Process, grace time.Duration) int {
	n := 0
	for _, p := range procs {
		if p.Signal(syscall.SIGTERM) == nil {
			n++
		}
	}
	if n == 0 {
		return 0
	}
	if !untilStopped(procs, grace) {
		for _, p := range procs {
			p.Signal(syscall.SIGKILL)
		}
		untilStopped(procs, killWait)
	}
	return n
}

// untilStopped polls until no process of procs (groups included) runs, at
// most d; it reports whether they all stopped.
func untilStopped(procs []*Process, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		alive := false
		for _, p := range procs {
			if p.GroupAlive() {
				alive = true
				break
			}
		}
		if !alive {
			for _, p := range procs {
				<-p.done
			}
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// SignalByName returns the signal called name ("SIGTERM"), or 0.
func SignalByName(name string) syscall.Signal {
	return unix.SignalNum(name)
}
