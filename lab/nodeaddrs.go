package lab

import (
	"fmt"

	"github.com/nssh/nssh/core"
)

// nodeAddrs makes sure the node's own devices carry their addresses: lo
// (which every namespace has) and dummy links, made when missing. The lab
// adds what is missing and never removes an address it did not list.
//
// Equivalent to: `ip -n NETNS link add DEV type dummy; ip -n NETNS addr add ADDR dev DEV`
func (r *run) nodeAddrs(n *node) error {
	for _, dev := range sortedKeys(n.spec.Addrs) {
		subject := n.netns + ":" + dev
		exists := dev == "lo"
		if !exists {
			l, err := r.lookup(n, dev)
			if err != nil {
				return err
			}
			if l != nil && l.Type != "dummy" {
				return r.fail(subject, fmt.Errorf("%s link %w (want a dummy)", l.Type, ErrNotOwned))
			}
			exists = l != nil
		}
		if !exists {
			r.record("add", "link", subject, "dummy")
			if r.apply {
				if _, err := n.ns.LinkAdd(core.LinkSpec{Name: dev, Type: "dummy", Up: true, Alias: r.marker}); err != nil {
					return r.fail(subject, err)
				}
			}
		}
		have := map[string]bool{}
		if exists && n.ns != nil {
			addrs, err := n.ns.Addrs(dev)
			if err != nil {
				return r.fail(subject, err)
			}
			for _, a := range addrs {
				have[a.Addr] = true
			}
		}
		for _, p := range n.spec.Addrs[dev] {
			if have[p.String()] {
				continue
			}
			r.record("add", "addr", subject, p.String())
			if !r.apply {
				continue
			}
			if err := n.ns.AddrAdd(dev, p.String()); err != nil {
				return r.fail(subject+" "+p.String(), err)
			}
		}
	}
	return nil
}
