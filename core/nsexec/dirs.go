package nsexec

import (
	"os"
	"syscall"
)

// PlainDirs reports whether the run, etc and state dirs certainly pass
// the checks nssh makes before it uses them (core.CheckDirs and "the state
// dir must not be inside the run dir"): each is a clean absolute path
// without symlinks, and it and every directory above it are owned by the
// caller or root and not writable by group or others (a directory above
// may be, with the sticky bit, like /tmp). A part that does not exist ends
// the walk, as nothing is there to check. It is deliberately stricter than
// those checks, never laxer: false only means "let them decide", so the
// caller takes the path that says why.
func PlainDirs(runDir, etcDir, stateDir string) bool {
	if stateDir == runDir || hasPrefix(stateDir, runDir+"/") {
		return false
	}
	for _, dir := range []string{runDir, etcDir, stateDir} {
		if !plainDir(dir) {
			return false
		}
	}
	return true
}

// plainDir checks one directory of PlainDirs from the root down.
func plainDir(path string) bool {
	if !cleanAbs(path) {
		return false
	}
	euid := uint32(os.Geteuid())
	for end := 1; end <= len(path); end++ {
		if end < len(path) && path[end] != '/' {
			continue
		}
		var st syscall.Stat_t
		if err := syscall.Lstat(path[:end], &st); err != nil {
			return err == syscall.ENOENT
		}
		last := end == len(path)
		switch {
		case st.Mode&syscall.S_IFMT != syscall.S_IFDIR:
			return false // a symlink, or no directory: the slow path knows
		case st.Uid != euid && st.Uid != 0:
			return false
		case st.Mode&0o022 != 0 && (last || st.Mode&syscall.S_ISVTX == 0):
			return false
		}
	}
	var root syscall.Stat_t
	return syscall.Stat("/", &root) == nil && (root.Uid == euid || root.Uid == 0) && root.Mode&0o022 == 0
}

// cleanAbs reports whether path is absolute and lexically clean: no empty,
// "." or ".." element and no trailing slash ("/" itself is clean).
func cleanAbs(path string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	if path == "/" {
		return true
	}
	for _, elem := range split(path[1:], '/') {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
	}
	return true
}
