package core

import (
	"context"
	"errors"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Watch reports namespaces appearing in ("add") and leaving ("del") the
// run dir, whoever makes the change (nssh, ip, another process).
//
// The inotify watch is armed before the directory is first listed, so no
// change is missed; names present at that point are the starting view and
// are not reported. An "add" is sent only once the entry is a mounted
// network namespace: inotify fires when ip creates the empty placeholder,
// before the bind mount, so new entries are re-checked with a short backoff
// (a placeholder that never becomes a namespace is never reported). When
// the kernel's event queue overflows, the directory is listed again and the
// differences are sent, so the view a consumer builds from the events
// always ends equal to the directory.
//
// Adds are reported in the order the entries were created. A name that is
// added and deleted again before the watcher could see it mounted still
// gives "add" then "del" when this process made it (Add and Attach tell the
// watchers); when another process did it within about a millisecond, it
// cannot be told apart from the placeholder of a failed add (which ip also
// creates and removes) and gives no events.
//
// The channel is closed when ctx ends. A slow consumer only delays the
// watcher; the kernel queue absorbs the rest and overflow is recovered.
//
// Equivalent to: `ip netns monitor`
func (c Config) Watch(ctx context.Context) (<-chan Event, error) {
	if err := unix.Mkdir(c.RunDir, 0o755); err != nil && err != unix.EEXIST {
		return nil, newOpError("monitor", "", err, "mkdir "+c.RunDir+" failed: "+Strerror(err))
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, newOpError("monitor", "", err, "inotify_init failed: "+Strerror(err))
	}
	f := os.NewFile(uintptr(fd), "inotify")
	w := &watcher{cfg: c, f: f, known: map[string]nsIdentity{}, pending: map[string]*pendingEntry{},
		mounted: map[string][]nsIdentity{}}
	if err := w.arm(); err != nil {
		f.Close()
		return nil, newOpError("monitor", "", err, "inotify_add_watch failed: "+Strerror(err))
	}
	liveWatchers.Lock()
	if liveWatchers.set == nil {
		liveWatchers.set = map[*watcher]bool{}
	}
	liveWatchers.set[w] = true
	liveWatchers.Unlock()
	w.initial()
	ch := make(chan Event, 64)
	go func() {
		<-ctx.Done()
		liveWatchers.Lock()
		delete(liveWatchers.set, w)
		liveWatchers.Unlock()
		f.Close() // unblocks Read
	}()
	go w.loop(ctx, ch)
	return ch, nil
}

const watchMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_DELETE_SELF | unix.IN_ONLYDIR

// Backoff for re-checking an entry that is not (yet) a namespace: 1ms,
// 2ms, ... doubling, giving up after about two seconds.
const (
	firstRecheck = time.Millisecond
	lastRecheck  = time.Second
)

// liveWatchers are the watchers of this process, so that Add and Attach can
// tell them about a mount they made (see announceMounted).
var liveWatchers struct {
	sync.Mutex
	set map[*watcher]bool
}

// announceMounted tells this process's watchers of runDir that name was
// just mounted as namespace id. A watcher that then sees the name vanish
// before it could check it still reports the add (and the del): without
// this, an add quickly followed by a del would look like the placeholder
// of a failed add.
func announceMounted(runDir, name string, id nsIdentity) {
	liveWatchers.Lock()
	defer liveWatchers.Unlock()
	for w := range liveWatchers.set {
		if w.cfg.RunDir == runDir {
			w.noteMounted(name, id)
		}
	}
}

// watchOverflows counts kernel queue overflows recovered by a rescan.
var watchOverflows atomic.Int64

type nsIdentity struct{ dev, ino uint64 }

// orderWindow is how long a young entry that is not mounted yet holds back
// the adds of entries created after it, to report adds in creation order.
const orderWindow = 50 * time.Millisecond

type pendingEntry struct {
	seq     uint64 // creation order, so adds are reported in the order they happened
	created time.Time
	next    time.Time // when to check it again (backoff)
	delay   time.Duration
	ready   bool // mounted, waiting only for earlier entries
	id      nsIdentity
}

type watcher struct {
	cfg     Config
	f       *os.File
	known   map[string]nsIdentity    // names reported (or present at start) as namespaces
	pending map[string]*pendingEntry // names present but not yet namespaces
	seq     uint64                   // last pendingEntry.seq
	out     []Event                  // events waiting to be sent

	mountedMu sync.Mutex
	// mounted holds the mounts announced by Add/Attach and not yet
	// reported, oldest first per name: a name added and deleted N times
	// before the watcher reads its events has N announcements, one for
	// each create/delete pair the watcher will read.
	mounted      map[string][]nsIdentity
	mountedTotal int
}

// maxMounted bounds the announcements held; each is consumed when the
// watcher reads the events of its name.
const maxMounted = 1 << 16

func (w *watcher) noteMounted(name string, id nsIdentity) {
	w.mountedMu.Lock()
	defer w.mountedMu.Unlock()
	if w.mountedTotal < maxMounted {
		w.mounted[name] = append(w.mounted[name], id)
		w.mountedTotal++
	}
}

// takeMounted returns and forgets the oldest announced identity of name.
func (w *watcher) takeMounted(name string) (nsIdentity, bool) {
	w.mountedMu.Lock()
	defer w.mountedMu.Unlock()
	ids := w.mounted[name]
	if len(ids) == 0 {
		return nsIdentity{}, false
	}
	if len(ids) == 1 {
		delete(w.mounted, name)
	} else {
		w.mounted[name] = ids[1:]
	}
	w.mountedTotal--
	return ids[0], true
}

func (w *watcher) arm() error {
	_, err := unix.InotifyAddWatch(int(w.f.Fd()), w.cfg.RunDir, watchMask)
	return err
}

// initial records the starting view without reporting it.
func (w *watcher) initial() {
	names, _ := w.cfg.Names()
	for _, n := range names {
		if id, ok := w.identity(n); ok {
			w.known[n] = id
		}
	}
}

func (w *watcher) identity(name string) (nsIdentity, bool) {
	fd, err := unix.Open(w.cfg.rawPath(name), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nsIdentity{}, false
	}
	defer unix.Close(fd)
	if checkNetnsFd(fd) != nil {
		return nsIdentity{}, false
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return nsIdentity{}, false
	}
	return nsIdentity{st.Dev, st.Ino}, true
}

func (w *watcher) loop(ctx context.Context, ch chan<- Event) {
	defer close(ch)
	buf := make([]byte, 64*1024)
	for {
		for len(w.out) > 0 {
			select {
			case ch <- w.out[0]:
				w.out = w.out[1:]
			case <-ctx.Done():
				return
			}
		}
		w.setDeadline()
		n, err := w.f.Read(buf)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				return
			}
			// A deadline that passed while events were being sent makes
			// Read fail without reading: read what is queued first, or a
			// re-check could give up on an entry whose delete event is
			// waiting in the queue (and lose that add/del pair).
			if !w.drain(buf) {
				return
			}
			w.recheckPending()
			continue
		}
		w.parse(buf[:n])
		w.recheckPending()
	}
}

// drain reads and parses every event the kernel has queued, without
// waiting. It returns false when the inotify fd is closed.
func (w *watcher) drain(buf []byte) bool {
	w.f.SetReadDeadline(time.Time{})
	rc, err := w.f.SyscallConn()
	if err != nil {
		return false
	}
	for {
		var n int
		var rerr error
		if err := rc.Read(func(fd uintptr) bool {
			n, rerr = unix.Read(int(fd), buf)
			return true // never wait
		}); err != nil {
			return false
		}
		if rerr == unix.EAGAIN || rerr == unix.EINTR {
			return true
		}
		if rerr != nil || n <= 0 {
			return false
		}
		w.parse(buf[:n])
	}
}

// setDeadline wakes the loop for the earliest pending re-check.
func (w *watcher) setDeadline() {
	var next time.Time
	for _, p := range w.pending {
		if p.ready {
			continue // released when the entries before it resolve
		}
		if next.IsZero() || p.next.Before(next) {
			next = p.next
		}
	}
	w.f.SetReadDeadline(next)
}

func (w *watcher) parse(b []byte) {
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		end := unix.SizeofInotifyEvent + int(ev.Len)
		if end > len(b) {
			return
		}
		name := cString(b[unix.SizeofInotifyEvent:end])
		b = b[end:]
		switch {
		case ev.Mask&unix.IN_Q_OVERFLOW != 0:
			watchOverflows.Add(1)
			w.rescan()
		case ev.Mask&(unix.IN_DELETE_SELF|unix.IN_IGNORED) != 0:
			// The run dir itself went away: re-create, re-arm, resync.
			unix.Mkdir(w.cfg.RunDir, 0o755)
			w.arm()
			w.rescan()
		case ev.Mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0:
			w.appeared(name)
		case ev.Mask&(unix.IN_DELETE|unix.IN_MOVED_FROM) != 0:
			w.vanished(name)
		}
	}
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// appeared queues a new entry; recheckPending reports it once mounted.
func (w *watcher) appeared(name string) {
	if _, ok := w.known[name]; ok {
		return
	}
	if _, ok := w.pending[name]; ok {
		return
	}
	now := time.Now()
	w.seq++
	w.pending[name] = &pendingEntry{seq: w.seq, created: now, next: now, delay: firstRecheck}
}

func (w *watcher) vanished(name string) {
	if p, ok := w.pending[name]; ok {
		// One announcement per create/delete pair: taken here for an
		// entry never reported, at the report for the others.
		_, wasAnnounced := w.takeMounted(name)
		delete(w.pending, name)
		if p.ready || wasAnnounced { // it was a namespace, if only briefly
			w.emit("add", name)
			w.emit("del", name)
		}
		return
	}
	if _, ok := w.known[name]; ok {
		delete(w.known, name)
		w.emit("del", name)
	}
}

// recheckPending checks the entries that are due, in creation order, and
// reports the mounted ones unless a younger-than-orderWindow entry created
// before them is still unmounted. An unmounted entry created before a
// mounted one is checked again at once, whatever its backoff: a creator
// that works one name after the other has mounted it by now, and its add
// must come first.
func (w *watcher) recheckPending() {
	now := time.Now()
	order := make([]string, 0, len(w.pending))
	for name := range w.pending {
		order = append(order, name)
	}
	sort.Slice(order, func(i, j int) bool { return w.pending[order[i]].seq < w.pending[order[j]].seq })
	lastReady := -1
	for i, name := range order {
		p := w.pending[name]
		if !p.ready && !p.next.After(now) {
			if id, ok := w.identity(name); ok {
				p.ready, p.id = true, id
			} else if p.delay >= lastRecheck {
				delete(w.pending, name) // a stale placeholder: never a namespace
				continue
			} else {
				p.next = now.Add(p.delay)
				p.delay *= 2
			}
		}
		if p.ready {
			lastReady = i
		}
	}
	holding := false
	for i, name := range order {
		p, ok := w.pending[name]
		if !ok {
			continue
		}
		if !p.ready && i < lastReady {
			if id, ok := w.identity(name); ok {
				p.ready, p.id = true, id
			}
		}
		switch {
		case p.ready && !holding:
			w.takeMounted(name)
			delete(w.pending, name)
			w.known[name] = p.id
			w.emit("add", name)
		case !p.ready && now.Sub(p.created) < orderWindow:
			holding = true
		}
	}
}

// rescan lists the dir and emits the differences from the known view,
// including a name whose namespace was replaced while events were lost.
func (w *watcher) rescan() {
	names, _ := w.cfg.Names()
	present := make(map[string]bool, len(names))
	for _, n := range names {
		present[n] = true
	}
	for n := range w.known {
		if !present[n] {
			delete(w.known, n)
			w.emit("del", n)
		}
	}
	for n := range w.pending {
		if !present[n] {
			w.vanished(n) // reports add+del if it was a namespace, if only briefly
		}
	}
	for _, n := range names {
		old, wasKnown := w.known[n]
		id, isNs := w.identity(n)
		switch {
		case wasKnown && isNs && id != old:
			w.known[n] = id
			w.emit("del", n)
			w.emit("add", n)
		case wasKnown && !isNs:
			delete(w.known, n)
			w.emit("del", n)
			w.appeared(n)
		case !wasKnown:
			w.appeared(n)
		}
	}
}

func (w *watcher) emit(kind, name string) {
	w.out = append(w.out, Event{Kind: kind, Netns: name, Time: time.Now()})
}
