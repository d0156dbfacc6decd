package core

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// CheckDir refuses a directory nssh is configured to use (what names it:
// "run dir", "etc dir", "state dir") when users other than the current one
// and root could change what is in it, as ssh refuses a ~/.ssh that others
// may write: the directory must be owned by the current user or root and
// not writable by group or others, and each directory above it must be
// owned likewise and not writable by group or others unless it has the
// sticky bit (as /tmp has). Symlinks in path are resolved first. A
// directory that does not exist yet passes (nssh creates it 0755), and so
// does a path that is no directory (using it fails with ip's message); the
// error names the path and the fix.
func CheckDir(what, path string) error {
	real, err := ResolvePath(path)
	if err != nil {
		return &DirError{Path: path, Err: err, Text: fmt.Sprintf("%s %s: %s", what, path, err)}
	}
	var st unix.Stat_t
	if err := unix.Stat(real, &st); err != nil {
		if err == unix.ENOENT || err == unix.ENOTDIR {
			return nil // not made yet (or cannot be): its user says so
		}
		return &DirError{Path: path, Err: err, Text: fmt.Sprintf("%s %s: %s", what, path, Strerror(err))}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return nil // unusable anyway: the operation says so in ip's words
	}
	if err := checkOwnerMode(what, path, real, &st, false); err != nil {
		return err
	}
	for dir := filepath.Dir(real); ; dir = filepath.Dir(dir) {
		if err := unix.Stat(dir, &st); err != nil {
			return &DirError{Path: path, Err: err, Text: fmt.Sprintf("%s %s: %s: %s", what, path, dir, Strerror(err))}
		}
		if err := checkOwnerMode(what, path, dir, &st, true); err != nil {
			return err
		}
		if dir == "/" {
			return nil
		}
	}
}

// checkOwnerMode checks one directory of CheckDir: dir is path itself or,
// when parent is set, a directory above it.
func checkOwnerMode(what, path, dir string, st *unix.Stat_t, parent bool) error {
	uid := int(st.Uid)
	if uid != os.Geteuid() && uid != 0 && !unmappedOwner(uid) {
		return unsafeDir(what, path, dir, unix.EPERM,
			fmt.Sprintf("is owned by uid %d, not by you (uid %d) or root", uid, os.Geteuid()),
			fmt.Sprintf("chown %d %s, or choose another directory", os.Geteuid(), dir))
	}
	if st.Mode&0o022 == 0 || parent && st.Mode&unix.S_ISVTX != 0 {
		return nil
	}
	return unsafeDir(what, path, dir, unix.EPERM,
		fmt.Sprintf("is writable by other users (mode %04o)", st.Mode&0o7777),
		"chmod go-w "+dir)
}

func unsafeDir(what, path, dir string, errno unix.Errno, why, fix string) error {
	subject := what + " " + path
	if dir != path {
		subject = fmt.Sprintf("%s (above %s %s)", dir, what, path)
	}
	return &DirError{Path: path, Err: errno,
		Text: fmt.Sprintf("%s %s: refusing to use it; fix: %s", subject, why, fix)}
}

// DirError is a configured directory that nssh refuses to use. Error()
// is the whole message: the path, why, and the fix.
type DirError struct {
	Path string // the directory as configured
	Text string
	Err  error // the errno (EPERM for unsafe ownership or mode)
}

func (e *DirError) Error() string { return e.Text }
func (e *DirError) Unwrap() error { return e.Err }

// CheckDirs runs CheckDir on the run dir, the etc dir and the state dir.
func (c Config) CheckDirs() error {
	var errs []error
	for _, d := range []struct{ what, path string }{
		{"run dir", c.RunDir}, {"etc dir", c.EtcDir}, {"state dir", c.StateDir},
	} {
		if err := CheckDir(d.what, d.path); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ResolvePath returns path absolute with every symlink resolved; the part
// that does not exist yet is appended as given (cleaned).
func ResolvePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, unix.ENOTDIR) || cur == "/" {
			return "", err
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = filepath.Dir(cur)
	}
}

// Inside reports whether path is dir or below it, both resolved first (so
// a symlink pointing into dir is inside).
func Inside(path, dir string) bool {
	p, err1 := ResolvePath(path)
	d, err2 := ResolvePath(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// overflowUID is the owner the kernel shows for files whose owner has no
// mapping in this user namespace; -1 in the initial user namespace, where
// every owner is mapped.
var overflowUID = sync.OnceValue(func() int {
	m, err := os.ReadFile("/proc/self/uid_map")
	if err != nil || strings.Join(strings.Fields(string(m)), " ") == "0 0 4294967295" {
		return -1
	}
	b, err := os.ReadFile("/proc/sys/kernel/overflowuid")
	if err != nil {
		return 65534
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 65534
	}
	return n
})

// unmappedOwner reports whether uid is the overflow uid of a user
// namespace: an owner outside it (usually the host's root), who could have
// changed the directory anyway.
func unmappedOwner(uid int) bool { return uid == overflowUID() }
