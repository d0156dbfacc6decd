package lab

import (
	"fmt"
	"slices"

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
	for i, cur := range []*core.Link{a, b} {
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
		return r.endAddrs(ln, na, nb, true)
	}
	for i, cur := range []*core.Link{a, b} {
		n, dev := []*node{na, nb}[i], ln.Ends[i].Dev
		if cur.Type != "veth" {
			return r.fail(n.netns+":"+dev, fmt.Errorf("%s link %w", cur.Type, ErrNotOwned))
		}
		if err := r.ensureLink(n, dev, cur, r.master(n)); err != nil {
			return err
		}
	}
	return r.endAddrs(ln, na, nb, false)
}

// addVeth creates the pair from the first end's namespace, with the peer
// created directly in the second's; both ends get the marker, their
// switch's bridge as master, and come up.
//
// Equivalent to: `ip -n A link add DEV alias MARKER up type veth peer name PEER netns B`
func (r *run) addVeth(ln Link, na, nb *node) error {
	ea, eb := ln.Ends[0], ln.Ends[1]
	subject := na.netns + ":" + ea.Dev
	r.record("add", "link", subject, "veth peer "+nb.netns+":"+eb.Dev)
	if !r.apply {
		return nil
	}
	_, err := na.ns.LinkAdd(core.LinkSpec{
		Name: ea.Dev, Type: "veth", Alias: r.marker, Master: r.master(na), Up: true,
		Peer: eb.Dev, PeerNetns: nb.ns, PeerAlias: r.marker, PeerMaster: r.master(nb),
	})
	if err != nil {
		return r.fail(subject, err)
	}
	return nil
}

// master is the name of a switch node's bridge once it exists, "" for
// other nodes.
func (r *run) master(n *node) string {
	if n.spec.Bridge == "" || n.links == nil || n.links[core.KernelName(n.spec.Bridge)] == nil {
		return ""
	}
	return n.spec.Bridge
}

// ensureLink repairs an existing link of the lab: marker, master, up.
// A link with another lab's marker (or any other alias) is not touched.
func (r *run) ensureLink(n *node, dev string, cur *core.Link, master string) error {
	subject := n.netns + ":" + dev
	switch cur.Alias {
	case r.marker:
	case "":
		// Made by this lab but the marker was lost (an interrupted add, or
		// cleared by hand) inside a namespace the lab owns: claim it back.
		r.record("set", "link", subject, "alias "+r.marker)
		if err := r.linkSet(n, subject, cur, core.LinkChange{Alias: &r.marker}); err != nil {
			return err
		}
	default:
		return r.fail(subject, fmt.Errorf("link %w (alias %q)", ErrNotOwned, cur.Alias))
	}
	if master != "" && core.KernelName(cur.Master) != core.KernelName(master) {
		r.record("set", "link", subject, "master "+master)
		if err := r.linkSet(n, subject, cur, core.LinkChange{Master: &master}); err != nil {
			return err
		}
	}
	if !cur.Up {
		r.record("set", "link", subject, "up")
		if err := r.linkSet(n, subject, cur, core.LinkChange{Up: ptr(true)}); err != nil {
			return err
		}
	}
	return nil
}

// linkSet applies one repair to a link when the run applies.
//
// Equivalent to: `ip -n NETNS link set DEV ...`
func (r *run) linkSet(n *node, subject string, cur *core.Link, ch core.LinkChange) error {
	if !r.apply {
		return nil
	}
	if err := n.ns.LinkSet(cur.KernelName, ch); err != nil {
		return r.fail(subject, err)
	}
	return nil
}

// delLink deletes a lone end of a broken pair (it is the lab's: checked
// by its marker first).
//
// Equivalent to: `ip -n NETNS link del DEV`
func (r *run) delLink(n *node, dev string, cur *core.Link) error {
	subject := n.netns + ":" + dev
	if cur.Alias != r.marker || cur.Type != "veth" {
		return r.fail(subject, fmt.Errorf("%s link %w (alias %q)", cur.Type, ErrNotOwned, cur.Alias))
	}
	r.record("del", "link", subject, "lone end of a broken pair")
	if r.apply {
		if err := n.ns.LinkDel(cur.KernelName); err != nil {
			return r.fail(subject, err)
		}
	}
	delete(n.links, cur.KernelName)
	n.routes = routesNotVia(n.routes, cur.KernelName)
	return nil
}

// routesNotVia drops the routes that leave through the link dev (a kernel
// name): the kernel deletes them with the link, so the routes step must
// see them missing and add them back.
func routesNotVia(routes []core.Route, dev string) []core.Route {
	return slices.DeleteFunc(routes, func(rt core.Route) bool {
		if core.KernelName(rt.Dev) == dev {
			return true
		}
		return slices.ContainsFunc(rt.Nexthops, func(nh core.Nexthop) bool { return core.KernelName(nh.Dev) == dev })
	})
}

// endAddrs adds the missing addresses of both ends and sets their netem.
// fresh says the pair was just made (or planned), so it has none yet.
//
// Equivalent to: `ip -n NETNS addr add ADDR dev DEV`
func (r *run) endAddrs(ln Link, na, nb *node, fresh bool) error {
	for i, n := range []*node{na, nb} {
		dev := ln.Ends[i].Dev
		subject := n.netns + ":" + dev
		var cur *core.Link
		if !fresh {
			cur = n.links[core.KernelName(dev)]
		}
		for _, p := range ln.Addrs[i] {
			if cur != nil && n.addrs[cur.KernelName][p] {
				continue
			}
			r.record("add", "addr", subject, p.String())
			if !r.apply {
				continue
			}
			la, err := n.ns.AddrAddNoWait(core.KernelName(dev), p.String())
			if err != nil {
				return r.fail(subject+" "+p.String(), err)
			}
			if p.Addr().Is6() {
				n.newV6 = append(n.newV6, la)
			}
		}
		if err := r.netem(n, dev, cur, ln.Netem[i]); err != nil {
			return err
		}
		if err := r.shape(n, dev, cur, ln.Shape); err != nil {
			return err
		}
	}
	return nil
}
