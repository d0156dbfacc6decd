package lab

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// Why Check seeds neighbour entries: the kernel's ARP and ND tables are
// global, shared by every network namespace, and hold gc_thresh3 (1024 by
// default, settable only in the host namespace) dynamic entries. An
// all-pairs ping over 50 hosts on one segment needs 2450, so most pings
// would wait for an ARP entry that cannot be made and time out. Permanent
// entries do not count against that limit (Linux >= 4.19), so Check adds
// them for on-link pairs before pinging and removes exactly those after,
// as Mininet's autoStaticArp does for the life of a network.

// seeded is one neighbour entry Check added, to be removed afterwards.
type seeded struct {
	h     *netlink.Handle
	neigh *netlink.Neigh
}

// endInfo is a link end's kernel index and MAC address.
type endInfo struct {
	h     *netlink.Handle
	index int
	mac   net.HardwareAddr
}

// seedNeighbours adds a permanent neighbour entry in each source for each
// on-link destination that has none yet. It returns what it added.
//
// Equivalent to: `ip -n SRC neigh add DST lladdr MAC dev DEV nud permanent`
func (l *Lab) seedNeighbours(nss map[string]*core.Namespace, targets map[string]string) ([]seeded, error) {
	ends := map[End]*endInfo{}
	info := func(e End) (*endInfo, error) {
		if in, ok := ends[e]; ok {
			return in, nil
		}
		h, err := nss[e.Node].Handle()
		if err != nil {
			return nil, err
		}
		link, err := h.LinkByName(core.KernelName(e.Dev))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", Netns(l.spec.Name, e.Node)+":"+e.Dev, err)
		}
		in := &endInfo{h: h, index: link.Attrs().Index, mac: link.Attrs().HardwareAddr}
		ends[e] = in
		return in, nil
	}
	var added []seeded
	for src := range targets {
		for dst, addr := range targets {
			if src == dst {
				continue
			}
			ip := netip.MustParseAddr(addr)
			srcEnd, ok := l.onLink(src, ip)
			dstEnd, held := l.addrEnd(dst, ip)
			if !ok || !held {
				continue
			}
			s, err := info(srcEnd)
			if err != nil {
				return added, err
			}
			d, err := info(dstEnd)
			if err != nil {
				return added, err
			}
			n := &netlink.Neigh{LinkIndex: s.index, Family: family(ip), State: netlink.NUD_PERMANENT,
				IP: net.IP(ip.AsSlice()), HardwareAddr: d.mac}
			if err := s.h.NeighAdd(n); err != nil {
				if errors.Is(err, unix.EEXIST) {
					continue // someone's entry: leave it as it is
				}
				return added, fmt.Errorf("neighbour %s in %s: %w", addr, Netns(l.spec.Name, src), err)
			}
			added = append(added, seeded{h: s.h, neigh: n})
		}
	}
	return added, nil
}

// unseed removes the entries seedNeighbours added.
//
// Equivalent to: `ip -n SRC neigh del DST dev DEV`
func unseed(added []seeded) error {
	var errs []error
	for _, s := range added {
		if err := s.h.NeighDel(s.neigh); err != nil && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.ENODEV) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// onLink returns the end of node whose prefix holds ip, if any.
func (l *Lab) onLink(node string, ip netip.Addr) (End, bool) {
	for _, ln := range l.spec.Links {
		for i, e := range ln.Ends {
			if e.Node != node {
				continue
			}
			for _, p := range ln.Addrs[i] {
				if p.Masked().Contains(ip) {
					return e, true
				}
			}
		}
	}
	return End{}, false
}

// addrEnd returns the link end of node that holds the address ip.
func (l *Lab) addrEnd(node string, ip netip.Addr) (End, bool) {
	for _, ln := range l.spec.Links {
		for i, e := range ln.Ends {
			if e.Node != node {
				continue
			}
			for _, p := range ln.Addrs[i] {
				if p.Addr() == ip {
					return e, true
				}
			}
		}
	}
	return End{}, false
}

func family(ip netip.Addr) int {
	if ip.Is4() {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}
