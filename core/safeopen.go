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
	fd, err := unix.Openat(dirfd, parts[len(parts)-1], unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
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
