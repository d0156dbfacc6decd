package core

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// A probe's request is sent again when no reply came within resendFirst,
// then after waits that double up to resendMax (ping's own interval),
// for as long as the probe's timeout lasts.
const (
	resendFirst = 250 * time.Millisecond
	resendMax   = time.Second
)

// probe sends one echo request and waits up to timeout for its reply. A
// request or reply can be lost without anything being wrong with the
// path: the kernel drops packets when the per-CPU backlog that every
// namespace's veth traffic goes through is full, when the machine-wide
// neighbour table has no room for the entry the packet needs, or when the
// neighbour resolution's own packets were dropped that way. So while the
// timeout lasts, an unanswered request is sent again (with the next
// sequence number, resendFirst, then doubling up to resendMax); a reply
// to any of them answers the probe, and the RTT is that of the request it
// answers. Sends the kernel refuses for such a reason count as lost.
func (s *pingSocket) probe(ctx context.Context, payload []byte, timeout time.Duration) (time.Duration, bool, error) {
	deadline := time.Now().Add(timeout)
	sent := map[uint16]time.Time{}
	buf := make([]byte, 8+len(payload)+128)
	for wait := resendFirst; ; wait = min(2*wait, resendMax) {
		s.seq++
		at := time.Now()
		if err := s.send(s.seq, payload); err == nil {
			sent[s.seq] = at
		} else if !lostOnSend(err) {
			return 0, false, err
		}
		next := at.Add(wait)
		if next.After(deadline) {
			next = deadline
		}
		if err := s.f.SetReadDeadline(next); err != nil {
			return 0, false, err
		}
		// A cancellation that came before this deadline replaced the one
		// it set would otherwise go unnoticed until the timeout.
		if ctx.Err() != nil {
			return 0, false, errCancelled
		}
		rtt, ok, err := s.awaitReply(ctx, buf, sent)
		if ok || err != nil {
			return rtt, ok, err
		}
		if !time.Now().Before(deadline) {
			return 0, false, nil
		}
	}
}

// awaitReply reads until the read deadline for a reply to a request in
// sent. An error report for an earlier request (the kernel gave up
// resolving the neighbour, a router said unreachable) is consumed by the
// read and is no answer: the wait goes on.
func (s *pingSocket) awaitReply(ctx context.Context, buf []byte, sent map[uint16]time.Time) (time.Duration, bool, error) {
	for {
		n, err := s.f.Read(buf)
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			if ctx.Err() != nil {
				return 0, false, errCancelled
			}
			return 0, false, nil
		case err != nil && !unreachable(err):
			return 0, false, err
		case err != nil:
			continue
		}
		if seq, ok := s.replySeq(buf[:n]); ok {
			if at, ok := sent[seq]; ok {
				return time.Since(at), true, nil
			}
		}
	}
}

// lostOnSend reports whether a failed send is a packet the kernel dropped
// on the way out rather than a request that cannot be made: a full queue
// (ENOBUFS, EAGAIN) or no room for a neighbour entry (EINVAL from the
// output path when the neighbour table is full), or no route or
// neighbour at the moment (the unreachable errors).
func lostOnSend(err error) bool {
	return errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINVAL) || unreachable(err)
}
