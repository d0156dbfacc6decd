package core

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Shape sets the shaping of dev's egress (replacing any root qdisc) or,
// with s nil, removes it: netem where the kernel has it; for a rate alone
// on a kernel without sch_netem, a token bucket filter (tbf). A delay,
// jitter or loss without sch_netem is an error wrapping ErrUnsupported
// (EOPNOTSUPP) that names the module.
//
// Equivalent to: `tc -n NS qdisc replace dev DEV root netem ...`, or
// `tc -n NS qdisc replace dev DEV root tbf rate R burst B latency 50ms`
func (ns *Namespace) Shape(dev string, s *Netem) error {
	if s == nil {
		return ns.shapeClear(dev)
	}
	err := ns.Netem(dev, s)
	if err == nil || !errors.Is(err, ErrUnsupported) {
		return err
	}
	if s.Delay != 0 || s.Jitter != 0 || s.Loss != 0 || s.Rate == "" {
		err := fmt.Errorf("delay, jitter and loss need qdisc netem (kernel module sch_netem): %w: %w", ErrUnsupported, unix.EOPNOTSUPP)
		return wireErr("shape", ns, err, "delay, jitter and loss need qdisc netem (kernel module sch_netem), which this kernel lacks")
	}
	return ns.tbf(dev, s.Rate)
}

// tbfLatency is how long a packet may wait in the bucket (tc's latency).
const tbfLatencyUs = 50_000

// tbf sets a token bucket filter of the given rate on dev's egress. The
// burst holds 10 ms of traffic (at least 2 full-size packets), enough for
// the kernel's timer granularity to reach the rate.
func (ns *Namespace) tbf(dev, rate string) error {
	bps, err := ParseRate(rate)
	if err != nil {
		return wireErr("shape", ns, err, err.Error())
	}
	h, l, err := ns.lookupLink("shape", dev)
	if err != nil {
		return err
	}
	burst := max(bps/100, 2*uint64(max(l.Attrs().MTU, 1500)+14))
	burst = min(burst, 1<<31)
	limit := bps*tbfLatencyUs/1_000_000 + burst
	q := &netlink.Tbf{
		QdiscAttrs: netlink.QdiscAttrs{LinkIndex: l.Attrs().Index, Parent: netlink.HANDLE_ROOT, Handle: netlink.MakeHandle(1, 0)},
		Rate:       bps,
		Limit:      uint32(min(limit, 1<<31)),
		Buffer:     netlink.Xmittime(bps, uint32(burst)),
	}
	if err := h.QdiscReplace(q); err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP) {
			err := fmt.Errorf("qdisc tbf (kernel module sch_tbf) %w: %w", ErrUnsupported, unix.EOPNOTSUPP)
			return wireErr("shape", ns, err, "qdisc tbf (kernel module sch_tbf) "+ErrUnsupported.Error())
		}
		return wireErr("shape", ns, fmt.Errorf("set tbf on %q: %w", dev, err), "")
	}
	return nil
}

// shapeClear removes a root netem or tbf qdisc (none is not an error).
func (ns *Namespace) shapeClear(dev string) error {
	h, l, err := ns.lookupLink("shape", dev)
	if err != nil {
		return err
	}
	q, err := rootShape(h, l)
	if err != nil {
		return wireErr("shape", ns, err, "")
	}
	if q == nil {
		return nil
	}
	if err := h.QdiscDel(q); err != nil && !errors.Is(err, unix.ENOENT) {
		return wireErr("shape", ns, fmt.Errorf("remove shaping: %w", err), "")
	}
	return nil
}

// rootShape returns the root netem or tbf qdisc of l, nil when none.
func rootShape(h *netlink.Handle, l netlink.Link) (netlink.Qdisc, error) {
	qs, err := retryDump(func() ([]netlink.Qdisc, error) { return h.QdiscList(l) })
	if err != nil {
		return nil, fmt.Errorf("list qdiscs: %w", err)
	}
	for _, q := range qs {
		if q.Attrs().Parent != netlink.HANDLE_ROOT {
			continue
		}
		switch q.(type) {
		case *netlink.Netem, *netlink.Tbf:
			return q, nil
		}
	}
	return nil, nil
}

// ShapeOf returns the shaping on dev: its netem setting, or for a tbf
// its rate ("10000000bit"); nil when there is neither.
//
// Equivalent to: `tc -n NS qdisc show dev DEV`
func (ns *Namespace) ShapeOf(dev string) (*Netem, error) {
	n, err := ns.NetemOf(dev)
	if err != nil || n != nil {
		return n, err
	}
	h, l, err := ns.lookupLink("shape", dev)
	if err != nil {
		return nil, err
	}
	q, err := rootShape(h, l)
	if err != nil {
		return nil, wireErr("shape", ns, err, "")
	}
	if t, ok := q.(*netlink.Tbf); ok {
		return &Netem{Rate: strconv.FormatUint(t.Rate*8, 10) + "bit"}, nil
	}
	return nil, nil
}
