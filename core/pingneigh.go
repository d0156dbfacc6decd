package core

import (
	"strconv"

	"github.com/vishvananda/netlink"
)

// neighBudget is how many new neighbour (ARP/NDP) entries one PingAll
// batch may create. The kernel's neighbour tables are shared by every
// network namespace of the machine and refuse new entries beyond
// gc_thresh3 (1024 by default, settable only in the initial namespace);
// entries younger than 5 seconds cannot be reclaimed. A full mesh of 50
// hosts on one segment needs 2450 entries, so PingAll works in batches of
// sources and removes the entries its pings created after each batch. The
// budget is a quarter of the default limit, leaving room for other labs.
const neighBudget = 256

// neighSnapshot holds the neighbour entries each namespace had before
// PingAll started (by namespace name; keys are "ifindex|ip").
type neighSnapshot map[string]map[string]bool

func neighKey(n netlink.Neigh) string { return strconv.Itoa(n.LinkIndex) + "|" + n.IP.String() }

// takeNeighSnapshot records the current entries; a namespace whose table
// cannot be read is left out and never pruned.
func takeNeighSnapshot(nss []*Namespace) neighSnapshot {
	s := neighSnapshot{}
	for _, ns := range nss {
		keys := map[string]bool{}
		ok := forEachNeigh(ns, func(_ *netlink.Handle, n netlink.Neigh) { keys[neighKey(n)] = true })
		if ok {
			s[ns.Name] = keys
		}
	}
	return s
}

// prune deletes the resolved or failed entries that were not there when
// the snapshot was taken: the ones PingAll's own pings made. Static
// entries are never touched.
func (s neighSnapshot) prune(nss []*Namespace) {
	for _, ns := range nss {
		before, ok := s[ns.Name]
		if !ok {
			continue
		}
		forEachNeigh(ns, func(h *netlink.Handle, n netlink.Neigh) {
			if before[neighKey(n)] || n.State&(netlink.NUD_PERMANENT|netlink.NUD_NOARP) != 0 {
				return
			}
			_ = h.NeighDel(&n) // gone already, or re-resolved meanwhile: fine
		})
	}
}

// forEachNeigh calls f for every IPv4 and IPv6 neighbour entry of ns.
func forEachNeigh(ns *Namespace, f func(*netlink.Handle, netlink.Neigh)) bool {
	h, release, err := ns.Handle()
	if err != nil {
		return false
	}
	defer release()
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		list, err := retryDump(func() ([]netlink.Neigh, error) { return h.NeighList(0, fam) })
		if err != nil {
			return false
		}
		for _, n := range list {
			f(h, n)
		}
	}
	return true
}

// sourceBatches splits the sources so that each batch creates at most
// about neighBudget entries: a source reaching n-1 peers makes n-1 entries
// of its own and one in each peer.
func sourceBatches(nss []*Namespace) [][]*Namespace {
	size := len(nss)
	if per := 2 * (len(nss) - 1); per > 0 {
		size = max(1, neighBudget/per)
	}
	var out [][]*Namespace
	for len(nss) > 0 {
		k := min(size, len(nss))
		out = append(out, nss[:k])
		nss = nss[k:]
	}
	return out
}
