package core

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Nexthop is one path of a multipath route.
type Nexthop struct {
	Via    string // gateway, "" when none
	Dev    string // output link
	Weight int    // relative weight, 1 when unset (ip's "weight")
}

// rawNexthop is a Nexthop before its link name is resolved.
type rawNexthop struct {
	oif int
	nh  Nexthop
}

// routeProtos are iproute2's names of route protocols (rt_protos).
var routeProtos = map[int]string{
	0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra",
	10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp",
	17: "mrouted", 18: "keepalived", 42: "babel", 99: "openr", 186: "bgp", 187: "isis",
	188: "ospf", 189: "rip", 192: "eigrp",
}

// protoName is the route protocol as ip prints it: a name, else the number.
func protoName(p int) string {
	if s, ok := routeProtos[p]; ok {
		return s
	}
	return strconv.Itoa(p)
}

// parseMultipath decodes an RTA_MULTIPATH attribute: a sequence of
// struct rtnexthop, each followed by its own attributes (RTA_GATEWAY).
func parseMultipath(b []byte) ([]rawNexthop, error) {
	var out []rawNexthop
	for len(b) >= unix.SizeofRtNexthop {
		rtnh := nl.DeserializeRtNexthop(b)
		n := int(rtnh.RtNexthop.Len)
		if n < unix.SizeofRtNexthop || n > len(b) {
			return nil, fmt.Errorf("malformed multipath attribute")
		}
		raw := rawNexthop{oif: int(rtnh.RtNexthop.Ifindex), nh: Nexthop{Weight: int(rtnh.RtNexthop.Hops) + 1}}
		attrs, err := nl.ParseRouteAttr(b[unix.SizeofRtNexthop:n])
		if err != nil {
			return nil, fmt.Errorf("decode nexthop: %w", err)
		}
		for _, a := range attrs {
			if a.Attr.Type == unix.RTA_GATEWAY {
				if ip, ok := netip.AddrFromSlice(a.Value); ok {
					raw.nh.Via = ip.Unmap().String()
				}
			}
		}
		out = append(out, raw)
		b = b[min(len(b), (n+unix.RTA_ALIGNTO-1)&^(unix.RTA_ALIGNTO-1)):]
	}
	return out, nil
}

// nlNexthops converts the paths of a dumped multipath route.
func nlNexthops(mp []*netlink.NexthopInfo) []rawNexthop {
	var out []rawNexthop
	for _, p := range mp {
		raw := rawNexthop{oif: p.LinkIndex, nh: Nexthop{Weight: p.Hops + 1}}
		if p.Gw != nil {
			if ip, ok := netip.AddrFromSlice(p.Gw); ok {
				raw.nh.Via = ip.Unmap().String()
			}
		}
		out = append(out, raw)
	}
	return out
}

// resolveNexthops names the links of raw nexthops with name.
func resolveNexthops(raw []rawNexthop, name func(int) string) []Nexthop {
	if len(raw) == 0 {
		return nil
	}
	out := make([]Nexthop, len(raw))
	for i, r := range raw {
		out[i] = r.nh
		out[i].Dev = name(r.oif)
	}
	return out
}

// nexthopsText is a compact form of nexthops for comparing routes.
func nexthopsText(nhs []Nexthop) string {
	var sb strings.Builder
	for _, nh := range nhs {
		fmt.Fprintf(&sb, "%s/%s/%d;", nh.Via, nh.Dev, nh.Weight)
	}
	return sb.String()
}
