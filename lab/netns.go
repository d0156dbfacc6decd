package lab

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/nssh/nssh/core"
)

// createNetns makes the namespace RunDir/NAME like `ip netns add NAME`,
// but marks it (alias of lo) and brings lo up before the bind mount makes
// it visible (core's AddWith): a lab namespace is never seen without its
// marker. Without ipv6, IPv6 is disabled first, so no interface of the
// namespace ever gets an IPv6 address. On failure nothing is left.
//
// Equivalent to: `ip netns add NAME; ip netns exec NAME sysctl -w
// net.ipv6.conf.{all,default}.disable_ipv6=1; ip -n NAME link set lo alias
// MARKER up`
func createNetns(cfg core.Config, name, marker string, ipv6 bool) (*core.Namespace, error) {
	up := true
	return cfg.AddWith(name, func(ns *core.Namespace) error {
		if !ipv6 {
			if err := disableIPv6(ns); err != nil {
				return err
			}
		}
		return ns.LinkSet("lo", core.LinkChange{Alias: &marker, Up: &up})
	})
}

// disableIPv6 turns IPv6 off in ns for lo and every later interface. A
// kernel without IPv6 (no such sysctl) has nothing to disable.
func disableIPv6(ns *core.Namespace) error {
	one := "1"
	for _, key := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6"} {
		if _, err := ns.Sysctl(key, &one); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// nsOwner returns the lab marker of an existing namespace (the alias of
// its lo), "" when it has none.
func nsOwner(ns *core.Namespace) (string, error) {
	lo, err := ns.Link("lo")
	if err != nil {
		return "", err
	}
	if lo == nil {
		return "", fmt.Errorf("no lo: %w", fs.ErrNotExist)
	}
	return lo.Alias, nil
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
	case fi.Mode().IsRegular() && cfg.IsPlaceholder(name):
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
