package lab

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nssh/nssh/core"
)

// progressDelay is how long an Up or Down runs before a progress line shows.
var progressDelay = time.Second

// progress shows "lab NAME: up 57/400" on a terminal, rewritten in place,
// once an operation has run for progressDelay, and clears it at the end.
// A nil *progress does nothing.
type progress struct {
	w     io.Writer
	label string
	total int
	done  atomic.Int64
	stopc chan struct{}
	wg    sync.WaitGroup
	shown bool // written only by the goroutine, read after wg.Wait
}

// startProgress returns nil unless w is a terminal.
func startProgress(w io.Writer, label string, total int) *progress {
	if !isTerminal(w) || total == 0 {
		return nil
	}
	p := &progress{w: w, label: label, total: total, stopc: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	select {
	case <-p.stopc:
		return
	case <-time.After(progressDelay):
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		fmt.Fprintf(p.w, "\r\033[K%s %d/%d", p.label, p.done.Load(), p.total)
		p.shown = true
		select {
		case <-p.stopc:
			return
		case <-tick.C:
		}
	}
}

func (p *progress) step() {
	if p != nil {
		p.done.Add(1)
	}
}

// stop ends the progress line and erases it if it was shown.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.stopc)
	p.wg.Wait()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// isTerminal reports whether w is a file open on a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || w == nil {
		return false
	}
	return core.IsTerminal(f.Fd())
}
