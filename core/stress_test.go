package core_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// TestStressThreadsStayHome runs thousands of mixed operations from 32
// goroutines and then checks that every thread of the process, the main
// thread included, is still in its original network and mount namespace.
func TestStressThreadsStayHome(t *testing.T) {
	const workers, perWorker = 32, 100 // 3,200 operations
	c := cfg()
	home, err := nstest.HomeNamespaces()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := stressWorker(c, w, perWorker); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	bad, err := nstest.ThreadAudit(home)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("%d threads left in a foreign namespace:\n%v", len(bad), bad)
	}
	if names, _ := c.Names(); len(names) != 0 {
		t.Fatalf("entries left behind: %q", names)
	}
}

// stressWorker cycles through add, in-namespace netlink work, queries,
// nsid assignment, an occasional exec, and delete.
func stressWorker(c core.Config, w, n int) error {
	name := fmt.Sprintf("stress-%d", w)
	for i := 0; i < n; i++ {
		var err error
		switch i % 5 {
		case 0:
			_, err = c.Add(name)
		case 1:
			err = inNamespaceLinkCheck(c, name)
		case 2:
			if _, err = c.Identify(0); err == nil {
				_, err = c.Pids(name)
			}
			if err == nil {
				_, err = c.List()
			}
		case 3:
			if i%25 == 3 {
				_, err = c.Run(context.Background(), name, []string{"true"}, core.ExecOptions{})
			} else {
				err = c.SetID(name, -1)
			}
		case 4:
			err = c.Delete(name)
		}
		if err != nil {
			return fmt.Errorf("worker %d op %d: %w", w, i, err)
		}
	}
	return nil
}

// inNamespaceLinkCheck switches a thread into the namespace and lists its
// links with the package-level netlink handle: it must see only lo.
func inNamespaceLinkCheck(c core.Config, name string) error {
	fd, err := c.OpenFd(name)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return core.InNetnsFd(fd, func() error {
		links, err := netlink.LinkList()
		if err != nil {
			return err
		}
		if len(links) != 1 || links[0].Attrs().Name != "lo" {
			return fmt.Errorf("namespace %s: expected only lo, got %d links", name, len(links))
		}
		return nil
	})
}

// TestThreadAuditCatchesForeignThread is the negative control: a thread
// deliberately left in a new namespace must be reported.
func TestThreadAuditCatchesForeignThread(t *testing.T) {
	home, err := nstest.HomeNamespaces()
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan error), make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with this goroutine
		entered <- unix.Unshare(unix.CLONE_NEWNET)
		<-release
	}()
	if err := <-entered; err != nil {
		t.Fatal(err)
	}
	bad, err := nstest.ThreadAudit(home)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 {
		t.Fatalf("audit found %d foreign threads, want 1: %v", len(bad), bad)
	}
}
