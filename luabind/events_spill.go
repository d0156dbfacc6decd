package luabind

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/nssh/nssh/core"
)

// spillChunk is the size of the spill file's write and read buffers: the
// memory a spill holds whatever the number of events in it.
const spillChunk = 64 << 10

// spillFile is the tail of an eventQueue in an unlinked temporary file
// (in $TMPDIR, else /tmp): length-prefixed records written at the end and
// read from the front, the file emptied each time the reader catches up.
// A link event takes about 60 bytes there, against several hundred as a
// core.Event with its Attrs map in memory.
type spillFile struct {
	f       *os.File
	base    time.Time // event times are stored relative to it (monotonic)
	end     int64     // bytes written to f
	wbuf    []byte    // records not yet written to f
	roff    int64     // file offset of rbuf[0]
	rbuf    []byte    // bytes read from f, not yet decoded
	rmem    []byte    // rbuf's backing array, reused
	keys    []*watcher
	keyOf   map[*watcher]uint64
	scratch []byte
}

func newSpillFile() (*spillFile, error) {
	f, err := os.CreateTemp("", "nssh-events-*")
	if err != nil {
		return nil, fmt.Errorf("event spill file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("event spill file: %w", err)
	}
	return &spillFile{f: f, base: time.Now(), keyOf: map[*watcher]uint64{}}, nil
}

// push appends it.
func (s *spillFile) push(it queued) error {
	k, ok := s.keyOf[it.w]
	if !ok {
		k = uint64(len(s.keys))
		s.keys = append(s.keys, it.w)
		s.keyOf[it.w] = k
	}
	s.scratch = appendEvent(s.scratch[:0], k, it.ev, s.base)
	s.wbuf = binary.AppendUvarint(s.wbuf, uint64(len(s.scratch)))
	s.wbuf = append(s.wbuf, s.scratch...)
	if len(s.wbuf) >= spillChunk {
		return s.flush()
	}
	return nil
}

func (s *spillFile) flush() error {
	if len(s.wbuf) == 0 {
		return nil
	}
	n, err := s.f.WriteAt(s.wbuf, s.end)
	s.end += int64(n)
	s.wbuf = s.wbuf[:copy(s.wbuf, s.wbuf[n:])]
	return err
}

// pop removes and returns the oldest record; the caller knows there is one.
func (s *spillFile) pop() (queued, error) {
	for {
		if n, w := binary.Uvarint(s.rbuf); w > 0 && uint64(len(s.rbuf)-w) >= n {
			rec := s.rbuf[w : w+int(n)]
			k, ev, err := decodeEvent(rec, s.base)
			s.rbuf = s.rbuf[w+int(n):]
			s.roff += int64(w) + int64(n)
			if err == nil && k >= uint64(len(s.keys)) {
				err = errors.New("event spill file: bad watcher")
			}
			if err != nil {
				return queued{}, err
			}
			return queued{w: s.keys[k], ev: ev}, nil
		}
		if err := s.fill(); err != nil {
			return queued{}, err
		}
	}
}

// fill reads the next chunk after rbuf, writing out buffered records
// first when the file holds no more.
func (s *spillFile) fill() error {
	at := s.roff + int64(len(s.rbuf))
	if at >= s.end {
		if err := s.flush(); err != nil {
			return err
		}
		if at >= s.end {
			return io.ErrUnexpectedEOF
		}
	}
	kept := len(s.rbuf)
	need := kept + int(min(int64(spillChunk), s.end-at))
	if cap(s.rmem) < need {
		s.rmem = make([]byte, need)
	}
	s.rmem = s.rmem[:need]
	copy(s.rmem, s.rbuf) // memmove: rbuf may be the tail of rmem
	n, err := s.f.ReadAt(s.rmem[kept:], at)
	s.rbuf = s.rmem[:kept+n]
	if n > 0 {
		return nil
	}
	return err
}

// reset empties the file once every record was read, so that it never
// holds more than the events waiting at once.
func (s *spillFile) reset() {
	s.f.Truncate(0)
	s.end, s.roff = 0, 0
	s.rbuf, s.wbuf = s.rmem[:0], s.wbuf[:0]
	s.keys, s.keyOf = nil, map[*watcher]uint64{}
}

func (s *spillFile) close() { s.f.Close() }

// Value tags of the attribute encoding.
const (
	tagString = 's'
	tagInt    = 'i'
	tagFalse  = 'f'
	tagTrue   = 't'
	tagMaps   = 'm' // []map[string]any (route nexthops)
)

// appendEvent encodes watcher key k and ev: strings and counts as
// uvarint-prefixed bytes, the time as nanoseconds since base, attribute
// values tagged (integers of any width come back as int; other types as
// their fmt text, which is what Lua would see of them anyway).
func appendEvent(b []byte, k uint64, ev core.Event, base time.Time) []byte {
	b = binary.AppendUvarint(b, k)
	b = appendString(b, ev.Kind)
	b = appendString(b, ev.Netns)
	b = appendString(b, ev.Action)
	if ev.Time.IsZero() {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.AppendVarint(b, int64(ev.Time.Sub(base)))
	}
	return appendAttrs(b, ev.Attrs)
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendAttrs(b []byte, m map[string]any) []byte {
	b = binary.AppendUvarint(b, uint64(len(m)))
	for k, v := range m {
		b = appendString(b, k)
		b = appendValue(b, v)
	}
	return b
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendString(append(b, tagString), v)
	case bool:
		if v {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(v))
	case int32:
		return binary.AppendVarint(append(b, tagInt), int64(v))
	case int64:
		return binary.AppendVarint(append(b, tagInt), v)
	case uint8:
		return binary.AppendVarint(append(b, tagInt), int64(v))
	case uint16:
		return binary.AppendVarint(append(b, tagInt), int64(v))
	case uint32:
		return binary.AppendVarint(append(b, tagInt), int64(v))
	case uint64:
		return binary.AppendVarint(append(b, tagInt), int64(v))
	case []map[string]any:
		b = binary.AppendUvarint(append(b, tagMaps), uint64(len(v)))
		for _, m := range v {
			b = appendAttrs(b, m)
		}
		return b
	}
	return appendString(append(b, tagString), fmt.Sprint(v))
}

// spillDecoder reads what appendEvent wrote; the first error sticks.
type spillDecoder struct {
	b   []byte
	err error
}

var errSpillRecord = errors.New("event spill file: bad record")

func (d *spillDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *spillDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *spillDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *spillDecoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *spillDecoder) fail() {
	if d.err == nil {
		d.err = errSpillRecord
	}
	d.b = nil
}

func decodeEvent(rec []byte, base time.Time) (uint64, core.Event, error) {
	d := &spillDecoder{b: rec}
	k := d.uvarint()
	ev := core.Event{Kind: d.string(), Netns: d.string(), Action: d.string()}
	if d.byte() == 1 {
		ev.Time = base.Add(time.Duration(d.varint()))
	}
	ev.Attrs = d.attrs()
	return k, ev, d.err
}

func (d *spillDecoder) attrs() map[string]any {
	n := d.uvarint()
	if n == 0 || n > uint64(len(d.b)) { // an entry takes 2 bytes at least
		if n != 0 {
			d.fail()
		}
		return nil
	}
	m := make(map[string]any, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.string()
		m[k] = d.value()
	}
	return m
}

func (d *spillDecoder) value() any {
	switch d.byte() {
	case tagString:
		return d.string()
	case tagInt:
		return int(d.varint())
	case tagTrue:
		return true
	case tagFalse:
		return false
	case tagMaps:
		n := d.uvarint()
		if n > uint64(len(d.b)) {
			d.fail()
			return nil
		}
		ms := make([]map[string]any, 0, n)
		for i := uint64(0); i < n && d.err == nil; i++ {
			ms = append(ms, d.attrs())
		}
		return ms
	}
	d.fail()
	return nil
}
