package lab

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/nssh/nssh/core"
)

// Matrix maps a source node and a destination node to the outcome of a
// ping from the first to the second's address (the shape of core.PingAll,
// keyed by node names).
type Matrix = core.PingMatrix

// CheckOptions tune Check. Zero values mean the defaults.
type CheckOptions struct {
	Timeout  time.Duration // per ping (default 1s)
	Parallel int           // pings at once (default 16 per CPU)
	Nodes    []string      // only these nodes (default: every node with a target)
	// Targets maps a node to the address it is pinged at (e.g. its
	// loopback); nodes it leaves out keep their default (see Targets).
	Targets map[string]string
	// DynamicARP pings without first adding permanent neighbour entries for
	// on-link pairs (see core.SeedNeighbours): it tests ARP too, but over more than
	// about 30 hosts on one segment the kernel's global neighbour table
	// overflows and pings are lost.
	DynamicARP bool
}

// Targets returns the address each node is pinged at: the first address
// of its first link end that has one, else its first address on lo.
// Nodes without addresses (switches) are left out.
func (l *Lab) Targets() map[string]string {
	out := map[string]string{}
	for _, ln := range l.spec.Links {
		for i, e := range ln.Ends {
			if _, ok := out[e.Node]; !ok && len(ln.Addrs[i]) > 0 {
				out[e.Node] = ln.Addrs[i][0].Addr().String()
			}
		}
	}
	for node, p := range l.Loopbacks() {
		if _, ok := out[node]; !ok {
			out[node] = p
		}
	}
	return out
}

// Loopbacks returns the first address each node has on lo in the lab
// (nodes without one are left out): the targets of a routed lab.
func (l *Lab) Loopbacks() map[string]string {
	out := map[string]string{}
	for name, n := range l.spec.Nodes {
		if ps := n.Addrs["lo"]; len(ps) > 0 {
			out[name] = ps[0].Addr().String()
		}
	}
	return out
}

// checker is the state of one Check or Converge: the namespaces opened,
// the targets, and the undoing of the neighbour entries seeded.
type checker struct {
	l       *Lab
	opts    CheckOptions
	targets map[string]string          // by node name
	nss     map[string]*core.Namespace // by node name
	undo    func()
}

// newChecker resolves the targets, opens the namespaces and seeds the
// neighbour entries (core.SeedNeighbours); close undoes the seeding.
func (l *Lab) newChecker(opts CheckOptions) (*checker, error) {
	targets := l.Targets()
	for n, addr := range opts.Targets {
		if _, ok := l.spec.Nodes[n]; !ok {
			return nil, fmt.Errorf("lab %s: check: targets: unknown node %q", l.spec.Name, n)
		}
		a, err := netip.ParseAddr(addr)
		if err != nil {
			p, perr := netip.ParsePrefix(addr)
			if perr != nil {
				return nil, fmt.Errorf("lab %s: check: target of %s: invalid address %q", l.spec.Name, n, addr)
			}
			a = p.Addr()
		}
		targets[n] = a.String()
	}
	if len(opts.Nodes) > 0 {
		sub := map[string]string{}
		for _, n := range opts.Nodes {
			addr, ok := targets[n]
			if !ok {
				return nil, fmt.Errorf("lab %s: check: node %q has no address in the lab", l.spec.Name, n)
			}
			sub[n] = addr
		}
		targets = sub
	}
	c := &checker{l: l, opts: opts, targets: targets, nss: map[string]*core.Namespace{}, undo: func() {}}
	for src := range targets {
		ns, err := l.cfg.Open(Netns(l.spec.Name, src))
		if err != nil {
			return nil, fmt.Errorf("lab %s: check: %w", l.spec.Name, err)
		}
		c.nss[src] = ns
	}
	if !opts.DynamicARP {
		undo, err := core.SeedNeighbours(c.list(), c.addrs())
		if err != nil {
			return nil, fmt.Errorf("lab %s: check: %w", l.spec.Name, err)
		}
		c.undo = undo
	}
	return c, nil
}

func (c *checker) close() { c.undo() }

// list returns the namespaces in node order.
func (c *checker) list() []*core.Namespace {
	out := make([]*core.Namespace, 0, len(c.nss))
	for _, n := range sortedKeys(c.nss) {
		out = append(out, c.nss[n])
	}
	return out
}

// addrs returns the targets by namespace name.
func (c *checker) addrs() map[string]string {
	out := make(map[string]string, len(c.targets))
	for n, a := range c.targets {
		out[c.nss[n].Name] = a
	}
	return out
}

// pair is one source and destination node.
type pair struct{ src, dst string }

// allPairs lists every ordered pair of targets.
func (c *checker) allPairs() []pair {
	var out []pair
	for src := range c.targets {
		for dst := range c.targets {
			if dst != src {
				out = append(out, pair{src, dst})
			}
		}
	}
	return out
}

// round pings the pairs in parallel (core.PingAll) and records the
// results in m.
func (c *checker) round(ctx context.Context, pairs []pair, m Matrix) error {
	opts := core.PingAllOptions{
		PingOptions: core.PingOptions{Timeout: c.opts.Timeout},
		Parallel:    c.opts.Parallel,
		Addrs:       c.addrs(),
		Pairs:       []core.PingPair{},
	}
	for _, p := range pairs {
		opts.Pairs = append(opts.Pairs, core.PingPair{Src: c.nss[p.src].Name, Dst: c.nss[p.dst].Name})
	}
	pm, err := core.PingAll(ctx, c.list(), opts)
	if err != nil {
		return fmt.Errorf("lab %s: check: %w", c.l.spec.Name, err)
	}
	for _, p := range pairs {
		if m[p.src] == nil {
			m[p.src] = map[string]core.PingResult{}
		}
		m[p.src][p.dst] = pm[c.nss[p.src].Name][c.nss[p.dst].Name]
	}
	return nil
}

// Check pings from every node that has a target address to every other
// such node, in parallel, like Mininet's pingall. Unreachable pairs are
// results (OK false), not errors; a missing namespace is an error. Unless
// opts.DynamicARP, on-link pairs get permanent neighbour entries for the
// duration of the check (removed afterwards; see core.SeedNeighbours).
//
// Equivalent to: `ip netns exec LAB-A ping -c1 ADDR_B` for every pair
func (l *Lab) Check(ctx context.Context, opts CheckOptions) (Matrix, error) {
	c, err := l.newChecker(opts)
	if err != nil {
		return nil, err
	}
	defer c.close()
	m := Matrix{}
	for src := range c.targets {
		m[src] = map[string]core.PingResult{}
	}
	err = c.round(ctx, c.allPairs(), m)
	return m, err
}

// afterRound, when set (by tests), runs after each round of Converge.
var afterRound func(n int)

// convergeRetry is the pause between two rounds of Converge that left
// pairs unanswered (a failed ping has often returned at once: no route).
const convergeRetry = 100 * time.Millisecond

// Converge repeats Check until every pair answers (the lab's routing has
// converged) or within has passed. Each round pings the pairs that have not
// answered yet; once all have, one more round over every pair confirms it
// (else the rounds go on). It returns the last matrix and, when converged,
// the time from the start until the round after which every pair had
// answered began (0 when the first round was complete); ok is false
// when within passed first (the matrix then shows what still fails).
func (l *Lab) Converge(ctx context.Context, opts CheckOptions, within time.Duration) (m Matrix, after time.Duration, ok bool, err error) {
	c, err := l.newChecker(opts)
	if err != nil {
		return nil, 0, false, err
	}
	defer c.close()
	start := time.Now()
	deadline := start.Add(within)
	m = Matrix{}
	for src := range c.targets {
		m[src] = map[string]core.PingResult{}
	}
	all := c.allPairs()
	pending := all
	var settled time.Time // start of the round after which every pair had answered
	for n := 1; ; n++ {
		began := time.Now()
		if err := c.round(ctx, pending, m); err != nil {
			return m, 0, false, err
		}
		if afterRound != nil {
			afterRound(n)
		}
		var failed []pair
		for _, p := range all {
			if !m[p.src][p.dst].OK {
				failed = append(failed, p)
			}
		}
		if len(failed) == 0 {
			if settled.IsZero() {
				settled = began
			}
			if len(pending) == len(all) {
				return m, settled.Sub(start), true, nil
			}
			pending = all // confirm with one full round
			continue
		}
		settled, pending = time.Time{}, failed
		if time.Now().Add(convergeRetry).After(deadline) {
			return m, 0, false, nil
		}
		select {
		case <-time.After(convergeRetry):
		case <-ctx.Done():
			return m, 0, false, fmt.Errorf("lab %s: check: %w", l.spec.Name, ctx.Err())
		}
	}
}
