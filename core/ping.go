package core

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// PingOptions configures Ping. Zero values mean the defaults.
type PingOptions struct {
	Timeout time.Duration // wait for each reply (default 1s)
	Count   int           // echo requests to send, one after the other (default 1)
	Size    int           // payload bytes (default 56, as ping; max 65000)
}

// PingResult is the outcome of Ping. OK is true when at least one reply
// came back; RTT is the mean round-trip time of the replies (0 when none).
type PingResult struct {
	OK       bool
	RTT      time.Duration
	Sent     int
	Received int
}

func (o PingOptions) withDefaults() (PingOptions, error) {
	if o.Timeout == 0 {
		o.Timeout = time.Second
	}
	if o.Count == 0 {
		o.Count = 1
	}
	if o.Size == 0 {
		o.Size = 56
	}
	if o.Timeout < 0 || o.Count < 0 || o.Size < 0 || o.Size > 65000 {
		return o, fmt.Errorf("ping options out of range (timeout > 0, count > 0, size 1..65000): %w", unix.EINVAL)
	}
	return o, nil
}

// unreachable errors mean "no reply", not a failed operation.
func unreachable(err error) bool {
	return errors.Is(err, unix.ENETUNREACH) || errors.Is(err, unix.EHOSTUNREACH) ||
		errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ECONNREFUSED) ||
		errors.Is(err, unix.EHOSTDOWN) || errors.Is(err, unix.ENETDOWN)
}

// Ping sends ICMP echo requests from inside src to dst (an IPv4 or IPv6
// address; a link-local IPv6 address takes a zone, "fe80::1%eth0") and
// waits for the replies, without running the ping binary. A request that
// gets no reply within a quarter second is sent again, then at doubling
// intervals of at most a second, until the probe's timeout: a loaded
// machine drops packets in places every namespace shares (see probe), and
// one lost packet should not make a live path look dead. The socket is
// created on a thread inside src and then used from any thread. It is an
// unprivileged ICMP socket when net.ipv4.ping_group_range allows it, else
// a raw socket (CAP_NET_RAW in src). An unreachable destination is a
// result with OK false, not an error; ctx cancellation returns ctx.Err().
//
// Equivalent to: `ip netns exec SRC ping -c COUNT -W TIMEOUT -s SIZE DST`
func Ping(ctx context.Context, src *Namespace, dst string, opts PingOptions) (PingResult, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return PingResult{}, wireErr("ping", src, err, err.Error())
	}
	addr, err := netip.ParseAddr(dst)
	if err != nil {
		err = fmt.Errorf("invalid address %q (want an IPv4 or IPv6 address): %w", dst, unix.EINVAL)
		return PingResult{}, wireErr("ping", src, err, err.Error())
	}
	sock, err := openPingSocket(src, addr)
	if err != nil {
		if unreachable(err) {
			return PingResult{Sent: opts.Count}, nil
		}
		return PingResult{}, err
	}
	defer sock.close()
	res, err := sock.run(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		return res, wireErr("ping", src, fmt.Errorf("ping %s: %w", dst, err), "")
	}
	return res, nil
}

// run sends opts.Count echo requests, each waiting up to opts.Timeout.
func (s *pingSocket) run(ctx context.Context, opts PingOptions) (PingResult, error) {
	stop := context.AfterFunc(ctx, func() { s.f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var res PingResult
	var total time.Duration
	payload := make([]byte, opts.Size)
	for i := range payload {
		payload[i] = byte(i)
	}
	for range opts.Count {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		res.Sent++
		rtt, ok, err := s.probe(ctx, payload, opts.Timeout)
		if err != nil && !unreachable(err) {
			return res, err
		}
		if ok {
			res.Received++
			total += rtt
		}
	}
	if res.Received > 0 {
		res.OK = true
		res.RTT = total / time.Duration(res.Received)
	}
	return res, nil
}
