package core

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Why PingAll can seed neighbour entries (PingAllOptions.StaticNeigh): the
// kernel's ARP and ND tables are shared by every network namespace and
// hold gc_thresh3 (1024 by default, settable only in the host namespace)
// dynamic entries. An all-pairs ping over 50 hosts on one segment needs
// 2450, so most pings would wait for an entry that cannot be made and
// time out. Permanent entries do not count against that limit (Linux >=
// 4.19), so PingAll adds them for on-link pairs before pinging and removes
// exactly those after, as Mininet's autoStaticArp does for the life of a
// network.

// seededNeigh is one neighbour entry PingAll added, to be removed after.
type seededNeigh struct {
	ns    *Namespace
	neigh *netlink.Neigh
}

// ifAddr is an address of a namespace with the index and MAC address of
// its link.
type ifAddr struct {
	prefix netip.Prefix
	index  int
	mac    net.HardwareAddr
}

// ifAddrs lists the addresses of ns on links that have a MAC address.
func ifAddrs(h *netlink.Handle) ([]ifAddr, error) {
	links, err := retryDump(h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	macs := map[int]net.HardwareAddr{}
	for _, l := range links {
		if len(l.Attrs().HardwareAddr) > 0 && l.Attrs().Flags&net.FlagLoopback == 0 {
			macs[l.Attrs().Index] = l.Attrs().HardwareAddr
		}
	}
	addrs, err := retryDump(func() ([]netlink.Addr, error) { return h.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	var out []ifAddr
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		ones, _ := a.Mask.Size()
		if mac := macs[a.LinkIndex]; ok && mac != nil {
			out = append(out, ifAddr{prefix: netip.PrefixFrom(ip.Unmap(), ones), index: a.LinkIndex, mac: mac})
		}
	}
	return out, nil
}

// SeedNeighbours adds a permanent neighbour entry in each namespace of
// nss for each other one whose address (addrs, by namespace name) is on
// one of its links, unless an entry exists already (someone's: left as it
// is). undo removes exactly the entries it added; on failure it has
// removed them already.
//
// Equivalent to: `ip -n SRC neigh add DST lladdr MAC dev DEV nud permanent`
func SeedNeighbours(nss []*Namespace, addrs map[string]string) (undo func(), err error) {
	added, err := seedNeighbours(nss, addrs)
	undo = func() { unseedNeighbours(added) }
	if err != nil {
		undo()
		return nil, err
	}
	return undo, nil
}

func seedNeighbours(nss []*Namespace, targets map[string]string) ([]seededNeigh, error) {
	handles := map[string]*netlink.Handle{}
	addrs := map[string][]ifAddr{}
	for _, ns := range nss {
		h, release, err := ns.Handle()
		if err != nil {
			return nil, err
		}
		defer release()
		list, err := ifAddrs(h)
		if err != nil {
			return nil, wireErr("pingall", ns, err, "")
		}
		handles[ns.Name], addrs[ns.Name] = h, list
	}
	var added []seededNeigh
	for _, src := range nss {
		for _, dst := range nss {
			ip, err := netip.ParseAddr(targets[dst.Name])
			if src == dst || err != nil {
				continue
			}
			out, mac := onLinkIndex(addrs[src.Name], ip), macOf(addrs[dst.Name], ip)
			if out == 0 || mac == nil {
				continue
			}
			n := &netlink.Neigh{LinkIndex: out, Family: family(ip), State: netlink.NUD_PERMANENT,
				IP: net.IP(ip.AsSlice()), HardwareAddr: mac}
			if err := handles[src.Name].NeighAdd(n); err != nil {
				if errors.Is(err, unix.EEXIST) {
					continue
				}
				return added, wireErr("pingall", src, fmt.Errorf("neighbour %s: %w", ip, err), "")
			}
			added = append(added, seededNeigh{ns: src, neigh: n})
		}
	}
	return added, nil
}

// onLinkIndex is the index of the link whose prefix holds ip, 0 if none.
func onLinkIndex(addrs []ifAddr, ip netip.Addr) int {
	for _, a := range addrs {
		if a.prefix.Masked().Contains(ip) {
			return a.index
		}
	}
	return 0
}

// macOf is the MAC address of the link that holds ip, nil if none.
func macOf(addrs []ifAddr, ip netip.Addr) net.HardwareAddr {
	for _, a := range addrs {
		if a.prefix.Addr() == ip {
			return a.mac
		}
	}
	return nil
}

// unseedNeighbours removes the entries seedNeighbours added.
//
// Equivalent to: `ip -n SRC neigh del DST dev DEV`
func unseedNeighbours(added []seededNeigh) {
	for _, s := range added {
		if h, release, err := s.ns.Handle(); err == nil { // else gone: fine
			_ = h.NeighDel(s.neigh) // gone with its link: fine
			release()
		}
	}
}

func family(ip netip.Addr) int {
	if ip.Is4() {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}
