package lab

import (
	"fmt"
	"strings"

	"github.com/nssh/nssh/core"
)

// hostLimits reads the host's limits for a lab size; tests replace it.
var hostLimits = core.HostLimits

// warnHostLimits writes one line to Options.Warnings, the first time Up
// runs, when the host's limits are too low for a lab of this many hosts
// (broadcasts then overflow the backlog, neighbour tables overflow, and
// the lab silently does not work): it names each limit and `nssh doctor`.
// Hosts are the nodes that are not switches, as `nssh doctor --hosts N`
// counts them.
func (l *Lab) warnHostLimits() {
	if l.opts.Warnings == nil || l.warned {
		return
	}
	l.warned = true
	hosts, services := 0, 0
	for _, n := range l.spec.Nodes {
		if n.Bridge == "" {
			hosts++
		}
		services += len(n.Services)
	}
	var low []string
	for _, h := range hostLimits(hosts) {
		// The inotify limits are for software in the nodes that watches
		// files (nssh itself shares one instance): a lab without services
		// does not need them raised.
		if services == 0 && strings.HasPrefix(h.Name, "fs.inotify.") {
			continue
		}
		if h.Low() {
			low = append(low, fmt.Sprintf("%s %d < %d", h.Name, h.Value, h.Need))
		}
	}
	if len(low) > 0 {
		fmt.Fprintf(l.opts.Warnings, "nssh: warning: lab %s (%d hosts) exceeds host limits: %s; see `nssh doctor --hosts %d` (--fix raises them)\n",
			l.spec.Name, hosts, strings.Join(low, ", "), hosts)
	}
}
