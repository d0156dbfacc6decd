package core

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Entry is one line of List: a run-dir entry and its nsid as seen from the
// caller's network namespace (-1 when none is assigned). Err is set when the
// entry is not a usable namespace (it is still listed, as ip does).
type Entry struct {
	Name string
	ID   int
	Err  error
}

// List returns the run-dir entries in directory order with their nsids.
//
// Equivalent to: `ip netns list`
func (c Config) List() ([]Entry, error) {
	names, err := c.Names()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(names))
	for _, name := range names {
		id, err := c.GetID(name)
		out = append(out, Entry{Name: name, ID: id, Err: err})
	}
	return out, nil
}

// Identify returns every name in the run dir (directory order) that refers
// to the network namespace of process pid; pid 0 means this process. An
// empty result means the namespace has no name.
//
// Equivalent to: `ip netns identify [PID]` (which prints only the last name)
func (c Config) Identify(pid int) ([]string, error) {
	path := "/proc/self/ns/net"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/ns/net"
	}
	return c.IdentifyFile(path)
}

// IdentifyFile is Identify for any namespace file, such as /proc/PID/ns/net.
func (c Config) IdentifyFile(path string) ([]string, error) {
	var want unix.Stat_t
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, opErr("identify", "", err, "Cannot open network namespace: %s", Strerror(err))
	}
	err = unix.Fstat(fd, &want)
	unix.Close(fd)
	if err != nil {
		return nil, opErr("identify", "", err, "Stat of netns failed: %s", Strerror(err))
	}
	f, err := os.OpenFile(c.RunDir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return []string{}, nil
		}
		return nil, opErr("identify", "", err, "Failed to open directory %s:%s", c.RunDir, Strerror(err))
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	found := []string{}
	for _, name := range names {
		var st unix.Stat_t
		if unix.Stat(c.rawPath(name), &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino {
			found = append(found, name)
		}
	}
	return found, nil
}

// Pids returns the processes (thread-group leaders, ascending) whose network
// namespace is the one named name.
//
// Equivalent to: `ip netns pids NAME`
func (c Config) Pids(name string) ([]int, error) {
	path := c.rawPath(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, opErr("pids", name, err, "Cannot open network namespace: %s", Strerror(err))
	}
	var want unix.Stat_t
	err = unix.Fstat(fd, &want)
	unix.Close(fd)
	if err != nil {
		return nil, opErr("pids", name, err, "Stat of netns failed: %s", Strerror(err))
	}
	return PidsOf(want.Dev, want.Ino)
}

// PidsOf returns the processes whose network namespace has this identity.
func PidsOf(dev, ino uint64) ([]int, error) {
	all, err := procPids()
	if err != nil {
		return nil, opErr("pids", "", err, "Open of /proc failed: %s", Strerror(err))
	}
	pids := []int{}
	for _, pid := range all {
		var st unix.Stat_t
		if unix.Stat("/proc/"+strconv.Itoa(pid)+"/ns/net", &st) == nil && st.Dev == dev && st.Ino == ino {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// procPids lists the pids in /proc (processes, not threads).
func procPids() ([]int, error) {
	proc, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer proc.Close()
	entries, _ := proc.Readdirnames(-1)
	var pids []int
	for _, e := range entries {
		if !allDigits(e) {
			continue
		}
		if pid, err := strconv.Atoi(e); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
