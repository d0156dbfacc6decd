package core

import (
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Route is one route. For RouteAdd and RouteDel, Dst is required and the
// other fields are optional (zero: unset); Routes fills in what the kernel
// reports.
type Route struct {
	Dst    string // "default" or a prefix ("10.0.2.0/24"; a bare address means /32 or /128)
	Via    string // gateway address, "" for a directly connected route
	Dev    string // output link, "" to let the kernel pick it from Via
	Metric int    // priority; 0: kernel default
	Table  int    // 0: main (254)

	// Set by Routes (and in route events), ignored by RouteAdd/RouteDel:
	Proto    string    // who made it, as ip names it: "kernel", "boot", "static", "bird", ...
	Scope    string    // "global", "link", "host", ...
	Nexthops []Nexthop // the paths of a multipath route (Via and Dev are then "")
	Family   string    // "inet" or "inet6" (set by Routes and Snapshot, not in events)
}

// toNetlinkRoute validates r and resolves it into a netlink.Route.
func (ns *Namespace) toNetlinkRoute(h *netlink.Handle, r Route) (*netlink.Route, error) {
	nr := &netlink.Route{Priority: r.Metric, Table: r.Table}
	if r.Metric < 0 || r.Table < 0 {
		return nil, fmt.Errorf("metric and table must not be negative: %w", unix.EINVAL)
	}
	if r.Via != "" {
		gw, err := netip.ParseAddr(r.Via)
		if err != nil || gw.Zone() != "" {
			return nil, fmt.Errorf("invalid gateway %q: %w", r.Via, unix.EINVAL)
		}
		nr.Gw = net.IP(gw.Unmap().AsSlice())
	}
	dst, err := parseDst(r.Dst, nr.Gw)
	if err != nil {
		return nil, err
	}
	nr.Dst = dst
	if nr.Gw != nil && (nr.Gw.To4() == nil) != (dst.IP.To4() == nil) {
		return nil, fmt.Errorf("gateway %s and destination %s are of different families: %w", r.Via, r.Dst, unix.EINVAL)
	}
	if r.Dev != "" {
		l, err := linkByName(h, r.Dev)
		if err != nil {
			return nil, err
		}
		nr.LinkIndex = l.Attrs().Index
	}
	if nr.Gw == nil && nr.LinkIndex == 0 {
		return nil, fmt.Errorf("route to %s needs via or dev: %w", r.Dst, unix.EINVAL)
	}
	if nr.Gw == nil {
		nr.Scope = netlink.SCOPE_LINK
	}
	return nr, nil
}

// parseDst parses "default" (IPv4, or IPv6 when the gateway is IPv6), a
// prefix without host bits, or a bare address.
func parseDst(dst string, gw net.IP) (*net.IPNet, error) {
	if dst == "default" {
		if gw != nil && gw.To4() == nil {
			return &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}, nil
		}
		return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, nil
	}
	p, err := netip.ParsePrefix(dst)
	if err != nil {
		a, aerr := netip.ParseAddr(dst)
		if aerr != nil || a.Zone() != "" {
			return nil, fmt.Errorf("invalid destination %q (want \"default\" or a prefix like 10.0.2.0/24): %w", dst, unix.EINVAL)
		}
		p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
	}
	if p.Masked() != p {
		return nil, fmt.Errorf("destination %q has host bits set (did you mean %s?): %w", dst, p.Masked(), unix.EINVAL)
	}
	a := p.Addr().Unmap()
	return &net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(p.Bits(), a.BitLen())}, nil
}

// RouteAdd adds a route.
//
// Equivalent to: `ip -n NS route add DST [via VIA] [dev DEV] [metric M] [table T]`
func (ns *Namespace) RouteAdd(r Route) error {
	return ns.routeWrite("add", r, (*netlink.Handle).RouteAdd)
}

// RouteReplace adds a route, or replaces the one to the same destination
// (same table, metric and type) with it.
//
// Equivalent to: `ip -n NS route replace DST [via VIA] [dev DEV] [metric M] [table T]`
func (ns *Namespace) RouteReplace(r Route) error {
	return ns.routeWrite("replace", r, (*netlink.Handle).RouteReplace)
}

// routeWrite converts r and hands it to write (RouteAdd or RouteReplace),
// reporting failures as "route VERB".
func (ns *Namespace) routeWrite(verb string, r Route, write func(*netlink.Handle, *netlink.Route) error) error {
	h, release, err := ns.Handle()
	if err != nil {
		return err
	}
	defer release()
	nr, err := ns.toNetlinkRoute(h, r)
	if err != nil {
		return wireErr("route "+verb, ns, err, err.Error())
	}
	if err := write(h, nr); err != nil {
		return wireErr("route "+verb, ns, fmt.Errorf("%s route to %s: %w", verb, r.Dst, err), "")
	}
	return nil
}

// RouteDel deletes the route matching r (fields left zero match any).
//
// Equivalent to: `ip -n NS route del DST [via VIA] [dev DEV] [metric M] [table T]`
func (ns *Namespace) RouteDel(r Route) error {
	h, release, err := ns.Handle()
	if err != nil {
		return err
	}
	defer release()
	var nr *netlink.Route
	if r.Via == "" && r.Dev == "" { // a bare destination is enough to delete
		dst, derr := parseDst(r.Dst, nil)
		if derr == nil && (r.Metric < 0 || r.Table < 0) {
			derr = fmt.Errorf("metric and table must not be negative: %w", unix.EINVAL)
		}
		if derr != nil {
			return wireErr("route del", ns, derr, derr.Error())
		}
		nr = &netlink.Route{Dst: dst, Priority: r.Metric, Table: r.Table}
	} else if nr, err = ns.toNetlinkRoute(h, r); err != nil {
		return wireErr("route del", ns, err, err.Error())
	}
	nr.Scope = netlink.SCOPE_NOWHERE // match routes of any scope, as ip does
	if err := h.RouteDel(nr); err != nil {
		return wireErr("route del", ns, fmt.Errorf("delete route to %s: %w", r.Dst, err), "")
	}
	return nil
}

// Routes lists the IPv4 then IPv6 routes of every table except local
// (255): the main table first, then any table a lab added routes to, in
// table order (kernel order within a table).
//
// Equivalent to: `ip -n NS route show table all` without the local table
func (ns *Namespace) Routes() ([]Route, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	defer release()
	_, names, err := linkNames(h)
	if err != nil {
		return nil, wireErr("route show", ns, err, "")
	}
	out, err := listRoutes(h, names)
	if err != nil {
		return nil, wireErr("route show", ns, err, "")
	}
	return out, nil
}

// listRoutes lists the routes of every table but local (see Routes).
func listRoutes(h *netlink.Handle, names map[int]string) ([]Route, error) {
	var out []Route
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		list, err := retryDump(func() ([]netlink.Route, error) {
			return h.RouteListFiltered(fam, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
		})
		if err != nil {
			return nil, fmt.Errorf("list routes: %w", err)
		}
		var fam []Route
		for _, r := range list {
			if r.Table == unix.RT_TABLE_LOCAL {
				continue
			}
			fam = append(fam, toRoute(r, names))
		}
		slices.SortStableFunc(fam, func(a, b Route) int { return tableRank(a.Table) - tableRank(b.Table) })
		out = append(out, fam...)
	}
	return out, nil
}

// tableRank orders tables for Routes: main first, then by number.
func tableRank(t int) int {
	if t == unix.RT_TABLE_MAIN {
		return -1
	}
	return t
}

func toRoute(r netlink.Route, names map[int]string) Route {
	out := Route{Dst: "default", Dev: names[r.LinkIndex], Metric: r.Priority, Table: r.Table, Family: "inet",
		Proto: protoName(int(r.Protocol)), Scope: scopeName(int(r.Scope)),
		Nexthops: resolveNexthops(nlNexthops(r.MultiPath), func(i int) string { return names[i] })}
	if r.Family == netlink.FAMILY_V6 {
		out.Family = "inet6"
	}
	if r.Dst != nil {
		if ones, _ := r.Dst.Mask.Size(); ones != 0 || !r.Dst.IP.IsUnspecified() {
			ip, _ := netip.AddrFromSlice(r.Dst.IP)
			out.Dst = netip.PrefixFrom(ip.Unmap(), ones).String()
		}
	}
	if r.Gw != nil {
		out.Via = r.Gw.String()
	}
	return out
}
