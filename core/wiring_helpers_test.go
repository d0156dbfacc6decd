package core_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"golang.org/x/sys/unix"
)

// newNS creates a namespace for the test, removed (with everything in it)
// when the test ends. lo is brought up, as labs do.
func newNS(t *testing.T) *core.Namespace {
	t.Helper()
	c := cfg()
	ns, err := c.Add(nstest.Name(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Delete(ns.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	up := true
	if err := ns.LinkSet("lo", core.LinkChange{Up: &up}); err != nil {
		t.Fatal(err)
	}
	return ns
}

// auditThreads fails the test when a thread of the process is left in a
// foreign namespace after it (registered first, so it runs last).
func auditThreads(t *testing.T) {
	t.Helper()
	home, err := nstest.HomeNamespaces()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		bad, err := nstest.ThreadAudit(home)
		if err != nil || len(bad) > 0 {
			t.Errorf("threads left in foreign namespaces: %v %v", bad, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// tcpListen listens on addr:port with a socket created inside ns and
// echoes one line back on each connection.
func tcpListen(t *testing.T, ns *core.Namespace, addr string) net.Listener {
	t.Helper()
	fd, err := cfg().OpenFd(ns.Name)
	must(t, err)
	defer unix.Close(fd)
	var ln net.Listener
	must(t, core.InNetnsFd(fd, func() (err error) {
		ln, err = net.Listen("tcp", addr)
		return err
	}))
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln
}

// tcpEcho connects from inside ns to addr (the connect happens on a thread
// inside ns; the connection is then used from here) and checks the echo.
func tcpEcho(ns *core.Namespace, addr string, timeout time.Duration) error {
	fd, err := cfg().OpenFd(ns.Name)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var conn net.Conn
	err = core.InNetnsFd(fd, func() (err error) {
		d := net.Dialer{Timeout: timeout}
		conn, err = d.Dial("tcp", addr)
		return err
	})
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	msg := []byte("hello through the lab\n")
	if _, err := conn.Write(msg); err != nil {
		return err
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(conn, got); err != nil {
		return err
	}
	if string(got) != string(msg) {
		return errors.New("echo mismatch: " + string(got))
	}
	return nil
}

// ping pings once with a short timeout and fails the test on errors.
func ping(t *testing.T, src *core.Namespace, dst string) bool {
	t.Helper()
	r, err := core.Ping(context.Background(), src, dst, core.PingOptions{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("ping %s -> %s: %v", src.Name, dst, err)
	}
	return r.OK
}

// skipUnsupported skips the test when err says the kernel lacks a feature.
func skipUnsupported(t *testing.T, err error, what string) {
	t.Helper()
	if errors.Is(err, core.ErrUnsupported) {
		t.Skipf("%s not available in this kernel: %v", what, err)
	}
}
