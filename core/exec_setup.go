package core

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// switchForExec turns the calling thread into what `ip netns exec` gives a
// command: it joins the network namespace fd, enters a fresh mount
// namespace whose root is a slave of the caller's (so mounts propagate in
// but never out), mounts a new sysfs named after the namespace on /sys, and
// binds EtcDir/NAME/* over /etc/*. The steps and messages are those of
// iproute2's netns_switch. It must only run on a thread that execs next.
func (c Config) switchForExec(fd int, name string) error {
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return opErr("exec", name, err, "setting the network namespace \"%s\" failed: %s", name, Strerror(err))
	}
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return opErr("exec", name, err, "unshare failed: %s", Strerror(err))
	}
	if err := unix.Mount("", "/", "none", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return opErr("exec", name, err, "\"mount --make-rslave /\" failed: %s", Strerror(err))
	}
	var flags uintptr
	if unix.Unmount("/sys", unix.MNT_DETACH) != nil {
		// Not unmountable (locked in a user namespace, say): shadow it,
		// read-only if the old one was.
		var st unix.Statfs_t
		if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY != 0 {
			flags = unix.MS_RDONLY
		}
	}
	if err := unix.Mount(name, "/sys", "sysfs", flags, ""); err != nil {
		return opErr("exec", name, err, "mount of /sys failed: %s", Strerror(err))
	}
	c.bindEtc(name)
	return nil
}

// bindEtc binds every entry of EtcDir/NAME over /etc/ENTRY, warning about
// (and skipping) the ones that fail, as ip does.
func (c Config) bindEtc(name string) {
	if len(name) >= MaxNameLen {
		return
	}
	dir := c.EtcDir + "/" + name
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	entries, _ := f.Readdirnames(-1)
	f.Close()
	for _, e := range entries {
		src, dst := dir+"/"+e, "/etc/"+e
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil {
			c.warn(fmt.Sprintf("Bind %s -> %s failed: %s", src, dst, Strerror(err)))
		}
	}
}

// ExecError is a failure to start the command itself (execvp), after the
// namespace setup succeeded. ip exits 1 for it, not 255.
type ExecError struct {
	Cmd string
	Err error
}

func (e *ExecError) Error() string {
	return fmt.Sprintf("exec of \"%s\" failed: %s", e.Cmd, Strerror(e.Err))
}
func (e *ExecError) Unwrap() error { return e.Err }

// execvp replaces the process image like glibc's execvp: a PATH search
// when file has no '/' (see findExecutable), and files without a #! line
// run by /bin/sh. It returns only on failure.
func execvp(file string, argv, env []string) error {
	path, err := findExecutable(file)
	if err != nil {
		return err
	}
	return execFile(path, argv, env)
}

func execFile(path string, argv, env []string) error {
	err := unix.Exec(path, argv, env)
	if err == unix.ENOEXEC {
		shArgv := append([]string{"/bin/sh", path}, argv[1:]...)
		if serr := unix.Exec("/bin/sh", shArgv, env); serr != nil {
			return err
		}
	}
	return err
}

// ExecInPlace runs argv inside the namespace NAME by replacing the current
// process, exactly as `ip netns exec NAME CMD...` does: the command keeps
// this pid, so its exit status and death by signal are the caller's own.
// It must be called from the main goroutine (locked to the main thread by
// this package's init). It returns only on failure: an *OpError for the
// namespace setup (ip exits 255) or an *ExecError (ip exits 1).
func (c Config) ExecInPlace(name string, argv []string) error {
	fd, err := c.openForSwitch(name)
	if err != nil {
		return err
	}
	if err := c.switchForExec(fd, name); err != nil {
		return err
	}
	unix.Close(fd)
	return &ExecError{Cmd: argv[0], Err: execvp(argv[0], argv, os.Environ())}
}

// SwitchInPlace moves the calling (main) thread into namespace NAME with the
// same mount setup as exec, for `nssh -n NAME ...`, which then re-executes
// itself so that every thread of the new process is inside. No name check
// is done, as with `ip -n`.
func (c Config) SwitchInPlace(name string) error {
	fd, err := c.openForSwitch(name)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return c.switchForExec(fd, name)
}

// openForSwitch opens RunDir/NAME with ip's message on failure; the
// namespace type is left for setns to check, as ip does.
func (c Config) openForSwitch(name string) (int, error) {
	fd, err := unix.Open(c.RunDir+"/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, opErr("exec", name, err, "Cannot open network namespace \"%s\": %s", name, Strerror(err))
	}
	return fd, nil
}
