package luabind

import (
	"context"
	"fmt"
	"time"

	"github.com/nssh/nssh/core"
)

// procKey is the source key of the "output" and "exit" events. Its
// watcher, once started, runs until the binding closes: the channel it
// reads is shared by every spawned process.
const procKey = "proc"

// wantsOutput reports whether an "output" handler takes lines of pid.
func (t *procTable) wantsOutput(pid int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wantOut[0] > 0 || t.wantOut[pid] > 0
}

// wantsExit reports whether exits are to be queued.
func (t *procTable) wantsExit() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wantExit > 0 || t.notices
}

// handlerAdded and handlerRemoved keep the counts of output and exit
// handlers (pid 0: a handler for every process).
func (t *procTable) handlerAdded(kind string, pid, delta int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch kind {
	case "output":
		t.wantOut[pid] += delta
		if t.wantOut[pid] <= 0 {
			delete(t.wantOut, pid)
		}
	case "exit":
		t.wantExit += delta
	}
}

// startProcEvents arms the watcher of output and exit events.
func (b *Binding) startProcEvents() error {
	return b.ev.start(procKey, func(context.Context) (<-chan core.Event, error) {
		return b.procs.events, nil
	})
}

// forward runs for each spawned process until its output ended and it
// exited: it turns its lines into "output" events while a handler wants
// them (lines that came while none did are skipped), then queues its
// "exit" event when wanted. The process never waits for it: lines live in
// the process's bounded buffer until forward reads them.
func (b *Binding) forward(pr *proc) {
	t := b.procs
	pid := pr.p.Pid()
	var cursor uint64
	exited := false
	for {
		done := isDone(pr.p.Done())
		lines, next, changed, eof := pr.p.LinesSince(cursor, core.Stdout, core.Stderr)
		cursor = next
		if len(lines) > 0 && t.wantsOutput(pid) {
			for _, l := range lines {
				if !b.sendProcEvent(outputEvent(pr, l)) {
					return
				}
			}
		}
		if done && !exited {
			exited = true
			if !pr.p.GroupAlive() {
				t.remove(pr)
			}
			if t.wantsExit() && !b.sendProcEvent(exitEvent(pr)) {
				return
			}
		}
		if exited && eof {
			return
		}
		var doneCh <-chan struct{}
		if !exited {
			doneCh = pr.p.Done()
		}
		select {
		case <-changed:
		case <-doneCh:
		case <-b.ctx.Done():
			return
		}
	}
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// sendProcEvent queues ev; false when the binding closed.
func (b *Binding) sendProcEvent(ev core.Event) bool {
	if b.startProcEvents() != nil {
		return false
	}
	select {
	case b.procs.events <- ev:
		return true
	case <-b.ctx.Done():
		return false
	}
}

func outputEvent(pr *proc, l core.Line) core.Event {
	attrs := map[string]any{"pid": pr.p.Pid(), "stream": l.Stream.String(), "line": l.Text}
	if pr.p.Name != "" {
		attrs["name"] = pr.p.Name
	}
	return core.Event{Kind: "output", Netns: pr.p.Netns, Time: time.Now(), Attrs: attrs}
}

func exitEvent(pr *proc) core.Event {
	res, _ := pr.p.Wait(context.Background())
	attrs := map[string]any{"pid": pr.p.Pid(), "code": res.Code}
	if res.Signal != 0 {
		attrs["signal"] = res.Signal
	}
	if pr.p.Name != "" {
		attrs["name"] = pr.p.Name
	}
	return core.Event{Kind: "exit", Netns: pr.p.Netns, Time: time.Now(), Attrs: attrs}
}

// procNotice is the one-line form of an output or exit event.
func procNotice(ev core.Event) string {
	who := fmt.Sprintf("pid %v", ev.Attrs["pid"])
	if name, ok := ev.Attrs["name"]; ok {
		who += fmt.Sprintf(" (%v)", name)
	}
	if ev.Kind == "output" {
		return fmt.Sprintf("[output] %s in %s %v: %v", who, ev.Netns, ev.Attrs["stream"], ev.Attrs["line"])
	}
	if sig, ok := ev.Attrs["signal"].(int); ok {
		return fmt.Sprintf("[exit] %s in %s: killed by signal %d", who, ev.Netns, sig)
	}
	return fmt.Sprintf("[exit] %s in %s: code %v", who, ev.Netns, ev.Attrs["code"])
}
