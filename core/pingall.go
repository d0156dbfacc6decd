package core

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// PingAllOptions configures PingAll.
type PingAllOptions struct {
	PingOptions
	Parallel int // pings in flight at once (default 16 per CPU)
	// Addrs overrides the address pinged for a namespace (name -> address);
	// namespaces not in it are reached at PingAddr.
	Addrs map[string]string
	// StaticNeigh adds permanent neighbour entries for the pairs on one
	// link before pinging and removes them after (see pingseed.go): no
	// ARP is tested, but any number of hosts on one segment works.
	StaticNeigh bool
	// Pairs, when not nil, limits the run to these (source, destination)
	// pairs of namespace names; the matrix then holds only their results.
	Pairs []PingPair
}

// PingPair is one source and destination of PingAll, by namespace name.
type PingPair struct{ Src, Dst string }

// PingMatrix holds PingAll results: src name -> dst name -> result.
type PingMatrix map[string]map[string]PingResult

// PingAddr returns the address PingAll uses to reach ns: its first
// global-scope IPv4 address in link order, else its first global-scope
// IPv6 address (Mininet's pingall also takes each host's first address).
// ok is false when ns has none.
func (ns *Namespace) PingAddr() (addr string, ok bool, err error) {
	addrs, err := ns.Addrs("")
	if err != nil {
		return "", false, err
	}
	for _, fam := range []string{"inet", "inet6"} {
		for _, a := range addrs {
			if a.Family == fam && a.Scope == "global" {
				p, err := netip.ParsePrefix(a.Addr)
				if err == nil {
					return p.Addr().String(), true, nil
				}
			}
		}
	}
	return "", false, nil
}

// PingHosts returns the namespaces of the run dir that have a global
// address, in directory order: the default set of PingAll in the Lua API.
func (c Config) PingHosts() ([]*Namespace, error) {
	names, err := c.Names()
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	var out []*Namespace
	for _, name := range names {
		ns, err := c.Open(name)
		if err != nil {
			continue // not a live namespace (stale entry, being deleted)
		}
		if _, ok, err := ns.PingAddr(); err == nil && ok {
			out = append(out, ns)
		}
	}
	return out, nil
}

// PingAll pings every ordered pair (src, dst) of nss with src != dst, in
// parallel with a bounded number of pings in flight, and returns the
// matrix. A destination without an address gets a result with OK false. A
// failure that is not "no reply" (no permission, a namespace deleted
// meanwhile) stops the run and is returned.
//
// Large meshes run in batches of sources so that the neighbour entries
// they create stay within the kernel's machine-wide limit (see
// neighBudget); between batches, and at the end, the entries the pings
// created are removed again. A mesh that fits in one batch leaves the
// neighbour tables as the pings made them. Before the first ping it waits
// for links just brought up to forward (WaitLinksSettled).
//
// Equivalent to: Mininet's `pingall`
func PingAll(ctx context.Context, nss []*Namespace, opts PingAllOptions) (PingMatrix, error) {
	if _, err := opts.PingOptions.withDefaults(); err != nil {
		return nil, newOpError("pingall", "", err, err.Error())
	}
	targets, err := pingTargets(nss, opts.Addrs)
	if err != nil {
		return nil, err
	}
	// Right after wiring, a link the kernel is still bringing up drops
	// packets: let it settle, so that a pingall just after setup
	// measures the setup, not the kernel's work queue.
	for _, ns := range nss {
		h, release, err := ns.Handle()
		if err != nil {
			continue
		}
		err = WaitLinksSettled(h)
		release()
		if err != nil {
			return nil, wireErr("pingall", ns, err, "")
		}
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 16 * runtime.NumCPU()
	}
	if opts.StaticNeigh {
		undo, err := SeedNeighbours(nss, targets)
		if err != nil {
			return nil, err
		}
		defer undo()
	}
	m := PingMatrix{}
	for _, s := range nss {
		m[s.Name] = map[string]PingResult{}
	}
	batches := sourceBatches(nss)
	var snap neighSnapshot
	if len(batches) > 1 {
		snap = takeNeighSnapshot(nss)
	}
	for _, batch := range batches {
		err := pingBatch(ctx, batch, nss, targets, opts, m)
		if snap != nil {
			snap.prune(nss)
		}
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

// pingBatch pings from every source of batch to every other namespace.
func pingBatch(ctx context.Context, batch, nss []*Namespace, targets map[string]string, opts PingAllOptions, m PingMatrix) error {
	var only map[PingPair]bool
	if opts.Pairs != nil {
		only = make(map[PingPair]bool, len(opts.Pairs))
		for _, p := range opts.Pairs {
			only[p] = true
		}
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, opts.Parallel)
	)
outer:
	for _, src := range batch {
		for _, dst := range nss {
			if src.Name == dst.Name || (only != nil && !only[PingPair{src.Name, dst.Name}]) {
				continue
			}
			addr := targets[dst.Name]
			if addr == "" {
				mu.Lock()
				m[src.Name][dst.Name] = PingResult{}
				mu.Unlock()
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				break outer
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				r, err := Ping(ctx, src, addr, opts.PingOptions)
				mu.Lock()
				defer mu.Unlock()
				m[src.Name][dst.Name] = r
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
			}()
		}
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return err
	}
	return firstErr
}

// pingTargets picks the address of every namespace (override or PingAddr).
func pingTargets(nss []*Namespace, override map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(nss))
	seen := map[string]bool{}
	for _, ns := range nss {
		if seen[ns.Name] {
			return nil, newOpError("pingall", ns.Name, fmt.Errorf("namespace %s listed twice: %w", ns.Name, unix.EINVAL), "namespace listed twice")
		}
		seen[ns.Name] = true
		if a, ok := override[ns.Name]; ok {
			out[ns.Name] = a
			continue
		}
		a, _, err := ns.PingAddr()
		if err != nil {
			return nil, err
		}
		out[ns.Name] = a
	}
	return out, nil
}
