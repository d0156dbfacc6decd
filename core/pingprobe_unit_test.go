package core

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLostOnSend pins down which failed sends a probe treats as a lost
// packet (and sends again) rather than a failed ping: EINVAL is what the
// kernel's output path returns when the machine-wide neighbour table has
// no room for the entry the packet needs.
func TestLostOnSend(t *testing.T) {
	for err, want := range map[error]bool{
		unix.ENOBUFS: true, unix.EAGAIN: true, unix.EINVAL: true,
		unix.EHOSTUNREACH: true, unix.ENETUNREACH: true, fmt.Errorf("write: %w", unix.ENOBUFS): true,
		unix.EPERM: false, unix.EBADF: false, unix.EMSGSIZE: false,
	} {
		if got := lostOnSend(err); got != want {
			t.Errorf("lostOnSend(%v) = %v, want %v", err, got, want)
		}
	}
}
