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

// addrReadyTimeout bounds WaitAddrsUsable. The kernel normally finishes
// in well under a millisecond; a link whose carrier came up but whose
// operational state the kernel has not yet updated can take up to a second.
const addrReadyTimeout = 1500 * time.Millisecond

// WaitAddrsUsable waits until the kernel can receive packets for the IPv6
// addresses in addrs that sit on a link that is up with a carrier. The
// kernel acknowledges RTM_NEWADDR for an IPv6 address before it installs
// the address's local route (that happens from a work queue, even with
// IFA_F_NODAD), and a packet that arrives in between is dropped as not
// for this host. IPv4 addresses, and addresses on links that are down,
// are not waited for. It gives up silently after addrReadyTimeout: the
// addresses exist either way.
func WaitAddrsUsable(h *netlink.Handle, addrs []LinkAddr) error {
	pending, err := waitableAddrs(h, addrs)
	if err != nil || len(pending) == 0 {
		return err
	}
	return pollUntil(addrReadyTimeout, func() (bool, error) {
		local, err := h.RouteListFiltered(netlink.FAMILY_V6,
			&netlink.Route{Table: unix.RT_TABLE_LOCAL}, netlink.RT_FILTER_TABLE)
		if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) { // a torn dump only delays
			return false, err
		}
		pending = withoutLocal(pending, local)
		return len(pending) == 0, nil
	})
}

// waitableAddrs keeps the IPv6 addresses of addrs whose link is up and has
// a carrier.
func waitableAddrs(h *netlink.Handle, addrs []LinkAddr) ([]LinkAddr, error) {
	var out []LinkAddr
	ready := map[int]bool{}
	for _, a := range addrs {
		if a.IP.To4() != nil {
			continue
		}
		r, seen := ready[a.Index]
		if !seen {
			l, err := h.LinkByIndex(a.Index)
			if err != nil {
				return nil, err
			}
			r = l.Attrs().Flags&net.FlagUp != 0 && l.Attrs().RawFlags&unix.IFF_LOWER_UP != 0
			ready[a.Index] = r
		}
		if r {
			out = append(out, a)
		}
	}
	return out, nil
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

// linkSettleTimeout bounds WaitLinksSettled. The kernel updates the
// operational state of a link at most a second after its carrier changed.
const linkSettleTimeout = 2 * time.Second

// WaitLinksSettled waits until every bridge port in h's namespace whose
// carrier is on also has its operational state up. The kernel sets the
// carrier synchronously but the operational state later, from a work
// queue (linkwatch, which may batch it for up to a second), and a bridge
// forwards through a port only from then on: a packet sent through a
// fresh port in between is dropped. Other links are not waited for: their
// late operational state does not stop traffic. It gives up silently
// after linkSettleTimeout.
func WaitLinksSettled(h *netlink.Handle) error {
	return pollUntil(linkSettleTimeout, func() (bool, error) {
		links, err := h.LinkList()
		if err != nil {
			if errors.Is(err, netlink.ErrDumpInterrupted) { // torn: look again
				return false, nil
			}
			return false, err
		}
		return !unsettledPort(links), nil
	})
}

// unsettledPort reports whether a bridge port in links has its carrier on
// but its operational state not yet up.
func unsettledPort(links []netlink.Link) bool {
	bridges := map[int]bool{}
	for _, l := range links {
		if l.Type() == "bridge" {
			bridges[l.Attrs().Index] = true
		}
	}
	for _, l := range links {
		a := l.Attrs()
		carrier := a.Flags&net.FlagUp != 0 && a.RawFlags&unix.IFF_LOWER_UP != 0
		if carrier && bridges[a.MasterIndex] && a.OperState != netlink.OperUp && a.OperState != netlink.OperUnknown {
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
