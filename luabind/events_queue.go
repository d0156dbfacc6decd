package luabind

import (
	"context"
	"sync"
)

// eventQueue is the FIFO between the watcher goroutines and the goroutine
// that owns L. It holds at most queueSize events in memory; the events of
// the kernel watchers that come beyond that spill, compactly encoded, to
// an unlinked temporary file (see spillFile), so a script that makes
// changes without netns.wait holds a constant amount of memory and the
// watchers never block: a blocked netlink reader makes the kernel drop
// notifications, and keeps the subscriptions of deleted namespaces (their
// goroutines, buffers and sockets) alive. Output and exit events wait
// instead (putWait): their lines stay in each process's bounded buffer.
type eventQueue struct {
	mu     sync.Mutex
	ring   []queued // the head of the queue: ring[head], ... (count of them)
	head   int
	count  int
	spill  *spillFile    // the tail, after every ring entry (nil until needed)
	nspill int           // events in spill
	nspilt int           // events ever spilled (tests and the benchmark)
	room   chan struct{} // closed and renewed when a get frees memory room
	waits  int           // puts waiting for room now (tests)
	closed bool          // set by close: puts fail
	signal func()        // wakes the owner goroutine
}

func newEventQueue(signal func()) *eventQueue {
	return &eventQueue{ring: make([]queued, queueSize), room: make(chan struct{}), signal: signal}
}

// put queues it without blocking: in memory while there is room and
// nothing is spilled, else in the spill file. Should the file fail (no
// temporary directory), put waits for memory room like putWait.
func (q *eventQueue) put(ctx context.Context, it queued) bool { return q.add(ctx, it, true) }

// putWait queues it in memory, waiting for room while the queue holds
// queueSize events or more; false when ctx ended first.
func (q *eventQueue) putWait(ctx context.Context, it queued) bool { return q.add(ctx, it, false) }

func (q *eventQueue) add(ctx context.Context, it queued, spill bool) bool {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return false
		}
		done := false
		if q.nspill == 0 && q.count < len(q.ring) {
			q.push(it)
			done = true
		} else if spill {
			done = q.spillOne(it) == nil
			spill = done // the file failed: wait for room instead
		}
		room := q.room
		if !done {
			q.waits++
		}
		q.mu.Unlock()
		if done {
			q.signal()
			return true
		}
		select {
		case <-room:
		case <-ctx.Done():
		}
		q.mu.Lock()
		q.waits--
		q.mu.Unlock()
		if ctx.Err() != nil {
			return false
		}
	}
}

func (q *eventQueue) push(it queued) {
	q.ring[(q.head+q.count)%len(q.ring)] = it
	q.count++
}

func (q *eventQueue) spillOne(it queued) error {
	if q.spill == nil {
		s, err := newSpillFile()
		if err != nil {
			return err
		}
		q.spill = s
	}
	if err := q.spill.push(it); err != nil {
		return err
	}
	q.nspill++
	q.nspilt++
	return nil
}

// get takes the oldest event, if any (owner goroutine).
func (q *eventQueue) get() (queued, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.count > 0 {
		it := q.ring[q.head]
		q.ring[q.head] = queued{}
		q.head = (q.head + 1) % len(q.ring)
		q.count--
		q.roomFreed()
		return it, true
	}
	if q.nspill == 0 {
		return queued{}, false
	}
	it, err := q.spill.pop()
	if err != nil { // unreadable (an I/O error): its events are lost
		q.spill.close()
		q.spill, q.nspill = nil, 0
		q.roomFreed()
		return queued{}, false
	}
	if q.nspill--; q.nspill == 0 {
		q.spill.reset()
	}
	// A putWait waits while anything is spilled, not only while memory is
	// full: wake it here too, or it would sleep until some later event
	// passed through memory (the last output of a process, never).
	q.roomFreed()
	return it, true
}

// roomFreed wakes the puts that wait for room (mu held).
func (q *eventQueue) roomFreed() {
	close(q.room)
	q.room = make(chan struct{})
}

// len is the number of queued events, in memory and spilled.
func (q *eventQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.count + q.nspill
}

// inMemory is the number of events held in memory.
func (q *eventQueue) inMemory() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.count
}

// spilled is the number of events in the spill file now; spills the
// number ever written there.
func (q *eventQueue) spilled() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.nspill
}

func (q *eventQueue) spills() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.nspilt
}

// close releases the spill file (Close).
func (q *eventQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.spill != nil {
		q.spill.close()
		q.spill, q.nspill = nil, 0
	}
}
