package core

// Test hooks for the external tests of package core_test.

// SetNetlinkRcvBufForTest sets the receive buffer of new netlink
// subscriptions and returns the previous value.
func SetNetlinkRcvBufForTest(n int) int {
	old := nlRcvBuf
	nlRcvBuf = n
	return old
}

// NetlinkOverrunsForTest returns how many subscription overruns were
// recovered so far.
func NetlinkOverrunsForTest() int64 { return nlOverruns.Load() }
