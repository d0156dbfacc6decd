package core

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Link is one network interface of a namespace, as nssh reports it.
type Link struct {
	Name       string   // the name nssh was given: the long altname when the kernel name is KernelName's short form
	KernelName string   // the kernel's name (IFLA_IFNAME)
	Index      int      // ifindex, unique within the namespace
	Type       string   // "veth", "bridge", "vlan", "macvlan", "vxlan", "dummy", "loopback" (lo), "device" (physical), ...
	Up         bool     // administratively up (IFF_UP)
	MTU        int      //
	Address    string   // MAC address, "" when the link has none
	Master     string   // name of the master (bridge) or ""
	Alias      string   // ifalias, "" when unset
	AltNames   []string // alternative names
}

// wireErr wraps a failed wiring operation on ns; text, when set, is the
// message a user sees (luabind and the CLI print it).
// A text equal to err.Error() loses its trailing errno text (": invalid
// argument"), which the code field already says.
func wireErr(op string, ns *Namespace, err error, text string) error {
	var oe *OpError
	if errors.As(err, &oe) {
		return err // already wrapped (namespace gone, ...)
	}
	switch errno := Errno(err); {
	case text == "":
		text = Strerror(err)
	case text == err.Error() && errno != 0:
		text = strings.TrimSuffix(text, ": "+errno.Error())
	}
	return newOpError(op, ns.Name, err, text)
}

// linkByName finds a link by its name or altname (the kernel resolves
// names longer than 15 bytes through IFLA_ALT_IFNAME).
func linkByName(h *netlink.Handle, name string) (netlink.Link, error) {
	if err := validLinkName(name); err != nil {
		return nil, err
	}
	l, err := h.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return nil, fmt.Errorf("link %q not found: %w", name, unix.ENODEV)
		}
		return nil, fmt.Errorf("look up link %q: %w", name, err)
	}
	return l, nil
}

// lookupLink is linkByName with the error in wireErr form.
func (ns *Namespace) lookupLink(op, dev string) (*netlink.Handle, netlink.Link, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, nil, err
	}
	defer release()
	l, err := linkByName(h, dev)
	if err != nil {
		if errors.Is(err, unix.ENODEV) {
			return nil, nil, wireErr(op, ns, err, fmt.Sprintf("Cannot find device %q", dev))
		}
		return nil, nil, wireErr(op, ns, err, err.Error())
	}
	return h, l, nil
}

// Link returns the link called dev (name or altname), or nil and no error
// when there is none.
//
// Equivalent to: `ip -n NS link show dev DEV`
func (ns *Namespace) Link(dev string) (*Link, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	defer release()
	l, err := linkByName(h, dev)
	if errors.Is(err, unix.ENODEV) {
		return nil, nil
	}
	if err != nil {
		return nil, wireErr("link show", ns, err, err.Error())
	}
	masters := map[int]string{}
	if idx := l.Attrs().MasterIndex; idx != 0 {
		if m, err := h.LinkByIndex(idx); err == nil {
			masters[idx] = displayName(m.Attrs().Name, m.Attrs().AltNames)
		}
	}
	out := toLink(l, masters)
	return &out, nil
}

// Links lists the links of the namespace in ifindex order.
//
// Equivalent to: `ip -n NS link show`
func (ns *Namespace) Links() ([]Link, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	defer release()
	list, names, err := linkNames(h)
	if err != nil {
		return nil, wireErr("link show", ns, err, "")
	}
	return toLinks(list, names), nil
}

// linkNames dumps the links and maps their indexes to the names nssh
// reports (see displayName).
func linkNames(h *netlink.Handle) ([]netlink.Link, map[int]string, error) {
	list, err := retryDump(h.LinkList)
	if err != nil {
		return nil, nil, fmt.Errorf("list links: %w", err)
	}
	names := make(map[int]string, len(list))
	for _, l := range list {
		names[l.Attrs().Index] = displayName(l.Attrs().Name, l.Attrs().AltNames)
	}
	return list, names, nil
}

// toLinks converts a link dump, in ifindex order.
func toLinks(list []netlink.Link, names map[int]string) []Link {
	out := make([]Link, 0, len(list))
	for _, l := range list {
		out = append(out, toLink(l, names))
	}
	slices.SortFunc(out, func(a, b Link) int { return a.Index - b.Index })
	return out
}

func toLink(l netlink.Link, names map[int]string) Link {
	a := l.Attrs()
	out := Link{
		Name:       displayName(a.Name, a.AltNames),
		KernelName: a.Name,
		Index:      a.Index,
		Type:       linkType(l),
		Up:         a.Flags&net.FlagUp != 0,
		MTU:        a.MTU,
		Alias:      a.Alias,
		AltNames:   slices.Clone(a.AltNames),
		Master:     names[a.MasterIndex],
	}
	if len(a.HardwareAddr) > 0 {
		out.Address = a.HardwareAddr.String()
	}
	return out
}

// linkType is the link's kind ("veth", "bridge", ...); the loopback
// device, which has none, is "loopback" (`ip link` says link/loopback).
func linkType(l netlink.Link) string {
	if l.Attrs().Flags&net.FlagLoopback != 0 {
		return "loopback"
	}
	return l.Type()
}

// LinkDel deletes the link dev (a veth pair goes with either end).
//
// Equivalent to: `ip -n NS link del DEV`
func (ns *Namespace) LinkDel(dev string) error {
	h, l, err := ns.lookupLink("link del", dev)
	if err != nil {
		return err
	}
	if err := h.LinkDel(l); err != nil {
		return wireErr("link del", ns, fmt.Errorf("delete link %q: %w", dev, err), "")
	}
	return nil
}

// addAltName gives a link created under KernelName(name) its long name.
func addAltName(h *netlink.Handle, kernel, name string) error {
	if kernel == name {
		return nil
	}
	l, err := h.LinkByName(kernel)
	if err != nil {
		return fmt.Errorf("look up new link %q: %w", kernel, err)
	}
	if err := h.LinkAddAltName(l, name); err != nil {
		return fmt.Errorf("add altname %q: %w", name, err)
	}
	return nil
}
