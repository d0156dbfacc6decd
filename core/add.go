package core

import (
	"errors"
	"fmt"
	"strconv"
	"time"

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
		return nil, newOpError("add", name, err, fmt.Sprintf("Invalid netns name \"%s\"", name))
	}
	path := c.rawPath(name)
	ph, err := c.createPlaceholder("add", name)
	if err != nil {
		return nil, err
	}
	defer ph.close()
	if placeholderHook != nil {
		placeholderHook(name)
	}
	var h *netlink.Handle
	var id nsIdentity
	err = InNewNetns(func() error {
		var st unix.Stat_t
		if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
			return err
		}
		id = nsIdentity{st.Dev, st.Ino}
		if setup != nil {
			var err error
			if h, err = runSetup(c, name, setup); err != nil {
				return err
			}
			markQuietBirth(nsKey{id.dev, id.ino}) // before anyone can see it
		}
		return unix.Mount("/proc/thread-self/ns/net", ph.target(), "none", unix.MS_BIND, "")
	})
	if err != nil {
		if h != nil {
			h.Close()
			forgetQuietBirth(nsKey{id.dev, id.ino})
		}
		c.removePlaceholder(path, ph.ino)
		var se setupError
		if errors.As(err, &se) {
			return nil, se.err
		}
		text := fmt.Sprintf("Bind /proc/self/ns/net -> %s failed: %s", path, Strerror(err))
		if isUnshareErr(err) {
			text = fmt.Sprintf("Failed to create a new network namespace \"%s\": %s", name, Strerror(err))
		}
		return nil, newOpError("add", name, errnoOf(err), text)
	}
	// The name is not opened again: under a concurrent delete and re-add
	// by another process it may already name something else, and this
	// add still succeeded, as ip's does.
	ns := c.mounted(name, id)
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
		return nil, setupError{newOpError("add", name, fmt.Errorf("netlink socket: %w", err), "")}
	}
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		h.Close()
		return nil, setupError{newOpError("add", name, err, "")}
	}
	ns := &Namespace{Name: name, Path: c.Path(name), Dev: st.Dev, Ino: st.Ino, etcDir: c.EtcDir, setupH: h}
	if err := setup(ns); err != nil {
		h.Close()
		return nil, setupError{err}
	}
	return h, nil
}

// mounted returns the namespace id this process just mounted on
// RunDir/NAME.
func (c Config) mounted(name string, id nsIdentity) *Namespace {
	return &Namespace{Name: name, Path: c.Path(name), Dev: id.dev, Ino: id.ino, etcDir: c.EtcDir}
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
		return nil, newOpError("attach", name, err, fmt.Sprintf("Invalid netns name \"%s\"", name))
	}
	if pid == 0 {
		return nil, newOpError("attach", name, unix.ESRCH, "Invalid PID: 0")
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
	var st unix.Stat_t
	if err := unix.Fstat(nsfd, &st); err != nil {
		return nil, bindErr(err)
	}
	ph, err := c.createPlaceholder("attach", name)
	if err != nil {
		return nil, err
	}
	defer ph.close()
	if err := unix.Mount("/proc/self/fd/"+strconv.Itoa(nsfd), ph.target(), "none", unix.MS_BIND, ""); err != nil {
		c.removePlaceholder(path, ph.ino)
		return nil, bindErr(err)
	}
	ns := c.mounted(name, nsIdentity{st.Dev, st.Ino})
	c.announce(ns, true)
	return ns, nil
}

// placeholderHook, when set (by tests only), runs in AddWith between the
// placeholder's creation and the bind mount: where another process's
// delete and add can come in.
var placeholderHook func(name string)

// placeholder is the file an add or attach created and holds open until
// its bind mount is done.
type placeholder struct {
	fd  int
	ino uint64
}

// target is the mount target for the placeholder: its open file, not its
// path, so the bind lands on this very file or fails with ENOENT when
// another process deleted it meanwhile. By path it could land on a file
// of the same name that another add (ip's, say) created after that
// delete, under or over that add's own bind: a stacked mount.
func (p placeholder) target() string { return "/proc/self/fd/" + strconv.Itoa(p.fd) }

func (p placeholder) close() { unix.Close(p.fd) }

// createPlaceholder prepares the run dir (mkdir, flock, shared mount) and
// creates the empty mode-0000 file RunDir/NAME that the bind mount will
// cover (steps 2-6 of ip's netns_add). A stale placeholder (see
// StaleAge: left by an add that was killed) is reused. The caller closes
// the placeholder it returns.
func (c Config) createPlaceholder(op, name string) (placeholder, error) {
	if err := c.PrepareRunDir(); err != nil {
		var oe *OpError
		if errors.As(err, &oe) {
			oe.Op, oe.Name = op, name
		}
		return placeholder{fd: -1}, err
	}
	path := c.rawPath(name)
	for try := 0; ; try++ {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == unix.EEXIST && try == 0 && c.RemoveStalePlaceholder(name) {
			continue
		}
		if err != nil {
			return placeholder{fd: -1}, opErr(op, name, err, "Cannot create namespace file \"%s\": %s", path, Strerror(err))
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil { // without its inode the placeholder cannot be told from another file later
			unix.Close(fd)
			unix.Unlink(path)
			return placeholder{fd: -1}, opErr(op, name, err, "Cannot create namespace file \"%s\": %s", path, Strerror(err))
		}
		return placeholder{fd: fd, ino: st.Ino}, nil
	}
}

// removePlaceholder undoes createPlaceholder after a failed mount: it
// unlinks the placeholder it made (inode ino), and nothing else (the name
// may have been deleted and re-added by another process meanwhile).
func (c Config) removePlaceholder(path string, ino uint64) {
	e, err := classifyEntry(path)
	if err == nil && e.kind == entryPlaceholder && e.ino == ino {
		_ = unix.Unlink(path)
	}
}

// RemoveStalePlaceholder removes RunDir/NAME if it is a stale
// placeholder (see StaleAge), checked again under the run dir lock so
// that two processes never both take it, and reports whether it did.
func (c Config) RemoveStalePlaceholder(name string) bool {
	path := c.rawPath(name)
	if e, err := classifyEntry(path); err != nil || !e.stale(time.Now()) {
		return false
	}
	removed := false
	c.withRunDirLock(func() {
		e, err := classifyEntry(path)
		removed = err == nil && e.stale(time.Now()) && unix.Unlink(path) == nil
	})
	return removed
}

// RemoveStalePlaceholders removes every stale placeholder of the run dir
// (see StaleAge) under the run dir lock and returns their names (`nssh gc`).
func (c Config) RemoveStalePlaceholders() ([]string, error) {
	names, err := c.Names()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if ValidName(n) == nil && c.RemoveStalePlaceholder(n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// withRunDirLock runs fn holding the flock on the run dir that
// PrepareRunDir (and ip's netns add) takes; without the lock (the dir
// cannot be opened) fn does not run.
func (c Config) withRunDirLock(fn func()) {
	lock, err := unix.Open(c.RunDir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(lock)
	if unix.Flock(lock, unix.LOCK_EX) != nil {
		return
	}
	defer unix.Flock(lock, unix.LOCK_UN)
	fn()
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
	if !isSelfBind(dir) && !sameDir(dir, DefaultRunDir) {
		if err := c.checkRunDirContents(); err != nil {
			return err
		}
	}
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

// isSelfBind reports whether dir is a mount point of the filesystem that
// holds its parent: a run dir that ip or nssh already bound onto itself.
func isSelfBind(dir string) bool {
	if !isMountPoint(dir) {
		return false
	}
	var st, parent unix.Stat_t
	return unix.Stat(dir, &st) == nil && unix.Stat(dir+"/..", &parent) == nil && st.Dev == parent.Dev
}

// sameDir reports whether a and b are the same directory.
func sameDir(a, b string) bool {
	var sa, sb unix.Stat_t
	return unix.Stat(a, &sa) == nil && unix.Stat(b, &sb) == nil && sa.Dev == sb.Dev && sa.Ino == sb.Ino
}

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
