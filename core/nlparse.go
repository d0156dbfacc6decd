package core

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"syscall"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// nlItem is one kernel object (a link, an address, a route) in the form
// the event watcher compares and reports: key identifies the object within
// its namespace, sig changes whenever a reported attribute changes.
type nlItem struct {
	key   string
	sig   string
	attrs map[string]any
}

// linkItem converts a link to its event form: name, index, up (IFF_UP, as
// Link.Up) and carrier (IFF_LOWER_UP: the other end of a cable is up).
func linkItem(l netlink.Link) nlItem {
	a := l.Attrs()
	name := displayName(a.Name, a.AltNames)
	up := a.RawFlags&unix.IFF_UP != 0
	carrier := a.RawFlags&unix.IFF_LOWER_UP != 0
	return nlItem{
		key:   strconv.Itoa(a.Index),
		sig:   fmt.Sprintf("%s|%t|%t", name, up, carrier),
		attrs: map[string]any{"name": name, "index": a.Index, "up": up, "carrier": carrier},
	}
}

// addrItem converts an address on link index (named dev) to its event form.
func addrItem(index int, prefix netip.Prefix, dev string) nlItem {
	key := strconv.Itoa(index) + "|" + prefix.String()
	return nlItem{key: key, sig: key, attrs: map[string]any{"dev": dev, "addr": prefix.String()}}
}

// routeItem converts a route to its event form (Route's fields; via, dev
// and nexthops absent when empty). A multipath route is one item whose
// nexthops may change.
func routeItem(family int, r Route, oif int) nlItem {
	key := fmt.Sprintf("%d|%d|%s|%s|%d|%d", family, r.Table, r.Dst, r.Via, oif, r.Metric)
	attrs := map[string]any{"dst": r.Dst, "metric": r.Metric, "table": r.Table,
		"proto": r.Proto, "scope": r.Scope}
	if r.Via != "" {
		attrs["via"] = r.Via
	}
	if r.Dev != "" {
		attrs["dev"] = r.Dev
	}
	if len(r.Nexthops) > 0 {
		nhs := make([]map[string]any, len(r.Nexthops))
		for i, nh := range r.Nexthops {
			nhs[i] = map[string]any{"dev": nh.Dev, "weight": nh.Weight}
			if nh.Via != "" {
				nhs[i]["via"] = nh.Via
			}
		}
		attrs["nexthops"] = nhs
	}
	sig := key + "|" + r.Proto + "|" + r.Scope + "|" + nexthopsText(r.Nexthops)
	return nlItem{key: key, sig: sig, attrs: attrs}
}

// parseLinkMsg decodes an RTM_NEWLINK/RTM_DELLINK notification.
func parseLinkMsg(m syscall.NetlinkMessage) (nlItem, error) {
	hdr := unix.NlMsghdr(m.Header)
	l, err := netlink.LinkDeserialize(&hdr, m.Data)
	if err != nil {
		return nlItem{}, fmt.Errorf("decode link message: %w", err)
	}
	return linkItem(l), nil
}

// parseAddrMsg decodes an RTM_NEWADDR/RTM_DELADDR notification into the
// link index and the prefix (IFA_LOCAL when present, as ip shows it).
func parseAddrMsg(m syscall.NetlinkMessage) (int, netip.Prefix, error) {
	if len(m.Data) < unix.SizeofIfAddrmsg {
		return 0, netip.Prefix{}, fmt.Errorf("short address message")
	}
	msg := nl.DeserializeIfAddrmsg(m.Data)
	attrs, err := nl.ParseRouteAttr(m.Data[unix.SizeofIfAddrmsg:])
	if err != nil {
		return 0, netip.Prefix{}, fmt.Errorf("decode address message: %w", err)
	}
	var addr, local []byte
	for _, a := range attrs {
		switch a.Attr.Type {
		case unix.IFA_ADDRESS:
			addr = a.Value
		case unix.IFA_LOCAL:
			local = a.Value
		}
	}
	if local != nil {
		addr = local
	}
	ip, ok := netip.AddrFromSlice(addr)
	if !ok {
		return 0, netip.Prefix{}, fmt.Errorf("address message without address")
	}
	return int(msg.Index), netip.PrefixFrom(ip.Unmap(), int(msg.Prefixlen)), nil
}

// rawRoute is a route notification before link names are resolved.
type rawRoute struct {
	family int
	skip   bool // local table or a cached clone: not reported, as in Routes
	oif    int
	nh     []rawNexthop // multipath: paths with unresolved links
	route  Route
}

// resolve names the route's output link and its nexthops' links.
func (rr rawRoute) resolve(name func(int) string) Route {
	r := rr.route
	r.Dev = name(rr.oif)
	r.Nexthops = resolveNexthops(rr.nh, name)
	return r
}

// parseRouteMsg decodes an RTM_NEWROUTE/RTM_DELROUTE notification.
func parseRouteMsg(m syscall.NetlinkMessage) (rawRoute, error) {
	if len(m.Data) < unix.SizeofRtMsg {
		return rawRoute{}, fmt.Errorf("short route message")
	}
	msg := nl.DeserializeRtMsg(m.Data)
	attrs, err := nl.ParseRouteAttr(m.Data[unix.SizeofRtMsg:])
	if err != nil {
		return rawRoute{}, fmt.Errorf("decode route message: %w", err)
	}
	rr := rawRoute{family: int(msg.Family)}
	rr.route.Table = int(msg.Table)
	rr.route.Proto = protoName(int(msg.Protocol))
	rr.route.Scope = scopeName(int(msg.Scope))
	var dst, gw []byte
	for _, a := range attrs {
		switch a.Attr.Type {
		case unix.RTA_DST:
			dst = a.Value
		case unix.RTA_GATEWAY:
			gw = a.Value
		case unix.RTA_OIF:
			rr.oif = int(binary.NativeEndian.Uint32(a.Value))
		case unix.RTA_PRIORITY:
			rr.route.Metric = int(binary.NativeEndian.Uint32(a.Value))
		case unix.RTA_TABLE:
			rr.route.Table = int(binary.NativeEndian.Uint32(a.Value))
		case unix.RTA_MULTIPATH:
			if rr.nh, err = parseMultipath(a.Value); err != nil {
				return rawRoute{}, err
			}
		}
	}
	rr.skip = rr.route.Table == unix.RT_TABLE_LOCAL || msg.Flags&unix.RTM_F_CLONED != 0
	rr.route.Dst = routeDst(dst, int(msg.Dst_len))
	if ip, ok := netip.AddrFromSlice(gw); ok {
		rr.route.Via = ip.Unmap().String()
	}
	return rr, nil
}

// routeDst renders a destination as Routes does: "default" for /0.
func routeDst(dst []byte, bits int) string {
	ip, ok := netip.AddrFromSlice(dst)
	if !ok || (bits == 0 && ip.IsUnspecified()) {
		return "default"
	}
	return netip.PrefixFrom(ip.Unmap(), bits).String()
}

// nlRouteRaw converts a dumped netlink.Route into the raw form.
func nlRouteRaw(r netlink.Route) rawRoute {
	rr := rawRoute{family: r.Family, oif: r.LinkIndex, nh: nlNexthops(r.MultiPath)}
	rr.route = Route{Metric: r.Priority, Table: r.Table, Dst: "default",
		Proto: protoName(int(r.Protocol)), Scope: scopeName(int(r.Scope))}
	if r.Dst != nil {
		ones, _ := r.Dst.Mask.Size()
		rr.route.Dst = routeDst(r.Dst.IP, ones)
	}
	if r.Gw != nil {
		rr.route.Via = r.Gw.String()
	}
	rr.skip = r.Table == unix.RT_TABLE_LOCAL
	return rr
}

// nlAddrPrefix converts a dumped netlink.Addr into a prefix.
func nlAddrPrefix(a netlink.Addr) netip.Prefix {
	ip, _ := netip.AddrFromSlice(a.IP)
	ones, _ := a.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), ones)
}
