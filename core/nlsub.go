package core

import (
	"time"

	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// nlRcvBuf is the receive buffer asked for on subscription sockets
// (SO_RCVBUFFORCE when allowed, else SO_RCVBUF capped by rmem_max).
// Tests shrink it to force overruns.
var nlRcvBuf = 4 << 20

// nlOverruns counts subscription overruns recovered by a resync.
var nlOverruns atomic.Int64

// nlKinds maps an event kind to its multicast groups and message types.
var nlKinds = map[string]struct {
	groups   uint32
	new, del uint16
}{
	"link": {unix.RTMGRP_LINK, unix.RTM_NEWLINK, unix.RTM_DELLINK},
	// addr and route also listen to link messages, in the same ordered
	// stream, to name the link of each address and route as it was then.
	"addr":  {unix.RTMGRP_LINK | unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_IPV6_IFADDR, unix.RTM_NEWADDR, unix.RTM_DELADDR},
	"route": {unix.RTMGRP_LINK | unix.RTMGRP_IPV4_ROUTE | unix.RTMGRP_IPV6_ROUTE, unix.RTM_NEWROUTE, unix.RTM_DELROUTE},
}

// nlSub is one subscription (one kind) inside one namespace. It keeps the
// objects it has reported so that it reports changes only, and can report
// the differences after an overrun.
type nlSub struct {
	kind  string
	ns    *Namespace
	f     *os.File // the NETLINK_ROUTE socket bound to the kind's groups
	h     *netlink.Handle
	hDone func() // releases h; run calls it when it returns
	state map[string]nlItem
	names map[int]string   // link names by index (addr and route kinds)
	emit  func(Event) bool // false when the watcher is closing
	fresh []nlItem         // starting picture to report as new (run sends it)

	ending atomic.Bool     // set by end: report the rest, then the picture as gone
	after  <-chan struct{} // done of the subscription this one replaces (nil if none)
	done   chan struct{}   // closed when run returns
}

// subscribe opens the subscription socket inside ns, then takes the
// starting picture with a dump through the namespace's handle. Changes
// between the two are queued on the socket and reconciled by the dedup.
// With fresh set (a namespace that appeared after the watch began), the
// starting picture is reported as "new" events: the objects appeared
// while the watch was running, perhaps before the socket existed.
func subscribe(kind string, ns *Namespace, emit func(Event) bool, fresh bool) (*nlSub, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	kept := false
	defer func() {
		if !kept {
			release()
		}
	}()
	fd, err := ns.openChecked()
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	sfd := -1
	err = InNetnsFd(fd, func() error {
		var serr error
		if sfd, serr = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE); serr != nil {
			return fmt.Errorf("netlink socket: %w", serr)
		}
		return nil
	})
	if err != nil {
		return nil, wireErr("monitor", ns, err, "")
	}
	if unix.SetsockoptInt(sfd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, nlRcvBuf) != nil {
		unix.SetsockoptInt(sfd, unix.SOL_SOCKET, unix.SO_RCVBUF, nlRcvBuf)
	}
	if err := unix.Bind(sfd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: nlKinds[kind].groups}); err != nil {
		unix.Close(sfd)
		return nil, wireErr("monitor", ns, fmt.Errorf("netlink bind: %w", err), "")
	}
	s := &nlSub{kind: kind, ns: ns, f: os.NewFile(uintptr(sfd), "netlink"), h: h, hDone: release, emit: emit,
		done: make(chan struct{})}
	snap, err := s.snapshot()
	if err != nil {
		s.f.Close()
		return nil, wireErr("monitor", ns, err, "")
	}
	s.state = snap
	if fresh {
		// Sent by run, not here: subscribe may run on the goroutine that
		// consumes the events (core.Add subscribes synchronously).
		s.fresh = sortedItems(snap)
	}
	kept = true
	return s, nil
}

// sortedItems orders a picture for reporting: by key (links by index).
func sortedItems(m map[string]nlItem) []nlItem {
	out := make([]nlItem, 0, len(m))
	for _, it := range m {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b nlItem) int {
		an, arest, _ := strings.Cut(a.key, "|")
		bn, brest, _ := strings.Cut(b.key, "|")
		ai, _ := strconv.Atoi(an)
		bi, _ := strconv.Atoi(bn)
		if ai != bi {
			return ai - bi
		}
		return strings.Compare(arest, brest)
	})
	return out
}

// close stops the subscription at once (the watcher is closing); run
// returns soon after.
func (s *nlSub) close() { s.f.Close() }

// end stops the subscription of a namespace that left the run dir without
// losing what the kernel reported: run reports the notifications still
// queued on the socket, then every object of its picture as deleted, and
// returns. The objects go with the namespace, but the kernel never sends
// those deletions: the subscription's own socket keeps the namespace alive
// until it is closed.
func (s *nlSub) end() {
	s.ending.Store(true)
	s.f.SetReadDeadline(time.Now()) // wakes a blocked Read
}

// run reads notifications until the socket is closed, end is called or
// emit refuses. A subscription that replaces another (of the same name)
// waits for that one's last event first, so a name's events stay in order.
func (s *nlSub) run(ctx context.Context) {
	defer close(s.done)
	defer s.hDone()
	defer s.f.Close()
	if s.after != nil {
		select {
		case <-s.after:
		case <-ctx.Done():
			return
		}
	}
	for _, it := range s.fresh {
		if !s.emit(s.event("new", it)) {
			return
		}
	}
	s.fresh = nil
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := s.f.Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) && s.ending.Load() {
			s.finish(buf)
			return
		}
		if errors.Is(err, unix.ENOBUFS) {
			nlOverruns.Add(1)
			if !s.resync() {
				return
			}
			continue
		}
		if err != nil {
			return // closed
		}
		if !s.handleAll(buf[:n]) {
			return
		}
	}
}

// handleAll applies the notifications of one datagram; false when emit
// refused.
func (s *nlSub) handleAll(b []byte) bool {
	msgs, err := syscall.ParseNetlinkMessage(b)
	if err != nil {
		return true
	}
	for _, m := range msgs {
		if !s.handle(m) {
			return false
		}
	}
	return true
}

// recvNow reads one queued datagram without waiting (EAGAIN: none).
func (s *nlSub) recvNow(buf []byte) (int, error) {
	rc, err := s.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var rerr error
	if err := rc.Control(func(fd uintptr) { n, _, rerr = unix.Recvfrom(int(fd), buf, unix.MSG_DONTWAIT) }); err != nil {
		return 0, err
	}
	return n, rerr
}

// finish reports the notifications still queued on the socket, then every
// object of the picture as deleted, the newest first (the order in which
// the kernel tears a namespace down: loopback last).
func (s *nlSub) finish(buf []byte) {
	for {
		n, rerr := s.recvNow(buf)
		if rerr == unix.EINTR {
			continue
		}
		if rerr == unix.ENOBUFS {
			nlOverruns.Add(1)
			if !s.resync() {
				break // the namespace is gone already: report the picture
			}
			continue
		}
		if rerr != nil || n == 0 {
			break
		}
		if !s.handleAll(buf[:n]) {
			return
		}
	}
	items := sortedItems(s.state)
	for i := len(items) - 1; i >= 0; i-- {
		if !s.emit(s.event("del", items[i])) {
			return
		}
	}
	s.state = map[string]nlItem{}
}

// resync recovers from an overrun: it drops what is still queued (older
// than the dump that follows), dumps the current objects and reports the
// differences with what was reported so far.
func (s *nlSub) resync() bool {
	buf := make([]byte, 64<<10)
	for {
		n, rerr := s.recvNow(buf)
		if rerr == unix.EAGAIN || (rerr == nil && n == 0) {
			break
		}
		if rerr != nil && rerr != unix.ENOBUFS && rerr != unix.EINTR {
			return false
		}
	}
	snap, err := s.snapshot()
	if err != nil {
		return false // the namespace is gone; its "del" ends this subscription
	}
	for key, old := range s.state {
		if _, ok := snap[key]; !ok {
			if !s.emit(s.event("del", old)) {
				return false
			}
		}
	}
	for key, it := range snap {
		if old, ok := s.state[key]; !ok || old.sig != it.sig {
			if !s.emit(s.event("new", it)) {
				return false
			}
		}
	}
	s.state = snap
	return true
}

func (s *nlSub) event(action string, it nlItem) Event {
	return Event{Kind: s.kind, Netns: s.ns.Name, Action: action, Attrs: it.attrs, Time: time.Now()}
}

// handle applies one notification and reports it when it changes what was
// reported before.
func (s *nlSub) handle(m syscall.NetlinkMessage) bool {
	k := nlKinds[s.kind]
	typ := m.Header.Type
	if s.kind != "link" && (typ == unix.RTM_NEWLINK || typ == unix.RTM_DELLINK) {
		s.trackName(m, typ == unix.RTM_DELLINK)
		return true
	}
	if typ != k.new && typ != k.del {
		return true
	}
	it, ok := s.decode(m, typ == k.del)
	if !ok {
		return true
	}
	old, known := s.state[it.key]
	if typ == k.del {
		if !known {
			return true
		}
		delete(s.state, it.key)
		return s.emit(s.event("del", old))
	}
	if known && old.sig == it.sig {
		return true
	}
	s.state[it.key] = it
	return s.emit(s.event("new", it))
}

// decode turns a notification into an item; deleted objects keep the link
// name they were reported with.
func (s *nlSub) decode(m syscall.NetlinkMessage, del bool) (nlItem, bool) {
	switch s.kind {
	case "link":
		it, err := parseLinkMsg(m)
		return it, err == nil
	case "addr":
		idx, p, err := parseAddrMsg(m)
		if err != nil {
			return nlItem{}, false
		}
		it := addrItem(idx, p, "")
		if old, ok := s.state[it.key]; ok {
			return old, true
		}
		if del {
			return it, true
		}
		return addrItem(idx, p, s.linkName(idx)), true
	case "route":
		rr, err := parseRouteMsg(m)
		if err != nil || rr.skip {
			return nlItem{}, false
		}
		it := routeItem(rr.family, rr.route, rr.oif)
		if old, ok := s.state[it.key]; ok {
			return old, true
		}
		return routeItem(rr.family, rr.resolve(s.linkName), rr.oif), true
	}
	return nlItem{}, false
}

// trackName follows link names for the addr and route kinds.
func (s *nlSub) trackName(m syscall.NetlinkMessage, del bool) {
	it, err := parseLinkMsg(m)
	if err != nil {
		return
	}
	idx := it.attrs["index"].(int)
	if del {
		delete(s.names, idx)
		return
	}
	s.names[idx] = it.attrs["name"].(string)
}

// linkName resolves an ifindex to the name nssh reports ("" if unknown):
// from the names followed in the stream, else by asking the kernel.
func (s *nlSub) linkName(index int) string {
	if index == 0 {
		return ""
	}
	if name, ok := s.names[index]; ok {
		return name
	}
	l, err := s.h.LinkByIndex(index)
	if err != nil {
		return ""
	}
	return displayName(l.Attrs().Name, l.Attrs().AltNames)
}

// snapshot dumps the current objects of the subscription's kind through
// the namespace's handle, in the same form as notifications, and renews
// the link names.
func (s *nlSub) snapshot() (map[string]nlItem, error) {
	links, err := retryDump(s.h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	names := make(map[int]string, len(links))
	defer func() { s.names = names }()
	out := map[string]nlItem{}
	for _, l := range links {
		it := linkItem(l)
		names[l.Attrs().Index] = it.attrs["name"].(string)
		if s.kind == "link" {
			out[it.key] = it
		}
	}
	switch s.kind {
	case "addr":
		addrs, err := retryDump(func() ([]netlink.Addr, error) { return s.h.AddrList(nil, netlink.FAMILY_ALL) })
		if err != nil {
			return nil, fmt.Errorf("list addresses: %w", err)
		}
		for _, a := range addrs {
			it := addrItem(a.LinkIndex, nlAddrPrefix(a), names[a.LinkIndex])
			out[it.key] = it
		}
	case "route":
		routes, err := retryDump(func() ([]netlink.Route, error) {
			return s.h.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
		})
		if err != nil {
			return nil, fmt.Errorf("list routes: %w", err)
		}
		for _, r := range routes {
			rr := nlRouteRaw(r)
			if rr.skip {
				continue
			}
			it := routeItem(rr.family, rr.resolve(func(i int) string { return names[i] }), rr.oif)
			out[it.key] = it
		}
	}
	return out, nil
}
