package main

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// stdioBlock is glibc's buffer size for stdout on a pipe or file.
const stdioBlock = 4096

// ipStdout emulates ip's C stdout so that the interleaving with the
// unbuffered stderr is the same as ip's: line-buffered on a terminal,
// block-buffered (4 KiB) otherwise, written out on Flush (ip's explicit
// fflush calls and exit).
type ipStdout struct {
	w    io.Writer
	buf  []byte
	line bool // stdout is a terminal
}

func newIPStdout(w io.Writer) *ipStdout {
	o := &ipStdout{w: w}
	if f, ok := w.(*os.File); ok {
		_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
		o.line = err == nil
	}
	return o
}

// Write buffers p, writing out what C stdio would write at this point.
func (o *ipStdout) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	if o.line {
		if i := bytes.LastIndexByte(o.buf, '\n'); i >= 0 {
			o.emit(i + 1)
		}
		return len(p), nil
	}
	for len(o.buf) >= stdioBlock {
		o.emit(stdioBlock)
	}
	return len(p), nil
}

func (o *ipStdout) WriteString(s string) (int, error) { return o.Write([]byte(s)) }

// Flush writes out everything buffered (fflush(stdout)).
func (o *ipStdout) Flush() { o.emit(len(o.buf)) }

func (o *ipStdout) emit(n int) {
	if n == 0 {
		return
	}
	o.w.Write(o.buf[:n]) // like stdio, a failed write loses the data silently
	o.buf = append(o.buf[:0], o.buf[n:]...)
}
