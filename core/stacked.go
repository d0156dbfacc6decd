package core

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Stacked mounts: an add that mounts by path (ip's does) after a delete
// removed its placeholder binds its namespace onto whatever file of that
// name exists then, another add's; the two binds stack on one file. The
// name shows the top namespace; the ones under it are hidden, and ip's
// delete then fails with EBUSY.

// StackedNames returns the names of the run dir on which a namespace is
// mounted over another one (nsfs over nsfs on the same mount point, read
// from /proc/self/mountinfo).
func (c Config) StackedNames() ([]string, error) {
	dir, err := filepath.EvalSymlinks(c.RunDir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	return stackedIn(string(data), dir), nil
}

// mountLine is what stackedIn needs of a line of mountinfo.
type mountLine struct {
	parent string
	point  string
	fstype string
}

// stackedIn returns the names of entries of dir that mountinfo shows as an
// nsfs mount whose parent is an nsfs mount on the same point, in the order
// of mountinfo, each once.
func stackedIn(mountinfo, dir string) []string {
	mounts := map[string]mountLine{}
	var order []string
	for _, line := range strings.Split(mountinfo, "\n") {
		f := strings.Fields(line)
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+1 >= len(f) {
			continue
		}
		mounts[f[0]] = mountLine{parent: f[1], point: unescapeMount(f[4]), fstype: f[sep+1]}
		order = append(order, f[0])
	}
	var out []string
	seen := map[string]bool{}
	for _, id := range order {
		m := mounts[id]
		p, ok := mounts[m.parent]
		if !ok || m.fstype != "nsfs" || p.fstype != "nsfs" || m.point != p.point || filepath.Dir(m.point) != dir {
			continue
		}
		if name := filepath.Base(m.point); !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// unescapeMount decodes the octal escapes (\040 for a space, ...) of a
// mount point in mountinfo.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Unstack leaves on RunDir/NAME only the namespace it shows (the top of a
// stack, see StackedNames): it takes every namespace off the file, then
// binds the one it showed back onto the same file, under the run dir
// lock, and reports whether it did. The hidden namespaces vanish with
// their last user. A name deleted meanwhile stays deleted.
func (c Config) Unstack(name string) bool {
	if ValidName(name) != nil {
		return false
	}
	path := c.rawPath(name)
	done := false
	c.withRunDirLock(func() {
		top, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		defer unix.Close(top)
		if checkNetnsFd(top) != nil {
			return
		}
		for i := 0; i < maxLayers; i++ {
			e, err := classifyEntry(path)
			if err != nil || e.kind != entryNetns || unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW) != nil {
				break
			}
		}
		file, err := unix.Open(path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return // deleted meanwhile
		}
		defer unix.Close(file)
		if !isBarePlaceholder(file) {
			return
		}
		target := "/proc/self/fd/" + strconv.Itoa(file)
		done = unix.Mount("/proc/self/fd/"+strconv.Itoa(top), target, "none", unix.MS_BIND, "") == nil
	})
	return done
}

// UnstackAll runs Unstack on every stacked name of the run dir and
// returns the names it unstacked (`nssh gc`).
func (c Config) UnstackAll() ([]string, error) {
	names, err := c.StackedNames()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if c.Unstack(n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// isBarePlaceholder reports whether fd (O_PATH) is an empty mode-0000
// regular file, not an nsfs file.
func isBarePlaceholder(fd int) bool {
	var st unix.Stat_t
	var sfs unix.Statfs_t
	return unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG && st.Mode&0o7777 == 0 &&
		st.Size == 0 && unix.Fstatfs(fd, &sfs) == nil && sfs.Type != unix.NSFS_MAGIC
}
