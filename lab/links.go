package lab

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// link makes sure a veth pair exists between the two ends, owned by the
// lab, up, enslaved to the node's bridge on switch nodes, with its
// addresses and netem.
func (r *run) link(ln Link) error {
	na, nb := r.nodes[ln.Ends[0].Node], r.nodes[ln.Ends[1].Node]
	a, err := r.lookup(na, ln.Ends[0].Dev)
	if err != nil {
		return err
	}
	b, err := r.lookup(nb, ln.Ends[1].Dev)
	if err != nil {
		return err
	}
	// One end alone is what is left of a pair that was broken by hand
	// (its peer renamed or moved away): replace it with a whole pair.
	for i, cur := range []netlink.Link{a, b} {
		if cur == nil || (a != nil && b != nil) {
			continue
		}
		n, dev := []*node{na, nb}[i], ln.Ends[i].Dev
		if err := r.delLink(n, dev, cur); err != nil {
			return err
		}
		a, b = nil, nil
	}
	if a == nil && b == nil {
		if err := r.addVeth(ln, na, nb); err != nil {
			return err
		}
		return r.endAddrs(ln, na, nb, !r.apply)
	}
	for i, cur := range []netlink.Link{a, b} {
		n, dev := []*node{na, nb}[i], ln.Ends[i].Dev
		if cur.Type() != "veth" {
			return r.fail(n.netns+":"+dev, fmt.Errorf("%s link %w", cur.Type(), ErrNotOwned))
		}
		if err := r.ensureLink(n, dev, cur, r.masterIndex(n)); err != nil {
			return err
		}
	}
	return r.endAddrs(ln, na, nb, false)
}

// addVeth creates the pair from the first end's namespace, with the peer
// created directly in the second's; both ends get the marker and come up.
//
// Equivalent to: `ip -n A link add DEV alias MARKER up type veth peer name PEER netns B`
func (r *run) addVeth(ln Link, na, nb *node) error {
	ea, eb := ln.Ends[0], ln.Ends[1]
	subject := na.netns + ":" + ea.Dev
	r.record("add", "link", subject, "veth peer "+nb.netns+":"+eb.Dev)
	if !r.apply {
		return nil
	}
	fd, err := r.l.cfg.OpenFd(nb.netns)
	if err != nil {
		return r.fail(subject, err)
	}
	defer unix.Close(fd)
	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{
			Name: core.KernelName(ea.Dev), Flags: net.FlagUp,
			MasterIndex: r.masterIndex(na),
		},
		PeerName:      core.KernelName(eb.Dev),
		PeerNamespace: netlink.NsFd(fd),
	}
	if err := na.h.LinkAdd(veth); err != nil { // sets veth.Index
		return r.fail(subject, err)
	}
	if err := r.afterAdd(na, ea.Dev, veth); err != nil {
		return err
	}
	peer, err := nb.h.LinkByName(core.KernelName(eb.Dev))
	if err != nil {
		return r.fail(nb.netns+":"+eb.Dev, err)
	}
	if m := r.masterIndex(nb); m != 0 {
		if err := nb.h.LinkSetMasterByIndex(peer, m); err != nil {
			return r.fail(nb.netns+":"+eb.Dev, err)
		}
		peer.Attrs().MasterIndex = m
	}
	if err := nb.h.LinkSetUp(peer); err != nil {
		return r.fail(nb.netns+":"+eb.Dev, err)
	}
	return r.afterAdd(nb, eb.Dev, peer)
}

// masterIndex is the ifindex of a switch node's bridge, 0 otherwise.
func (r *run) masterIndex(n *node) int {
	if n.spec.Bridge == "" || n.links == nil {
		return 0
	}
	if br := n.links[core.KernelName(n.spec.Bridge)]; br != nil {
		return br.Attrs().Index
	}
	return 0
}

// ensureLink repairs an existing link of the lab: marker, master, up.
// A link with another lab's marker (or any other alias) is not touched.
func (r *run) ensureLink(n *node, dev string, cur netlink.Link, master int) error {
	subject := n.netns + ":" + dev
	at := cur.Attrs()
	switch at.Alias {
	case r.marker:
	case "":
		// Made by this lab but the marker was lost (an interrupted add, or
		// cleared by hand) inside a namespace the lab owns: claim it back.
		r.record("set", "link", subject, "alias "+r.marker)
		if r.apply {
			if err := n.h.LinkSetAlias(cur, r.marker); err != nil {
				return r.fail(subject, err)
			}
		}
	default:
		return r.fail(subject, fmt.Errorf("link %w (alias %q)", ErrNotOwned, at.Alias))
	}
	if master != 0 && at.MasterIndex != master {
		r.record("set", "link", subject, "master "+n.spec.Bridge)
		if r.apply {
			if err := n.h.LinkSetMasterByIndex(cur, master); err != nil {
				return r.fail(subject, err)
			}
		}
	}
	if at.RawFlags&unix.IFF_UP == 0 {
		r.record("set", "link", subject, "up")
		if r.apply {
			if err := n.h.LinkSetUp(cur); err != nil {
				return r.fail(subject, err)
			}
		}
	}
	return nil
}

// delLink deletes a lone end of a broken pair (it is the lab's: checked
// by its marker first).
//
// Equivalent to: `ip -n NETNS link del DEV`
func (r *run) delLink(n *node, dev string, cur netlink.Link) error {
	subject := n.netns + ":" + dev
	if a := cur.Attrs().Alias; a != r.marker || cur.Type() != "veth" {
		return r.fail(subject, fmt.Errorf("%s link %w (alias %q)", cur.Type(), ErrNotOwned, a))
	}
	r.record("del", "link", subject, "lone end of a broken pair")
	if r.apply {
		if err := n.h.LinkDel(cur); err != nil {
			return r.fail(subject, err)
		}
	}
	delete(n.links, cur.Attrs().Name)
	return nil
}

// endAddrs adds the missing addresses of both ends and sets their netem.
// fresh says the pair was just planned, so nothing of it exists.
//
// Equivalent to: `ip -n NETNS addr add ADDR dev DEV`
func (r *run) endAddrs(ln Link, na, nb *node, fresh bool) error {
	for i, n := range []*node{na, nb} {
		dev := ln.Ends[i].Dev
		subject := n.netns + ":" + dev
		var cur netlink.Link
		if !fresh {
			cur = n.links[core.KernelName(dev)]
		}
		for _, p := range ln.Addrs[i] {
			if cur != nil && n.addrs[cur.Attrs().Index][p] {
				continue
			}
			r.record("add", "addr", subject, p.String())
			if !r.apply {
				continue
			}
			if err := n.h.AddrAdd(cur, toAddr(p)); err != nil {
				return r.fail(subject+" "+p.String(), err)
			}
			if p.Addr().Is6() {
				n.newV6 = append(n.newV6, core.LinkAddr{Index: cur.Attrs().Index, IP: p.Addr().AsSlice()})
			}
		}
		if err := r.netem(n, dev, cur, ln.Netem[i]); err != nil {
			return err
		}
	}
	return nil
}

// toAddr converts a prefix; IPv6 addresses skip duplicate address
// detection, which would otherwise keep them unusable for a second or two.
func toAddr(p netip.Prefix) *netlink.Addr {
	a := &netlink.Addr{IPNet: &net.IPNet{
		IP:   net.IP(p.Addr().AsSlice()),
		Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen()),
	}}
	if p.Addr().Is6() {
		a.Flags = unix.IFA_F_NODAD
	}
	return a
}

// prefixOf converts a kernel address to a prefix (address and length).
func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones), true
}
