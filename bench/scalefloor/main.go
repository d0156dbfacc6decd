// Command scalefloor is the kernel floor for bench/scale.sh: it builds the
// switched tree of tree.lua (10 leaf bridges of N/10 hosts under a core
// bridge, a veth and an IPv4 address per host, IPv6 off in every
// namespace, everything up) with plain netlink calls and no checks, waits
// or bookkeeping, then removes it. It prints the seconds of each phase, its
// own CPU time (user+sys: near the wall time means the kernel work runs in
// this thread, not elsewhere) and the kernel memory a host costs
// (MemAvailable before and after up, in kB).
//
//	scalefloor -n 10000      # prints "UP DOWN CPU KB_PER_HOST"
//	scalefloor -down         # removes what a failed run left
//
// The namespaces are named floor-* in $NSSH_RUN_DIR (default /run/netns).
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

const leaves = 10

var runDir = "/run/netns"

func main() {
	n := flag.Int("n", 1000, "hosts")
	down := flag.Bool("down", false, "only remove the floor-* namespaces")
	flag.Parse()
	if d := os.Getenv("NSSH_RUN_DIR"); d != "" {
		runDir = d
	}
	if *down {
		removeAll()
		return
	}
	mem0 := memAvailable()
	t0 := time.Now()
	if err := build(*n); err != nil {
		fmt.Fprintln(os.Stderr, "scalefloor:", err)
		removeAll()
		os.Exit(1)
	}
	up := time.Since(t0)
	mem1 := memAvailable()
	t1 := time.Now()
	removeAll()
	downT := time.Since(t1)
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("%.2f %.2f %.2f %d\n", up.Seconds(), downT.Seconds(), cpu.Seconds(), (mem0-mem1)/int64(*n))
}

// node is a namespace of the tree with a netlink handle inside it.
type node struct {
	fd int
	h  *netlink.Handle
}

func build(n int) error {
	core, err := newNode("floor-core", true)
	if err != nil {
		return err
	}
	sw := make([]*node, leaves+1)
	for l := 1; l <= leaves; l++ {
		if sw[l], err = newNode(fmt.Sprintf("floor-l%d", l), true); err != nil {
			return err
		}
		if err := veth(sw[l], "up", nil, core, fmt.Sprintf("p%d", l)); err != nil {
			return err
		}
	}
	for i := 1; i <= n; i++ {
		h, err := newNode(fmt.Sprintf("floor-h%d", i), false)
		if err != nil {
			return err
		}
		ip := &net.IPNet{IP: net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), Mask: net.CIDRMask(8, 32)}
		if err := veth(h, "eth0", ip, sw[(i-1)%leaves+1], fmt.Sprintf("p%d", i)); err != nil {
			return err
		}
		h.close()
	}
	return nil
}

// newNode makes a named namespace with IPv6 off and lo up, and a bridge
// br0 (up) in it for a switch.
func newNode(name string, bridge bool) (*node, error) {
	fd, err := addNetns(name)
	if err != nil {
		return nil, err
	}
	h, err := netlink.NewHandleAt(netns.NsHandle(fd))
	if err != nil {
		return nil, err
	}
	nd := &node{fd: fd, h: h}
	lo, err := h.LinkByName("lo")
	if err != nil {
		return nil, err
	}
	if err := h.LinkSetUp(lo); err != nil {
		return nil, err
	}
	if bridge {
		br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "br0"}}
		if err := h.LinkAdd(br); err != nil {
			return nil, err
		}
		if err := h.LinkSetUp(br); err != nil {
			return nil, err
		}
	}
	return nd, nil
}

func (nd *node) close() {
	nd.h.Close()
	unix.Close(nd.fd)
}

// veth links dev in a (with ip, when set) to port in switch s: the port
// joins s's br0; both ends are set up.
func veth(a *node, dev string, ip *net.IPNet, s *node, port string) error {
	// One queue each, as nssh asks (core.LinkAdd): the kernel's default of
	// one per CPU, cut to one after registration, costs two RCU grace
	// periods per pair.
	attrs := netlink.LinkAttrs{Name: dev, NumTxQueues: 1, NumRxQueues: 1}
	v := &netlink.Veth{LinkAttrs: attrs, PeerName: port, PeerNamespace: netlink.NsFd(s.fd)}
	if err := a.h.LinkAdd(v); err != nil {
		return fmt.Errorf("veth %s: %w", port, err)
	}
	l, err := a.h.LinkByName(dev)
	if err != nil {
		return err
	}
	if ip != nil {
		if err := a.h.AddrAdd(l, &netlink.Addr{IPNet: ip}); err != nil {
			return err
		}
	}
	if err := a.h.LinkSetUp(l); err != nil {
		return err
	}
	p, err := s.h.LinkByName(port)
	if err != nil {
		return err
	}
	br, err := s.h.LinkByName("br0")
	if err != nil {
		return err
	}
	if err := s.h.LinkSetMasterByIndex(p, br.Attrs().Index); err != nil {
		return err
	}
	return s.h.LinkSetUp(p)
}

// addNetns is `ip netns add NAME` plus IPv6 off, on a thread that ends
// back in its original namespace.
func addNetns(name string) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return -1, err
	}
	defer orig.Close()
	defer netns.Set(orig)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return -1, err
	}
	path := filepath.Join(runDir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0)
	if err != nil {
		return -1, err
	}
	f.Close()
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return -1, err
	}
	for _, k := range []string{"all", "default"} {
		os.WriteFile("/proc/sys/net/ipv6/conf/"+k+"/disable_ipv6", []byte("1"), 0)
	}
	if err := unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, ""); err != nil {
		return -1, err
	}
	return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
}

// removeAll is `ip netns del` of every floor-* namespace.
func removeAll() {
	entries, _ := os.ReadDir(runDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "floor-") {
			p := filepath.Join(runDir, e.Name())
			unix.Unmount(p, unix.MNT_DETACH)
			os.Remove(p)
		}
	}
}

func memAvailable() int64 {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			v, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return v
		}
	}
	return 0
}
