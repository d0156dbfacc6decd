package core

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// ErrNamespaceGone is returned (wrapped) when a Namespace value no longer
// names the kernel namespace it was opened as: the name was deleted, or
// deleted and created again (a new namespace under the old name).
var ErrNamespaceGone = errors.New("namespace was deleted or replaced")

// nsKey identifies a kernel namespace for the caches of this package.
type nsKey struct{ dev, ino uint64 }

func (ns *Namespace) key() nsKey { return nsKey{ns.Dev, ns.Ino} }

// handleEntry is one cached handle and the path it was opened through, so
// that sweeps can notice names removed behind nssh's back (`ip netns del`).
type handleEntry struct {
	h       *netlink.Handle
	path    string
	refs    int    // callers between Handle and its release
	lastUse uint64 // handles.clock when it was last released
}

var handles = struct {
	sync.Mutex
	m         map[nsKey]*handleEntry
	clock     uint64 // counts releases, for least-recently-used eviction
	lastSweep int    // cache size after the last sweep
}{m: map[nsKey]*handleEntry{}}

// maxIdleHandles is how many handles nobody is using stay open for later
// use. It bounds the process's descriptors whatever the number of
// namespaces it works in (a lab of 10,000 nodes touches every one).
const maxIdleHandles = 16

// Handle returns the netlink handle of the namespace: NETLINK_ROUTE sockets
// created inside it (on a thread switched by InNetnsFd), cached by the
// namespace's identity, usable from any goroutine and any thread, and the
// function that releases it. The caller calls release once it no longer
// uses the handle (never closing it itself); the handle stays valid until
// then, except that it is closed when the name is deleted through Delete
// (requests through it fail after that). The least recently used of the
// released handles are closed beyond maxIdleHandles.
//
// A handle holds a reference that keeps the namespace alive, so names
// removed by other tools are swept from the cache whenever it has grown to
// twice its size at the previous sweep.
func (ns *Namespace) Handle() (h *netlink.Handle, release func(), err error) {
	if ns.setupH != nil {
		return ns.setupH, func() {}, nil
	}
	k := ns.key()
	handles.Lock()
	if e, ok := handles.m[k]; ok {
		e.refs++
		handles.Unlock()
		return e.h, releaser(k, e), nil
	}
	handles.Unlock()
	fd, err := ns.openChecked()
	if err != nil {
		return nil, nil, err
	}
	defer unix.Close(fd)
	err = InNetnsFd(fd, func() error {
		var herr error
		if h, herr = netlink.NewHandle(unix.NETLINK_ROUTE); herr != nil {
			return fmt.Errorf("open netlink socket: %w", herr)
		}
		return nil
	})
	if err != nil {
		return nil, nil, newOpError("netlink", ns.Name, err, "")
	}
	handles.Lock()
	defer handles.Unlock()
	if old, ok := handles.m[k]; ok { // lost a race: keep the first
		h.Close()
		old.refs++
		return old.h, releaser(k, old), nil
	}
	e := &handleEntry{h: h, path: ns.Path, refs: 1}
	handles.m[k] = e
	if len(handles.m) >= 2*handles.lastSweep+8 {
		sweepHandlesLocked()
	}
	return h, releaser(k, e), nil
}

// releaser returns the release function of one Handle call; calling it
// more than once has no further effect.
func releaser(k nsKey, e *handleEntry) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			handles.Lock()
			defer handles.Unlock()
			e.refs--
			handles.clock++
			e.lastUse = handles.clock
			evictIdleLocked()
		})
	}
}

// evictIdleLocked closes the least recently released handles nobody uses
// until at most maxIdleHandles are left. Called with handles locked.
func evictIdleLocked() {
	for {
		var oldest nsKey
		var oe *handleEntry
		idle := 0
		for k, e := range handles.m {
			if e.refs > 0 {
				continue
			}
			idle++
			if oe == nil || e.lastUse < oe.lastUse {
				oldest, oe = k, e
			}
		}
		if idle <= maxIdleHandles {
			return
		}
		delete(handles.m, oldest)
		closeHandle(oe.h)
	}
}

// keepHandle caches h, made inside ns before it was mounted (AddWith), as
// the namespace's handle, unused for now.
func keepHandle(ns *Namespace, h *netlink.Handle) {
	handles.Lock()
	defer handles.Unlock()
	if old, ok := handles.m[ns.key()]; ok {
		closeHandle(old.h)
	}
	handles.clock++
	handles.m[ns.key()] = &handleEntry{h: h, path: ns.Path, lastUse: handles.clock}
	evictIdleLocked()
}

// openChecked opens the namespace file read-only and checks that it is
// still the namespace ns was opened as. The caller closes the fd.
func (ns *Namespace) openChecked() (int, error) {
	fd, err := unix.Open(ns.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			err = fmt.Errorf("%w: %w", ErrNamespaceGone, err)
		}
		return -1, newOpError("open", ns.Name, err, "")
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, newOpError("open", ns.Name, err, "")
	}
	if st.Dev != ns.Dev || st.Ino != ns.Ino || checkNetnsFd(fd) != nil {
		unix.Close(fd)
		return -1, newOpError("open", ns.Name, fmt.Errorf("%w: %w", ErrNamespaceGone, unix.ENOENT), "")
	}
	return fd, nil
}

// dropHandle closes and forgets the cached handle of a namespace.
func dropHandle(k nsKey) {
	handles.Lock()
	e, ok := handles.m[k]
	delete(handles.m, k)
	handles.Unlock()
	if ok {
		closeHandle(e.h)
	}
}

// closeHandle closes the sockets of a handle that others may still hold.
// netlink.Handle.Close also sets its socket map to nil, and a Handle
// without sockets silently sends its requests through a new socket in the
// namespace of whatever thread runs them: a LinkDel through a handle
// closed by a concurrent Delete would hit the caller's own namespace.
// Closing only the sockets makes every later request fail ("use of
// closed file") instead. The map is read through reflection (netlink v1.3.1 keeps it in
// the unexported field "sockets"); if that field ever changes, the handle
// is left open (a leak) rather than made dangerous.
func closeHandle(h *netlink.Handle) {
	v := reflect.ValueOf(h).Elem().FieldByName("sockets")
	if !v.IsValid() || v.Kind() != reflect.Map {
		return
	}
	m := reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	iter := m.MapRange()
	for iter.Next() {
		if sh, ok := iter.Value().Interface().(*nl.SocketHandle); ok {
			sh.Close()
		}
	}
}

// sweepHandlesLocked closes handles whose path no longer names their
// namespace. Called with handles locked.
func sweepHandlesLocked() {
	for k, e := range handles.m {
		var st unix.Stat_t
		if unix.Stat(e.path, &st) != nil || st.Dev != k.dev || st.Ino != k.ino {
			delete(handles.m, k)
			closeHandle(e.h)
		}
	}
	handles.lastSweep = len(handles.m)
}
