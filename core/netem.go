package core

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Netem is a network emulation setting for the egress of one link.
type Netem struct {
	Delay  time.Duration // added latency
	Jitter time.Duration // random variation of Delay (needs Delay)
	Loss   float64       // percentage of packets dropped, 0..100
	Rate   string        // bandwidth limit like "10mbit", "" for none
}

// rateUnits maps tc's rate suffixes to bits per second.
var rateUnits = []struct {
	suffix string
	bits   float64
}{
	{"tibit", 1 << 40}, {"gibit", 1 << 30}, {"mibit", 1 << 20}, {"kibit", 1 << 10},
	{"tbit", 1e12}, {"gbit", 1e9}, {"mbit", 1e6}, {"kbit", 1e3},
	{"tbps", 8e12}, {"gbps", 8e9}, {"mbps", 8e6}, {"kbps", 8e3},
	{"bit", 1}, {"bps", 8},
}

// ParseRate parses a tc rate ("10mbit", "1gbit", "500kbps", "64kibit"; a
// bare number is bits per second) into bytes per second.
func ParseRate(s string) (uint64, error) {
	low := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range rateUnits {
		if strings.HasSuffix(low, u.suffix) {
			low, mult = strings.TrimSuffix(low, u.suffix), u.bits
			break
		}
	}
	v, err := strconv.ParseFloat(low, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("invalid rate %q (want a number with a unit like 10mbit, 1gbit, 500kbps): %w", s, unix.EINVAL)
	}
	bytes := v * mult / 8
	if bytes < 1 || bytes > math.MaxUint64/2 {
		return 0, fmt.Errorf("rate %q out of range: %w", s, unix.EINVAL)
	}
	return uint64(bytes), nil
}

func (n *Netem) attrs() (netlink.NetemQdiscAttrs, error) {
	const maxUs = time.Duration(math.MaxUint32/64) * time.Microsecond // ticks must fit in 32 bits
	var a netlink.NetemQdiscAttrs
	switch {
	case n.Delay < 0 || n.Jitter < 0 || n.Delay > maxUs || n.Jitter > maxUs:
		return a, fmt.Errorf("netem delay and jitter must be between 0 and %s: %w", maxUs, unix.EINVAL)
	case n.Jitter > 0 && n.Delay == 0:
		return a, fmt.Errorf("netem jitter needs a delay: %w", unix.EINVAL)
	case n.Loss < 0 || n.Loss > 100 || math.IsNaN(n.Loss):
		return a, fmt.Errorf("netem loss %v is not a percentage 0..100: %w", n.Loss, unix.EINVAL)
	}
	a.Latency = uint32(n.Delay / time.Microsecond)
	a.Jitter = uint32(n.Jitter / time.Microsecond)
	a.Loss = float32(n.Loss)
	if n.Rate != "" {
		r, err := ParseRate(n.Rate)
		if err != nil {
			return a, err
		}
		a.Rate64 = r
	}
	return a, nil
}

// Netem sets (replacing any root qdisc) or, with n nil, removes network
// emulation on the egress of dev. Removing when none is set is not an error.
//
// Equivalent to: `tc -n NS qdisc replace dev DEV root netem delay D jitter J
// loss L% rate R`, and `tc -n NS qdisc del dev DEV root` for nil
func (ns *Namespace) Netem(dev string, n *Netem) error {
	var a netlink.NetemQdiscAttrs
	if n != nil {
		var err error
		if a, err = n.attrs(); err != nil {
			return wireErr("netem", ns, err, err.Error())
		}
	}
	h, l, err := ns.lookupLink("netem", dev)
	if err != nil {
		return err
	}
	if n == nil {
		return ns.netemClear(h, l)
	}
	q := netlink.NewNetem(netlink.QdiscAttrs{LinkIndex: l.Attrs().Index, Parent: netlink.HANDLE_ROOT}, a)
	if err := h.QdiscReplace(q); err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP) {
			err := fmt.Errorf("qdisc netem (kernel module sch_netem) %w: %w", ErrUnsupported, unix.EOPNOTSUPP)
			return wireErr("netem", ns, err, "qdisc netem (kernel module sch_netem) "+ErrUnsupported.Error())
		}
		return wireErr("netem", ns, fmt.Errorf("set netem on %q: %w", dev, err), "")
	}
	return nil
}

func (ns *Namespace) netemClear(h *netlink.Handle, l netlink.Link) error {
	q, err := rootNetem(h, l)
	if err != nil || q == nil {
		if err != nil {
			return wireErr("netem", ns, err, "")
		}
		return nil
	}
	if err := h.QdiscDel(q); err != nil && !errors.Is(err, unix.ENOENT) {
		return wireErr("netem", ns, fmt.Errorf("remove netem: %w", err), "")
	}
	return nil
}

func rootNetem(h *netlink.Handle, l netlink.Link) (*netlink.Netem, error) {
	qs, err := retryDump(func() ([]netlink.Qdisc, error) { return h.QdiscList(l) })
	if err != nil {
		return nil, fmt.Errorf("list qdiscs: %w", err)
	}
	for _, q := range qs {
		if ne, ok := q.(*netlink.Netem); ok && q.Attrs().Parent == netlink.HANDLE_ROOT {
			return ne, nil
		}
	}
	return nil, nil
}

// NetemOf returns the netem setting on dev, or nil when there is none.
// Delay and Jitter are rounded to the kernel's tick; Rate is given in
// "bit" units ("10000000bit").
//
// Equivalent to: `tc -n NS qdisc show dev DEV`
func (ns *Namespace) NetemOf(dev string) (*Netem, error) {
	h, l, err := ns.lookupLink("netem", dev)
	if err != nil {
		return nil, err
	}
	q, err := rootNetem(h, l)
	if err != nil {
		return nil, wireErr("netem", ns, err, "")
	}
	if q == nil {
		return nil, nil
	}
	tick := netlink.TickInUsec()
	us := func(t uint32) time.Duration {
		return time.Duration(math.Round(float64(t)/tick)) * time.Microsecond
	}
	out := &Netem{Delay: us(q.Latency), Jitter: us(q.Jitter), Loss: float64(q.Loss) / math.MaxUint32 * 100}
	if q.Rate64 > 0 {
		out.Rate = strconv.FormatUint(q.Rate64*8, 10) + "bit"
	}
	return out, nil
}
