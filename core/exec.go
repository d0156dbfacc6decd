package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// execHelperArg0 marks a re-execution of this binary as the exec helper:
// argv = [execHelperArg0, NAME, ETCDIR, "--", CMD, ARGS...], with the
// namespace fd as fd 3 and the write end of an error pipe as fd 4.
const execHelperArg0 = "nssh-netns-exec-helper"

// runExecHelper is the helper process: it does the setup of `ip netns
// exec` on its (locked) main thread and execs the command. A failure is
// written to fd 4 as "ERRNO KIND TEXT" (KIND is "setup" or "exec") and the
// helper exits 255 or 1 like ip. fd 4 is close-on-exec, so a successful
// exec closes it with nothing written.
func runExecHelper() {
	unix.CloseOnExec(3)
	unix.CloseOnExec(4)
	args := os.Args
	if len(args) < 5 || args[3] != "--" {
		fmt.Fprintln(os.Stderr, "nssh: bad exec helper invocation")
		os.Exit(255)
	}
	c := Config{EtcDir: args[2], Warn: func(t string) { fmt.Fprintln(os.Stderr, t) }}
	name, argv := args[1], args[4:]
	if err := c.switchForExec(3, name); err != nil {
		reportHelperFailure("setup", err, err.(*OpError).Text)
		os.Exit(255)
	}
	unix.Close(3)
	err := execvp(argv[0], argv, os.Environ())
	reportHelperFailure("exec", err, (&ExecError{Cmd: argv[0], Err: err}).Error())
	os.Exit(1)
}

func reportHelperFailure(kind string, err error, text string) {
	msg := fmt.Sprintf("%d %s %s", int(Errno(err)), kind, text)
	unix.Write(4, []byte(msg))
}

// ExecOptions configures Run. Nil streams mean /dev/null (stdin) or
// discard; Env nil means this process's environment.
type ExecOptions struct {
	Stdin          io.Reader
	Input          []byte // when set, the child's stdin (overrides Stdin)
	Stdout, Stderr io.Writer
	Env            []string
	// Setpgid puts the child in its own process group (no terminal
	// signals); the default shares ours, like a shell's foreground job.
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

// Start starts argv inside the namespace NAME with the environment `ip
// netns exec` gives (see switchForExec) and returns once the command itself
// is running, or failed to start: an *OpError for the namespace setup, an
// *ExecError for the exec. ctx cancellation kills the command (SIGKILL).
//
// By default the setup runs on a throw-away OS thread: a goroutine locks
// its thread, switches it, forks the command from it and exits still
// locked, so the Go runtime destroys the thread instead of reusing it.
func (c Config) Start(ctx context.Context, name string, argv []string, opts ExecOptions) (*Process, error) {
	if len(argv) == 0 {
		return nil, &OpError{Op: "exec", Name: name, Err: unix.EINVAL, Text: "No command specified"}
	}
	if opts.ViaHelper {
		return c.startViaHelper(ctx, name, argv, opts)
	}
	fd, err := c.OpenFd(name)
	if err != nil {
		return nil, err
	}
	if opts.Stderr != nil {
		c.Warn = func(text string) { fmt.Fprintln(opts.Stderr, text) }
	}
	type started struct {
		p   *Process
		err error
	}
	done := make(chan started, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see above
		defer unix.Close(fd)
		if err := c.switchForExec(fd, name); err != nil {
			done <- started{err: err}
			return
		}
		path, err := findExecutable(argv[0])
		if err != nil {
			done <- started{err: &ExecError{Cmd: argv[0], Err: err}}
			return
		}
		cmd := newCmd(ctx, path, argv, opts)
		start := time.Now()
		err = cmd.Start()
		if Errno(err) == unix.ENOEXEC { // no #! line: run it with /bin/sh, as execvp does
			cmd = newCmd(ctx, "/bin/sh", append([]string{"/bin/sh", path}, argv[1:]...), opts)
			err = cmd.Start()
		}
		if err != nil {
			done <- started{err: &ExecError{Cmd: argv[0], Err: errnoOf(err)}}
			return
		}
		done <- started{p: &Process{cmd: cmd, start: start}}
	}()
	r := <-done
	return r.p, r.err
}

func newCmd(ctx context.Context, path string, argv []string, opts ExecOptions) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path)
	cmd.Args = argv
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.Stdin, opts.Stdout, opts.Stderr
	if opts.Input != nil {
		cmd.Stdin = bytes.NewReader(opts.Input)
	}
	cmd.Env = opts.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: opts.Setpgid}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	return cmd
}

// findExecutable resolves file like glibc's execvp: as given when it
// contains a '/', else the first executable regular file along PATH;
// ENOENT, or EACCES when a candidate was not executable or a PATH directory
// could not be searched.
func findExecutable(file string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil
	}
	if file == "" {
		return "", unix.ENOENT
	}
	path, ok := os.LookupEnv("PATH")
	if !ok {
		path = "/bin:/usr/bin"
	}
	sawAccess := false
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + file
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			if err == unix.EACCES { // a directory we may not search
				sawAccess = true
			}
			continue
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG || unix.Access(p, unix.X_OK) != nil {
			sawAccess = true // execve would say EACCES
			continue
		}
		return p, nil
	}
	if sawAccess {
		return "", unix.EACCES
	}
	return "", unix.ENOENT
}

// startViaHelper is Start with the setup done by a re-executed helper.
func (c Config) startViaHelper(ctx context.Context, name string, argv []string, opts ExecOptions) (*Process, error) {
	fd, err := c.OpenFd(name)
	if err != nil {
		return nil, err
	}
	nsFile := os.NewFile(uintptr(fd), c.Path(name))
	defer nsFile.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		return nil, &OpError{Op: "exec", Name: name, Err: err}
	}
	defer errR.Close()
	cmd := newCmd(ctx, "/proc/self/exe", append([]string{execHelperArg0, name, c.EtcDir, "--"}, argv...), opts)
	cmd.ExtraFiles = []*os.File{nsFile, errW}
	start := time.Now()
	err = cmd.Start()
	errW.Close()
	if err != nil {
		return nil, &OpError{Op: "exec", Name: name, Err: err, Text: err.Error()}
	}
	report, _ := io.ReadAll(errR)
	p := &Process{cmd: cmd, start: start}
	if len(report) > 0 {
		p.Wait()
		return nil, decodeHelperFailure(name, argv[0], string(report))
	}
	return p, nil
}

func decodeHelperFailure(name, cmd, report string) error {
	parts := strings.SplitN(report, " ", 3)
	if len(parts) < 3 {
		return &OpError{Op: "exec", Name: name, Err: errors.New(report), Text: report}
	}
	n, _ := strconv.Atoi(parts[0])
	errno := syscall.Errno(n)
	if parts[1] == "exec" {
		return &ExecError{Cmd: cmd, Err: errno}
	}
	return &OpError{Op: "exec", Name: name, Err: errno, Text: parts[2]}
}

// Process is a command started by Start.
type Process struct {
	cmd   *exec.Cmd
	start time.Time
	once  sync.Once
	res   Result
	err   error
}

// Pid returns the command's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to the command.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Wait waits for the command and returns how it ended. An error is returned
// only when waiting itself failed (not for a non-zero exit).
func (p *Process) Wait() (Result, error) {
	p.once.Do(func() {
		err := p.cmd.Wait()
		p.res.Duration = time.Since(p.start)
		ps := p.cmd.ProcessState
		if ps == nil {
			p.err = err
			return
		}
		ws := ps.Sys().(syscall.WaitStatus)
		switch {
		case ws.Signaled():
			p.res.Signal = int(ws.Signal())
			p.res.Code = 128 + p.res.Signal
		default:
			p.res.Code = ws.ExitStatus()
		}
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) && !errors.Is(err, exec.ErrWaitDelay) {
			p.err = err
		}
	})
	return p.res, p.err
}

// Output is the captured result of Run.
type Output struct {
	Result
	Stdout, Stderr []byte
}

// Run runs argv inside NAME, waits, and captures stdout and stderr unless
// opts names other writers.
//
// Equivalent to: `ip netns exec NAME CMD...`
func (c Config) Run(ctx context.Context, name string, argv []string, opts ExecOptions) (Output, error) {
	var out, errb bytes.Buffer
	if opts.Stdout == nil {
		opts.Stdout = &out
	}
	if opts.Stderr == nil {
		opts.Stderr = &errb
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	p, err := c.Start(ctx, name, argv, opts)
	if err != nil {
		return Output{}, err
	}
	res, err := p.Wait()
	return Output{Result: res, Stdout: out.Bytes(), Stderr: errb.Bytes()}, err
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
