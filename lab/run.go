package lab

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/nssh/nssh/core"
)

// run is one pass of Up (apply) or Plan (not apply) over a lab.
type run struct {
	ctx     context.Context
	l       *Lab
	apply   bool
	marker  string
	changes []Change
	nodes   map[string]*node
	ipv6    map[string]bool // nodes that keep IPv6 (Spec.ipv6Nodes)
	residue []string        // placeholders of the lab's own killed adds: reused
	prog    *progress
}

// node is the kernel view of one lab node during a run.
type node struct {
	name, netns string
	spec        Node
	ns          *core.Namespace // nil when the namespace does not exist (plan)
	fresh       bool            // created by this run (or would be, in a plan): empty

	links  map[string]*core.Link            // by kernel name, loaded on first use
	addrs  map[string]map[netip.Prefix]bool // by kernel link name
	routes []core.Route
	newV6  []core.LinkAddr // IPv6 addresses this run added

	filesChanged bool // a file of the node was (or would be) written: restart its services
}

func newRun(ctx context.Context, l *Lab, apply bool, verb string) *run {
	r := &run{ctx: ctx, l: l, apply: apply, marker: Marker(l.spec.Name), nodes: map[string]*node{},
		ipv6: l.spec.ipv6Nodes()}
	if apply {
		r.prog = startProgress(l.opts.Progress, fmt.Sprintf("lab %s: %s", l.spec.Name, verb),
			len(l.spec.Nodes)+len(l.spec.Links))
	}
	return r
}

// close clears the progress line.
func (r *run) close() {
	r.prog.stop()
}

// record notes a change (made, or to be made in a plan).
func (r *run) record(op, kind, name, value string) {
	r.changes = append(r.changes, Change{Op: op, Kind: kind, Name: name, Value: value})
}

// fail wraps an error with the lab and the subject.
func (r *run) fail(subject string, err error) error {
	return &failure{lab: r.l.spec.Name, subject: subject, err: err}
}

// failure is an error of a lab operation on one subject, read as "lab
// LAB: SUBJECT: REASON", the reason without the subject core's error
// repeats (core.Reason).
type failure struct {
	lab, subject string
	err          error
}

func (f *failure) Error() string {
	return "lab " + f.lab + ": " + f.subject + ": " + core.Reason(f.err)
}

func (f *failure) Unwrap() error { return f.err }

// reconcile walks the lab in dependency order: namespaces, per-node
// settings (lo, sysctls, bridge), links with their addresses and netem,
// then routes.
func (r *run) reconcile() error {
	for _, name := range r.l.spec.NodeNames() {
		if err := r.ctx.Err(); err != nil {
			return r.fail("interrupted", err)
		}
		if err := r.netns(name); err != nil {
			return err
		}
		if err := r.nodeSettings(r.nodes[name]); err != nil {
			return err
		}
		if err := r.nodeAddrs(r.nodes[name]); err != nil {
			return err
		}
		if err := r.nodeFiles(r.nodes[name]); err != nil {
			return err
		}
		r.prog.step()
	}
	for _, ln := range r.l.spec.Links {
		if err := r.ctx.Err(); err != nil {
			return r.fail("interrupted", err)
		}
		if err := r.link(ln); err != nil {
			return err
		}
		r.prog.step()
	}
	for _, name := range r.l.spec.NodeNames() {
		if err := r.routes(r.nodes[name]); err != nil {
			return err
		}
	}
	return r.settle()
}

// settle makes up() return a lab that answers at once. The kernel
// finishes two things asynchronously: a link forwards (a bridge through
// a new port, a veth whose carrier came back) only once its operational
// state is up, and an IPv6 address receives only once its local route is
// in.
func (r *run) settle() error {
	if !r.apply {
		return nil
	}
	for _, name := range r.l.spec.NodeNames() {
		n := r.nodes[name]
		if err := n.ns.WaitLinksSettled(); err != nil {
			return r.fail(n.netns, err)
		}
		if err := n.ns.WaitAddrsUsable(n.newV6); err != nil {
			return r.fail(n.netns, err)
		}
	}
	return nil
}

// netns makes sure the node's namespace exists and is the lab's.
func (r *run) netns(name string) error {
	n := &node{name: name, netns: Netns(r.l.spec.Name, name), spec: r.l.spec.Nodes[name]}
	r.nodes[name] = n
	kind, ns, err := classify(r.l.cfg, n.netns, r.marker)
	if err != nil {
		return r.fail(n.netns, err)
	}
	switch kind {
	case nsOwned:
		n.ns = ns
		return r.loUp(n)
	case nsForeign:
		return r.fail(n.netns, fmt.Errorf("namespace %w (no %q marker)", ErrNotOwned, r.marker))
	case nsPlaceholder:
		if !r.reusePlaceholder(n.netns) {
			return r.fail(n.netns, fmt.Errorf("%s %w and is not a namespace", r.l.cfg.Path(n.netns), ErrNotOwned))
		}
	case nsOther:
		return r.fail(n.netns, fmt.Errorf("%s %w and is not a namespace", r.l.cfg.Path(n.netns), ErrNotOwned))
	}
	r.record("add", "netns", n.netns, "")
	n.fresh = true
	n.links = map[string]*core.Link{}
	if !r.apply {
		return nil
	}
	n.ns, err = createNetns(r.l.cfg, n.netns, r.marker, r.ipv6[n.name])
	if err != nil {
		return r.fail(n.netns, err)
	}
	return nil
}

// reusePlaceholder takes the placeholder at name when it is the lab's own
// crash residue or stale (an add killed more than core.StaleAge ago),
// removing it unless in a plan, and reports whether the name is free.
func (r *run) reusePlaceholder(name string) bool {
	if slices.Contains(r.residue, name) {
		return !r.apply || r.l.cfg.RemovePlaceholder(name)
	}
	if !r.apply {
		return r.l.cfg.IsStalePlaceholder(name)
	}
	return r.l.cfg.RemoveStalePlaceholder(name)
}

// loUp brings lo up again if someone set it down.
func (r *run) loUp(n *node) error {
	lo, err := r.lookup(n, "lo")
	if err != nil {
		return err
	}
	if lo == nil {
		return r.fail(n.netns, fmt.Errorf("no lo"))
	}
	if lo.Up {
		return nil
	}
	r.record("set", "link", n.netns+":lo", "up")
	if r.apply {
		if err := n.ns.LinkSet("lo", core.LinkChange{Up: ptr(true)}); err != nil {
			return r.fail(n.netns+":lo", err)
		}
	}
	return nil
}

// nodeSettings applies the node's sysctls and makes its bridge.
func (r *run) nodeSettings(n *node) error {
	for _, key := range sortedKeys(n.spec.Sysctl) {
		if err := r.sysctl(n, key, n.spec.Sysctl[key]); err != nil {
			return err
		}
	}
	if n.spec.Bridge == "" {
		return nil
	}
	return r.bridge(n)
}

// bridge makes sure the switch node's bridge exists, is the lab's and is up.
//
// Equivalent to: `ip -n NETNS link add BRIDGE alias MARKER up type bridge`
func (r *run) bridge(n *node) error {
	subject := n.netns + ":" + n.spec.Bridge
	cur, err := r.lookup(n, n.spec.Bridge)
	if err != nil {
		return err
	}
	if cur == nil {
		r.record("add", "link", subject, "bridge")
		if !r.apply {
			return nil
		}
		br, err := n.ns.LinkAdd(core.LinkSpec{Name: n.spec.Bridge, Type: "bridge", Alias: r.marker, Up: true})
		if err != nil {
			return r.fail(subject, err)
		}
		n.links[br.KernelName] = br
		return nil
	}
	if cur.Type != "bridge" {
		return r.fail(subject, fmt.Errorf("%s link %w", cur.Type, ErrNotOwned))
	}
	return r.ensureLink(n, n.spec.Bridge, cur, "")
}

// lookup returns the current link of a node by its (possibly long) name,
// nil when it has none. Fresh nodes have no links yet in a plan.
func (r *run) lookup(n *node, dev string) (*core.Link, error) {
	if n.ns == nil {
		return nil, nil
	}
	if n.links == nil {
		if err := r.load(n); err != nil {
			return nil, err
		}
	}
	return n.links[core.KernelName(dev)], nil
}

// load reads the links, addresses and routes of a node.
//
// Equivalent to: `ip -n NETNS link; ip -n NETNS addr; ip -n NETNS route`
func (r *run) load(n *node) error {
	snap, err := n.ns.Snapshot()
	if err != nil {
		return r.fail(n.netns, err)
	}
	n.links = map[string]*core.Link{}
	for i := range snap.Links {
		l := &snap.Links[i]
		n.links[l.KernelName] = l
	}
	n.addrs = map[string]map[netip.Prefix]bool{}
	for _, a := range snap.Addrs {
		p, err := netip.ParsePrefix(a.Addr)
		if err != nil {
			continue
		}
		dev := core.KernelName(a.Dev)
		if n.addrs[dev] == nil {
			n.addrs[dev] = map[netip.Prefix]bool{}
		}
		n.addrs[dev][p] = true
	}
	n.routes = snap.Routes
	return nil
}

func ptr[T any](v T) *T { return &v }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
