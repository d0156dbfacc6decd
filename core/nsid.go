package core

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// NsidError is a netlink refusal from the kernel; Msg is the extended-ack
// text when the kernel sent one ("Peer netns reference is invalid").
type NsidError struct {
	Errno syscall.Errno
	Msg   string
}

func (e *NsidError) Error() string {
	if e.Msg != "" {
		return e.Errno.Error() + ": " + e.Msg
	}
	return e.Errno.Error()
}

func (e *NsidError) Unwrap() error { return e.Errno }

// NetlinkText formats a netlink error as ip prints it: "Error: MSG." with
// the kernel's extended ack, else "RTNETLINK answers: <strerror>".
func NetlinkText(err error) string {
	var ne *NsidError
	if errors.As(err, &ne) && ne.Msg != "" {
		msg := ne.Msg
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		return "Error: " + msg
	}
	return "RTNETLINK answers: " + Strerror(err)
}

// IDEntry is one entry of the caller's nsid table. Current is the id the
// target namespace uses for the same peer (only with a target); -1 means
// unassigned, and HasCurrent tells whether the kernel sent it at all.
type IDEntry struct {
	Nsid       int
	Current    int
	HasCurrent bool
}

// GetID returns the nsid under which the caller's network namespace knows
// the namespace RunDir/NAME, or -1 when none is assigned. A file that is not
// a namespace gives the kernel's *NsidError; one that cannot be opened gives
// -1 and the open error.
func (c Config) GetID(name string) (int, error) {
	fd, err := unix.Open(c.rawPath(name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fd)
	return GetIDByFd(fd)
}

// GetIDByFd is GetID for an open namespace fd.
func GetIDByFd(fd int) (int, error) {
	var id = -1
	err := nsidRequest(unix.RTM_GETNSID, 0, []attr{{unix.NETNSA_FD, u32(uint32(fd))}}, func(e IDEntry) { id = e.Nsid })
	if err != nil {
		return -1, err
	}
	return id, nil
}

// SetID assigns nsid id (or the lowest free one when id < 0, ip's "auto")
// to the namespace NAME in the caller's network namespace.
//
// Equivalent to: `ip netns set NAME NETNSID`
func (c Config) SetID(name string, id int) error {
	path := c.rawPath(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return opErr("set", name, err, "Cannot open network namespace \"%s\": %s", name, Strerror(err))
	}
	defer unix.Close(fd)
	attrs := []attr{{unix.NETNSA_FD, u32(uint32(fd))}, {unix.NETNSA_NSID, u32(uint32(int32(id)))}}
	if err := nsidRequest(unix.RTM_NEWNSID, unix.NLM_F_ACK, attrs, nil); err != nil {
		return newOpError("set", name, err, NetlinkText(err))
	}
	return nil
}

// ListIDs dumps the nsid table of the caller's network namespace, or of
// the namespace known as target (when target >= 0), in kernel order.
//
// Equivalent to: `ip netns list-id [target-nsid N]`
func ListIDs(target int) ([]IDEntry, error) {
	var attrs []attr
	if target >= 0 {
		attrs = append(attrs, attr{unix.NETNSA_TARGET_NSID, u32(uint32(target))})
	}
	var out []IDEntry
	err := nsidRequest(unix.RTM_GETNSID, unix.NLM_F_DUMP, attrs, func(e IDEntry) { out = append(out, e) })
	return out, err
}

// LookupID asks for one entry of the nsid table: nsid as seen from the
// caller, translated into target's table when target >= 0.
//
// Equivalent to: `ip netns list-id [target-nsid T] nsid N`
func LookupID(nsid, target int) (IDEntry, error) {
	attrs := []attr{{unix.NETNSA_NSID, u32(uint32(nsid))}}
	if target >= 0 {
		attrs = append(attrs, attr{unix.NETNSA_TARGET_NSID, u32(uint32(target))})
	}
	var got IDEntry
	err := nsidRequest(unix.RTM_GETNSID, 0, attrs, func(e IDEntry) { got = e })
	return got, err
}

// NamesByID maps nsids (as seen from the caller) to the run-dir names that
// have them, first name in directory order winning.
func (c Config) NamesByID() map[int]string {
	names, _ := c.Names()
	m := map[int]string{}
	for _, n := range names {
		if id, err := c.GetID(n); err == nil && id >= 0 {
			if _, dup := m[id]; !dup {
				m[id] = n
			}
		}
	}
	return m
}

type attr struct {
	typ  uint16
	data []byte
}

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, v)
	return b
}

// nsidRequest sends one RTM_*NSID request on a fresh NETLINK_ROUTE socket
// with extended acks and strict checking (needed for target-nsid filters,
// as ip sets them) and feeds each RTM_NEWNSID reply to each.
func nsidRequest(typ uint16, flags uint16, attrs []attr, each func(IDEntry)) error {
	s, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(s)
	_ = unix.SetsockoptInt(s, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1)
	_ = unix.SetsockoptInt(s, unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK, 1)
	if err := unix.Bind(s, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	const seq = 1
	msg := buildNsidMsg(typ, unix.NLM_F_REQUEST|flags, seq, attrs)
	if err := unix.Sendto(s, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(s, buf, 0)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			return err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Seq != seq {
				continue
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return doneError(m)
			case unix.NLMSG_ERROR:
				return ackError(m)
			case unix.RTM_NEWNSID:
				if each != nil {
					each(parseNsid(m.Data))
				}
			}
			if m.Header.Flags&unix.NLM_F_MULTI == 0 && flags&unix.NLM_F_ACK == 0 {
				return nil
			}
		}
	}
}

func buildNsidMsg(typ, flags uint16, seq uint32, attrs []attr) []byte {
	body := []byte{unix.AF_UNSPEC, 0, 0, 0} // struct rtgenmsg, padded to 4
	for _, a := range attrs {
		l := 4 + len(a.data)
		h := make([]byte, 4)
		binary.NativeEndian.PutUint16(h[0:2], uint16(l))
		binary.NativeEndian.PutUint16(h[2:4], a.typ)
		body = append(body, h...)
		body = append(body, a.data...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body))
	binary.NativeEndian.PutUint32(msg[0:4], uint32(unix.SizeofNlMsghdr+len(body)))
	binary.NativeEndian.PutUint16(msg[4:6], typ)
	binary.NativeEndian.PutUint16(msg[6:8], flags)
	binary.NativeEndian.PutUint32(msg[8:12], seq)
	return append(msg, body...)
}

func parseNsid(data []byte) IDEntry {
	e := IDEntry{Nsid: -1, Current: -1}
	if len(data) < 4 {
		return e
	}
	forEachAttr(data[4:], func(typ uint16, val []byte) {
		if len(val) < 4 {
			return
		}
		v := int(int32(binary.NativeEndian.Uint32(val)))
		switch typ {
		case unix.NETNSA_NSID:
			e.Nsid = v
		case unix.NETNSA_CURRENT_NSID:
			e.Current, e.HasCurrent = v, true
		}
	})
	return e
}

// ackError decodes an NLMSG_ERROR: errno 0 is success; otherwise the errno
// with the extended-ack text if present.
func ackError(m syscall.NetlinkMessage) error {
	return errnoWithMsg(m.Data, func(rest []byte) string { return extAckMsg(m.Header.Flags, rest) })
}

// doneError decodes the errno some kernels put in NLMSG_DONE of a failed
// dump, followed directly by extended-ack attributes.
func doneError(m syscall.NetlinkMessage) error {
	return errnoWithMsg(m.Data, extAckAttrs)
}

func errnoWithMsg(data []byte, msg func(rest []byte) string) error {
	if len(data) < 4 {
		return nil
	}
	errno := -int32(binary.NativeEndian.Uint32(data[0:4]))
	if errno == 0 {
		return nil
	}
	return &NsidError{Errno: syscall.Errno(errno), Msg: msg(data[4:])}
}

func extAckMsg(flags uint16, rest []byte) string {
	if flags&unix.NLM_F_ACK_TLVS == 0 || len(rest) < unix.SizeofNlMsghdr {
		return ""
	}
	echoLen := int(binary.NativeEndian.Uint32(rest[0:4]))
	if flags&unix.NLM_F_CAPPED != 0 {
		echoLen = unix.SizeofNlMsghdr
	}
	echoLen = (echoLen + 3) &^ 3
	if echoLen > len(rest) {
		return ""
	}
	return extAckAttrs(rest[echoLen:])
}

func extAckAttrs(b []byte) string {
	msg := ""
	forEachAttr(b, func(typ uint16, val []byte) {
		if typ == unix.NLMSGERR_ATTR_MSG {
			msg = strings.TrimRight(string(val), "\x00")
		}
	})
	return msg
}

// forEachAttr walks netlink attributes (struct rtattr / nlattr).
func forEachAttr(b []byte, f func(typ uint16, val []byte)) {
	for len(b) >= 4 {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		if l < 4 || l > len(b) {
			return
		}
		f(binary.NativeEndian.Uint16(b[2:4])&^unix.NLA_F_NESTED, b[4:l])
		if (l+3)&^3 >= len(b) {
			return
		}
		b = b[(l+3)&^3:]
	}
}

// String renders an entry as ip's list-id line without the name part.
func (e IDEntry) String() string {
	s := "nsid unassigned "
	if e.Nsid >= 0 {
		s = fmt.Sprintf("nsid %d ", e.Nsid)
	}
	if e.HasCurrent {
		if e.Current >= 0 {
			s += fmt.Sprintf("current-nsid %d ", e.Current)
		} else {
			s += "current-nsid unassigned "
		}
	}
	return s
}
