package core

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Add creates a named network namespace: a new netns bind-mounted on
// RunDir/NAME. The run dir is made a shared mount first, as ip does, so
// that namespaces made by nssh and by ip are usable by both. On any failure
// nothing is left behind.
//
// Equivalent to: `ip netns add NAME`
func (c Config) Add(name string) (*Namespace, error) {
	return c.AddWith(name, nil)
}

// AddWith is Add with a setup step: setup runs on the new namespace after
// it was created and before the bind mount makes it visible, so nobody
// (no other process, no watcher) ever sees it without what setup did. The
// Namespace given to setup works with the wiring methods (LinkSet, Link,
// AddrAdd, ...) and Sysctl, but not with those that open it by path
// (Exec, a veth peer). What setup made is the namespace's starting state: netlink
// watchers subscribed by AddWith do not report it as new. When setup
// fails, nothing is left and its error is returned.
//
// Equivalent to: `ip netns add NAME` with setup done by `ip -n NAME ...`
// before anyone could see NAME
func (c Config) AddWith(name string, setup func(*Namespace) error) (*Namespace, error) {
	if err := ValidName(name); err != nil {
		return nil, &OpError{Op: "add", Name: name, Err: err, Text: fmt.Sprintf("Invalid netns name \"%s\"", name)}
	}
	path := c.rawPath(name)
	if err := c.createPlaceholder("add", name); err != nil {
		return nil, err
	}
	var h *netlink.Handle
	err := InNewNetns(func() error {
		if setup != nil {
			var err error
			if h, err = runSetup(c, name, setup); err != nil {
				return err
			}
		}
		return unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, "")
	})
	if err != nil {
		if h != nil {
			h.Close()
		}
		c.removePlaceholder(path)
		var se setupError
		if errors.As(err, &se) {
			return nil, se.err
		}
		text := fmt.Sprintf("Bind /proc/self/ns/net -> %s failed: %s", path, Strerror(err))
		if isUnshareErr(err) {
			text = fmt.Sprintf("Failed to create a new network namespace \"%s\": %s", name, Strerror(err))
		}
		return nil, &OpError{Op: "add", Name: name, Err: errnoOf(err), Text: text}
	}
	ns, err := c.Open(name)
	if err != nil {
		if h != nil {
			h.Close()
		}
		return nil, err
	}
	if h != nil {
		keepHandle(ns, h)
	}
	c.announce(ns, setup == nil)
	return ns, nil
}

// setupError carries the error of an AddWith setup step out of InNewNetns.
type setupError struct{ err error }

func (e setupError) Error() string { return e.err.Error() }
func (e setupError) Unwrap() error { return e.err }

// runSetup runs setup on the namespace of the calling thread (a new one,
// not mounted yet) through a netlink handle made on that thread.
func runSetup(c Config, name string, setup func(*Namespace) error) (*netlink.Handle, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, setupError{&OpError{Op: "add", Name: name, Err: fmt.Errorf("netlink socket: %w", err)}}
	}
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		h.Close()
		return nil, setupError{&OpError{Op: "add", Name: name, Err: err}}
	}
	ns := &Namespace{Name: name, Path: c.Path(name), Dev: st.Dev, Ino: st.Ino, etcDir: c.EtcDir, setupH: h}
	if err := setup(ns); err != nil {
		h.Close()
		return nil, setupError{err}
	}
	return h, nil
}

// openAnnounced opens a namespace this process just mounted and announces
// it (see announce); its objects are reported as new to netlink watchers.
func (c Config) openAnnounced(name string) (*Namespace, error) {
	ns, err := c.Open(name)
	if err == nil {
		c.announce(ns, true)
	}
	return ns, err
}

// announce tells the add/del watchers about a namespace this process just
// mounted (see announceMounted) and subscribes the netlink watchers that
// cover it (see subscribeNew); fresh reports its objects as new.
func (c Config) announce(ns *Namespace, fresh bool) {
	announceMounted(c.RunDir, ns.Name, nsIdentity{ns.Dev, ns.Ino})
	subscribeNew(c.RunDir, ns.Name, fresh)
}

// Attach names the network namespace of process pid: RunDir/NAME becomes
// a bind mount of /proc/PID/ns/net. A pidfd proves that the namespace file
// belonged to pid and not to a process that reused its number.
//
// Equivalent to: `ip netns attach NAME PID`
func (c Config) Attach(name string, pid int) (*Namespace, error) {
	if err := ValidName(name); err != nil {
		return nil, &OpError{Op: "attach", Name: name, Err: err, Text: fmt.Sprintf("Invalid netns name \"%s\"", name)}
	}
	if pid == 0 {
		return nil, &OpError{Op: "attach", Name: name, Err: unix.ESRCH, Text: "Invalid PID: 0"}
	}
	path := c.rawPath(name)
	src := "/proc/" + strconv.Itoa(pid) + "/ns/net"
	bindErr := func(err error) *OpError {
		return opErr("attach", name, err, "Bind %s -> %s failed: %s", src, path, Strerror(err))
	}
	// Open the source before creating anything, so a bad pid changes nothing.
	pidfd, pidErr := -1, error(nil)
	if pid > 0 {
		var fd int
		if fd, pidErr = unix.PidfdOpen(pid, 0); pidErr == nil {
			pidfd = fd
			defer unix.Close(pidfd)
		}
	}
	nsfd, err := unix.Open(src, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		oe := bindErr(err)
		if err == unix.ENOENT && (pid < 0 || pidErr == unix.ESRCH) {
			oe.Err = unix.ESRCH // no such process; Text stays ip's message
		}
		return nil, oe
	}
	defer unix.Close(nsfd)
	if pidfd >= 0 {
		if err := unix.PidfdSendSignal(pidfd, 0, nil, 0); err != nil {
			return nil, bindErr(unix.ESRCH) // the process went away: the ns file may be another's
		}
	}
	if err := checkNetnsFd(nsfd); err != nil {
		return nil, bindErr(unix.EINVAL)
	}
	if err := c.createPlaceholder("attach", name); err != nil {
		return nil, err
	}
	if err := unix.Mount("/proc/self/fd/"+strconv.Itoa(nsfd), path, "none", unix.MS_BIND, ""); err != nil {
		c.removePlaceholder(path)
		return nil, bindErr(err)
	}
	return c.openAnnounced(name)
}

// createPlaceholder prepares the run dir (mkdir, flock, shared mount) and
// creates the empty mode-0000 file RunDir/NAME that the bind mount will
// cover. Steps 2-6 of ip's netns_add.
func (c Config) createPlaceholder(op, name string) error {
	if err := c.PrepareRunDir(); err != nil {
		var oe *OpError
		if errors.As(err, &oe) {
			oe.Op, oe.Name = op, name
		}
		return err
	}
	path := c.rawPath(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return opErr(op, name, err, "Cannot create namespace file \"%s\": %s", path, Strerror(err))
	}
	unix.Close(fd)
	return nil
}

// removePlaceholder undoes createPlaceholder after a failed mount.
func (c Config) removePlaceholder(path string) {
	_ = unix.Unmount(path, unix.MNT_DETACH)
	_ = unix.Unlink(path)
}

// PrepareRunDir checks the run dir (see CheckDir), creates it and makes
// it a shared mount point (binding it onto itself the first time), under
// an flock on the dir so that parallel adds, ours or ip's, never stack
// self-binds.
func (c Config) PrepareRunDir() error {
	dir := c.RunDir
	if err := CheckDir("run dir", dir); err != nil {
		return err
	}
	if err := unix.Mkdir(dir, 0o755); err != nil && err != unix.EEXIST {
		return opErr("add", "", err, "mkdir %s failed: %s", dir, Strerror(err))
	}
	lock, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return opErr("add", "", err, "Cannot open netns runtime directory \"%s\": %s", dir, Strerror(err))
	}
	defer unix.Close(lock)
	if err := unix.Flock(lock, unix.LOCK_EX); err != nil {
		c.warn(fmt.Sprintf("Warning: could not flock netns runtime directory \"%s\": %s", dir, Strerror(err)))
	}
	defer unix.Flock(lock, unix.LOCK_UN)
	bound := false
	for {
		err := unix.Mount("", dir, "none", unix.MS_SHARED|unix.MS_REC, "")
		if err == nil {
			return nil
		}
		if err != unix.EINVAL || bound {
			return opErr("add", "", err, "mount --make-shared %s failed: %s", dir, Strerror(err))
		}
		if err := unix.Mount(dir, dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return opErr("add", "", err, "mount --bind %s %s failed: %s", dir, dir, Strerror(err))
		}
		bound = true
	}
}

// unshareError marks a failure of unshare(CLONE_NEWNET) inside InNewNetns.
type unshareError struct{ err error }

func (e unshareError) Error() string { return "unshare: " + e.err.Error() }
func (e unshareError) Unwrap() error { return e.err }

func isUnshareErr(err error) bool {
	var ue unshareError
	return errors.As(err, &ue)
}

func errnoOf(err error) error {
	if e := Errno(err); e != 0 {
		return e
	}
	return err
}
