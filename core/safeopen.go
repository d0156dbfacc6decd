package core

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// OpenFileIn opens base/rel for reading without following a symlink
// anywhere in rel (see WriteFileIn); anything but a regular file is
// refused.
func OpenFileIn(base, rel string) (*os.File, error) {
	return openRegularIn(base, rel, unix.O_RDONLY, 0)
}

// AppendFileIn opens base/rel for appending, creating it with perm when
// it is missing, without following a symlink anywhere in rel (a symlink at
// rel itself is an error wrapping ErrSymlink) and without blocking on a
// FIFO planted there; anything but a regular file is refused. The
// directories of rel must exist. Lab service logs and the REPL history
// are opened with it, so a link planted at their path between a check and
// the open cannot redirect nssh's writes.
func AppendFileIn(base, rel string, perm os.FileMode) (*os.File, error) {
	f, err := openRegularIn(base, rel, unix.O_WRONLY|unix.O_APPEND|unix.O_CREAT, perm)
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(int(f.Fd()), false); err != nil {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: f.Name(), Err: err}
	}
	return f, nil
}

// openRegularIn opens base/rel with flag plus O_NOFOLLOW, O_NONBLOCK (a
// FIFO must not make it wait) and O_CLOEXEC, walking rel's directories
// without following symlinks, and refuses anything but a regular file.
func openRegularIn(base, rel string, flag int, perm os.FileMode) (*os.File, error) {
	parts, err := splitRel(rel)
	if err != nil {
		return nil, err
	}
	dirfd, err := walkDirs(base, parts[:len(parts)-1], false, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dirfd)
	path := filepath.Join(base, rel)
	fd, err := unix.Openat(dirfd, parts[len(parts)-1], flag|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err == unix.ENXIO { // opened for writing: a FIFO nobody reads, or a socket
		return nil, fmt.Errorf("%s: not a regular file (refused)", path)
	}
	if err != nil {
		return nil, nofollowErr("open", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file (refused)", path)
	}
	return f, nil
}

// RemoveEmptyDir removes the directory path if it is empty and really a
// directory: a symlink there (a configured state dir may be one) is left
// alone, as is a directory that still holds something. It reports whether
// it removed it.
//
// Equivalent to: `rmdir DIR`
func RemoveEmptyDir(path string) bool {
	return unix.Rmdir(filepath.Clean(path)) == nil // "link/" would follow the link
}
