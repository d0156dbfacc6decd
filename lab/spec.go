// Package lab builds network labs out of named network namespaces from a
// declarative description, the way infrastructure-as-code tools do: Up
// makes the kernel match the description (creating what is missing and
// repairing drift), Plan says what Up would change, Down removes exactly
// what the lab owns.
//
// # Ownership
//
// Every namespace a lab makes is named LAB-NODE and carries the marker
// "nssh:lab=LAB" as the alias of its loopback device, set before the
// namespace is bind-mounted, so no lab namespace is ever visible without
// it. Every link carries the same marker as its alias. A state file
// (Config.StateDir/labs/LAB.json) records the owner process, the state and
// the namespaces made. Nothing without the marker is ever deleted.
package lab

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nssh/nssh/core"
)

// Spec describes a lab. Nodes become namespaces called Name-NODE.
type Spec struct {
	Name   string
	Nodes  map[string]Node
	Links  []Link
	Routes map[string][]Route // by node name
	Temp   bool               // removed when the owning process exits (see CleanupTemp)
	// Adopt lets Up take over a lab that another live process owns (it
	// raises ErrBusy otherwise).
	Adopt bool
	// IPv6 keeps IPv6 on in every node (see Node.IPv6).
	IPv6 bool
}

// Node is one namespace of the lab.
type Node struct {
	// Sysctl values to set inside the namespace ("net.ipv4.ip_forward" -> "1").
	Sysctl map[string]string
	// Bridge, when set, makes the node a switch: a bridge of that name is
	// created in it and every link end on the node becomes its port.
	Bridge string
	// Addrs are addresses on devices that are not link ends: "lo", or a
	// dummy link of that name (made by Up).
	Addrs map[string][]netip.Prefix
	// Files maps a path to its content: "/etc/..." lands in the etc dir
	// of the node's namespace (EtcDir/LAB-NODE/..., bound over /etc by
	// exec), a relative path in the node's directory (see Lab.Path).
	Files map[string]string
	// Services are the programs the node runs (see services.go), by name.
	Services map[string]Service
	// IPv6 keeps IPv6 on in the node. Without it, a node whose spec has no
	// IPv6 address or route gets IPv6 disabled when its namespace is made,
	// before any link exists: no link-local addresses, DAD, router or
	// multicast listener messages, which flood the bridges of big labs.
	IPv6 bool
}

// End is one end of a link: an interface Dev in the namespace of Node.
type End struct{ Node, Dev string }

func (e End) String() string { return e.Node + ":" + e.Dev }

// Link is a veth pair between two nodes.
type Link struct {
	Ends  [2]End
	Addrs [2][]netip.Prefix // addresses of each end (may be empty)
	Netem [2]*core.Netem    // emulation on each end's egress, nil for none
	// Shape shapes the egress of both ends: netem where the kernel has it,
	// tbf for a rate alone otherwise. nil for none.
	Shape *core.Netem
}

// Route is a route in a node's main table. A zero Dst means "default".
type Route struct {
	Dst    netip.Prefix
	Via    netip.Addr // gateway, may be invalid (zero) when Dev is set
	Dev    string     // output device (a link end of the node), may be ""
	Metric int
}

// nameRE is the shape of lab and node names: they become namespace names
// and Graphviz identifiers, so keep them plain.
var nameRE = lazyRegexp(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// sysctlRE is the shape of a sysctl key under /proc/sys.
var sysctlRE = lazyRegexp(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_@:-]+)+$`)

// ParseEnd parses "node:dev".
func ParseEnd(s string) (End, error) {
	node, dev, ok := strings.Cut(s, ":")
	if !ok || node == "" || dev == "" {
		return End{}, fmt.Errorf("link end %q: want \"node:dev\"", s)
	}
	return End{Node: node, Dev: dev}, nil
}

// Validate checks the spec as a whole: names, references between nodes,
// links and routes, duplicate interfaces, address families. It touches
// nothing in the kernel.
func (s *Spec) Validate() error {
	if !nameRE().MatchString(s.Name) || len(s.Name) > 64 {
		return fmt.Errorf("lab name %q: want 1-64 letters, digits, '_', '.' or '-' (not first)", s.Name)
	}
	if len(s.Nodes) == 0 {
		return fmt.Errorf("lab %s: no nodes", s.Name)
	}
	for _, name := range s.NodeNames() {
		if err := s.validateNode(name, s.Nodes[name]); err != nil {
			return err
		}
	}
	devs := map[End]bool{}
	for i, l := range s.Links {
		if err := validNetem(l.Shape); err != nil {
			return fmt.Errorf("lab %s: links[%d]: shape: %w", s.Name, i+1, err)
		}
		if err := s.validateLink(l, devs); err != nil {
			return fmt.Errorf("lab %s: links[%d]: %w", s.Name, i+1, err)
		}
	}
	if err := s.validateBridgePorts(); err != nil {
		return err
	}
	for node, routes := range s.Routes {
		if _, ok := s.Nodes[node]; !ok {
			return fmt.Errorf("lab %s: routes.%s: unknown node %q", s.Name, node, node)
		}
		for i, r := range routes {
			if err := validateRoute(r, node, devs); err != nil {
				return fmt.Errorf("lab %s: routes.%s[%d]: %w", s.Name, node, i+1, err)
			}
		}
	}
	return nil
}

func (s *Spec) validateNode(name string, n Node) error {
	if !nameRE().MatchString(name) {
		return fmt.Errorf("lab %s: nodes: node name %q: want letters, digits, '_', '.' or '-' (not first)", s.Name, name)
	}
	if len(Netns(s.Name, name)) > 255 {
		return fmt.Errorf("lab %s: nodes: node name %q: namespace name longer than 255 bytes", s.Name, name)
	}
	for k := range n.Sysctl {
		if !sysctlRE().MatchString(k) || !strings.HasPrefix(k, "net.") {
			return fmt.Errorf("lab %s: nodes.%s: bad sysctl key %q (want a net.* key)", s.Name, name, k)
		}
		if strings.ContainsAny(n.Sysctl[k], "\n\x00") {
			return fmt.Errorf("lab %s: nodes.%s: bad value for sysctl %s", s.Name, name, k)
		}
	}
	if n.Bridge != "" {
		if err := validDev(n.Bridge); err != nil {
			return fmt.Errorf("lab %s: nodes.%s: bridge: %w", s.Name, name, err)
		}
	}
	for svc, def := range n.Services {
		if !nameRE().MatchString(svc) || len(svc) > 64 {
			return fmt.Errorf("lab %s: nodes.%s: service name %q: want 1-64 letters, digits, '_', '.' or '-' (not first)", s.Name, name, svc)
		}
		if len(def.Cmd) == 0 || def.Cmd[0] == "" {
			return fmt.Errorf("lab %s: nodes.%s: service %s: empty command", s.Name, name, svc)
		}
		if def.Ready.Timeout < 0 {
			return fmt.Errorf("lab %s: nodes.%s: service %s: negative ready timeout", s.Name, name, svc)
		}
	}
	for p := range n.Files {
		if err := validFilePath(p); err != nil {
			return fmt.Errorf("lab %s: nodes.%s: %w", s.Name, name, err)
		}
	}
	for dev, ps := range n.Addrs {
		if err := validDev(dev); err != nil {
			return fmt.Errorf("lab %s: nodes.%s: addrs: %w", s.Name, name, err)
		}
		if dev == n.Bridge {
			return fmt.Errorf("lab %s: nodes.%s: addrs: %s is the node's bridge", s.Name, name, dev)
		}
		for _, p := range ps {
			if !p.IsValid() {
				return fmt.Errorf("lab %s: nodes.%s: addrs on %s: invalid address", s.Name, name, dev)
			}
		}
	}
	return nil
}

func (s *Spec) validateLink(l Link, devs map[End]bool) error {
	if l.Ends[0].Node == l.Ends[1].Node {
		return fmt.Errorf("both ends on node %q", l.Ends[0].Node)
	}
	for i, e := range l.Ends {
		n, ok := s.Nodes[e.Node]
		if !ok {
			return fmt.Errorf("%s: unknown node %q", e, e.Node)
		}
		if err := validDev(e.Dev); err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
		if _, own := n.Addrs[e.Dev]; e.Dev == "lo" || e.Dev == n.Bridge || own || devs[e] {
			return fmt.Errorf("%s: interface used twice", e)
		}
		devs[e] = true
		for _, p := range l.Addrs[i] {
			if !p.IsValid() {
				return fmt.Errorf("%s: invalid address", e)
			}
		}
		if n.Bridge != "" && len(l.Addrs[i]) > 0 {
			return fmt.Errorf("%s: a bridge port cannot have addresses", e)
		}
		if err := validNetem(l.Netem[i]); err != nil {
			return fmt.Errorf("%s: netem: %w", e, err)
		}
		if l.Netem[i] != nil && l.Shape != nil {
			return fmt.Errorf("%s: netem and shape both set (use one)", e)
		}
	}
	return nil
}

// validateBridgePorts refuses a bridge node with more link ends than a
// Linux bridge holds ports (the kernel would fail halfway into Up).
func (s *Spec) validateBridgePorts() error {
	ports := map[string]int{}
	for _, l := range s.Links {
		for _, e := range l.Ends {
			if s.Nodes[e.Node].Bridge != "" {
				ports[e.Node]++
			}
		}
	}
	for _, name := range s.NodeNames() {
		if n := ports[name]; n > core.BridgeMaxPorts {
			return fmt.Errorf("lab %s: nodes.%s: bridge %s would have %d ports; a Linux bridge holds at most %d: spread the links over several bridge nodes",
				s.Name, name, s.Nodes[name].Bridge, n, core.BridgeMaxPorts)
		}
	}
	return nil
}

// ipv6Nodes returns the nodes that keep IPv6: all with Spec.IPv6, else
// those with Node.IPv6 or an IPv6 address or route in the spec.
func (s *Spec) ipv6Nodes() map[string]bool {
	keep := map[string]bool{}
	for name, n := range s.Nodes {
		keep[name] = s.IPv6 || n.IPv6 || hasIPv6(slices.Concat(slices.Collect(maps.Values(n.Addrs))...))
	}
	for _, l := range s.Links {
		for i, e := range l.Ends {
			keep[e.Node] = keep[e.Node] || hasIPv6(l.Addrs[i])
		}
	}
	for node, routes := range s.Routes {
		for _, r := range routes {
			keep[node] = keep[node] || r.dst().Addr().Is6()
		}
	}
	return keep
}

func hasIPv6(ps []netip.Prefix) bool {
	return slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Addr().Is6() })
}

func validateRoute(r Route, node string, devs map[End]bool) error {
	if !r.Via.IsValid() && r.Dev == "" {
		return fmt.Errorf("needs via or dev")
	}
	if r.Dev != "" && !devs[End{node, r.Dev}] {
		return fmt.Errorf("dev %q is not a link end of %s", r.Dev, node)
	}
	if r.Dst.IsValid() && r.Via.IsValid() && r.Dst.Addr().Is4() != r.Via.Is4() {
		return fmt.Errorf("dst %s and via %s are of different families", r.Dst, r.Via)
	}
	if r.Metric < 0 {
		return fmt.Errorf("negative metric")
	}
	return nil
}

// validNetem checks what the kernel would refuse later, halfway into Up.
func validNetem(m *core.Netem) error {
	switch {
	case m == nil:
		return nil
	case m.Delay < 0 || m.Jitter < 0 || m.Delay > time.Minute || m.Jitter > time.Minute:
		return fmt.Errorf("delay and jitter must be between 0 and 1m")
	case m.Jitter > 0 && m.Delay == 0:
		return fmt.Errorf("jitter needs a delay")
	case !(m.Loss >= 0 && m.Loss <= 100):
		return fmt.Errorf("loss %v is not a percentage 0..100", m.Loss)
	}
	if m.Rate != "" {
		if _, err := core.ParseRate(m.Rate); err != nil {
			return err
		}
	}
	return nil
}

// validDev checks an interface name: long names are allowed (they become
// altnames), but not what the kernel refuses.
func validDev(name string) error {
	switch {
	case name == "", name == ".", name == "..":
		return fmt.Errorf("invalid interface name %q", name)
	case len(name) > 127:
		return fmt.Errorf("interface name %q longer than 127 bytes", name)
	case strings.ContainsAny(name, "/: \t\n\r\v\f\x00"):
		return fmt.Errorf("invalid interface name %q (no '/', ':' or spaces)", name)
	}
	return nil
}

// NodeNames returns the node names in sorted order (the order Up works in).
func (s *Spec) NodeNames() []string {
	names := make([]string, 0, len(s.Nodes))
	for n := range s.Nodes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Netns returns the namespace name of a node: LAB-NODE.
func Netns(lab, node string) string { return lab + "-" + node }

// Marker returns the alias that marks kernel objects owned by a lab.
func Marker(lab string) string { return "nssh:lab=" + lab }

// dst is the destination of r: Dst, or the "default" of r's family.
func (r Route) dst() netip.Prefix {
	if r.Dst.IsValid() {
		return r.Dst
	}
	if r.Via.IsValid() && r.Via.Is6() {
		return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
}

func (r Route) String() string {
	s := "default"
	if r.Dst.IsValid() && r.Dst.Bits() != 0 {
		s = r.Dst.String()
	}
	if r.Via.IsValid() {
		s += " via " + r.Via.String()
	}
	if r.Dev != "" {
		s += " dev " + r.Dev
	}
	if r.Metric != 0 {
		s += fmt.Sprintf(" metric %d", r.Metric)
	}
	return s
}

// lazyRegexp compiles expr on first use, keeping it off nssh's start-up
// path (every `nssh netns exec` pays for package initialisation).
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
