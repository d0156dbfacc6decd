package core

import (
	"errors"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// pipeReader copies the read end of a child's output pipe into sink on
// its own goroutine, so the child never waits for nssh. flush takes in
// what the child wrote before it exited without waiting for EOF, which a
// background child still holding the pipe may delay forever.
type pipeReader struct {
	f    *os.File
	sink func([]byte)
	end  func() // called once when reading stops

	mu      sync.Mutex
	flushed chan struct{} // non-nil while a flush is asked for
	stop    bool          // stop reading after the flush
	done    chan struct{}
}

// newPipeReader makes a pipe, starts reading its read end into sink and
// returns the write end for the child. The caller closes the write end
// once the child has it.
func newPipeReader(sink func([]byte), end func()) (*pipeReader, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	p := &pipeReader{f: r, sink: sink, end: end, done: make(chan struct{})}
	go p.run()
	return p, w, nil
}

func (p *pipeReader) run() {
	defer close(p.done)
	defer p.f.Close()
	if p.end != nil {
		defer p.end()
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := p.f.Read(buf)
		if n > 0 {
			p.sink(buf[:n])
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
			p.f.SetReadDeadline(time.Time{})
			eof := p.drain(buf)
			p.mu.Lock()
			close(p.flushed)
			p.flushed = nil
			stop := p.stop
			p.mu.Unlock()
			if eof || stop {
				return
			}
		default:
			return // EOF, or the file was closed
		}
	}
}

// drain reads what the pipe holds right now (never more: writers may go
// on writing) and reports whether it reached EOF.
func (p *pipeReader) drain(buf []byte) (eof bool) {
	rc, err := p.f.SyscallConn()
	if err != nil {
		return true
	}
	rc.Read(func(fd uintptr) bool {
		avail, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ)
		if err != nil {
			return true
		}
		for avail > 0 {
			n, err := unix.Read(int(fd), buf[:min(avail, len(buf))])
			if err == unix.EINTR {
				continue
			}
			if n <= 0 || err != nil {
				eof = n == 0 && err == nil
				return true
			}
			p.sink(buf[:n])
			avail -= n
		}
		return true
	})
	return eof
}

// flush returns once everything written to the pipe before the call is in
// the sink. With stop, reading ends there (the read end is closed, so
// later writers get EPIPE); otherwise it goes on until EOF.
func (p *pipeReader) flush(stop bool) {
	p.mu.Lock()
	select {
	case <-p.done:
		p.mu.Unlock()
		return
	default:
	}
	if p.flushed == nil {
		p.flushed = make(chan struct{})
	}
	p.stop = p.stop || stop
	ch := p.flushed
	p.f.SetReadDeadline(time.Unix(1, 0))
	p.mu.Unlock()
	select {
	case <-ch:
	case <-p.done:
	}
	if stop {
		<-p.done
	}
}
