package core

import (
	"errors"
	"fmt"
	"math"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// LinkSpec describes a link to create. Name and Type are required; the
// other fields apply to the types named in their comments and must be zero
// for the others.
type LinkSpec struct {
	Name    string // any length up to 127 bytes (see KernelName)
	Type    string // "bridge", "veth", "vlan", "macvlan", "vxlan" or "dummy"
	MTU     int    // 0: kernel default
	Address string // MAC address, "" for a random one
	Up      bool   // bring the link up once created
	Master  string // enslave to this bridge once created
	Alias   string // ifalias

	Peer       string     // veth: peer name (required)
	PeerNetns  *Namespace // veth: namespace of the peer; nil for this one
	PeerAlias  string     // veth: ifalias of the peer
	PeerMaster string     // veth: bridge (in the peer's namespace) to enslave the peer to

	Parent string // vlan, macvlan: lower device (required); vxlan: underlay device (optional)
	VlanID int    // vlan: 802.1Q id, 1..4094
	Mode   string // macvlan: "bridge" (default), "private", "vepa", "passthru"

	VNI    int    // vxlan: VXLAN network identifier, 0..16777215
	Group  string // vxlan: multicast group
	Remote string // vxlan: unicast remote endpoint (exclusive with Group)
	Local  string // vxlan: local source address
	Port   int    // vxlan: UDP destination port (0: 4789)
}

// VethOptions configures Veth.
type VethOptions struct {
	MTU int  // both ends; 0: kernel default
	Up  bool // bring both ends up
}

// ErrUnsupported is returned (wrapped with EOPNOTSUPP) when the kernel
// lacks a link type, qdisc or other optional feature.
var ErrUnsupported = errors.New("not supported by this kernel")

// LinkAdd creates a link in the namespace. A name longer than 15 bytes is
// created as KernelName(name) with the long name as an altname. When any
// step after the creation fails, the link is deleted again.
//
// Equivalent to: `ip -n NS link add NAME type TYPE ...`
func (ns *Namespace) LinkAdd(spec LinkSpec) (*Link, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	defer release()
	l, peerFd, err := ns.buildLink(h, spec)
	if peerFd >= 0 {
		defer unix.Close(peerFd)
	}
	if err != nil {
		return nil, wireErr("link add", ns, err, err.Error())
	}
	if err := h.LinkAdd(l); err != nil {
		return nil, ns.linkAddError(spec, err)
	}
	if err := ns.finishLink(h, spec, peerFd); err != nil {
		if nl, lerr := h.LinkByName(KernelName(spec.Name)); lerr == nil {
			_ = h.LinkDel(nl)
		}
		return nil, wireErr("link add", ns, err, err.Error())
	}
	return ns.Link(spec.Name)
}

func (ns *Namespace) linkAddError(spec LinkSpec, err error) error {
	if errors.Is(err, unix.EOPNOTSUPP) {
		err := fmt.Errorf("link type %s %w: %w", spec.Type, ErrUnsupported, unix.EOPNOTSUPP)
		return wireErr("link add", ns, err, fmt.Sprintf("link type %s %s", spec.Type, ErrUnsupported))
	}
	return wireErr("link add", ns, fmt.Errorf("create %s link %q: %w", spec.Type, spec.Name, err), "")
}

// buildLink validates spec and turns it into a netlink.Link. For a veth
// with a peer namespace it returns the peer namespace fd (else -1).
func (ns *Namespace) buildLink(h *netlink.Handle, spec LinkSpec) (netlink.Link, int, error) {
	if err := validLinkName(spec.Name); err != nil {
		return nil, -1, err
	}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = KernelName(spec.Name)
	attrs.MTU = spec.MTU
	if spec.MTU < 0 || spec.MTU > math.MaxInt32 { // the kernel's is an int: a larger one would wrap
		return nil, -1, fmt.Errorf("invalid mtu %d: %w", spec.MTU, unix.EINVAL)
	}
	if spec.Address != "" {
		mac, err := net.ParseMAC(spec.Address)
		if err != nil {
			return nil, -1, fmt.Errorf("invalid address %q: %w", spec.Address, unix.EINVAL)
		}
		attrs.HardwareAddr = mac
	}
	if spec.Master != "" {
		if _, err := linkByName(h, spec.Master); err != nil {
			return nil, -1, fmt.Errorf("master: %w", err)
		}
	}
	if err := checkTypeFields(spec); err != nil {
		return nil, -1, err
	}
	switch spec.Type {
	case "bridge":
		return &netlink.Bridge{LinkAttrs: attrs}, -1, nil
	case "dummy":
		return &netlink.Dummy{LinkAttrs: attrs}, -1, nil
	case "veth":
		return ns.buildVeth(attrs, spec)
	case "vlan", "macvlan":
		return buildLower(h, attrs, spec)
	case "vxlan":
		l, err := buildVxlan(h, attrs, spec)
		return l, -1, err
	}
	return nil, -1, fmt.Errorf("unknown link type %q (bridge, veth, vlan, macvlan, vxlan, dummy): %w", spec.Type, unix.EINVAL)
}

// checkTypeFields rejects fields that do not apply to spec.Type, so that a
// typo in a lab description is an error rather than silently ignored.
func checkTypeFields(s LinkSpec) error {
	bad := func(field string) error {
		return fmt.Errorf("%s does not apply to link type %s: %w", field, s.Type, unix.EINVAL)
	}
	if s.Type != "veth" && (s.Peer != "" || s.PeerNetns != nil || s.PeerAlias != "" || s.PeerMaster != "") {
		return bad("peer")
	}
	if s.Type != "vlan" && s.Type != "macvlan" && s.Type != "vxlan" && s.Parent != "" {
		return bad("parent")
	}
	if s.Type != "vlan" && s.VlanID != 0 {
		return bad("vlan id")
	}
	if s.Type != "macvlan" && s.Mode != "" {
		return bad("mode")
	}
	if s.Type != "vxlan" && (s.VNI != 0 || s.Group != "" || s.Remote != "" || s.Local != "" || s.Port != 0) {
		return bad("vni/group/remote/local/port")
	}
	return nil
}

func (ns *Namespace) buildVeth(attrs netlink.LinkAttrs, spec LinkSpec) (netlink.Link, int, error) {
	if err := validLinkName(spec.Peer); err != nil {
		return nil, -1, fmt.Errorf("veth peer: %w", err)
	}
	if spec.PeerMaster != "" {
		peerNs := ns
		if spec.PeerNetns != nil {
			peerNs = spec.PeerNetns
		}
		ph, release, err := peerNs.Handle()
		if err != nil {
			return nil, -1, fmt.Errorf("veth peer namespace: %w", err)
		}
		defer release()
		if _, err := linkByName(ph, spec.PeerMaster); err != nil {
			return nil, -1, fmt.Errorf("veth peer master: %w", err)
		}
	}
	// One queue each way on both ends, asked for explicitly: the kernel
	// otherwise makes one per CPU and cuts them to one after registering
	// each end, which waits for an RCU grace period twice per pair (half
	// of a big lab's up() on a busy machine). Traffic is the same: a veth
	// uses one queue either way.
	attrs.NumTxQueues, attrs.NumRxQueues = 1, 1
	v := &netlink.Veth{LinkAttrs: attrs, PeerName: KernelName(spec.Peer)}
	if spec.MTU > 0 {
		v.PeerMTU = uint32(spec.MTU)
	}
	if spec.PeerNetns == nil || spec.PeerNetns.Same(ns) {
		if spec.Peer == spec.Name || KernelName(spec.Peer) == attrs.Name {
			return nil, -1, fmt.Errorf("veth peer name %q equals the link name: %w", spec.Peer, unix.EEXIST)
		}
		return v, -1, nil
	}
	fd, err := spec.PeerNetns.openChecked()
	if err != nil {
		return nil, -1, fmt.Errorf("veth peer namespace: %w", err)
	}
	v.PeerNamespace = netlink.NsFd(fd)
	return v, fd, nil
}

func buildLower(h *netlink.Handle, attrs netlink.LinkAttrs, spec LinkSpec) (netlink.Link, int, error) {
	if spec.Parent == "" {
		return nil, -1, fmt.Errorf("link type %s needs a parent device: %w", spec.Type, unix.EINVAL)
	}
	parent, err := linkByName(h, spec.Parent)
	if err != nil {
		return nil, -1, fmt.Errorf("parent: %w", err)
	}
	attrs.ParentIndex = parent.Attrs().Index
	if spec.Type == "vlan" {
		if spec.VlanID < 1 || spec.VlanID > 4094 {
			return nil, -1, fmt.Errorf("vlan id %d out of range 1..4094: %w", spec.VlanID, unix.EINVAL)
		}
		return &netlink.Vlan{LinkAttrs: attrs, VlanId: spec.VlanID, VlanProtocol: netlink.VLAN_PROTOCOL_8021Q}, -1, nil
	}
	modes := map[string]netlink.MacvlanMode{
		"": netlink.MACVLAN_MODE_BRIDGE, "bridge": netlink.MACVLAN_MODE_BRIDGE,
		"private": netlink.MACVLAN_MODE_PRIVATE, "vepa": netlink.MACVLAN_MODE_VEPA,
		"passthru": netlink.MACVLAN_MODE_PASSTHRU,
	}
	mode, ok := modes[spec.Mode]
	if !ok {
		return nil, -1, fmt.Errorf("unknown macvlan mode %q (bridge, private, vepa, passthru): %w", spec.Mode, unix.EINVAL)
	}
	return &netlink.Macvlan{LinkAttrs: attrs, Mode: mode}, -1, nil
}

func buildVxlan(h *netlink.Handle, attrs netlink.LinkAttrs, spec LinkSpec) (netlink.Link, error) {
	if spec.VNI < 0 || spec.VNI > 1<<24-1 {
		return nil, fmt.Errorf("vxlan vni %d out of range 0..16777215: %w", spec.VNI, unix.EINVAL)
	}
	if spec.Port < 0 || spec.Port > 65535 {
		return nil, fmt.Errorf("vxlan port %d out of range: %w", spec.Port, unix.EINVAL)
	}
	if spec.Group != "" && spec.Remote != "" {
		return nil, fmt.Errorf("vxlan group and remote are exclusive: %w", unix.EINVAL)
	}
	v := &netlink.Vxlan{LinkAttrs: attrs, VxlanId: spec.VNI, Port: spec.Port, Learning: true}
	if v.Port == 0 {
		v.Port = 4789
	}
	ips := []struct {
		field, text string
		dst         *net.IP
	}{{"group", spec.Group, &v.Group}, {"remote", spec.Remote, &v.Group}, {"local", spec.Local, &v.SrcAddr}}
	for _, ip := range ips {
		if ip.text == "" {
			continue
		}
		if *ip.dst = net.ParseIP(ip.text); *ip.dst == nil {
			return nil, fmt.Errorf("vxlan %s: invalid address %q: %w", ip.field, ip.text, unix.EINVAL)
		}
	}
	if spec.Group != "" && !v.Group.IsMulticast() {
		return nil, fmt.Errorf("vxlan group %q is not a multicast address: %w", spec.Group, unix.EINVAL)
	}
	if spec.Remote != "" && v.Group.IsMulticast() {
		return nil, fmt.Errorf("vxlan remote %q is a multicast address (use group): %w", spec.Remote, unix.EINVAL)
	}
	if spec.Parent != "" {
		parent, err := linkByName(h, spec.Parent)
		if err != nil {
			return nil, fmt.Errorf("parent: %w", err)
		}
		v.VtepDevIndex = parent.Attrs().Index
	}
	return v, nil
}

// finishLink applies what cannot be part of RTM_NEWLINK: altnames for long
// names (on both veth ends), alias, master, up.
func (ns *Namespace) finishLink(h *netlink.Handle, spec LinkSpec, peerFd int) error {
	if err := addAltName(h, KernelName(spec.Name), spec.Name); err != nil {
		return err
	}
	if spec.Type == "veth" {
		ph := h
		if peerFd >= 0 {
			var release func()
			var err error
			if ph, release, err = spec.PeerNetns.Handle(); err != nil {
				return err
			}
			defer release()
		}
		if err := addAltName(ph, KernelName(spec.Peer), spec.Peer); err != nil {
			return fmt.Errorf("veth peer: %w", err)
		}
		if err := finishPeer(ph, spec); err != nil {
			return fmt.Errorf("veth peer: %w", err)
		}
	}
	l, err := h.LinkByName(KernelName(spec.Name))
	if err != nil {
		return fmt.Errorf("look up new link: %w", err)
	}
	if spec.Alias != "" {
		if err := h.LinkSetAlias(l, spec.Alias); err != nil {
			return fmt.Errorf("set alias: %w", err)
		}
	}
	if spec.Master != "" {
		m, err := linkByName(h, spec.Master)
		if err != nil {
			return fmt.Errorf("master: %w", err)
		}
		if err := h.LinkSetMasterByIndex(l, m.Attrs().Index); err != nil {
			return fmt.Errorf("set master %q: %w", spec.Master, err)
		}
	}
	if spec.Up {
		if err := h.LinkSetUp(l); err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		if fresh, err := h.LinkByIndex(l.Attrs().Index); err == nil {
			ns.waitVethUp(h, fresh)
		}
	}
	return nil
}

// finishPeer applies the alias, master and up state of a veth's peer,
// through the handle of the peer's namespace.
func finishPeer(h *netlink.Handle, spec LinkSpec) error {
	kernel := KernelName(spec.Peer)
	l, err := h.LinkByName(kernel)
	if err != nil {
		return fmt.Errorf("look up %q: %w", kernel, err)
	}
	if spec.PeerAlias != "" {
		if err := h.LinkSetAlias(l, spec.PeerAlias); err != nil {
			return fmt.Errorf("set alias: %w", err)
		}
	}
	if spec.PeerMaster != "" {
		if err := setMaster(h, l, spec.PeerMaster); err != nil {
			return err
		}
	}
	if spec.Up {
		if err := h.LinkSetUp(l); err != nil {
			return fmt.Errorf("set %q up: %w", kernel, err)
		}
	}
	return nil
}

// Veth creates a veth pair with one end, aName, in a and the other, bName,
// created directly in b (the peer never appears in a). a and b may be the
// same namespace. On any failure nothing is left behind.
//
// Equivalent to: `ip -n A link add A_NAME type veth peer name B_NAME netns B`
func Veth(a *Namespace, aName string, b *Namespace, bName string, opts VethOptions) error {
	_, err := a.LinkAdd(LinkSpec{Name: aName, Type: "veth", Peer: bName, PeerNetns: b, MTU: opts.MTU, Up: opts.Up})
	if err != nil {
		var oe *OpError
		if errors.As(err, &oe) {
			oe.Op = "veth"
		}
	}
	return err
}
