package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/nssh/nssh/core"
)

// Change is one change Up made (or Plan would make) or Down made.
type Change struct {
	Op    string // "add", "set", "del", or "kill" (Down stopping processes: Value is how many)
	Kind  string // "netns", "link", "addr", "route", "sysctl", "netem", "shape", "file", "service" or "process"
	Name  string // subject: a namespace name, "NETNS:DEV" for link, addr and netem, "NETNS:PATH" for file, "NETNS:NAME" for service, the lab for process
	Value string // what changes: "10.0.1.2/24", "up", "default via 10.0.1.1", "net.ipv4.ip_forward=1"; may be ""
}

func (c Change) String() string {
	s := c.Op + " " + c.Kind + " " + c.Name
	if c.Value != "" {
		s += " " + c.Value
	}
	return s
}

// Options are the settings of a lab that are not part of its description.
type Options struct {
	// Progress receives a progress line (overwritten in place with '\r',
	// cleared at the end) when an Up or Down lasts longer than a second. It
	// is only used when it is a terminal; nil means no progress.
	Progress io.Writer
	// Warnings receives warning lines, such as the one Up writes when the
	// lab is too big for the host's limits (see core.HostLimits); nil
	// discards them.
	Warnings io.Writer
	// Grace is how long the processes in the lab's namespaces get between
	// SIGTERM and SIGKILL when Down stops them (DefaultGrace when 0).
	Grace time.Duration
}

// DefaultGrace is Options.Grace when none is set.
const DefaultGrace = 2 * time.Second

func (o Options) grace() time.Duration {
	if o.Grace > 0 {
		return o.Grace
	}
	return DefaultGrace
}

// Lab is a lab description bound to a Config. Its methods may be called
// from several goroutines; they run one at a time.
type Lab struct {
	cfg  core.Config
	spec Spec
	opts Options

	mu     sync.Mutex // serialises Up, Down
	warned bool       // Up has checked the host's limits

	abortMu sync.Mutex
	abort   context.CancelFunc // cancels the Up in progress, if any
}

// ErrNotOwned is returned (wrapped) when a namespace or link that a lab
// needs exists but was not made by that lab; nssh never touches it.
var ErrNotOwned = errors.New("exists and is not owned by the lab")

// ErrBusy is returned (wrapped in a *BusyError) by Up when another live
// process owns the lab and the spec does not adopt it.
var ErrBusy = errors.New("lab is owned by another process")

// BusyError says which process owns a lab.
type BusyError struct {
	Lab string
	Pid int
}

func (e *BusyError) Error() string { return fmt.Sprintf("lab %s is owned by pid %d", e.Lab, e.Pid) }

// Unwrap makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Unwrap() error { return ErrBusy }

// New validates spec and returns the lab. It touches nothing in the kernel.
func New(cfg core.Config, spec Spec, opts Options) (*Lab, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return &Lab{cfg: cfg, spec: spec, opts: opts}, nil
}

// Name returns the lab's name.
func (l *Lab) Name() string { return l.spec.Name }

// Up makes the kernel match the lab: it creates the namespaces, links,
// addresses, routes and settings that are missing and repairs those that
// drifted (a link set down, an address deleted by hand). Up is idempotent:
// when nothing differs it returns no changes. A namespace or link of the
// lab's names that the lab does not own stops Up with ErrNotOwned.
//
// The state file says "partial" while Up runs and "up" once it completed;
// a failed Up leaves it "partial" with the namespaces it owns (Down rolls
// it back, `nssh gc` removes it once the owner is gone), or no state file
// at all when the lab owns nothing. Up recovers the lab's own crash
// residue: the placeholder of an add killed during an earlier Up.
func (l *Lab) Up(ctx context.Context) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	l.setAbort(cancel)
	defer l.setAbort(nil)
	defer cancel()

	st, prev, err := l.beginUp()
	if err != nil {
		return nil, err
	}
	l.warnHostLimits()
	if l.spec.Temp {
		registerTemp(l)
	}
	r := newRun(ctx, l, true, "up")
	r.residue = prev.residue
	defer r.close()
	if err := l.up(r, st, prev); err != nil {
		return r.changes, l.failedUp(r.changes, st, prev, err)
	}
	return r.changes, nil
}

// up is the work of Up after the state file says "partial".
func (l *Lab) up(r *run, st *State, prev prevState) error {
	if err := r.reconcile(); err != nil {
		return err
	}
	if err := r.removeStale(prev.Namespaces); err != nil {
		return err
	}
	svcs, err := r.services(st.Services)
	st.Services = svcs
	if err != nil {
		st.Pending = nil
		for _, n := range l.namespaces() { // partial: Down must find them all
			if !slices.Contains(st.Namespaces, n) {
				st.Namespaces = append(st.Namespaces, n)
			}
		}
		if werr := writeState(l.cfg, st); werr != nil {
			err = errors.Join(err, werr)
		}
		return err
	}
	st.Namespaces = l.namespaces()
	st.Pending = nil
	st.State = StateUp
	if err := writeState(l.cfg, st); err != nil {
		return fmt.Errorf("lab %s: %w", l.spec.Name, err)
	}
	return nil
}

// failedUp says what a failed Up left: a temp lab is removed again (it
// exists only for the run that failed); any other lab that Up changed is
// left partial, and the error says how to remove it. The state file then
// records the namespaces the lab owns; it goes when the lab owns none, had
// none before and the Up changed nothing.
func (l *Lab) failedUp(changes []Change, st *State, prev prevState, err error) error {
	if l.spec.Temp {
		if _, derr := l.downLocked(context.Background(), l.opts.grace()); derr != nil {
			return &PartialError{Lab: l.spec.Name, Err: errors.Join(err, derr)}
		}
		return fmt.Errorf("%w (temp lab: what up() made was removed)", err)
	}
	if werr := l.recordOwned(st, prev.existed || len(changes) > 0); werr != nil {
		err = errors.Join(err, werr)
	}
	if len(changes) == 0 {
		return err
	}
	return &PartialError{Lab: l.spec.Name, Err: err}
}

// PartialError is the error of an Up that failed after it changed
// something: the lab is left partial until Down (or `nssh lab down`, or
// `nssh gc` once the owner is gone) removes it.
type PartialError struct {
	Lab string
	Err error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%v (lab left partial: lab:down() or `nssh lab down %s` removes it)", e.Err, e.Lab)
}

func (e *PartialError) Unwrap() error { return e.Err }

// recordOwned records the namespaces the lab owns now in the "partial"
// state of a failed Up; with none owned and keep not set, it removes the
// state file instead.
func (l *Lab) recordOwned(st *State, keep bool) error {
	marker := Marker(l.spec.Name)
	var owned []string
	for _, n := range union(st.Namespaces, l.namespaces()) {
		if kind, _, cerr := classify(l.cfg, n, marker); cerr == nil && kind == nsOwned {
			owned = append(owned, n)
		}
	}
	st.Namespaces, st.Pending = owned, nil
	var werr error
	if len(owned) == 0 && !keep {
		werr = removeState(l.cfg, l.spec.Name)
	} else {
		werr = writeState(l.cfg, st)
	}
	if werr != nil {
		return fmt.Errorf("lab %s: %w", l.spec.Name, werr)
	}
	return nil
}

// union returns a followed by the names of b it lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Plan returns the changes Up would make now, changing nothing.
func (l *Lab) Plan(ctx context.Context) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := newRun(ctx, l, false, "plan")
	defer r.close()
	st, err := ReadState(l.cfg, l.spec.Name)
	if err == nil {
		r.residue = st.ownResidue()
	}
	if err := r.reconcile(); err != nil {
		return r.changes, err
	}
	if err != nil {
		st = &State{} // none, or unreadable (Up says why)
	}
	if err := r.removeStale(st.Namespaces); err != nil {
		return r.changes, err
	}
	_, err = r.services(st.Services)
	return r.changes, err
}

// prevState is what beginUp found.
type prevState struct {
	existed    bool     // a usable state file was there
	Namespaces []string // the names it recorded (what Up may find stale)
	residue    []string // placeholders of the lab's own killed adds
}

// beginUp records, before anything is created, that the lab is being
// brought up by this process and which names it is creating (Pending:
// those missing now, and the placeholders of its own earlier killed
// adds). Names that exist and are not the lab's are not recorded.
func (l *Lab) beginUp() (*State, prevState, error) {
	st, err := ReadState(l.cfg, l.spec.Name)
	var corrupt *CorruptStateError
	existed := err == nil
	if errors.Is(err, fs.ErrNotExist) || errors.As(err, &corrupt) {
		// An unusable state file is replaced (a symlink is replaced, not
		// followed); the lab's namespaces are still known by their marker.
		st, err = &State{Name: l.spec.Name}, nil
	}
	if err != nil {
		return nil, prevState{}, err
	}
	if st.Owner != os.Getpid() && !l.spec.Adopt && st.OwnerAlive() {
		return nil, prevState{}, &BusyError{Lab: l.spec.Name, Pid: st.Owner}
	}
	prev := prevState{existed: existed, Namespaces: slices.Clone(st.Namespaces)}
	residue := st.ownResidue()
	st.Pending = nil
	for _, n := range l.namespaces() {
		_, err := os.Lstat(l.cfg.Path(n))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			st.Pending = append(st.Pending, n)
		case err == nil && slices.Contains(residue, n) && l.cfg.IsPlaceholder(n):
			st.Pending = append(st.Pending, n)
			prev.residue = append(prev.residue, n)
		}
	}
	st.State = StatePartial
	st.Temp = l.spec.Temp
	st.Owner, st.OwnerStart = self()
	st.Nodes = len(l.spec.Nodes)
	for _, n := range l.etcNodes() {
		if !slices.Contains(st.EtcDirs, n) {
			st.EtcDirs = append(st.EtcDirs, n)
		}
	}
	st.Links = st.Links[:0]
	for _, ln := range l.spec.Links {
		st.Links = append(st.Links, ln.Ends[0].String()+" "+ln.Ends[1].String())
	}
	if err := writeState(l.cfg, st); err != nil {
		return nil, prevState{}, fmt.Errorf("lab %s: %w", l.spec.Name, err)
	}
	return st, prev, nil
}

// namespaces returns the namespace names of the lab's nodes, sorted.
func (l *Lab) namespaces() []string {
	var out []string
	for _, n := range l.spec.NodeNames() {
		out = append(out, Netns(l.spec.Name, n))
	}
	return out
}

func (l *Lab) setAbort(cancel context.CancelFunc) {
	l.abortMu.Lock()
	l.abort = cancel
	l.abortMu.Unlock()
}

// interrupt cancels the Up in progress, if any (from any goroutine).
func (l *Lab) interrupt() {
	l.abortMu.Lock()
	if l.abort != nil {
		l.abort()
	}
	l.abortMu.Unlock()
}
