package core

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// An entry of the run dir is one of these. nssh deletes only the first
// two kinds: ip can only ever be pointed at /run/netns, nssh can be
// pointed anywhere (--run-dir, NSSH_RUN_DIR), so it must not unlink what
// is not its own.
type entryKind int

const (
	entryMissing     entryKind = iota
	entryNetns                 // a mounted namespace file (nsfs)
	entryPlaceholder           // an empty mode-0000 regular file that is not a mount: an add in progress or killed
	entryDir                   // a directory
	entryOther                 // anything else: a file with data or another mode, a symlink, a device, another mount
)

// runEntry is what classifyEntry found at RunDir/NAME.
type runEntry struct {
	kind  entryKind
	what  string // for entryOther: "a symbolic link", "a regular file with data", ...
	ino   uint64
	ctime time.Time
}

// classifyEntry looks at path without following a symlink.
func classifyEntry(path string) (runEntry, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		if err == unix.ENOENT {
			return runEntry{kind: entryMissing}, nil
		}
		return runEntry{}, err
	}
	e := runEntry{ino: st.Ino, ctime: time.Unix(st.Ctim.Unix())}
	var sfs unix.Statfs_t
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		e.kind = entryDir
		return e, nil
	case unix.S_IFLNK:
		e.kind, e.what = entryOther, "a symbolic link"
		return e, nil
	case unix.S_IFREG:
	default:
		e.kind, e.what = entryOther, "a special file"
		return e, nil
	}
	if err := unix.Statfs(path, &sfs); err != nil {
		return runEntry{}, err
	}
	switch {
	case sfs.Type == unix.NSFS_MAGIC:
		e.kind = entryNetns // nsfs is never a placeholder's filesystem
	case isMountPoint(path):
		e.kind, e.what = entryOther, "a mount point of another file"
	case st.Size != 0:
		e.kind, e.what = entryOther, "a regular file with data"
	case st.Mode&0o7777 != 0:
		e.kind, e.what = entryOther, fmt.Sprintf("an empty file of mode %04o (a placeholder has mode 0000)", st.Mode&0o7777)
	default:
		e.kind = entryPlaceholder
	}
	return e, nil
}

// isMountPoint reports whether path is the root of a mount (statx
// STATX_ATTR_MOUNT_ROOT, Linux 5.8+; false when the kernel cannot say).
func isMountPoint(path string) bool {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_NO_AUTOMOUNT, 0, &stx); err != nil {
		return false
	}
	return stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
}

// StaleAge is how old a placeholder must be before gc removes it and add
// reuses its name: an add in progress (ours or ip's) holds its placeholder
// for well under a millisecond between create and mount.
const StaleAge = 5 * time.Second

// stale reports whether e is a placeholder older than StaleAge.
func (e runEntry) stale(now time.Time) bool {
	return e.kind == entryPlaceholder && now.Sub(e.ctime) >= StaleAge
}

// refusal is the error for an entry nssh will not delete: a directory
// gets ip's message and status (ip cannot delete one either, though it
// unmounts what is mounted there first); anything else says what it is
// and IsRefused recognises it.
func (c Config) refusal(op, name string, e runEntry) error {
	path := c.rawPath(name)
	if e.kind == entryDir {
		return opErr(op, name, unix.EISDIR, "Cannot remove namespace file \"%s\": %s", path, Strerror(unix.EISDIR))
	}
	return newOpError(op, name, refused{ErrNotNetns},
		fmt.Sprintf("Cannot remove namespace file \"%s\": it is %s, not a network namespace or a placeholder (refused; remove it by hand if it is not needed)", path, e.what))
}

// refused marks an entry of the run dir that nssh does not delete.
type refused struct{ err error }

func (r refused) Error() string { return r.err.Error() }
func (r refused) Unwrap() error { return r.err }

// IsRefused reports whether err is Delete refusing an entry that is
// neither a namespace nor a placeholder (nothing was changed).
func IsRefused(err error) bool {
	var r refused
	return errors.As(err, &r)
}

// checkRunDirContents refuses to turn a directory into a run dir (the
// self-bind mount of the first add) when it holds anything but namespaces
// and placeholders: a mistyped --run-dir must not make /etc a mount point.
// ip's own /run/netns is a run dir whatever it holds (PrepareRunDir does
// not ask).
func (c Config) checkRunDirContents() error {
	names, err := c.Names()
	if err != nil {
		return nil // the mount step reports it
	}
	for _, n := range names {
		e, err := classifyEntry(c.rawPath(n))
		if err != nil || e.kind == entryMissing || e.kind == entryNetns || e.kind == entryPlaceholder {
			continue
		}
		what := e.what
		if e.kind == entryDir {
			what = "a directory"
		}
		return newOpError("add", "", ErrNotNetns,
			fmt.Sprintf("%s is not a netns run dir (%q in it is %s): refusing to make it a mount point; choose an empty or new directory", c.RunDir, n, what))
	}
	return nil
}

// IsPlaceholder reports whether RunDir/NAME is a placeholder: an empty
// mode-0000 regular file that is not a mount (an add in progress, or the
// residue of a killed one).
func (c Config) IsPlaceholder(name string) bool {
	e, err := classifyEntry(c.rawPath(name))
	return err == nil && e.kind == entryPlaceholder
}

// RemovePlaceholder removes RunDir/NAME if it is a placeholder, checked
// again under the run dir lock, and reports whether it did. Use it for a
// placeholder known to be one's own residue whatever its age; others wait
// for StaleAge (RemoveStalePlaceholder).
func (c Config) RemovePlaceholder(name string) bool {
	path := c.rawPath(name)
	removed := false
	c.withRunDirLock(func() {
		e, err := classifyEntry(path)
		removed = err == nil && e.kind == entryPlaceholder && unix.Unlink(path) == nil
	})
	return removed
}

// IsStalePlaceholder reports whether RunDir/NAME is a placeholder older
// than StaleAge.
func (c Config) IsStalePlaceholder(name string) bool {
	e, err := classifyEntry(c.rawPath(name))
	return err == nil && e.stale(time.Now())
}
