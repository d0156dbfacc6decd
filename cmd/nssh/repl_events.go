package main

import (
	"fmt"
	"time"
)

// readRetry is how long idle events wait when readline is between lines.
const readRetry = 5 * time.Millisecond

// dispatchIdle runs the handlers of queued events at the prompt, and
// prints a notice for each event no handler takes. Their output goes
// through readline, which redraws the prompt line around it, but only
// while its terminal reader runs: in the moment between printing the
// prompt and reading, a write would be left after the prompt, which is
// then lost. So while readline is not reading, dispatchIdle waits and
// returns a channel to call it again on.
func (r *repl) dispatchIdle() <-chan time.Time {
	if !r.rl.Terminal.IsReading() {
		return time.After(readRetry)
	}
	r.run(true, func() { r.s.b.Dispatch(r.s.L, r.notice) })
	return nil
}

// notice prints an event no handler took, redrawing the prompt line.
func (r *repl) notice(line string) {
	fmt.Fprintln(r.out, line)
}
