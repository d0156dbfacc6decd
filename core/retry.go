package core

import (
	"errors"

	"github.com/vishvananda/netlink"
)

// dumpAttempts bounds how often a netlink dump is repeated when the kernel
// reports that the object list changed while it was being dumped.
const dumpAttempts = 5

// retryDump runs a netlink dump again while it fails with
// netlink.ErrDumpInterrupted (NLM_F_DUMP_INTR: the list changed during the
// dump, so the partial result may be wrong), up to dumpAttempts times. The
// last interrupted result is returned with the error still set, so that a
// caller never mistakes a torn dump for a complete one.
//
// Same idea as containernetworking/plugins pkg/netlinksafe.
func retryDump[T any](dump func() (T, error)) (T, error) {
	var (
		res T
		err error
	)
	for range dumpAttempts {
		res, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return res, err
		}
	}
	return res, err
}
