package core

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core/nsexec"
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
	err := execvp(argv[0], argv)
	reportHelperFailure("exec", err, (&ExecError{Cmd: argv[0], Err: err}).Error())
	os.Exit(1)
}

func reportHelperFailure(kind string, err error, text string) {
	msg := fmt.Sprintf("%d %s %s", int(Errno(err)), kind, text)
	unix.Write(4, []byte(msg))
}

// launchSpec is what launch gives the child besides its command.
type launchSpec struct {
	files     [3]*os.File
	env       []string
	dir       string
	attr      *syscall.SysProcAttr
	warn      func(text string) // ip's warnings of the setup (failed /etc binds)
	viaHelper bool
}

// launch starts argv inside ns with the setup of `ip netns exec` (see
// switchForExec) and fills in p's command, pid and start time. It returns
// once the command itself runs, or failed to start: an *OpError for the
// namespace (ErrNamespaceGone when ns's name now refers to another one),
// an *ExecError for the exec.
//
// The setup runs on a throw-away OS thread: a goroutine locks its thread,
// switches it, forks the command from it and exits still locked, so the Go
// runtime destroys the thread instead of reusing it. With viaHelper it
// runs in a re-executed copy of this binary instead.
func (ns *Namespace) launch(p *Process, argv []string, spec launchSpec) error {
	if len(argv) == 0 {
		return newOpError("exec", ns.Name, unix.EINVAL, "No command specified")
	}
	fd, err := ns.openChecked()
	if err != nil {
		return err
	}
	if spec.viaHelper {
		return ns.launchViaHelper(p, fd, argv, spec)
	}
	cfg := Config{EtcDir: ns.etcDir, Warn: spec.warn}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see above
		defer unix.Close(fd)
		if err := cfg.switchForExec(fd, ns.Name); err != nil {
			done <- err
			return
		}
		path, err := nsexec.FindExecutable(argv[0])
		if err != nil {
			done <- &ExecError{Cmd: argv[0], Err: err}
			return
		}
		cmd := spec.command(path, argv)
		p.start = time.Now()
		err = cmd.Start()
		if Errno(err) == unix.ENOEXEC { // no #! line: run it with /bin/sh, as execvp does
			cmd = spec.command("/bin/sh", append([]string{"/bin/sh", path}, argv[1:]...))
			err = cmd.Start()
		}
		if err != nil {
			done <- &ExecError{Cmd: argv[0], Err: errnoOf(err)}
			return
		}
		p.cmd, p.pid = cmd, cmd.Process.Pid
		done <- nil
	}()
	return <-done
}

// command builds the exec.Cmd: files only (no copying goroutines), so its
// Wait returns when the process exits.
func (spec launchSpec) command(path string, argv []string) *exec.Cmd {
	cmd := &exec.Cmd{Path: path, Args: argv, Env: spec.env, Dir: spec.dir, SysProcAttr: spec.attr}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = spec.files[0], spec.files[1], spec.files[2]
	return cmd
}

// launchViaHelper is launch with the setup done by a re-executed helper
// (fd 3 = the namespace, fd 4 = its error pipe).
func (ns *Namespace) launchViaHelper(p *Process, fd int, argv []string, spec launchSpec) error {
	nsFile := os.NewFile(uintptr(fd), ns.Path)
	defer nsFile.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		return newOpError("exec", ns.Name, err, "")
	}
	defer errR.Close()
	cmd := spec.command("/proc/self/exe", append([]string{execHelperArg0, ns.Name, ns.etcDir, "--"}, argv...))
	cmd.ExtraFiles = []*os.File{nsFile, errW}
	p.start = time.Now()
	err = cmd.Start()
	errW.Close()
	if err != nil {
		return newOpError("exec", ns.Name, err, err.Error())
	}
	report, _ := io.ReadAll(errR)
	if len(report) > 0 {
		cmd.Wait()
		return decodeHelperFailure(ns.Name, argv[0], string(report))
	}
	p.cmd, p.pid = cmd, cmd.Process.Pid
	return nil
}

func decodeHelperFailure(name, cmd, report string) error {
	parts := strings.SplitN(report, " ", 3)
	if len(parts) < 3 {
		return newOpError("exec", name, errors.New(report), report)
	}
	n, _ := strconv.Atoi(parts[0])
	errno := syscall.Errno(n)
	if parts[1] == "exec" {
		return &ExecError{Cmd: cmd, Err: errno}
	}
	return newOpError("exec", name, errno, parts[2])
}
