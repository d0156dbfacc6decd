package lab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

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
	prog    *progress
}

// node is the kernel view of one lab node during a run.
type node struct {
	name, netns string
	spec        Node
	ns          *core.Namespace // nil when the namespace does not exist (plan)
	h           *netlink.Handle
	ownH        bool // h was made by this run and is closed by it
	fresh       bool // created by this run (or would be, in a plan): empty

	links map[string]netlink.Link       // by kernel name, loaded on first use
	addrs map[int]map[netip.Prefix]bool // by link index
	newV6 []core.LinkAddr               // IPv6 addresses this run added
}

func newRun(ctx context.Context, l *Lab, apply bool, verb string) *run {
	r := &run{ctx: ctx, l: l, apply: apply, marker: Marker(l.spec.Name), nodes: map[string]*node{}}
	if apply {
		r.prog = startProgress(l.opts.Progress, fmt.Sprintf("lab %s: %s", l.spec.Name, verb),
			len(l.spec.Nodes)+len(l.spec.Links))
	}
	return r
}

// close releases the handles the run made and clears the progress line.
func (r *run) close() {
	for _, n := range r.nodes {
		if n.ownH && n.h != nil {
			n.h.Close()
		}
	}
	r.prog.stop()
}

// record notes a change (made, or to be made in a plan).
func (r *run) record(op, kind, name, value string) {
	r.changes = append(r.changes, Change{Op: op, Kind: kind, Name: name, Value: value})
}

// fail wraps an error with the lab and the subject.
func (r *run) fail(subject string, err error) error {
	return fmt.Errorf("lab %s: %s: %w", r.l.spec.Name, subject, err)
}

// reconcile walks the lab in dependency order: namespaces, per-node
// settings (lo, sysctls, bridge), links with their addresses and netem,
// then routes.
func (r *run) reconcile() error {
	if r.apply {
		if err := r.l.cfg.PrepareRunDir(); err != nil {
			return r.fail("run dir", err)
		}
	}
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
// finishes two things asynchronously: a bridge forwards through a new
// port only once the port's operational state is up, and an IPv6 address
// receives only once its local route is in.
func (r *run) settle() error {
	if !r.apply {
		return nil
	}
	for _, name := range r.l.spec.NodeNames() {
		n := r.nodes[name]
		if err := core.WaitLinksSettled(n.h); err != nil {
			return r.fail(n.netns, err)
		}
		if err := core.WaitAddrsUsable(n.h, n.newV6); err != nil {
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
		n.h, err = ns.Handle()
		if err != nil {
			return r.fail(n.netns, err)
		}
		return r.loUp(n)
	case nsForeign:
		return r.fail(n.netns, fmt.Errorf("namespace %w (no %q marker)", ErrNotOwned, r.marker))
	case nsPlaceholder, nsOther:
		return r.fail(n.netns, fmt.Errorf("%s %w and is not a namespace", r.l.cfg.Path(n.netns), ErrNotOwned))
	}
	r.record("add", "netns", n.netns, "")
	n.fresh = true
	if !r.apply {
		return nil
	}
	n.ns, n.h, err = createNetns(r.l.cfg, n.netns, r.marker)
	if err != nil {
		return r.fail(n.netns, err)
	}
	n.ownH = true
	return nil
}

// loUp brings lo up again if someone set it down.
func (r *run) loUp(n *node) error {
	lo, err := n.h.LinkByName("lo")
	if err != nil {
		return r.fail(n.netns, fmt.Errorf("lo: %w", err))
	}
	if lo.Attrs().RawFlags&unix.IFF_UP != 0 {
		return nil
	}
	r.record("set", "link", n.netns+":lo", "up")
	if r.apply {
		if err := n.h.LinkSetUp(lo); err != nil {
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
		br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{
			Name: core.KernelName(n.spec.Bridge), Flags: net.FlagUp}}
		if err := n.h.LinkAdd(br); err != nil { // sets br.Index
			return r.fail(subject, err)
		}
		return r.afterAdd(n, n.spec.Bridge, br)
	}
	if cur.Type() != "bridge" {
		return r.fail(subject, fmt.Errorf("%s link %w", cur.Type(), ErrNotOwned))
	}
	return r.ensureLink(n, n.spec.Bridge, cur, 0)
}

// lookup returns the current link of a node by its (possibly long) name,
// nil when it has none. Fresh nodes have no links yet in a plan.
func (r *run) lookup(n *node, dev string) (netlink.Link, error) {
	if n.ns == nil {
		return nil, nil
	}
	if n.links == nil {
		if n.fresh {
			n.links = map[string]netlink.Link{}
		} else if err := r.loadLinks(n); err != nil {
			return nil, err
		}
	}
	return n.links[core.KernelName(dev)], nil
}

// loadLinks reads the links and addresses of a node.
//
// Equivalent to: `ip -n NETNS link; ip -n NETNS addr`
func (r *run) loadLinks(n *node) error {
	links, err := dump(n.h.LinkList)
	if err != nil {
		return r.fail(n.netns, fmt.Errorf("list links: %w", err))
	}
	n.links = map[string]netlink.Link{}
	for _, l := range links {
		n.links[l.Attrs().Name] = l
	}
	addrs, err := dump(func() ([]netlink.Addr, error) { return n.h.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return r.fail(n.netns, fmt.Errorf("list addrs: %w", err))
	}
	n.addrs = map[int]map[netip.Prefix]bool{}
	for _, a := range addrs {
		p, ok := prefixOf(a.IPNet)
		if !ok {
			continue
		}
		if n.addrs[a.LinkIndex] == nil {
			n.addrs[a.LinkIndex] = map[netip.Prefix]bool{}
		}
		n.addrs[a.LinkIndex][p] = true
	}
	return nil
}

// afterAdd marks a link just created by the run (the kernel ignores an
// alias given at creation), gives it its long name as an altname, and
// records it in the node's view. l must carry the new link's index.
//
// Equivalent to: `ip -n NETNS link set DEV alias MARKER; ip -n NETNS link property add dev DEV altname LONG`
func (r *run) afterAdd(n *node, dev string, l netlink.Link) error {
	if err := n.h.LinkSetAlias(l, r.marker); err != nil {
		return r.fail(n.netns+":"+dev, err)
	}
	l.Attrs().Alias = r.marker
	if core.KernelName(dev) != dev {
		if err := n.h.LinkAddAltName(l, dev); err != nil {
			return r.fail(n.netns+":"+dev, fmt.Errorf("altname: %w", err))
		}
	}
	if n.links == nil {
		n.links = map[string]netlink.Link{}
	}
	n.links[l.Attrs().Name] = l
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
