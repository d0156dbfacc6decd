package core

import (
	"strconv"
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
	return nil
}
