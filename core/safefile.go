package core

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Files nssh writes as root under a configured directory (lab state files,
// node directories, /etc/netns/NAME) must never be redirected by a link
// planted by someone else. The functions here take a base directory, which
// is a configured one (checked by CheckDir and allowed to be reached
// through symlinks), and a path relative to it, of which no component is
// ever followed when it is a symlink: each is opened with openat and
// O_NOFOLLOW from the one before.

// ErrSymlink is returned (wrapped) when a path component is a symlink.
var ErrSymlink = errors.New("is a symbolic link (not followed)")

// geteuid is os.Geteuid (a seam for tests: in the test sandbox no other
// user exists to own a file).
var geteuid = os.Geteuid

// openBase opens the configured directory base.
func openBase(base string) (int, error) {
	fd, err := unix.Open(base, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: base, Err: err}
	}
	return fd, nil
}

// splitRel checks and splits a relative path: no empty result, no "..",
// not absolute.
func splitRel(rel string) ([]string, error) {
	if rel == "" || filepath.IsAbs(rel) {
		return nil, fmt.Errorf("path %q: must be relative and not empty", rel)
	}
	var parts []string
	for _, p := range strings.Split(filepath.Clean(rel), "/") {
		if p == ".." {
			return nil, fmt.Errorf("path %q: must not contain \"..\"", rel)
		}
		if p != "." && p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("path %q: names no file", rel)
	}
	return parts, nil
}

// nofollowErr turns the errno of an O_NOFOLLOW open into a clear error.
func nofollowErr(op, path string, err error) error {
	if err == unix.ELOOP || err == unix.ENOTDIR && isSymlinkAt(path) {
		return &os.PathError{Op: op, Path: path, Err: ErrSymlink}
	}
	return &os.PathError{Op: op, Path: path, Err: err}
}

func isSymlinkAt(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&os.ModeSymlink != 0
}

// walkDirs opens base/dirs[0]/dirs[1]/... without following symlinks,
// creating missing directories with perm when create is set. It returns
// the fd of the last one (base's own when dirs is empty).
func walkDirs(base string, dirs []string, create bool, perm os.FileMode) (int, error) {
	fd, err := openBase(base)
	if err != nil {
		return -1, err
	}
	path := base
	for _, d := range dirs {
		path = filepath.Join(path, d)
		if create {
			if err := unix.Mkdirat(fd, d, uint32(perm.Perm())); err != nil && err != unix.EEXIST {
				unix.Close(fd)
				return -1, &os.PathError{Op: "mkdir", Path: path, Err: err}
			}
		}
		next, err := unix.Openat(fd, d, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			return -1, nofollowErr("open", path, err)
		}
		fd = next
	}
	return fd, nil
}

// tempName returns an unpredictable name for a temporary file next to
// name: ".NAME.<16 hex digits>.tmp".
func tempName(name string) string {
	var b [8]byte
	rand.Read(b[:])
	return "." + name + "." + hex.EncodeToString(b[:]) + ".tmp"
}

// IsTempName reports whether name was made by tempName (a leftover of a
// writer that died between create and rename).
func IsTempName(name string) bool {
	if !strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".tmp") {
		return false
	}
	i := strings.LastIndexByte(strings.TrimSuffix(name, ".tmp"), '.')
	return i > 0 && len(name)-len(".tmp")-i-1 == 16
}

// WriteFileIn replaces base/rel with data atomically: it writes a new file
// with an unpredictable name created with O_CREAT|O_EXCL|O_NOFOLLOW in the
// same directory, fsyncs it, renames it over rel and fsyncs the directory.
// Missing directories of rel are created with mode 0755. A symlink at rel
// itself is replaced, never followed; a symlink among rel's directories is
// an error wrapping ErrSymlink.
func WriteFileIn(base, rel string, data []byte, perm os.FileMode) error {
	parts, err := splitRel(rel)
	if err != nil {
		return err
	}
	dirfd, err := walkDirs(base, parts[:len(parts)-1], true, 0o755)
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	name := parts[len(parts)-1]
	path := filepath.Join(base, rel)
	tmp := tempName(name)
	fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err != nil {
		return &os.PathError{Op: "create", Path: filepath.Join(filepath.Dir(path), tmp), Err: err}
	}
	f := os.NewFile(uintptr(fd), tmp)
	err = writeSync(f, data, perm)
	if err == nil {
		err = unix.Renameat(dirfd, tmp, dirfd, name)
		if err != nil {
			err = &os.PathError{Op: "rename", Path: path, Err: err}
		}
	}
	if err != nil {
		unix.Unlinkat(dirfd, tmp, 0)
		return err
	}
	unix.Fsync(dirfd)
	return nil
}

// writeSync writes data, sets the mode exactly (the umask narrows the one
// given to open), fsyncs and closes f.
func writeSync(f *os.File, data []byte, perm os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(perm.Perm())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadFileIn reads base/rel, at most limit bytes (more is an error),
// without following a symlink anywhere in rel, and only if it is a regular
// file owned by the current user: anything else is refused with an error
// saying what it is.
func ReadFileIn(base, rel string, limit int64) ([]byte, error) {
	f, err := OpenFileIn(base, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	path := f.Name()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if int(st.Uid) != geteuid() {
		return nil, fmt.Errorf("%s: owned by uid %d, not by uid %d (refused)", path, st.Uid, geteuid())
	}
	if st.Size > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes (refused)", path, limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s: larger than %d bytes (refused)", path, limit)
	}
	return data, err
}

// RemoveIn removes base/rel without following symlinks: a file or a
// symlink at rel is unlinked (the link, never its target), a directory at
// rel is removed with everything below it, each level opened with
// O_NOFOLLOW. A missing rel is not an error.
func RemoveIn(base, rel string) error {
	parts, err := splitRel(rel)
	if err != nil {
		return err
	}
	dirfd, err := walkDirs(base, parts[:len(parts)-1], false, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	return removeAt(dirfd, parts[len(parts)-1], filepath.Join(base, rel))
}

// removeAt removes name in dirfd, recursing into a real directory.
func removeAt(dirfd int, name, path string) error {
	err := unix.Unlinkat(dirfd, name, 0)
	if err == nil || err == unix.ENOENT {
		return nil
	}
	if err != unix.EISDIR && err != unix.EPERM {
		return &os.PathError{Op: "remove", Path: path, Err: err}
	}
	fd, oerr := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if oerr != nil {
		return &os.PathError{Op: "remove", Path: path, Err: err}
	}
	d := os.NewFile(uintptr(fd), path)
	names, rerr := d.Readdirnames(-1)
	var errs []error
	if rerr != nil {
		errs = append(errs, rerr)
	}
	for _, n := range names {
		if err := removeAt(fd, n, filepath.Join(path, n)); err != nil {
			errs = append(errs, err)
		}
	}
	d.Close()
	if err := unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR); err != nil && err != unix.ENOENT {
		errs = append(errs, &os.PathError{Op: "remove", Path: path, Err: err})
	}
	return errors.Join(errs...)
}

// MkdirIn creates base/rel and its missing parents with perm (0755 is
// what nssh uses), without following a symlink among them, and fails
// (ErrSymlink) when one is a symlink.
func MkdirIn(base, rel string, perm os.FileMode) error {
	parts, err := splitRel(rel)
	if err != nil {
		return err
	}
	fd, err := walkDirs(base, parts, true, perm)
	if err != nil {
		return err
	}
	unix.Close(fd)
	return nil
}
