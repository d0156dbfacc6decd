package lab

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nssh/nssh/core"
)

// ErrNoLab is returned (wrapped) by DownByName for a lab without state.
var ErrNoLab = errors.New("no such lab")

// Down removes exactly what the lab owns: each of its namespaces that
// carries its marker (and with it every link inside), then its state file.
// Namespaces of its names that it does not own are left alone. It returns
// the removals. An unreadable state file does not stop it: the lab's
// namespaces are found by their marker.
//
// Equivalent to: `ip netns del LAB-NODE` for each owned node
func (l *Lab) Down(ctx context.Context) ([]Change, error) {
	return l.DownGrace(ctx, l.opts.grace())
}

// DownGrace is Down with the time the processes in the lab's namespaces
// get between SIGTERM and SIGKILL.
func (l *Lab) DownGrace(ctx context.Context, grace time.Duration) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.downLocked(ctx, grace)
}

// downLocked is DownGrace with l.mu held.
func (l *Lab) downLocked(ctx context.Context, grace time.Duration) ([]Change, error) {
	st, err := ReadState(l.cfg, l.spec.Name)
	var corrupt *CorruptStateError
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.As(err, &corrupt) {
		return nil, err
	}
	names := l.namespaces()
	if st != nil {
		names = union(names, st.Namespaces)
	}
	etc := l.etcNodes()
	if st != nil {
		for _, n := range st.EtcDirs {
			if !slices.Contains(etc, n) {
				etc = append(etc, n)
			}
		}
	}
	opts := l.opts
	opts.Grace = max(grace, time.Nanosecond) // 0 is Options' "default"; here it means at once
	changes, err := down(ctx, l.cfg, l.spec.Name, names, etc, st, opts)
	if err == nil {
		unregisterTemp(l)
	}
	return changes, err
}

// DownByName is Down for a lab known only by its name (`nssh lab down
// NAME`): it removes the namespaces its state file records and every
// namespace of the run dir named NAME-* that carries its marker, so a lab
// whose state file is unreadable is removed too (and that file with it).
func DownByName(ctx context.Context, cfg core.Config, name string, opts Options) ([]Change, error) {
	st, err := ReadState(cfg, name)
	var corrupt *CorruptStateError
	switch {
	case errors.As(err, &corrupt):
		st = nil
	case errors.Is(err, fs.ErrNotExist):
		if !nameRE().MatchString(name) || len(markedNamespaces(cfg, name)) == 0 {
			return nil, fmt.Errorf("lab %s: %w", name, ErrNoLab)
		}
		st = nil
	case err != nil:
		return nil, err
	}
	var names, etc []string
	if st != nil {
		names, etc = st.Namespaces, st.EtcDirs
	}
	return down(ctx, cfg, name, names, etc, st, opts)
}

// markedNamespaces lists the namespaces named LAB-* in the run dir that
// carry the lab's marker, except those in known. One whose marker cannot
// be read for lack of privileges is listed too: it may be the lab's, and
// down then stops at it, saying what it needs, before removing anything.
func markedNamespaces(cfg core.Config, lab string, known ...string) []string {
	all, _ := cfg.Names()
	marker := Marker(lab)
	skip := make(map[string]bool, len(known))
	for _, n := range known {
		skip[n] = true
	}
	var out []string
	for _, n := range all {
		if !strings.HasPrefix(n, lab+"-") || skip[n] {
			continue
		}
		kind, _, err := classify(cfg, n, marker)
		if err == nil && kind == nsOwned || errors.Is(err, fs.ErrPermission) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// down stops the lab's services, deletes the owned namespaces among names
// and the run dir's other namespaces with the lab's marker, then the
// lab's node directories and the etc dirs of the namespaces in etc.
// Placeholders (empty files left by an
// add that was killed) are removed only for names the state has pending
// while its owner is gone (or is this process): only then did this lab
// create them.
func down(ctx context.Context, cfg core.Config, lab string, names, etc []string, st *State, opts Options) ([]Change, error) {
	changes, err := downNames(ctx, cfg, lab, names, etc, st, opts)
	if err != nil {
		return changes, fmt.Errorf("lab %s: %w", lab, err)
	}
	return changes, nil
}

func downNames(ctx context.Context, cfg core.Config, lab string, names, etc []string, st *State, opts Options) ([]Change, error) {
	// The state says "partial" from the first removal on (a Down killed
	// halfway is finished by gc); a Down that fails before removing
	// anything leaves it as it was.
	was := ""
	if st != nil {
		was = st.State
	}
	markPartial := func() error {
		if st == nil || st.State == StatePartial {
			return nil
		}
		st.State = StatePartial
		return writeState(cfg, st)
	}
	restore := func(changes []Change, err error) ([]Change, error) {
		if len(changes) == 0 && st != nil && st.State != was {
			st.State = was
			writeState(cfg, st)
		}
		return changes, err
	}
	residue := st.ownResidue()
	names = union(names, residue)
	names = append(names, markedNamespaces(cfg, lab, names...)...)
	prog := startProgress(opts.Progress, "lab "+lab+": down", len(names))
	defer prog.stop()
	marker := Marker(lab)
	var changes []Change
	if st != nil {
		stopped, err := stopServices(lab, st.Services)
		changes = append(changes, stopped...)
		if err != nil {
			return changes, err
		}
	}
	var del []string
	var owned []*core.Namespace
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return restore(changes, fmt.Errorf("interrupted: %w", err))
		}
		prog.step()
		kind, ns, err := classify(cfg, name, marker)
		if err != nil {
			return restore(changes, aboutNetns(name, err))
		}
		switch {
		case kind == nsOwned:
			del = append(del, name)
			if ns != nil {
				owned = append(owned, ns)
			}
		case kind == nsPlaceholder && slices.Contains(residue, name):
			if cfg.RemovePlaceholder(name) {
				changes = append(changes, Change{Op: "del", Kind: "netns", Name: name})
			}
		}
	}
	killed, err := killProcesses(lab, owned, opts.grace())
	changes = append(changes, killed...)
	if err != nil {
		return restore(changes, err)
	}
	for _, name := range del {
		if err := markPartial(); err != nil {
			return restore(changes, err)
		}
		if err := deleteNetns(cfg, name); err != nil {
			return restore(changes, err)
		}
		changes = append(changes, Change{Op: "del", Kind: "netns", Name: name})
	}
	if err := removeNodeFiles(cfg, lab, etc); err != nil {
		return changes, err
	}
	return changes, removeState(cfg, lab)
}

// killProcesses stops every process in the namespaces nss (SIGTERM, then
// SIGKILL after grace), so that none runs on in a namespace without a
// name, and reports how many as a change {Op: "kill", Kind: "process",
// Name: LAB, Value: COUNT}.
func killProcesses(lab string, nss []*core.Namespace, grace time.Duration) ([]Change, error) {
	n, err := core.KillAll(nss, grace)
	var changes []Change
	if n > 0 {
		changes = append(changes, Change{Op: "kill", Kind: "process", Name: lab, Value: strconv.Itoa(n)})
	}
	return changes, err
}

// removeStale deletes (or, in a plan, lists) the owned namespaces that an
// earlier Up of this lab made for nodes the lab no longer has.
func (r *run) removeStale(prev []string) error {
	cur := r.l.namespaces()
	for _, name := range prev {
		if slices.Contains(cur, name) {
			continue
		}
		kind, ns, err := classify(r.l.cfg, name, r.marker)
		if err != nil {
			return r.fail(name, err)
		}
		if kind != nsOwned && kind != nsPlaceholder {
			continue
		}
		r.record("del", "netns", name, "")
		if r.apply && ns != nil {
			if _, err := ns.KillAll(DefaultGrace); err != nil {
				return r.fail(name, err)
			}
		}
		if r.apply {
			if err := deleteNetns(r.l.cfg, name); err != nil {
				return r.fail(name, err)
			}
			node := strings.TrimPrefix(name, r.l.spec.Name+"-")
			if err := core.RemoveIn(r.l.cfg.StateDir, filepath.Join(nodesRel(r.l.spec.Name), node)); err != nil {
				return r.fail(name, err)
			}
		}
	}
	return nil
}

// Info is one line of `nssh lab list`.
type Info struct {
	Name       string
	State      string // "up", "partial" or "down" (no namespace of it exists)
	Owner      int
	OwnerAlive bool
	Nodes      int
	Temp       bool
}

// List returns every lab that has a state file, sorted by name.
func List(cfg core.Config) ([]Info, []error) {
	states, errs := States(cfg)
	out := make([]Info, 0, len(states))
	for _, st := range states {
		info := Info{Name: st.Name, State: st.State, Owner: st.Owner, OwnerAlive: st.OwnerAlive(),
			Nodes: st.Nodes, Temp: st.Temp}
		if !slices.ContainsFunc(st.Namespaces, cfg.IsNetns) {
			info.State = StateDown
		}
		out = append(out, info)
	}
	return out, errs
}

// Removed is one lab that GC removed, and why.
type Removed struct {
	Lab     string
	Reason  string
	Changes []Change
}

// GC removes every lab whose Up never completed and whose owner is gone,
// and every temp lab whose owning process is gone (the same process: pid
// and start time), plus temporary state files of dead writers. It never
// touches a namespace without the lab's marker. Labs that are up and not
// temp stay, whoever made them.
func GC(ctx context.Context, cfg core.Config) ([]Removed, []error) {
	staleTemps(cfg)
	states, errs := States(cfg)
	var out []Removed
	for _, st := range states {
		reason := gcReason(st)
		if reason == "" {
			continue
		}
		changes, err := down(ctx, cfg, st.Name, st.Namespaces, st.EtcDirs, st, Options{})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, Removed{Lab: st.Name, Reason: reason, Changes: changes})
	}
	removeEmptyDirs(cfg)
	return out, errs
}

// gcReason says why gc removes a lab, "" when it keeps it.
func gcReason(st *State) string {
	if st.OwnerAlive() {
		return "" // up in progress, or the owner may still use or roll back its lab
	}
	switch {
	case st.State != StateUp:
		return fmt.Sprintf("up never completed (owner pid %d gone)", st.Owner)
	case st.Temp:
		return fmt.Sprintf("temp lab, owner pid %d gone", st.Owner)
	}
	return ""
}

// aboutNetns prefixes err with the namespace it is about, unless it is a
// *core.OpError that names it already.
func aboutNetns(name string, err error) error {
	var op *core.OpError
	if errors.As(err, &op) && op.Name == name {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
