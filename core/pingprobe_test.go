package core_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"golang.org/x/sys/unix"
)

// TestPingResendsLostRequest answers every second echo request only (a
// responder in the test stands in for the kernel, whose own replies are
// switched off), the way a loaded machine loses packets in its shared
// backlog or neighbour table: each probe must still get its reply, through
// the request it sends again within its timeout.
func TestPingResendsLostRequest(t *testing.T) {
	auditThreads(t)
	a, b := newNS(t), newNS(t)
	must(t, core.Veth(a, "eth0", b, "eth0", core.VethOptions{Up: true}))
	must(t, a.AddrAdd("eth0", "10.6.0.1/24"))
	must(t, b.AddrAdd("eth0", "10.6.0.2/24"))
	_, err := b.Sysctl("net.ipv4.icmp_echo_ignore_all", ptr("1"))
	must(t, err)
	var seen atomic.Int32
	echoEveryOther(t, b, &seen)
	r, err := core.Ping(context.Background(), a, "10.6.0.2", core.PingOptions{Count: 2, Timeout: 5 * time.Second})
	if err != nil || !r.OK || r.Sent != 2 || r.Received != 2 || r.RTT <= 0 {
		t.Fatalf("2 probes with every other request lost = %+v, %v (responder saw %d requests)", r, err, seen.Load())
	}
	if n := seen.Load(); n < 4 {
		t.Fatalf("responder saw %d requests, want at least 4 (2 lost, 2 answered)", n)
	}
}

// echoEveryOther reads the echo requests that reach ns and answers the
// 2nd, 4th, ... one, counting them in seen, until the test ends.
func echoEveryOther(t *testing.T, ns *core.Namespace, seen *atomic.Int32) {
	t.Helper()
	fd, err := cfg().OpenFd(ns.Name)
	must(t, err)
	defer unix.Close(fd)
	var sfd int
	must(t, core.InNetnsFd(fd, func() (err error) {
		sfd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
		return err
	}))
	f := os.NewFile(uintptr(sfd), "responder")
	done := make(chan struct{})
	t.Cleanup(func() { f.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			n, err := f.Read(buf)
			if err != nil {
				return // closed at the end of the test
			}
			ip := buf[:n]
			icmp := ip[int(ip[0]&0x0f)*4:]
			if len(icmp) < 8 || icmp[0] != 8 { // echo requests only
				continue
			}
			if seen.Add(1)%2 == 1 {
				continue // "lost"
			}
			reply := append([]byte{0, 0, 0, 0}, icmp[4:]...) // same id, seq and payload
			binary.BigEndian.PutUint16(reply[2:], core.ICMPChecksum(reply))
			src := netip.AddrFrom4([4]byte(ip[12:16]))
			rc, err := f.SyscallConn()
			if err != nil {
				return
			}
			rc.Write(func(fd uintptr) bool {
				err = unix.Sendto(int(fd), reply, 0, &unix.SockaddrInet4{Addr: src.As4()})
				return !errors.Is(err, unix.EAGAIN)
			})
		}
	}()
}
