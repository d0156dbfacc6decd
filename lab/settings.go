package lab

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"

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
func (r *run) netem(n *node, dev string, cur netlink.Link, want *core.Netem) error {
	if want == nil {
		return nil
	}
	subject := n.netns + ":" + dev
	if cur != nil && n.ns != nil {
		have, err := n.ns.NetemOf(cur.Attrs().Name)
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
	var have []netlink.Route
	if n.ns != nil && !n.fresh {
		var err error
		have, err = dump(func() ([]netlink.Route, error) { return n.h.RouteList(nil, netlink.FAMILY_ALL) })
		if err != nil {
			return r.fail(n.netns, fmt.Errorf("list routes: %w", err))
		}
	}
	for _, rt := range want {
		nr, err := r.toRoute(n, rt)
		if err != nil {
			return err
		}
		op := "add"
		if found, same := findRoute(have, nr, rt); same {
			continue
		} else if found {
			op = "set"
		}
		r.record(op, "route", n.netns, rt.String())
		if !r.apply {
			continue
		}
		if err := n.h.RouteReplace(nr); err != nil {
			return r.fail(n.netns+" route "+rt.String(), err)
		}
	}
	return nil
}

// toRoute builds the netlink route; the device index is looked up only
// when the namespace exists.
func (r *run) toRoute(n *node, rt Route) (*netlink.Route, error) {
	dst := rt.dst()
	nr := &netlink.Route{
		Dst:      &net.IPNet{IP: net.IP(dst.Addr().AsSlice()), Mask: net.CIDRMask(dst.Bits(), dst.Addr().BitLen())},
		Priority: rt.Metric,
	}
	if rt.Via.IsValid() {
		nr.Gw = net.IP(rt.Via.AsSlice())
	}
	if rt.Dev != "" && n.ns != nil {
		l, err := r.lookup(n, rt.Dev)
		if err != nil {
			return nil, err
		}
		if l != nil {
			nr.LinkIndex = l.Attrs().Index
		}
	}
	if nr.Gw == nil {
		nr.Scope = netlink.SCOPE_LINK
	}
	return nr, nil
}

// findRoute reports whether a route to the same destination (main table)
// exists, and whether it matches the wanted one in every set field.
func findRoute(have []netlink.Route, want *netlink.Route, rt Route) (found, same bool) {
	wdst, _ := prefixOf(want.Dst)
	for _, h := range have {
		if h.Table != 0 && h.Table != 254 {
			continue
		}
		hdst, ok := prefixOf(h.Dst)
		if !ok {
			hdst = zeroPrefix(h.Family)
		}
		if hdst != wdst {
			continue
		}
		found = true
		if rt.Metric != 0 && h.Priority != rt.Metric {
			continue
		}
		if rt.Via.IsValid() && !h.Gw.Equal(want.Gw) {
			continue
		}
		if want.LinkIndex != 0 && h.LinkIndex != want.LinkIndex {
			continue
		}
		return true, true
	}
	return found, false
}

func zeroPrefix(family int) netip.Prefix {
	if family == netlink.FAMILY_V6 {
		return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
}

// dump runs a netlink dump again while the kernel says it was interrupted
// by a concurrent change (NLM_F_DUMP_INTR), like containernetworking's
// netlinksafe; a torn result is never returned as complete.
func dump[T any](f func() (T, error)) (T, error) {
	var res T
	var err error
	for range 5 {
		res, err = f()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return res, err
		}
	}
	return res, err
}
