package core

// This file waits for what the kernel finishes asynchronously after a
// wiring call returned, so that a lab answers as soon as it is built.

import (
	"errors"
	"net"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// LinkAddr is an address on a link, by link index.
type LinkAddr struct {
	Index int
	IP    net.IP
}

// settleGuard bounds the waits for the kernel's deferred work (this file
// and linkwait.go). They end on the kernel's state, not on a clock: what
// they wait for normally takes well under a millisecond, but the kernel
// does it from work queues that need the RTNL lock, which other workloads
// on the machine (namespaces being torn down, above all) can hold for
// seconds, and a wait that gave up after a guess of the kernel's worst
// case made a loaded machine's labs drop their first packets. A wait
// whose object goes away (address deleted, link down or gone) ends at
// once; the guard only keeps a kernel that never finishes from hanging
// the caller.
const settleGuard = 30 * time.Second

// WaitAddrsUsable waits until the kernel can receive packets for the IPv6
// addresses in addrs that sit on a link that is up with a carrier. The
// kernel acknowledges RTM_NEWADDR for an IPv6 address before it installs
// the address's local route (that happens from a work queue, even with
// IFA_F_NODAD), and a packet that arrives in between is dropped as not
// for this host. IPv4 addresses are not waited for; nor are addresses
// whose link is down, has no carrier or is gone, or that are gone or
// failed duplicate address detection: the kernel will not install their
// routes (checked on every round, so an address deleted or a link taken
// down meanwhile ends the wait). Past settleGuard it gives up silently:
// the addresses exist either way.
func WaitAddrsUsable(h *netlink.Handle, addrs []LinkAddr) error {
	var pending []LinkAddr
	for _, a := range addrs {
		if a.IP.To4() == nil {
			pending = append(pending, a)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	return pollUntil(settleGuard, func() (bool, error) {
		local, err := h.RouteListFiltered(netlink.FAMILY_V6,
			&netlink.Route{Table: unix.RT_TABLE_LOCAL}, netlink.RT_FILTER_TABLE)
		if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) { // a torn dump only delays
			return false, err
		}
		if pending = withoutLocal(pending, local); len(pending) == 0 {
			return true, nil
		}
		pending, err = awaitedAddrs(h, pending)
		return len(pending) == 0, err
	})
}

// awaitedAddrs keeps the addresses of addrs whose local route the kernel
// is still going to install (see routeComing).
func awaitedAddrs(h *netlink.Handle, addrs []LinkAddr) ([]LinkAddr, error) {
	var out []LinkAddr
	links := map[int]netlink.Link{}
	onLink := map[int][]netlink.Addr{}
	for _, a := range addrs {
		l, seen := links[a.Index]
		if !seen {
			var err error
			l, err = h.LinkByIndex(a.Index)
			var gone netlink.LinkNotFoundError
			if errors.As(err, &gone) || errors.Is(err, unix.ENODEV) {
				l = nil
			} else if err != nil {
				return nil, err
			}
			links[a.Index] = l
			if l != nil {
				list, err := h.AddrList(l, netlink.FAMILY_V6)
				if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
					return nil, err
				}
				onLink[a.Index] = list
			}
		}
		if routeComing(a, l, onLink[a.Index]) {
			out = append(out, a)
		}
	}
	return out, nil
}

// routeComing reports whether the kernel will install the local route of
// a: its link l exists, is up and has a carrier, and a is on it (in
// onLink) and did not fail duplicate address detection.
func routeComing(a LinkAddr, l netlink.Link, onLink []netlink.Addr) bool {
	if l == nil || l.Attrs().Flags&net.FlagUp == 0 || l.Attrs().RawFlags&unix.IFF_LOWER_UP == 0 {
		return false
	}
	for _, x := range onLink {
		if x.IP.Equal(a.IP) {
			return x.Flags&unix.IFA_F_DADFAILED == 0
		}
	}
	return false
}

// withoutLocal drops the addresses that have a local route in local.
func withoutLocal(pending []LinkAddr, local []netlink.Route) []LinkAddr {
	out := pending[:0]
	for _, a := range pending {
		found := false
		for _, r := range local {
			if r.Type == unix.RTN_LOCAL && r.LinkIndex == a.Index && r.Dst != nil && r.Dst.IP.Equal(a.IP) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, a)
		}
	}
	return out
}

// WaitLinksSettled waits until every link in h's namespace that is up
// with its carrier on also has its operational state up. The kernel sets
// the carrier synchronously but finishes the rest later, from a work
// queue (linkwatch, which batches events for up to a second after a
// recent one): until then a bridge does not forward through the port, and
// a link whose carrier came back after a down/up (a veth whose peer was
// set down and up again) still transmits through the no-op qdisc of a
// deactivated link, which drops everything, ARP requests included (seen
// as a lab whose check right after up() lost a repaired path: the first
// ARP request was dropped, the next one came a second later). A link
// that loses its carrier meanwhile is not waited for, nor one whose state
// is none the kernel moves to up (dormant, testing, unknown). It gives up
// silently after settleGuard.
func WaitLinksSettled(h *netlink.Handle) error {
	return pollUntil(settleGuard, func() (bool, error) {
		links, err := h.LinkList()
		if err != nil {
			if errors.Is(err, netlink.ErrDumpInterrupted) { // torn: look again
				return false, nil
			}
			return false, err
		}
		return !unsettledLink(links), nil
	})
}

// unsettledLink reports whether a link in links is up with its carrier on
// but its operational state is still down or lower-layer-down.
func unsettledLink(links []netlink.Link) bool {
	for _, l := range links {
		a := l.Attrs()
		carrier := a.Flags&net.FlagUp != 0 && a.RawFlags&unix.IFF_LOWER_UP != 0
		if carrier && (a.OperState == netlink.OperDown || a.OperState == netlink.OperLowerLayerDown) {
			return true
		}
	}
	return false
}

// pollUntil calls done with a growing pause (50µs doubling up to 10ms)
// until it reports true or fails, or timeout has passed; running out of
// time is not an error, since what is waited for only speeds traffic up.
func pollUntil(timeout time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for pause := 50 * time.Microsecond; ; pause = min(2*pause, 10*time.Millisecond) {
		ok, err := done()
		if err != nil || ok || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pause)
	}
}
