package lab

import (
	"time"

	"github.com/nssh/nssh/core"
)

// Hooks for the tests of package lab_test.
var (
	StartProgress = startProgress
	ProcStart     = procStart
)

// Step and Stop drive a progress line from a test.
func (p *progress) Step() { p.step() }
func (p *progress) Stop() { p.stop() }

// SetProgressDelay changes how long an operation runs before its progress
// line shows; the returned function restores it.
func SetProgressDelay(d time.Duration) (restore func()) {
	old := progressDelay
	progressDelay = d
	return func() { progressDelay = old }
}

// SetAfterRound sets a function Converge calls after each round; the
// returned function removes it.
func SetAfterRound(f func(n int)) (restore func()) {
	afterRound = f
	return func() { afterRound = nil }
}

// SetHostLimits replaces what Up reads as the host's limits; the returned
// function restores the real ones.
func SetHostLimits(f func(hosts int) []core.HostLimit) (restore func()) {
	old := hostLimits
	hostLimits = f
	return func() { hostLimits = old }
}
