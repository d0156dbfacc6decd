package lab

import (
	"fmt"
	"strings"

	"github.com/nssh/nssh/core"
)

// shape sets the shaping of a link end (a link's shape applies to the
// egress of both ends) when it differs from want (cur is nil when the link
// is only planned): netem where the kernel has it, tbf for a rate alone
// otherwise (see core.Namespace.Shape).
//
// Equivalent to: `tc -n NETNS qdisc replace dev DEV root netem|tbf ...`
func (r *run) shape(n *node, dev string, cur *core.Link, want *core.Netem) error {
	if want == nil {
		return nil
	}
	subject := n.netns + ":" + dev
	if cur != nil && n.ns != nil {
		have, err := n.ns.ShapeOf(cur.KernelName)
		if err != nil {
			return r.fail(subject, err)
		}
		if sameNetem(have, want) {
			return nil
		}
	}
	r.record("set", "shape", subject, shapeText(want))
	if !r.apply {
		return nil
	}
	if err := n.ns.Shape(core.KernelName(dev), want); err != nil {
		return r.fail(subject, err)
	}
	return nil
}

// shapeText is a shape as tc words, leaving out what is not set.
func shapeText(m *core.Netem) string {
	var parts []string
	if m.Rate != "" {
		parts = append(parts, "rate "+m.Rate)
	}
	if m.Delay > 0 {
		parts = append(parts, fmt.Sprintf("delay %s", m.Delay))
	}
	if m.Jitter > 0 {
		parts = append(parts, fmt.Sprintf("jitter %s", m.Jitter))
	}
	if m.Loss > 0 {
		parts = append(parts, fmt.Sprintf("loss %g%%", m.Loss))
	}
	return strings.Join(parts, " ")
}
