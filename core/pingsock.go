package core

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// pingSocket is a connected ICMP or ICMPv6 socket made inside a namespace.
type pingSocket struct {
	f   *os.File
	raw bool   // SOCK_RAW (else a SOCK_DGRAM "ping socket")
	v6  bool   // ICMPv6
	id  uint16 // echo identifier (raw sockets only: ping sockets get theirs from the kernel)
	seq uint16 // sequence number of the last request sent
}

func (s *pingSocket) close() { s.f.Close() }

// openPingSocket creates a socket inside ns and connects it to dst (which
// makes the kernel deliver only dst's packets to it, for raw sockets too).
func openPingSocket(ns *Namespace, dst netip.Addr) (*pingSocket, error) {
	sa, err := pingSockaddr(ns, dst)
	if err != nil {
		return nil, err
	}
	fd, err := ns.openChecked()
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	family, proto := unix.AF_INET, unix.IPPROTO_ICMP
	if !dst.Unmap().Is4() {
		family, proto = unix.AF_INET6, unix.IPPROTO_ICMPV6
	}
	s := &pingSocket{v6: family == unix.AF_INET6}
	sfd := -1
	err = InNetnsFd(fd, func() error {
		var serr error
		const flags = unix.SOCK_NONBLOCK | unix.SOCK_CLOEXEC
		sfd, serr = unix.Socket(family, unix.SOCK_DGRAM|flags, proto)
		if errors.Is(serr, unix.EACCES) || errors.Is(serr, unix.EPERM) { // not in ping_group_range
			s.raw = true
			sfd, serr = unix.Socket(family, unix.SOCK_RAW|flags, proto)
		}
		return serr
	})
	var enter *enterError
	if err != nil {
		if !errors.As(err, &enter) && (errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)) {
			msg := "ping needs CAP_NET_RAW in the namespace, or a group in its net.ipv4.ping_group_range"
			return nil, wireErr("ping", ns, fmt.Errorf("%s: %w", msg, unix.EPERM), msg)
		}
		if enter != nil {
			return nil, wireErr("ping", ns, err, "")
		}
		return nil, wireErr("ping", ns, fmt.Errorf("icmp socket: %w", err), "")
	}
	if s.raw {
		var b [2]byte
		unix.Getrandom(b[:], 0)
		s.id = binary.BigEndian.Uint16(b[:])
		if !s.v6 {
			// ICMP_FILTER: drop every type but echo reply before it is queued.
			unix.SetsockoptInt(sfd, unix.SOL_RAW, 1, ^(1 << 0))
		}
	}
	if err := unix.Connect(sfd, sa); err != nil {
		unix.Close(sfd)
		return nil, err
	}
	s.f = os.NewFile(uintptr(sfd), "icmp")
	return s, nil
}

func pingSockaddr(ns *Namespace, dst netip.Addr) (unix.Sockaddr, error) {
	if dst.Unmap().Is4() {
		return &unix.SockaddrInet4{Addr: dst.Unmap().As4()}, nil
	}
	sa := &unix.SockaddrInet6{Addr: dst.As16()}
	if zone := dst.Zone(); zone != "" {
		h, release, err := ns.Handle()
		if err != nil {
			return nil, err
		}
		defer release()
		l, err := linkByName(h, zone)
		if err != nil {
			return nil, wireErr("ping", ns, fmt.Errorf("zone: %w", err), "")
		}
		sa.ZoneId = uint32(l.Attrs().Index)
	}
	return sa, nil
}

// send writes one echo request with sequence number seq.
func (s *pingSocket) send(seq uint16, payload []byte) error {
	typ := byte(8) // ICMP echo request
	if s.v6 {
		typ = 128
	}
	pkt := make([]byte, 8+len(payload))
	pkt[0] = typ
	binary.BigEndian.PutUint16(pkt[4:], s.id)
	binary.BigEndian.PutUint16(pkt[6:], seq)
	copy(pkt[8:], payload)
	if !s.v6 { // the kernel computes ICMPv6 checksums itself
		binary.BigEndian.PutUint16(pkt[2:], checksum(pkt))
	}
	_, err := s.f.Write(pkt)
	return err
}

var errCancelled = errors.New("ping cancelled")

// replySeq returns the sequence number of b (with an IPv4 header on raw
// IPv4 sockets) when it is an echo reply to this socket.
func (s *pingSocket) replySeq(b []byte) (uint16, bool) {
	if s.raw && !s.v6 {
		if len(b) < 20 {
			return 0, false
		}
		b = b[int(b[0]&0x0f)*4:]
	}
	want := byte(0)
	if s.v6 {
		want = 129
	}
	if len(b) < 8 || b[0] != want || (s.raw && binary.BigEndian.Uint16(b[4:]) != s.id) {
		return 0, false
	}
	return binary.BigEndian.Uint16(b[6:]), true
}

// checksum is the Internet checksum (RFC 1071).
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}
