package core

import (
	"fmt"
	"math"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// LinkChange lists the attributes LinkSet changes; zero values and nil
// pointers leave an attribute as it is.
type LinkChange struct {
	Up      *bool      // true: up, false: down
	MTU     int        // > 0: new MTU
	Master  *string    // bridge to enslave to; "" releases (nomaster)
	Address string     // new MAC address
	Name    string     // new name (long names as in LinkAdd)
	Alias   *string    // new ifalias; "" clears it
	Netns   *Namespace // move the link into this namespace (changes then apply there)
}

// LinkSet changes the link dev. Every input is checked before anything
// changes; the changes are then applied in the order netns, name, address,
// mtu, alias, master, up (down first when Up is false).
//
// Equivalent to: `ip -n NS link set dev DEV [netns N] [name N] [address A]
// [mtu M] [alias A] [master B | nomaster] [up | down]`
func (ns *Namespace) LinkSet(dev string, ch LinkChange) error {
	h, l, err := ns.lookupLink("link set", dev)
	if err != nil {
		return err
	}
	plan, err := ns.planLinkSet(h, dev, ch)
	if err != nil {
		return wireErr("link set", ns, err, err.Error())
	}
	if err := plan.apply(h, l); err != nil {
		return wireErr("link set", ns, fmt.Errorf("set %q: %w", dev, err), "")
	}
	return nil
}

// linkSetPlan is a validated LinkChange.
type linkSetPlan struct {
	ch       LinkChange
	mac      net.HardwareAddr
	target   *Namespace // where name/master/up apply (ns, or ch.Netns)
	targetFd int        // fd of ch.Netns, -1 when not moving
}

func (ns *Namespace) planLinkSet(h *netlink.Handle, dev string, ch LinkChange) (*linkSetPlan, error) {
	p := &linkSetPlan{ch: ch, target: ns, targetFd: -1}
	if ch.MTU < 0 || ch.MTU > math.MaxInt32 { // the kernel's is an int: a larger one would wrap
		return nil, fmt.Errorf("invalid mtu %d: %w", ch.MTU, unix.EINVAL)
	}
	if ch.Name != "" {
		if err := validLinkName(ch.Name); err != nil {
			return nil, err
		}
	}
	if ch.Address != "" {
		mac, err := net.ParseMAC(ch.Address)
		if err != nil {
			return nil, fmt.Errorf("invalid address %q: %w", ch.Address, unix.EINVAL)
		}
		p.mac = mac
	}
	if ch.Netns != nil && !ch.Netns.Same(ns) {
		p.target = ch.Netns
	}
	if ch.Master != nil && *ch.Master != "" {
		th, release, err := p.target.Handle()
		if err != nil {
			return nil, err
		}
		defer release()
		if _, err := linkByName(th, *ch.Master); err != nil {
			return nil, fmt.Errorf("master: %w", err)
		}
	}
	if p.target != ns {
		fd, err := p.target.openChecked()
		if err != nil {
			return nil, err
		}
		p.targetFd = fd
	}
	return p, nil
}

func (p *linkSetPlan) apply(h *netlink.Handle, l netlink.Link) error {
	ch := p.ch
	if p.targetFd >= 0 {
		err := h.LinkSetNsFd(l, p.targetFd)
		unix.Close(p.targetFd)
		if err != nil {
			return fmt.Errorf("move to %s: %w", p.target.Name, err)
		}
		th, release, err := p.target.Handle()
		if err != nil {
			return err
		}
		defer release()
		if l, err = th.LinkByIndex(l.Attrs().Index); err != nil {
			return fmt.Errorf("find moved link: %w", err)
		}
		h = th
	}
	if ch.Up != nil && !*ch.Up {
		if err := h.LinkSetDown(l); err != nil {
			return fmt.Errorf("down: %w", err)
		}
	}
	if ch.Name != "" {
		if err := rename(h, l, ch.Name); err != nil {
			return err
		}
	}
	if p.mac != nil {
		if err := h.LinkSetHardwareAddr(l, p.mac); err != nil {
			return fmt.Errorf("address: %w", err)
		}
	}
	if ch.MTU > 0 {
		if err := h.LinkSetMTU(l, ch.MTU); err != nil {
			return fmt.Errorf("mtu: %w", err)
		}
	}
	if ch.Alias != nil {
		if err := h.LinkSetAlias(l, *ch.Alias); err != nil {
			return fmt.Errorf("alias: %w", err)
		}
	}
	if ch.Master != nil {
		if err := setMaster(h, l, *ch.Master); err != nil {
			return err
		}
	}
	if ch.Up != nil && *ch.Up {
		if err := h.LinkSetUp(l); err != nil {
			return fmt.Errorf("up: %w", err)
		}
		if fresh, err := h.LinkByIndex(l.Attrs().Index); err == nil {
			p.target.waitVethUp(h, fresh)
		}
	}
	return nil
}

// rename sets the kernel name KernelName(name), moves the long altname
// along, and removes the old long altname nssh had added.
func rename(h *netlink.Handle, l netlink.Link, name string) error {
	old := displayName(l.Attrs().Name, l.Attrs().AltNames)
	if old == name {
		return nil
	}
	if err := h.LinkSetName(l, KernelName(name)); err != nil {
		return fmt.Errorf("rename to %q: %w", name, err)
	}
	if old != l.Attrs().Name {
		if err := h.LinkDelAltName(l, old); err != nil {
			return fmt.Errorf("drop altname %q: %w", old, err)
		}
	}
	if KernelName(name) != name {
		if err := h.LinkAddAltName(l, name); err != nil {
			return fmt.Errorf("add altname %q: %w", name, err)
		}
	}
	return nil
}

func setMaster(h *netlink.Handle, l netlink.Link, master string) error {
	if master == "" {
		if err := h.LinkSetNoMaster(l); err != nil {
			return fmt.Errorf("nomaster: %w", err)
		}
		return nil
	}
	m, err := linkByName(h, master)
	if err != nil {
		return fmt.Errorf("master: %w", err)
	}
	if err := h.LinkSetMasterByIndex(l, m.Attrs().Index); err != nil {
		return fmt.Errorf("master %q: %w", master, err)
	}
	return nil
}
