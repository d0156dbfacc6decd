package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nssh/nssh/core"
)

// Service is a program a node runs, started by Up after the wiring, node
// by node, each waiting for its Ready condition. It runs detached (a
// session of its own, not tied to the script), in the node's directory,
// with stdout and stderr appended to NAME.log there. Up restarts a service
// that died, or whose command or node files changed; Down stops it.
type Service struct {
	Cmd   []string // argv (a shell command is {"/bin/sh", "-c", CMD})
	Ready Ready
}

// Ready says when a started service is ready. With neither Match nor
// Func, it is ready once it has run for DefaultReady.
type Ready struct {
	Pattern string                          // what Match looks for, for messages
	Match   func(line string) bool          // a line of its output matches
	Func    func(node string) (bool, error) // polled until true (on Up's goroutine)
	Timeout time.Duration                   // default ReadyTimeout
}

// Service timings.
const (
	DefaultReady  = 200 * time.Millisecond // running this long without Ready: ready
	ReadyTimeout  = 30 * time.Second       // default Ready.Timeout
	readyPoll     = 10 * time.Millisecond  // how often the log is checked
	readyFuncPoll = 100 * time.Millisecond // how often Ready.Func is called
	stopGrace     = 2 * time.Second        // SIGTERM to SIGKILL when stopping a service
	logTail       = 10                     // lines of log an error quotes
)

// ErrNotReady is returned (wrapped) when a service did not get ready in
// time; ErrServiceExited when it exited before it was ready.
var (
	ErrNotReady      = errors.New("service not ready")
	ErrServiceExited = errors.New("service exited")
)

// ServiceInfo is one line of Services.
type ServiceInfo struct {
	Node, Name string
	Pid        int    // 0 when never started
	State      string // "running", "dead" (it exited) or "stopped" (not started)
}

// logRel is the log of a service, relative to the state dir.
func (l *Lab) logRel(node, svc string) string {
	return filepath.Join(nodesRel(l.spec.Name), node, svc+".log")
}

// services starts what should run and does not, in node order: a service
// never started, one that died, one whose command or node files changed
// (restarted). Services of the state that the spec no longer has are
// stopped. It returns the services running now, also on error.
func (r *run) services(prev []ServiceState) ([]ServiceState, error) {
	var out []ServiceState
	for _, old := range prev {
		if _, ok := r.l.spec.Nodes[old.Node].Services[old.Name]; ok || !old.Alive() {
			continue
		}
		r.record("del", "service", Netns(r.l.spec.Name, old.Node)+":"+old.Name, "")
		if r.apply {
			if err := core.StopGroup(old.Pid, stopGrace); err != nil {
				return out, r.fail(old.Node+":"+old.Name, err)
			}
		}
	}
	for _, name := range r.l.spec.NodeNames() {
		n := r.nodes[name]
		for _, svc := range sortedKeys(n.spec.Services) {
			st, err := r.service(n, svc, n.spec.Services[svc], prev)
			if st.Pid != 0 {
				out = append(out, st)
			}
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// service brings one service to its wanted state and returns its record.
func (r *run) service(n *node, name string, svc Service, prev []ServiceState) (ServiceState, error) {
	i := slices.IndexFunc(prev, func(s ServiceState) bool { return s.Node == n.name && s.Name == name })
	var old ServiceState
	alive := false
	if i >= 0 {
		old = prev[i]
		alive = old.Alive()
	}
	op, why := "add", strings.Join(svc.Cmd, " ")
	switch {
	case alive && n.fresh: // its namespace was deleted and made anew: it runs in the old one
		op, why = "set", "restart: namespace made anew"
	case alive && slices.Equal(old.Cmd, svc.Cmd) && !n.filesChanged:
		return old, nil
	case alive && !slices.Equal(old.Cmd, svc.Cmd):
		op, why = "set", "restart: command changed"
	case alive:
		op, why = "set", "restart: files changed"
	case i >= 0 && !n.fresh:
		why = fmt.Sprintf("restart: pid %d exited", old.Pid)
	}
	subject := n.netns + ":" + name
	r.record(op, "service", subject, why)
	if !r.apply {
		return old, nil
	}
	if alive {
		if err := core.StopGroup(old.Pid, stopGrace); err != nil {
			return old, r.fail(subject, err)
		}
	}
	st, err := r.startService(n, name, svc)
	if err != nil {
		return st, r.fail(subject, err)
	}
	return st, nil
}

// startService spawns the service and waits until it is ready; a service
// that does not get ready is stopped again.
//
// Equivalent to: `cd DIR; ip netns exec NETNS setsid CMD >>NAME.log 2>&1 &`
func (r *run) startService(n *node, name string, svc Service) (ServiceState, error) {
	dir := filepath.Join(r.l.cfg.StateDir, nodesRel(r.l.spec.Name), n.name)
	log := logFile{base: r.l.cfg.StateDir, rel: r.l.logRel(n.name, name)}
	f, err := log.open()
	if err != nil {
		return ServiceState{}, err
	}
	defer f.Close() // the child has its own copy
	var offset int64
	if fi, err := f.Stat(); err == nil {
		offset = fi.Size()
	}
	p, err := n.ns.Spawn(svc.Cmd, core.SpawnOptions{Cwd: dir, Detach: true, Name: name,
		Stdout: core.Sink{File: f}, Stderr: core.Sink{File: f}})
	if err != nil {
		return ServiceState{}, err
	}
	start, err := procStart(p.Pid())
	if err != nil { // exited at once
		start = 0
	}
	st := ServiceState{Node: n.name, Name: name, Pid: p.Pid(), Start: start, Cmd: svc.Cmd}
	if err := waitReady(r, n.name, svc.Ready, p, log, offset); err != nil {
		err = fmt.Errorf("%w\n%s", err, tail(log, offset))
		if serr := core.StopGroup(p.Pid(), 0); serr != nil { // it may run on: say so
			err = errors.Join(err, serr)
		}
		return ServiceState{}, err
	}
	return st, nil
}

// logFile is a service's log: rel below the state dir base, opened and
// read without following a symlink anywhere below base.
type logFile struct{ base, rel string }

// open opens the log for appending. Whatever is not a regular file at its
// path (a planted symlink, a FIFO, a directory) is removed, never
// followed, and a new log is made; a symlink among its directories is an
// error wrapping core.ErrSymlink.
func (lf logFile) open() (*os.File, error) {
	f, err := core.AppendFileIn(lf.base, lf.rel, 0o644)
	if err == nil || errors.Is(err, os.ErrNotExist) {
		return f, err
	}
	if err := core.RemoveIn(lf.base, lf.rel); err != nil {
		return nil, err
	}
	return core.AppendFileIn(lf.base, lf.rel, 0o644)
}

// waitReady waits for the service's Ready condition, failing when it
// exits first or the timeout passes.
func waitReady(r *run, node string, ready Ready, p *core.Process, log logFile, offset int64) error {
	if ready.Match == nil && ready.Func == nil {
		select {
		case <-p.Done():
			return exited(p)
		case <-time.After(DefaultReady):
			return nil
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
	timeout := ready.Timeout
	if timeout == 0 {
		timeout = ReadyTimeout
	}
	deadline := time.Now().Add(timeout)
	lw := &logWatch{log: log, offset: offset}
	for {
		done := false
		select {
		case <-p.Done():
			done = true
		default:
		}
		ok, err := checkReady(ready, node, lw)
		if err != nil || ok {
			return err
		}
		if done {
			return exited(p)
		}
		if time.Now().After(deadline) {
			what := "true from its ready function"
			if ready.Match != nil {
				what = fmt.Sprintf("line matching %q", ready.Pattern)
			}
			return fmt.Errorf("no %s after %s: %w", what, timeout, ErrNotReady)
		}
		poll := readyPoll
		if ready.Func != nil {
			poll = readyFuncPoll
		}
		select {
		case <-time.After(poll):
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
}

func checkReady(ready Ready, node string, lw *logWatch) (bool, error) {
	if ready.Func != nil {
		return ready.Func(node)
	}
	for _, line := range lw.lines() {
		if ready.Match(line) {
			return true, nil
		}
	}
	return false, nil
}

func exited(p *core.Process) error {
	res, _ := p.Wait(context.Background())
	if res.Signal != 0 {
		return fmt.Errorf("killed by signal %d before it was ready: %w", res.Signal, ErrServiceExited)
	}
	return fmt.Errorf("exited with status %d before it was ready: %w", res.Code, ErrServiceExited)
}

// logWatch reads the complete lines appended to a log since offset.
type logWatch struct {
	log     logFile
	offset  int64
	partial []byte
}

func (w *logWatch) lines() []string {
	f, err := core.OpenFileIn(w.log.base, w.log.rel)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.NewSectionReader(f, w.offset, 1<<30))
	if err != nil {
		return nil
	}
	w.offset += int64(len(data))
	data = append(w.partial, data...)
	i := bytes.LastIndexByte(data, '\n')
	w.partial = slices.Clone(data[i+1:])
	if i < 0 {
		return nil
	}
	return strings.Split(string(data[:i]), "\n")
}

// tail returns the last lines of a log written since offset, indented.
func tail(log logFile, offset int64) string {
	lw := &logWatch{log: log, offset: offset}
	lines := lw.lines()
	if len(lw.partial) > 0 {
		lines = append(lines, string(lw.partial))
	}
	if len(lines) > logTail {
		lines = lines[len(lines)-logTail:]
	}
	if len(lines) == 0 {
		return "  (no output)"
	}
	return "  " + strings.Join(lines, "\n  ")
}

// stopServices stops the recorded services that still run and returns
// the changes (Down).
func stopServices(lab string, svcs []ServiceState) ([]Change, error) {
	var changes []Change
	var errs []error
	for _, s := range svcs {
		if !s.Alive() {
			continue
		}
		if err := core.StopGroup(s.Pid, stopGrace); err != nil {
			errs = append(errs, err)
			continue
		}
		changes = append(changes, Change{Op: "del", Kind: "service", Name: Netns(lab, s.Node) + ":" + s.Name})
	}
	return changes, errors.Join(errs...)
}

// Services lists the lab's services, in node and name order, with their
// state from the state file and the process table.
func (l *Lab) Services() ([]ServiceInfo, error) {
	st, err := ReadState(l.cfg, l.spec.Name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var out []ServiceInfo
	for _, node := range l.spec.NodeNames() {
		for _, name := range sortedKeys(l.spec.Nodes[node].Services) {
			info := ServiceInfo{Node: node, Name: name, State: "stopped"}
			if st != nil {
				if i := slices.IndexFunc(st.Services, func(s ServiceState) bool { return s.Node == node && s.Name == name }); i >= 0 {
					info.Pid, info.State = st.Services[i].Pid, "dead"
					if st.Services[i].Alive() {
						info.State = "running"
					}
				}
			}
			out = append(out, info)
		}
	}
	return out, nil
}

// maxLog bounds what Logs returns: the end of a longer log.
const maxLog = 16 << 20

// Logs returns the log of a service (its stdout and stderr since the lab
// was first brought up; the last 16 MiB of a longer one); "" when it has
// none yet.
func (l *Lab) Logs(node, svc string) (string, error) {
	n, ok := l.spec.Nodes[node]
	if !ok {
		return "", fmt.Errorf("lab %s: no node %q", l.spec.Name, node)
	}
	if _, ok := n.Services[svc]; !ok {
		return "", fmt.Errorf("lab %s: node %s has no service %q", l.spec.Name, node, svc)
	}
	f, err := core.OpenFileIn(l.cfg.StateDir, l.logRel(node, svc))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lab %s: %w", l.spec.Name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	off := max(0, fi.Size()-maxLog)
	data, err := io.ReadAll(io.NewSectionReader(f, off, maxLog))
	return string(data), err
}
