package core

import (
	"bytes"
	"sort"
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
	// newest lines, 1 MiB of output (text and newlines) per stream.
	RingBytes = 1 << 20
	// maxLineBytes splits longer lines, so that one endless line cannot
	// grow without bound.
	maxLineBytes = 64 << 10
)

// streamLines holds the buffered lines of one stream compactly: their
// text back to back in one byte slice, and per line only where it ends
// and its Seq (12 bytes), so that RingBytes of output costs about that
// much memory whatever the line lengths (a flood of empty lines costs at
// most 12 bytes each, 12 MiB for a full buffer of them).
type streamLines struct {
	text []byte   // the lines' text, without newlines, back to back
	ends []int32  // ends[i]: where line i's text ends in text
	seqs []uint64 // seqs[i]: line i's Seq
	head int      // lines before head were dropped
	size int      // output held by the live lines: text plus a newline each
}

func (b *streamLines) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(b.ends[i-1])
}

func (b *streamLines) line(i int) string { return string(b.text[b.start(i):b.ends[i]]) }

func (b *streamLines) live() int { return len(b.ends) - b.head }

// add appends a line and drops the oldest ones while the stream holds more
// than RingBytes (never the line just added); it returns how many it
// dropped.
func (b *streamLines) add(seq uint64, text []byte) (dropped int) {
	b.text = append(b.text, text...)
	b.ends = append(b.ends, int32(len(b.text)))
	b.seqs = append(b.seqs, seq)
	b.size += len(text) + 1
	for b.size > RingBytes && b.live() > 1 {
		b.size -= int(b.ends[b.head]) - b.start(b.head) + 1
		b.head++
		dropped++
	}
	if b.head > 1024 && b.head > len(b.ends)/2 { // compact, amortised O(1)
		cut := b.start(b.head)
		b.text = append(b.text[:0], b.text[cut:]...)
		n := copy(b.ends, b.ends[b.head:])
		for i := range n {
			b.ends[i] -= int32(cut)
		}
		b.ends = b.ends[:n]
		b.seqs = b.seqs[:copy(b.seqs, b.seqs[b.head:])]
		b.head = 0
	}
	return dropped
}

// from returns the live lines with Seq >= seq.
func (b *streamLines) from(s Stream, seq uint64) []Line {
	i := b.head + sort.Search(b.live(), func(k int) bool { return b.seqs[b.head+k] >= seq })
	out := make([]Line, 0, len(b.ends)-i)
	for ; i < len(b.ends); i++ {
		out = append(out, Line{Seq: b.seqs[i], Stream: s, Text: b.line(i)})
	}
	return out
}

// lineRing keeps the newest lines of each stream within RingBytes each.
// Writers (pipe readers) never block on readers: when a stream is over its
// budget the oldest lines go, counted in dropped.
type lineRing struct {
	mu      sync.Mutex
	next    uint64 // Seq of the next line
	buf     [3]streamLines
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
				r.addLocked(s, r.partial[s][:maxLineBytes])
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
			r.addLocked(s, line[:maxLineBytes])
			line = line[maxLineBytes:]
		}
		r.addLocked(s, line)
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
		r.addLocked(s, r.partial[s])
		r.partial[s] = nil
		r.noEOL[s] = true
	}
	r.eof[s] = true
	r.notifyLocked()
}

func (r *lineRing) addLocked(s Stream, text []byte) {
	r.dropped += int64(r.buf[s].add(r.next, text))
	r.next++
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
		lines = append(lines, r.buf[s].from(s, seq)...)
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
// newline (the last one only if the stream had it), then a partial last
// line.
func (r *lineRing) text(s Stream) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := &r.buf[s]
	var sb strings.Builder
	sb.Grow(b.size + len(r.partial[s]))
	for i := b.head; i < len(b.ends); i++ {
		sb.Write(b.text[b.start(i):b.ends[i]])
		if i < len(b.ends)-1 || !r.noEOL[s] {
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
