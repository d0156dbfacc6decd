package core

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Addr is one interface address.
type Addr struct {
	Dev    string // link name (as Link.Name)
	Addr   string // "10.0.0.1/24", "fd00::1/64"
	Family string // "inet" or "inet6"
	Scope  string // "global", "link", "host", "site" or a number
}

// parseCIDR parses an interface address: an IP with a prefix length. The
// host part is kept (10.0.0.1/24 is not 10.0.0.0/24).
func parseCIDR(cidr string) (*netlink.Addr, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Addr().Zone() != "" {
		return nil, fmt.Errorf("invalid address %q (want ADDR/LEN, like 10.0.0.1/24): %w", cidr, unix.EINVAL)
	}
	ip := net.IP(p.Addr().AsSlice())
	bits := p.Addr().BitLen()
	a := &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(p.Bits(), bits)}}
	if bits == 128 {
		a.Flags = unix.IFA_F_NODAD // usable at once, no 1-2 s tentative phase
	}
	return a, nil
}

// AddrAdd adds cidr ("10.0.0.1/24", "fd00::1/64") to dev. IPv6 addresses
// are added with IFA_F_NODAD, and on a link that is up AddrAdd returns only
// once the kernel accepts packets for them (see WaitAddrsUsable), so they
// are usable at once.
//
// Equivalent to: `ip -n NS addr add CIDR dev DEV` (`nodad` for IPv6)
func (ns *Namespace) AddrAdd(dev, cidr string) error {
	la, err := ns.AddrAddNoWait(dev, cidr)
	if err != nil {
		return err
	}
	if err := ns.WaitAddrsUsable([]LinkAddr{la}); err != nil {
		return wireErr("addr add", ns, fmt.Errorf("wait for %s on %q: %w", cidr, dev, err), "")
	}
	return nil
}

// AddrAddNoWait is AddrAdd without the wait: it returns once the kernel
// acknowledged the address, which it reports as a LinkAddr for a later
// WaitAddrsUsable (one wait for many addresses).
//
// Equivalent to: `ip -n NS addr add CIDR dev DEV` (`nodad` for IPv6)
func (ns *Namespace) AddrAddNoWait(dev, cidr string) (LinkAddr, error) {
	a, err := parseCIDR(cidr)
	if err != nil {
		return LinkAddr{}, wireErr("addr add", ns, err, err.Error())
	}
	h, l, err := ns.lookupLink("addr add", dev)
	if err != nil {
		return LinkAddr{}, err
	}
	if err := h.AddrAdd(l, a); err != nil {
		return LinkAddr{}, wireErr("addr add", ns, fmt.Errorf("add %s to %q: %w", cidr, dev, err), "")
	}
	return LinkAddr{Index: l.Attrs().Index, IP: a.IP}, nil
}

// AddrDel removes cidr from dev.
//
// Equivalent to: `ip -n NS addr del CIDR dev DEV`
func (ns *Namespace) AddrDel(dev, cidr string) error {
	a, err := parseCIDR(cidr)
	if err != nil {
		return wireErr("addr del", ns, err, err.Error())
	}
	h, l, err := ns.lookupLink("addr del", dev)
	if err != nil {
		return err
	}
	if err := h.AddrDel(l, a); err != nil {
		if err == unix.EADDRNOTAVAIL {
			return wireErr("addr del", ns, fmt.Errorf("%s is not on %q: %w", cidr, dev, err), "")
		}
		return wireErr("addr del", ns, fmt.Errorf("delete %s from %q: %w", cidr, dev, err), "")
	}
	return nil
}

// Addrs lists the IPv4 then IPv6 addresses of dev, or of every link when
// dev is "". A dev that does not exist is an error.
//
// Equivalent to: `ip -n NS addr show [dev DEV]`
func (ns *Namespace) Addrs(dev string) ([]Addr, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	defer release()
	var link netlink.Link
	if dev != "" {
		if _, link, err = ns.lookupLink("addr show", dev); err != nil {
			return nil, err
		}
	}
	_, names, err := linkNames(h)
	if err != nil {
		return nil, wireErr("addr show", ns, err, "")
	}
	out, err := listAddrs(h, link, names)
	if err != nil {
		return nil, wireErr("addr show", ns, err, "")
	}
	return out, nil
}

// listAddrs lists the IPv4 then IPv6 addresses of link (nil: every link).
func listAddrs(h *netlink.Handle, link netlink.Link, names map[int]string) ([]Addr, error) {
	var out []Addr
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		list, err := retryDump(func() ([]netlink.Addr, error) { return h.AddrList(link, fam) })
		if err != nil {
			return nil, fmt.Errorf("list addresses: %w", err)
		}
		for _, a := range list {
			out = append(out, toAddr(a, names))
		}
	}
	return out, nil
}

func toAddr(a netlink.Addr, names map[int]string) Addr {
	fam := "inet"
	if a.IP.To4() == nil {
		fam = "inet6"
	}
	ones, _ := a.Mask.Size()
	ip, _ := netip.AddrFromSlice(a.IP)
	return Addr{
		Dev:    names[a.LinkIndex],
		Addr:   netip.PrefixFrom(ip.Unmap(), ones).String(),
		Family: fam,
		Scope:  scopeName(a.Scope),
	}
}

func scopeName(s int) string {
	switch netlink.Scope(s) {
	case netlink.SCOPE_UNIVERSE:
		return "global"
	case netlink.SCOPE_SITE:
		return "site"
	case netlink.SCOPE_LINK:
		return "link"
	case netlink.SCOPE_HOST:
		return "host"
	case netlink.SCOPE_NOWHERE:
		return "nowhere"
	}
	return fmt.Sprint(s)
}
