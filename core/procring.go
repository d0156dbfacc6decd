package core

import (
	"bytes"
	"strings"
	"sync"
)

// Stream identifies a spawned process's output stream.
type Stream int

// The output streams of a spawned process.
const (
	Stdout Stream = 1
	Stderr Stream = 2
)

func (s Stream) String() string {
	if s == Stderr {
		return "stderr"
	}
	return "stdout"
}

// Line is one line of a spawned process's output, without its newline.
// Seq numbers the lines of both streams of one process in arrival order.
type Line struct {
	Seq    uint64
	Stream Stream
	Text   string
}

// Sizes of the line buffers of a spawned process.
const (
	// RingBytes is how much of each piped stream a Process keeps: the
	// newest lines, 1 MiB per stream.
	RingBytes = 1 << 20
	// maxLineBytes splits longer lines, so that one endless line cannot
	// grow without bound.
	maxLineBytes = 64 << 10
	// lineOverhead is charged per line on top of its text, so that a
	// flood of empty lines is bounded too.
	lineOverhead = 32
)

// lineRing keeps the newest lines of each stream within RingBytes each.
// Writers (pipe readers) never block on readers: when a stream is over its
// budget the oldest lines go, counted in dropped.
type lineRing struct {
	mu      sync.Mutex
	next    uint64    // Seq of the next line
	q       [3][]Line // q[s][head[s]:] are the buffered lines of stream s
	head    [3]int
	bytes   [3]int
	partial [3][]byte
	eof     [3]bool
	noEOL   [3]bool // the stream ended in a line without a newline
	dropped int64
	changed chan struct{} // closed and replaced whenever lines or EOF arrive
}

func newLineRing() *lineRing {
	r := &lineRing{changed: make(chan struct{})}
	r.eof[Stdout], r.eof[Stderr] = true, true // until a pipe is attached
	return r
}

// open marks stream s as a pipe that will deliver lines.
func (r *lineRing) open(s Stream) {
	r.mu.Lock()
	r.eof[s] = false
	r.mu.Unlock()
}

// write splits b into lines of stream s.
func (r *lineRing) write(s Stream, b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	added := false
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			r.partial[s] = append(r.partial[s], b...)
			for len(r.partial[s]) >= maxLineBytes {
				r.addLocked(s, string(r.partial[s][:maxLineBytes]))
				r.partial[s] = append(r.partial[s][:0], r.partial[s][maxLineBytes:]...)
				added = true
			}
			break
		}
		line := b[:i]
		if len(r.partial[s]) > 0 {
			line = append(r.partial[s], line...)
			r.partial[s] = r.partial[s][:0]
		}
		for len(line) > maxLineBytes {
			r.addLocked(s, string(line[:maxLineBytes]))
			line = line[maxLineBytes:]
		}
		r.addLocked(s, string(line))
		added = true
		b = b[i+1:]
	}
	if added {
		r.notifyLocked()
	}
}

// close ends stream s: a partial last line becomes a line.
func (r *lineRing) close(s Stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.partial[s]) > 0 {
		r.addLocked(s, string(r.partial[s]))
		r.partial[s] = nil
		r.noEOL[s] = true
	}
	r.eof[s] = true
	r.notifyLocked()
}

func (r *lineRing) addLocked(s Stream, text string) {
	r.q[s] = append(r.q[s], Line{Seq: r.next, Stream: s, Text: text})
	r.next++
	r.bytes[s] += len(text) + lineOverhead
	for r.bytes[s] > RingBytes && len(r.q[s])-r.head[s] > 1 {
		r.bytes[s] -= len(r.q[s][r.head[s]].Text) + lineOverhead
		r.q[s][r.head[s]] = Line{}
		r.head[s]++
		r.dropped++
	}
	if h := r.head[s]; h > 1024 && h > len(r.q[s])/2 { // compact, amortised O(1)
		r.q[s] = append(r.q[s][:0], r.q[s][h:]...)
		r.head[s] = 0
	}
}

func (r *lineRing) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// since returns the buffered lines of the streams in want with Seq >= seq,
// in Seq order; the Seq to ask for next; a channel closed when more
// arrive; and whether every wanted stream has ended.
func (r *lineRing) since(seq uint64, want ...Stream) (lines []Line, next uint64, changed <-chan struct{}, eof bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	eof = true
	for _, s := range want {
		q := r.q[s][r.head[s]:]
		i := len(q)
		for i > 0 && q[i-1].Seq >= seq {
			i--
		}
		lines = append(lines, q[i:]...)
		eof = eof && r.eof[s]
	}
	if len(want) > 1 {
		sortLines(lines)
	}
	next = seq
	if len(lines) > 0 {
		next = lines[len(lines)-1].Seq + 1
	}
	return lines, next, r.changed, eof
}

func sortLines(l []Line) {
	for i := 1; i < len(l); i++ { // two sorted runs: insertion sort is enough
		for j := i; j > 0 && l[j].Seq < l[j-1].Seq; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// text returns what stream s kept: its buffered lines, each ended by a
// newline, then a partial last line.
func (r *lineRing) text(s Stream) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sb strings.Builder
	q := r.q[s][r.head[s]:]
	for i, l := range q {
		sb.WriteString(l.Text)
		if i < len(q)-1 || !r.noEOL[s] {
			sb.WriteByte('\n')
		}
	}
	sb.Write(r.partial[s])
	return sb.String()
}

func (r *lineRing) droppedLines() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// capBuffer keeps the first max bytes written to it and counts the rest.
type capBuffer struct {
	mu      sync.Mutex
	buf     []byte
	max     int
	dropped int64
}

func (b *capBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	room := b.max - len(b.buf)
	if room < len(p) {
		b.dropped += int64(len(p) - max(room, 0))
		p = p[:max(room, 0)]
	}
	b.buf = append(b.buf, p...)
	return n, nil
}

func (b *capBuffer) bytes() ([]byte, int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf, b.dropped
}
