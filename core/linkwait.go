package core

import (
	"path/filepath"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// waitOperUp waits until a link that is up and has carrier is also
// operationally up. The kernel turns a link's carrier on at once but
// activates its queueing discipline only when linkwatch handles the change
// (usually within a millisecond, up to a second later); until then every
// packet sent through the link is dropped, so the first ping of a freshly
// wired lab would be lost. Linkwatch needs the RTNL lock, so on a loaded
// machine this can take seconds; the wait ends on the link's state, not a
// clock. Links without carrier (the other end is down), set down
// meanwhile, gone, or without operstate support return at once, and so
// does running past settleGuard: this only removes a race, it never fails
// an operation. It reports whether it had to wait.
func waitOperUp(h *netlink.Handle, index int) (waited bool) {
	_ = pollUntil(settleGuard, func() (bool, error) {
		l, err := h.LinkByIndex(index)
		if err != nil {
			return true, nil // gone: nothing to wait for
		}
		a := l.Attrs()
		if a.RawFlags&unix.IFF_UP == 0 || a.RawFlags&unix.IFF_LOWER_UP == 0 ||
			a.OperState == netlink.OperUp || a.OperState == netlink.OperUnknown {
			return true, nil
		}
		waited = true
		return false, nil
	})
	return waited
}

// waitVethUp waits for both ends of the veth l (in ns, through h) after
// it was brought up. Linkwatch handles both ends' carrier changes in one
// run, so the peer is only looked at when this end was not ready at once:
// through the link's peer index and netnsid, in the same namespace or
// among the named namespaces of ns's run directory (a peer that cannot be
// found is not waited for).
func (ns *Namespace) waitVethUp(h *netlink.Handle, l netlink.Link) {
	if _, ok := l.(*netlink.Veth); !ok {
		return
	}
	if !waitOperUp(h, l.Attrs().Index) {
		return
	}
	peer := l.Attrs().ParentIndex
	if peer == 0 {
		return
	}
	if l.Attrs().NetNsID < 0 {
		waitOperUp(h, peer)
		return
	}
	if ph, release := ns.peerHandle(h, l.Attrs().NetNsID); ph != nil {
		waitOperUp(ph, peer)
		release()
	}
}

// peerHandle finds the named namespace that ns knows under nsid and
// returns its handle and the handle's release (nil when not found).
func (ns *Namespace) peerHandle(h *netlink.Handle, nsid int) (*netlink.Handle, func()) {
	names, err := Config{RunDir: filepath.Dir(ns.Path)}.Names()
	if err != nil {
		return nil, nil
	}
	for _, name := range names {
		fd, err := unix.Open(filepath.Join(filepath.Dir(ns.Path), name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		id, err := h.GetNetNsIdByFd(fd)
		if err != nil || id != nsid {
			unix.Close(fd)
			continue
		}
		var st unix.Stat_t
		err = unix.Fstat(fd, &st)
		unix.Close(fd)
		if err != nil {
			return nil, nil
		}
		other := &Namespace{Name: name, Path: filepath.Join(filepath.Dir(ns.Path), name), Dev: st.Dev, Ino: st.Ino, etcDir: ns.etcDir}
		ph, release, err := other.Handle()
		if err != nil {
			return nil, nil
		}
		return ph, release
	}
	return nil, nil
}
