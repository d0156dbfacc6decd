package core

import (
	"bytes"
	"strings"
	"testing"
)

// The buffer keeps the last RingBytes of output whatever the line length:
// short lines are not charged more than their bytes (spec: "the last
// 1 MiB"), and the memory they take stays near that.
func TestLineRingKeepsLastMiBOfShortLines(t *testing.T) {
	for _, line := range []string{"y", "", "0123456789"} {
		r := newLineRing()
		r.open(Stdout)
		chunk := bytes.Repeat([]byte(line+"\n"), 4096)
		written := 0
		for written < 3*RingBytes {
			r.write(Stdout, chunk)
			written += len(chunk)
		}
		r.write(Stdout, []byte("last\n"))
		r.close(Stdout)
		out := r.text(Stdout)
		if len(out) > RingBytes || len(out) < RingBytes-len(line)-1 || !strings.HasSuffix(out, line+"\nlast\n") {
			t.Errorf("lines %q: kept %d bytes (want the last %d), tail %q", line, len(out), RingBytes, out[max(0, len(out)-20):])
		}
		want := int64((written + 5 - len(out)) / (len(line) + 1)) // whole lines dropped
		if d := r.droppedLines(); d < want-1 || d > want+1 {
			t.Errorf("lines %q: dropped %d, want about %d", line, d, want)
		}
		b := &r.buf[Stdout]
		if held := cap(b.text) + 4*cap(b.ends) + 8*cap(b.seqs); held > 40*RingBytes {
			t.Errorf("lines %q: %d bytes of buffers for %d of output", line, held, RingBytes)
		}
	}
}

// Lines come back in order across both streams, from any Seq on, and the
// dropped ones are skipped.
func TestLineRingSinceAcrossStreams(t *testing.T) {
	r := newLineRing()
	r.open(Stdout)
	r.open(Stderr)
	r.write(Stdout, []byte("a\nb\n"))
	r.write(Stderr, []byte("E\n"))
	r.write(Stdout, []byte("c\n"))
	lines, next, _, eof := r.since(1, Stdout, Stderr)
	var got []string
	for _, l := range lines {
		got = append(got, l.Stream.String()+":"+l.Text)
	}
	if strings.Join(got, " ") != "stdout:b stderr:E stdout:c" || next != 4 || eof {
		t.Fatalf("since(1) = %q next %d eof %v", got, next, eof)
	}
	if lines, _, _, _ := r.since(4, Stdout, Stderr); len(lines) != 0 {
		t.Fatalf("since(4) = %v", lines)
	}
}
