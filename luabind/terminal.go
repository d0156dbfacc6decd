package luabind

import "sync"

// terminalChildren tracks the commands started with inherit=true. They
// share nssh's terminal, so a Ctrl-C reaches them directly from the
// terminal and is theirs to handle: bash and ping catch it and go on or
// exit normally, sleep dies of it. nssh then acts as a shell does: it
// stops the chunk only if the command died of the SIGINT.
type terminalChildren struct {
	mu      sync.Mutex
	running int
	pending func() // an interrupt held back until they end
}

// Interrupt delivers a Ctrl-C (SIGINT) meant for the running chunk: cancel
// is called at once, unless a command started with inherit=true is
// running. Then cancel is called when that command ends, and only if it
// died of the SIGINT. Call it from the signal handler of the REPL or the
// script runner.
func (b *Binding) Interrupt(cancel func()) {
	t := &b.term
	t.mu.Lock()
	if t.running == 0 {
		t.mu.Unlock()
		cancel()
		return
	}
	t.pending = cancel
	t.mu.Unlock()
}

// start notes that commands sharing the terminal are about to run.
func (t *terminalChildren) start() {
	t.mu.Lock()
	t.running++
	t.mu.Unlock()
}

// end notes that they ended, and runs a held-back interrupt if one of them
// died of SIGINT.
func (t *terminalChildren) end(diedOfSIGINT bool) {
	t.mu.Lock()
	t.running--
	var cancel func()
	if t.running == 0 {
		if diedOfSIGINT {
			cancel = t.pending
		}
		t.pending = nil
	}
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}
