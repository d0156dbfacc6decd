package core

import (
	"fmt"
	"os"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Namespace is a named network namespace, identified by the device and
// inode of its nsfs file (two names of one namespace compare equal).
type Namespace struct {
	Name string
	Path string
	Dev  uint64
	Ino  uint64

	etcDir string          // Config.EtcDir of the opener: what Exec binds over /etc
	setupH *netlink.Handle // set only during an AddWith setup, before the mount
}

// Same reports whether a and b are the same kernel namespace.
func (ns *Namespace) Same(other *Namespace) bool {
	return ns.Dev == other.Dev && ns.Ino == other.Ino
}

func (ns *Namespace) String() string { return fmt.Sprintf("netns(%q)", ns.Name) }

// Open returns the namespace named name, or an error: fs.ErrNotExist when
// there is no such entry, ErrNotNetns when the entry is not a mounted
// network namespace (a stale placeholder, for example).
func (c Config) Open(name string) (*Namespace, error) {
	if err := ValidName(name); err != nil {
		return nil, newOpError("open", name, err, "")
	}
	fd, err := c.OpenFd(name)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, newOpError("open", name, err, "")
	}
	return &Namespace{Name: name, Path: c.Path(name), Dev: st.Dev, Ino: st.Ino, etcDir: c.EtcDir}, nil
}

// OpenFd opens RunDir/NAME read-only and close-on-exec, and checks that it
// is a network namespace. The caller owns the fd.
func (c Config) OpenFd(name string) (int, error) {
	path := c.rawPath(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, opErr("open", name, err, "Cannot open network namespace \"%s\": %s", name, Strerror(err))
	}
	if err := checkNetnsFd(fd); err != nil {
		unix.Close(fd)
		return -1, opErr("open", name, err, "setting the network namespace \"%s\" failed: Invalid argument", name)
	}
	return fd, nil
}

// checkNetnsFd returns ErrNotNetns unless fd refers to a network namespace.
func checkNetnsFd(fd int) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return err
	}
	if sfs.Type != unix.NSFS_MAGIC {
		return ErrNotNetns
	}
	typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil || typ != unix.CLONE_NEWNET {
		return ErrNotNetns
	}
	return nil
}

// Names returns the entries of the run directory in raw directory order
// (never sorted, as ip does); only "." and ".." are skipped. A missing run
// directory gives an empty list and no error.
func (c Config) Names() ([]string, error) {
	f, err := os.Open(c.RunDir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// Get returns the namespace called name, or nil when there is no such
// entry or it is not a live network namespace.
func (c Config) Get(name string) *Namespace {
	ns, err := c.Open(name)
	if err != nil {
		return nil
	}
	return ns
}

// IsNetns reports whether RunDir/NAME is a mounted network namespace.
func (c Config) IsNetns(name string) bool {
	fd, err := unix.Open(c.rawPath(name), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return checkNetnsFd(fd) == nil
}
