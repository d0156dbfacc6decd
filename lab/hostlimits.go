package lab

import (
	"fmt"
	"strings"

	"github.com/nssh/nssh/core"
)

// hostLimits reads the host's limits for a lab size; tests replace it.
var hostLimits = core.HostLimits

// warnHostLimits writes one line to Options.Warnings, the first time Up
// runs, when the host's limits are too low for a lab of this many nodes
// (broadcasts then overflow the backlog, neighbour tables overflow, and
// the lab silently does not work): it names each limit and `nssh doctor`.
func (l *Lab) warnHostLimits() {
	if l.opts.Warnings == nil || l.warned {
		return
	}
	l.warned = true
	nodes := len(l.spec.Nodes)
	var low []string
	for _, h := range hostLimits(nodes) {
		if h.Low() {
			low = append(low, fmt.Sprintf("%s %d < %d", h.Name, h.Value, h.Need))
		}
	}
	if len(low) > 0 {
		fmt.Fprintf(l.opts.Warnings, "nssh: warning: lab %s (%d nodes) exceeds host limits: %s; see `nssh doctor --hosts %d` (--fix raises them)\n",
			l.spec.Name, nodes, strings.Join(low, ", "), nodes)
	}
}
