package core

// Snapshot is the wiring of one namespace at one moment: what Links,
// Addrs and Routes report, read with one link dump so that names agree.
type Snapshot struct {
	Links  []Link  // in ifindex order
	Addrs  []Addr  // IPv4 then IPv6
	Routes []Route // every table but local, main first
}

// Snapshot reads the links, addresses and routes of the namespace, each
// dump repeated when a concurrent change interrupted it.
//
// Equivalent to: `ip -n NS link; ip -n NS addr; ip -n NS route show table all`
func (ns *Namespace) Snapshot() (*Snapshot, error) {
	h, release, err := ns.Handle()
	if err != nil {
		return nil, err
	}
	defer release()
	list, names, err := linkNames(h)
	if err != nil {
		return nil, wireErr("snapshot", ns, err, "")
	}
	s := &Snapshot{Links: toLinks(list, names)}
	if s.Addrs, err = listAddrs(h, nil, names); err != nil {
		return nil, wireErr("snapshot", ns, err, "")
	}
	if s.Routes, err = listRoutes(h, names); err != nil {
		return nil, wireErr("snapshot", ns, err, "")
	}
	return s, nil
}
