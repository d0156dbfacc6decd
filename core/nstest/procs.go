package nstest

import (
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// MountsWith returns the lines of this process's mount table
// (/proc/self/mountinfo) that contain any of subs: what a test compares
// before and after a run to find mounts left behind.
func MountsWith(t testing.TB, subs ...string) []string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, line := range strings.Split(string(data), "\n") {
		for _, s := range subs {
			if s != "" && strings.Contains(line, s) {
				found = append(found, line)
				break
			}
		}
	}
	return found
}

// WaitExit waits until process pid (any process, not only a child) has
// exited, through a pidfd, and reports whether it did within limit. The
// limit only keeps a broken test from hanging; nothing is timed. A pid
// that no longer exists counts as exited.
func WaitExit(t testing.TB, pid int, limit time.Duration) bool {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if err == unix.ESRCH {
		return true
	}
	if err != nil {
		t.Fatalf("pidfd of %d: %v", pid, err)
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(limit/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			t.Fatalf("poll pidfd of %d: %v", pid, err)
		}
		return n == 1
	}
}
