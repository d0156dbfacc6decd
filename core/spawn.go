package core

import (
	"bytes"
	"io"
	"os"
	"syscall"
)

// SpawnOptions configures Spawn.
type SpawnOptions struct {
	Env []string // nil: this process's environment
	Cwd string   // working directory ("" keeps nssh's)
	// Input is the process's stdin. Without it stdin is /dev/null, unless
	// StdinPipe makes it a pipe written with Process.Write.
	Input     []byte
	StdinPipe bool
	// Stdout and Stderr say where the output goes; the zero Sink is a pipe
	// into the Process's line buffer.
	Stdout, Stderr Sink
	Name           string // a label, kept in Process.Name
	// Detach starts the process in a session of its own (setsid) instead
	// of a process group of its own, so nothing of nssh's terminal or
	// process group reaches it.
	Detach bool
}

// Sink is where a spawned process's stdout or stderr goes: a pipe into its
// line buffer (the zero value), /dev/null, a file opened for appending
// (created with mode 0644; a relative path is relative to nssh's working
// directory, not to Cwd), or a file the caller opened (File: the child
// gets it, the caller keeps and closes it; lab logs use it, opened with
// AppendFileIn, so nothing happens between the check and the open).
type Sink struct {
	Null bool
	Path string
	File *os.File
}

// Spawn starts argv in the namespace ns with the environment `ip netns
// exec` gives, in a process group of its own, and returns once it runs: a
// missing command is an *ExecError (ENOENT) and the namespace no longer
// being the one ns was opened as an *OpError (ErrNamespaceGone). The
// process is not tied to any context: stop it with Signal.
//
// Equivalent to: `ip netns exec NAME CMD... &`
func (ns *Namespace) Spawn(argv []string, opts SpawnOptions) (*Process, error) {
	p := newProcess(ns, argv)
	p.Name, p.keep = opts.Name, true
	var cio childIO
	defer cio.closeChildEnds()
	if err := cio.spawnStdin(p, opts); err != nil {
		return nil, ns.ioError(err)
	}
	for _, s := range []struct {
		stream Stream
		sink   Sink
	}{{Stdout, opts.Stdout}, {Stderr, opts.Stderr}} {
		if err := cio.spawnOutput(p, s.stream, s.sink); err != nil {
			cio.abort(p)
			return nil, ns.ioError(err)
		}
	}
	attr := &syscall.SysProcAttr{Setpgid: !opts.Detach, Setsid: opts.Detach}
	warn := func(text string) { p.ring.write(Stderr, []byte(text+"\n")) }
	if err := ns.launch(p, argv, launchSpec{files: cio.files, env: opts.Env, dir: opts.Cwd, attr: attr, warn: warn}); err != nil {
		cio.abort(p)
		return nil, err
	}
	p.group = true
	p.readers, p.after = cio.readers, cio.after
	go p.reap()
	return p, nil
}

func (ns *Namespace) ioError(err error) error {
	return newOpError("spawn", ns.Name, err, "")
}

// childIO gathers the three files a child gets and what the parent keeps.
type childIO struct {
	files   [3]*os.File   // the child's stdin, stdout, stderr
	child   []*os.File    // child ends to close in the parent once started
	readers []*pipeReader // parent ends reading the child's output
	after   []*os.File    // parent files to close when the child exited
}

func (c *childIO) closeChildEnds() {
	for _, f := range c.child {
		f.Close()
	}
	c.child = nil
}

// abort undoes what was set up for a child that did not start.
func (c *childIO) abort(p *Process) {
	c.closeChildEnds()
	for _, r := range c.readers {
		r.flush(true)
	}
	for _, f := range c.after {
		f.Close()
	}
	if p.stdin != nil {
		p.stdin.Close()
		p.stdin = nil
	}
}

// devNull opens /dev/null for the child.
func (c *childIO) devNull(i int, flag int) error {
	f, err := os.OpenFile(os.DevNull, flag, 0)
	if err != nil {
		return err
	}
	c.files[i] = f
	c.child = append(c.child, f)
	return nil
}

// feed makes the child's stdin a pipe that a goroutine fills from r and
// then closes; the pipe's write end is closed when the child exits, which
// ends the goroutine.
func (c *childIO) feed(r io.Reader) error {
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	c.files[0] = pr
	c.child = append(c.child, pr)
	c.after = append(c.after, pw)
	go func() {
		io.Copy(pw, r)
		pw.Close()
	}()
	return nil
}

func (c *childIO) spawnStdin(p *Process, opts SpawnOptions) error {
	switch {
	case opts.StdinPipe:
		pr, pw, err := os.Pipe()
		if err != nil {
			return err
		}
		c.files[0] = pr
		c.child = append(c.child, pr)
		p.stdin, p.stdinPipe = pw, true
		return nil
	case opts.Input != nil:
		return c.feed(bytes.NewReader(opts.Input))
	}
	return c.devNull(0, os.O_RDONLY)
}

func (c *childIO) spawnOutput(p *Process, s Stream, sink Sink) error {
	switch {
	case sink.Null:
		return c.devNull(int(s), os.O_WRONLY)
	case sink.File != nil:
		c.files[s] = sink.File
		return nil
	case sink.Path != "":
		f, err := os.OpenFile(sink.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		c.files[s] = f
		c.child = append(c.child, f)
		return nil
	}
	p.ring.open(s)
	return c.pipeTo(int(s), func(b []byte) { p.ring.write(s, b) }, func() { p.ring.close(s) })
}

// pipeTo makes the child's file i a pipe whose output goes to sink.
func (c *childIO) pipeTo(i int, sink func([]byte), end func()) error {
	r, w, err := newPipeReader(sink, end)
	if err != nil {
		return err
	}
	c.files[i] = w
	c.child = append(c.child, w)
	c.readers = append(c.readers, r)
	return nil
}
