package core

// WaitAddrsUsable waits until the kernel of ns receives packets for the
// IPv6 addresses in addrs (see the function WaitAddrsUsable); addresses added with
// AddrAddNoWait are usable once it returns.
func (ns *Namespace) WaitAddrsUsable(addrs []LinkAddr) error {
	h, release, err := ns.Handle()
	if err != nil {
		return err
	}
	defer release()
	return WaitAddrsUsable(h, addrs)
}

// WaitLinksSettled waits until the links of ns that are up with a carrier
// forward (see the function WaitLinksSettled).
func (ns *Namespace) WaitLinksSettled() error {
	h, release, err := ns.Handle()
	if err != nil {
		return err
	}
	defer release()
	return WaitLinksSettled(h)
}
