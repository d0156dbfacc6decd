package core

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultMaxOutput is how much of each of stdout and stderr Exec keeps
// when ExecOptions.MaxOutput is zero.
const DefaultMaxOutput = 64 << 20

// ExecOptions configures Exec and Run. Nil streams mean /dev/null (stdin)
// or capture (stdout, stderr); Env nil means this process's environment.
type ExecOptions struct {
	Stdin          io.Reader
	Input          []byte // when set, the child's stdin (overrides Stdin)
	Stdout, Stderr io.Writer
	Env            []string
	Cwd            string // working directory ("" keeps nssh's)
	// MaxOutput bounds each captured stream (DefaultMaxOutput when 0); the
	// rest is read and dropped, and counted in Output.Dropped.
	MaxOutput int
	// Setpgid puts the child in its own process group (no terminal
	// signals), and a timeout or cancellation then kills the whole group;
	// the default shares ours, like a shell's foreground job.
	Setpgid bool
	// Timeout, when positive, kills the command (SIGKILL) that long after
	// it started; Run and ExecAll apply it to each command.
	Timeout time.Duration
	// ViaHelper does the namespace setup in a re-executed copy of this
	// binary (fd 3 = the namespace) instead of on a throw-away thread.
	// It costs a Go runtime start-up (~3 ms instead of ~1 ms) but no thread
	// of this process ever changes namespace.
	ViaHelper bool
}

// Result is how a command ended. Signal is non-zero when it was killed.
type Result struct {
	Code     int
	Signal   int
	Duration time.Duration
}

// Output is the captured result of Exec. Dropped counts the bytes of
// stdout and stderr beyond ExecOptions.MaxOutput.
type Output struct {
	Result
	Stdout, Stderr []byte
	Dropped        int64
}

// Exec runs argv inside ns, waits for it and captures stdout and stderr
// unless opts names other writers. It returns when the command itself
// exits, with the output it wrote until then: a background child that
// still holds stdout does not delay it. When ctx ends or opts.Timeout
// passes, the command (its whole process group with opts.Setpgid) is
// killed with SIGKILL.
//
// Equivalent to: `ip netns exec NAME CMD...`
func (ns *Namespace) Exec(ctx context.Context, argv []string, opts ExecOptions) (Output, error) {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	limit := opts.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	outBuf, errBuf := &capBuffer{max: limit}, &capBuffer{max: limit}
	if opts.Stdout == nil {
		opts.Stdout = outBuf
	}
	if opts.Stderr == nil {
		opts.Stderr = errBuf
	}
	p, err := ns.start(argv, opts)
	if err != nil {
		return Output{}, err
	}
	stop := context.AfterFunc(ctx, func() { p.Signal(syscall.SIGKILL) })
	defer stop()
	res, err := p.Wait(context.Background())
	out, d1 := outBuf.bytes()
	errOut, d2 := errBuf.bytes()
	return Output{Result: res, Stdout: out, Stderr: errOut, Dropped: d1 + d2}, err
}

// start starts argv inside ns with exec's stdio rules: *os.File streams
// are given to the child as they are, other readers and writers are fed
// through pipes by goroutines that stop when the command exits.
func (ns *Namespace) start(argv []string, opts ExecOptions) (*Process, error) {
	p := newProcess(ns, argv)
	var cio childIO
	defer cio.closeChildEnds()
	var err error
	switch in := opts.Stdin.(type) {
	case nil:
		if opts.Input != nil {
			err = cio.feed(bytes.NewReader(opts.Input))
		} else {
			err = cio.devNull(0, os.O_RDONLY)
		}
	case *os.File:
		if opts.Input != nil {
			err = cio.feed(bytes.NewReader(opts.Input))
		} else {
			cio.files[0] = in
		}
	default:
		if opts.Input != nil {
			in = bytes.NewReader(opts.Input)
		}
		err = cio.feed(in)
	}
	for i, w := range []io.Writer{nil, opts.Stdout, opts.Stderr} {
		if i == 0 || err != nil {
			continue
		}
		if f, ok := w.(*os.File); ok {
			cio.files[i] = f
			continue
		}
		err = cio.pipeTo(i, func(b []byte) { w.Write(b) }, nil)
	}
	if err != nil {
		cio.abort(p)
		return nil, newOpError("exec", ns.Name, err, "")
	}
	warn := func(text string) { cio.files[2].Write([]byte(text + "\n")) }
	spec := launchSpec{files: cio.files, env: opts.Env, dir: opts.Cwd, warn: warn, viaHelper: opts.ViaHelper,
		attr: &syscall.SysProcAttr{Setpgid: opts.Setpgid}}
	if err := ns.launch(p, argv, spec); err != nil {
		cio.abort(p)
		return nil, err
	}
	p.group = opts.Setpgid
	p.readers, p.after = cio.readers, cio.after
	go p.reap()
	return p, nil
}

// Start starts argv inside the namespace NAME like Exec does, without
// waiting: the caller waits with Process.Wait. ctx ending kills the
// command (SIGKILL).
func (c Config) Start(ctx context.Context, name string, argv []string, opts ExecOptions) (*Process, error) {
	ns, err := c.Open(name)
	if err != nil {
		return nil, err
	}
	p, err := ns.start(argv, opts)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { p.Signal(syscall.SIGKILL) })
	go func() {
		<-p.done
		stop()
	}()
	return p, nil
}

// Run is Exec for the namespace NAME.
//
// Equivalent to: `ip netns exec NAME CMD...`
func (c Config) Run(ctx context.Context, name string, argv []string, opts ExecOptions) (Output, error) {
	ns, err := c.Open(name)
	if err != nil {
		return Output{}, err
	}
	return ns.Exec(ctx, argv, opts)
}

// NamedOutput is one namespace's part of ExecAll.
type NamedOutput struct {
	Name string
	Output
	Err error
}

// ExecAll runs argv in each of names concurrently, at most parallel at a
// time, and returns the results in the order of names. A failure in one
// namespace does not stop the others; once ctx ends, names not started yet
// get ctx's error. Give stdin as opts.Input (each child gets its own
// copy); opts.Stdin and custom writers would be shared.
//
// Equivalent to: `ip -all netns exec CMD...` (which runs them one by one)
func (c Config) ExecAll(ctx context.Context, names []string, argv []string, opts ExecOptions, parallel int) []NamedOutput {
	out := make([]NamedOutput, len(names))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(max(parallel, 1), len(names)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res, err := c.Run(ctx, names[i], argv, opts)
				out[i] = NamedOutput{Name: names[i], Output: res, Err: err}
			}
		}()
	}
	for i, name := range names {
		out[i].Name = name
		select {
		case jobs <- i:
		case <-ctx.Done():
			out[i].Err = ctx.Err()
		}
	}
	close(jobs)
	wg.Wait()
	return out
}

// Pids returns the processes (thread-group leaders, ascending) whose
// network namespace is ns, by the identity ns was opened with.
//
// Equivalent to: `ip netns pids NAME`
func (ns *Namespace) Pids() ([]int, error) {
	return PidsOf(ns.Dev, ns.Ino)
}

// ID returns the nsid of ns as seen from this process's namespace, or -1
// when none is assigned. It fails with ErrNamespaceGone when ns's name now
// refers to another namespace.
//
// Equivalent to: `ip netns list-id` (the line of NAME)
func (ns *Namespace) ID() (int, error) {
	fd, err := ns.openChecked()
	if err != nil {
		return -1, err
	}
	defer unix.Close(fd)
	return GetIDByFd(fd)
}
