package core

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Limits of KillAll.
const (
	// killRounds bounds the scans of KillAll: processes that keep forking
	// new ones faster than they are killed make it give up.
	killRounds = 50
	// killWait is how long KillAll waits for SIGKILLed processes to go
	// (one in uninterruptible sleep may take a while).
	killWait = 5 * time.Second
)

// KillAll stops every process in the namespace ns, whoever started it
// (daemons that forked twice included, found as Pids finds them): SIGTERM,
// then SIGKILL to those left after grace. It returns how many processes it
// signalled, once none is left. nssh itself is never signalled.
//
// Equivalent to: `ip netns pids NAME | xargs kill; sleep GRACE; ... kill -9`
func (ns *Namespace) KillAll(grace time.Duration) (int, error) {
	return KillAll([]*Namespace{ns}, grace)
}

// KillAll is (*Namespace).KillAll for many namespaces at once: one scan of
// /proc per round and one grace period for all of them.
func KillAll(nss []*Namespace, grace time.Duration) (int, error) {
	if len(nss) == 0 {
		return 0, nil
	}
	want := map[nsKey]bool{}
	for _, ns := range nss {
		want[ns.key()] = true
	}
	k := &killer{want: want, seen: map[int]bool{}, self: os.Getpid()}
	deadline := time.Now().Add(grace)
	for round := 0; round < killRounds; round++ {
		pids := k.scan()
		if len(pids) == 0 {
			return len(k.seen), nil
		}
		sig, wait := unix.SIGTERM, time.Until(deadline)
		if wait <= 0 {
			sig, wait = unix.SIGKILL, killWait
		}
		fds := k.signal(pids, sig)
		waitPidfds(fds, wait)
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	return len(k.seen), newOpError("kill", nss[0].Name,
		fmt.Errorf("processes still running after %d rounds of kills: %w", killRounds, unix.EAGAIN), "")
}

// killer is the state of one KillAll.
type killer struct {
	want  map[nsKey]bool
	seen  map[int]bool // pids signalled
	termd map[int]bool // pids already sent SIGTERM
	self  int
}

// scan lists the processes (not zombies: they have no namespace left)
// whose network namespace is one of want.
func (k *killer) scan() []int {
	all, _ := procPids()
	var pids []int
	for _, pid := range all {
		if pid != k.self && k.inWanted(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func (k *killer) inWanted(pid int) bool {
	var st unix.Stat_t
	if unix.Stat("/proc/"+strconv.Itoa(pid)+"/ns/net", &st) != nil {
		return false
	}
	return k.want[nsKey{st.Dev, st.Ino}]
}

// signal sends sig to each of pids through a pidfd, after checking that
// the process the pidfd holds is still in a wanted namespace (the pid may
// have been reused since the scan). A SIGTERM goes only once to each.
// It returns the pidfds, for waiting.
func (k *killer) signal(pids []int, sig unix.Signal) []int {
	if k.termd == nil {
		k.termd = map[int]bool{}
	}
	var fds []int
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue // gone
		}
		if !k.inWanted(pid) {
			unix.Close(fd)
			continue
		}
		if sig == unix.SIGTERM && k.termd[pid] || dying(pid) {
			fds = append(fds, fd) // waited for, not counted
			continue
		}
		if unix.PidfdSendSignal(fd, sig, nil, 0) == nil {
			k.seen[pid] = true
			if sig == unix.SIGTERM {
				k.termd[pid] = true
			}
		}
		fds = append(fds, fd)
	}
	return fds
}

// dying reports whether pid has a SIGKILL pending: someone else is
// already ending it (a service stopped just before), so it is not counted.
func dying(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok || key != "SigPnd" && key != "ShdPnd" {
			continue
		}
		mask, err := strconv.ParseUint(strings.TrimSpace(val), 16, 64)
		if err == nil && mask&(1<<(unix.SIGKILL-1)) != 0 {
			return true
		}
	}
	return false
}

// waitPidfds waits until every process of fds has exited, or d passed.
func waitPidfds(fds []int, d time.Duration) {
	deadline := time.Now().Add(d)
	pfds := make([]unix.PollFd, len(fds))
	for i, fd := range fds {
		pfds[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	}
	for len(pfds) > 0 {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		n, err := unix.Poll(pfds, int(left.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return
		}
		live := pfds[:0]
		for _, p := range pfds {
			if p.Revents == 0 {
				p.Revents = 0
				live = append(live, p)
			}
		}
		pfds = live
	}
}
