package lab

import (
	"fmt"
	"math"
	"net/netip"
	"time"

	"github.com/nssh/nssh/core"
)

// sysctl sets key to want in the node's namespace when it differs.
//
// Equivalent to: `ip netns exec NETNS sysctl -w KEY=VALUE`
func (r *run) sysctl(n *node, key, want string) error {
	if n.ns != nil {
		cur, err := n.ns.Sysctl(key, nil)
		if err != nil {
			return r.fail(n.netns, err)
		}
		if cur == want {
			return nil
		}
	}
	r.record("set", "sysctl", n.netns, key+"="+want)
	if !r.apply {
		return nil
	}
	if _, err := n.ns.Sysctl(key, &want); err != nil {
		return r.fail(n.netns, err)
	}
	return nil
}

// netem sets the emulation of a link end when it differs from want (cur is
// nil when the link is only planned). The lab never removes a netem it was
// not asked for.
//
// Equivalent to: `tc -n NETNS qdisc replace dev DEV root netem ...`
func (r *run) netem(n *node, dev string, cur *core.Link, want *core.Netem) error {
	if want == nil {
		return nil
	}
	subject := n.netns + ":" + dev
	if cur != nil && n.ns != nil {
		have, err := n.ns.NetemOf(cur.KernelName)
		if err != nil {
			return r.fail(subject, err)
		}
		if sameNetem(have, want) {
			return nil
		}
	}
	r.record("set", "netem", subject, netemText(want))
	if !r.apply {
		return nil
	}
	if err := n.ns.Netem(core.KernelName(dev), want); err != nil {
		return r.fail(subject, err)
	}
	return nil
}

// sameNetem compares a setting read back from the kernel (rounded to its
// tick) with the wanted one.
func sameNetem(have, want *core.Netem) bool {
	if have == nil {
		return false
	}
	near := func(a, b time.Duration) bool { return (a - b).Abs() <= 10*time.Microsecond }
	var rate uint64
	if want.Rate != "" {
		rate, _ = core.ParseRate(want.Rate)
	}
	haveRate, _ := core.ParseRate(have.Rate)
	return near(have.Delay, want.Delay) && near(have.Jitter, want.Jitter) &&
		math.Abs(have.Loss-want.Loss) < 0.01 && (haveRate == rate || have.Rate == "" && rate == 0)
}

func netemText(m *core.Netem) string {
	s := fmt.Sprintf("delay %s", m.Delay)
	if m.Jitter > 0 {
		s += fmt.Sprintf(" jitter %s", m.Jitter)
	}
	if m.Loss > 0 {
		s += fmt.Sprintf(" loss %g%%", m.Loss)
	}
	if m.Rate != "" {
		s += " rate " + m.Rate
	}
	return s
}

// routes adds the node's routes that are missing and replaces those whose
// gateway, device or metric drifted.
//
// Equivalent to: `ip -n NETNS route replace DST via VIA [dev DEV] [metric M]`
func (r *run) routes(n *node) error {
	want := r.l.spec.Routes[n.name]
	if len(want) == 0 {
		return nil
	}
	var have []core.Route
	if n.ns != nil && !n.fresh {
		if n.links == nil {
			if err := r.load(n); err != nil {
				return err
			}
		}
		have = n.routes
	}
	for _, rt := range want {
		op := "add"
		if found, same := findRoute(have, rt); same {
			continue
		} else if found {
			op = "set"
		}
		r.record(op, "route", n.netns, rt.String())
		if !r.apply {
			continue
		}
		if err := n.ns.RouteReplace(toCoreRoute(rt)); err != nil {
			return r.fail(n.netns+" route "+rt.String(), err)
		}
	}
	return nil
}

// toCoreRoute converts a lab route for core.
func toCoreRoute(rt Route) core.Route {
	out := core.Route{Dst: rt.dst().String(), Metric: rt.Metric}
	if rt.Via.IsValid() {
		out.Via = rt.Via.String()
	}
	if rt.Dev != "" {
		out.Dev = core.KernelName(rt.Dev)
	}
	return out
}

// findRoute reports whether a route to the same destination (main table)
// exists, and whether it matches the wanted one in every set field.
func findRoute(have []core.Route, rt Route) (found, same bool) {
	wdst := rt.dst()
	for _, h := range have {
		if h.Table != 0 && h.Table != mainTable {
			continue
		}
		if routeDst(h) != wdst {
			continue
		}
		found = true
		if rt.Metric != 0 && h.Metric != rt.Metric {
			continue
		}
		if via, err := netip.ParseAddr(h.Via); rt.Via.IsValid() && (err != nil || via.Unmap() != rt.Via) {
			continue
		}
		if rt.Dev != "" && core.KernelName(h.Dev) != core.KernelName(rt.Dev) {
			continue
		}
		return true, true
	}
	return found, false
}

// mainTable is the number of the main routing table.
const mainTable = 254

// routeDst is the destination of a reported route as a prefix.
func routeDst(h core.Route) netip.Prefix {
	if h.Dst == "default" {
		if h.Family == "inet6" {
			return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
		return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	}
	p, _ := netip.ParsePrefix(h.Dst)
	return p
}
