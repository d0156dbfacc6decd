package core

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// StopGroup stops the process group that pid leads (a detached service,
// started with SpawnOptions.Detach): SIGTERM to the group, then SIGKILL to
// what is left of it after grace. A pid that no longer exists is not an
// error. The caller makes sure pid is still the process it means (for
// example by its start time).
//
// Equivalent to: `kill -TERM -PID; sleep GRACE; kill -KILL -PID`
func StopGroup(pid int, grace time.Duration) error {
	if pid <= 1 {
		return &OpError{Op: "kill", Name: strconv.Itoa(pid), Err: unix.EINVAL}
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err == unix.ESRCH {
		return nil
	}
	if err != nil {
		return &OpError{Op: "kill", Name: strconv.Itoa(pid), Err: err}
	}
	defer unix.Close(fd)
	if err := unix.Kill(-pid, unix.SIGTERM); err == unix.ESRCH {
		unix.PidfdSendSignal(fd, unix.SIGTERM, nil, 0) // not a group leader: the process alone
	}
	waitPidfds([]int{fd}, grace)
	unix.Kill(-pid, unix.SIGKILL) // the rest of the group, if any (ESRCH: none)
	if unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0) == nil {
		waitPidfds([]int{fd}, killWait)
	}
	waitGroupGone(pid, time.Second)
	return nil
}

// waitGroupGone waits until no live process of the group pgid is left,
// at most d: the children a service forked (socat's per-connection
// children) share its group but die after it, and a caller that goes on to
// look for processes in the namespace must not find them still exiting.
// Zombies do not count (they have left their namespaces; whether the init
// that inherited them reaps them at once is not ours to wait for). A pgid
// cannot be reused while a member lives, so the probe is safe.
func waitGroupGone(pgid int, d time.Duration) {
	deadline := time.Now().Add(d)
	for pause := 100 * time.Microsecond; groupAlive(pgid) && time.Now().Before(deadline); pause = min(2*pause, 10*time.Millisecond) {
		time.Sleep(pause)
	}
}

// groupAlive reports whether a process of the group pgid that is not a
// zombie exists: kill(-pgid, 0) answers for the group, zombies included,
// so a yes is checked in /proc.
func groupAlive(pgid int) bool {
	if unix.Kill(-pgid, 0) != nil {
		return false
	}
	pids, _ := procPids()
	for _, pid := range pids {
		data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			return true
		}
	}
	return false
}
