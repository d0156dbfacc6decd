package lab

import (
	"context"
	"fmt"
	"runtime"
	"sync"
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
	Nodes    []string      // only these nodes (default: every node with an address)
	// DynamicARP pings without first adding permanent neighbour entries for
	// on-link pairs (see neigh.go): it tests ARP too, but over more than
	// about 30 hosts on one segment the kernel's global neighbour table
	// overflows and pings are lost.
	DynamicARP bool
}

// Targets returns the address each node is pinged at: the first address
// of its first link end that has one. Nodes without addresses (switches)
// are left out.
func (l *Lab) Targets() map[string]string {
	out := map[string]string{}
	for _, ln := range l.spec.Links {
		for i, e := range ln.Ends {
			if _, ok := out[e.Node]; !ok && len(ln.Addrs[i]) > 0 {
				out[e.Node] = ln.Addrs[i][0].Addr().String()
			}
		}
	}
	return out
}

// Check pings from every node that has an address to every other such
// node, in parallel, like Mininet's pingall. Unreachable pairs are results
// (OK false), not errors; a missing namespace is an error. Unless
// opts.DynamicARP, on-link pairs get permanent neighbour entries for the
// duration of the check (removed afterwards; see neigh.go for why).
//
// Equivalent to: `ip netns exec LAB-A ping -c1 ADDR_B` for every pair
func (l *Lab) Check(ctx context.Context, opts CheckOptions) (Matrix, error) {
	targets := l.Targets()
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
	if opts.Parallel <= 0 {
		opts.Parallel = 16 * runtime.NumCPU()
	}
	popts := core.PingOptions{Timeout: opts.Timeout}
	type job struct{ src, dst string }
	nss := map[string]*core.Namespace{}
	m := Matrix{}
	var jobs []job
	for src := range targets {
		ns, err := l.cfg.Open(Netns(l.spec.Name, src))
		if err != nil {
			return nil, fmt.Errorf("lab %s: check: %w", l.spec.Name, err)
		}
		nss[src] = ns
		m[src] = map[string]core.PingResult{}
		for dst := range targets {
			if dst != src {
				jobs = append(jobs, job{src, dst})
			}
		}
	}
	if !opts.DynamicARP {
		added, err := l.seedNeighbours(nss, targets)
		defer unseed(added)
		if err != nil {
			return nil, fmt.Errorf("lab %s: check: %w", l.spec.Name, err)
		}
	}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := core.Ping(ctx, nss[j.src], targets[j.dst], popts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			m[j.src][j.dst] = res
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return m, fmt.Errorf("lab %s: check: %w", l.spec.Name, firstErr)
	}
	return m, nil
}
