package lab

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// createNetns makes the namespace RunDir/NAME like `ip netns add NAME`,
// but marks it (alias of lo) and brings lo up while the new namespace is
// still private to this thread, before the bind mount makes it visible: a
// lab namespace is never seen without its marker. It returns a netlink
// handle bound to the new namespace, which the caller closes.
//
// The caller has run cfg.PrepareRunDir. On failure nothing is left.
//
// Equivalent to: `ip netns add NAME; ip -n NAME link set lo alias MARKER up`
func createNetns(cfg core.Config, name, marker string) (*core.Namespace, *netlink.Handle, error) {
	path := cfg.Path(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, &core.OpError{Op: "add", Name: name, Err: err}
	}
	unix.Close(fd)
	var h *netlink.Handle
	err = core.InNewNetns(func() error {
		var err error
		if h, err = netlink.NewHandle(unix.NETLINK_ROUTE); err != nil {
			return fmt.Errorf("netlink socket: %w", err)
		}
		lo, err := h.LinkByName("lo")
		if err == nil {
			err = h.LinkSetAlias(lo, marker)
		}
		if err == nil {
			err = h.LinkSetUp(lo)
		}
		if err == nil {
			err = unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, "")
		}
		return err
	})
	if err != nil {
		if h != nil {
			h.Close()
		}
		_ = unix.Unmount(path, unix.MNT_DETACH)
		_ = unix.Unlink(path)
		return nil, nil, &core.OpError{Op: "add", Name: name, Err: err}
	}
	ns, err := cfg.Open(name)
	if err != nil {
		h.Close()
		return nil, nil, err
	}
	return ns, h, nil
}

// nsOwner returns the lab marker of an existing namespace (the alias of
// its lo), "" when it has none.
func nsOwner(ns *core.Namespace) (string, error) {
	h, err := ns.Handle()
	if err != nil {
		return "", err
	}
	lo, err := h.LinkByName("lo")
	if err != nil {
		return "", &core.OpError{Op: "link show", Name: ns.Name, Err: fmt.Errorf("lo: %w", err)}
	}
	return lo.Attrs().Alias, nil
}

// nsKind classifies RunDir/NAME before a lab touches it.
type nsKind int

const (
	nsMissing     nsKind = iota // no such entry
	nsOwned                     // a namespace with the lab's marker
	nsForeign                   // a namespace without it
	nsPlaceholder               // an empty regular file: an add that never completed
	nsOther                     // anything else (a directory, a file with data)
)

// classify looks at RunDir/NAME and, for a namespace, at its marker.
func classify(cfg core.Config, name, marker string) (nsKind, *core.Namespace, error) {
	ns, err := cfg.Open(name)
	if err == nil {
		owner, err := nsOwner(ns)
		if err != nil {
			return nsOther, nil, err
		}
		if owner == marker {
			return nsOwned, ns, nil
		}
		return nsForeign, ns, nil
	}
	fi, serr := os.Lstat(cfg.Path(name))
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		return nsMissing, nil, nil
	case serr != nil:
		return nsOther, nil, serr
	case fi.Mode().IsRegular() && fi.Size() == 0:
		return nsPlaceholder, nil, nil
	}
	return nsOther, nil, nil
}

// deleteNetns removes the name of an owned namespace (or a placeholder
// left by an interrupted add of this lab).
//
// Equivalent to: `ip netns del NAME`
func deleteNetns(cfg core.Config, name string) error {
	return cfg.Delete(name)
}
