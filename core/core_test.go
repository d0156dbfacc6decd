package core_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { nstest.Main(m) }

func cfg() core.Config { return core.DefaultConfig() }

func TestAddListDelete(t *testing.T) {
	c := cfg()
	name := nstest.Name(t)
	ns, err := c.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	if ns.Name != name || ns.Ino == 0 {
		t.Fatalf("bad namespace %+v", ns)
	}
	var st unix.Stat_t
	if err := unix.Stat(c.Path(name), &st); err != nil || st.Ino != ns.Ino {
		t.Fatalf("stat: %v ino %d want %d", err, st.Ino, ns.Ino)
	}
	list, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != name || list[0].ID != -1 || list[0].Err != nil {
		t.Fatalf("list = %+v", list)
	}
	if _, err := c.Add(name); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second add: %v", err)
	}
	if err := c.Delete(name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(c.Path(name)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file left behind: %v", err)
	}
}

func TestAddInvalidNamesChangeNothing(t *testing.T) {
	c := cfg()
	for _, name := range []string{"", ".", "..", "a/b", strings.Repeat("x", 256)} {
		_, err := c.Add(name)
		if !errors.Is(err, core.ErrInvalidName) {
			t.Errorf("Add(%q) = %v, want invalid name", name, err)
		}
	}
	names, _ := c.Names()
	if len(names) != 0 {
		t.Fatalf("entries left: %q", names)
	}
}

func TestSetIDAndListIDs(t *testing.T) {
	c := cfg()
	name := nstest.Name(t)
	if _, err := c.Add(name); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(name)
	if err := c.SetID(name, 42); err != nil {
		t.Fatal(err)
	}
	if id, err := c.GetID(name); err != nil || id != 42 {
		t.Fatalf("GetID = %d, %v", id, err)
	}
	err := c.SetID(name, 43)
	var oe *core.OpError
	if !errors.As(err, &oe) || oe.Text != "Error: Peer netns already has a nsid assigned." {
		t.Fatalf("second set: %#v", err)
	}
	ids, err := core.ListIDs(-1)
	if err != nil || len(ids) != 1 || ids[0].Nsid != 42 {
		t.Fatalf("ListIDs = %+v, %v", ids, err)
	}
	if got := c.NamesByID()[42]; got != name {
		t.Fatalf("NamesByID[42] = %q", got)
	}
}

func TestIdentifyAndPids(t *testing.T) {
	c := cfg()
	name := nstest.Name(t)
	if _, err := c.Add(name); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(name)
	p, err := c.Start(context.Background(), name, []string{"sleep", "10"}, core.ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Wait(context.Background())
	defer p.Signal(unix.SIGKILL)
	pids, err := c.Pids(name)
	if err != nil || !slices.Contains(pids, p.Pid()) {
		t.Fatalf("Pids = %v, %v; want %d", pids, err, p.Pid())
	}
	got, err := c.Identify(p.Pid())
	if err != nil || !slices.Equal(got, []string{name}) {
		t.Fatalf("Identify = %q, %v", got, err)
	}
	self, err := c.Identify(0)
	if err != nil || len(self) != 0 {
		t.Fatalf("Identify(self) = %q, %v", self, err)
	}
}

func TestRunCapturesAndReportsStatus(t *testing.T) {
	for _, mode := range []struct {
		name   string
		helper bool
	}{{"thread", false}, {"helper", true}} {
		t.Run(mode.name, func(t *testing.T) { testRun(t, core.ExecOptions{ViaHelper: mode.helper}) })
	}
}

func testRun(t *testing.T, opts core.ExecOptions) {
	c := cfg()
	name := nstest.Name(t)
	if _, err := c.Add(name); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(name)
	// /etc/netns/NAME/ENTRY is bound over /etc/ENTRY inside.
	etc := c.EtcDir + "/" + name
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(etc)
	if err := os.WriteFile(etc+"/hostname", []byte("inside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "ls /sys/class/net; cat /etc/hostname; echo err >&2; exit 7"
	out, err := c.Run(context.Background(), name, []string{"sh", "-c", script}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Stdout) != "lo\ninside\n" || string(out.Stderr) != "err\n" || out.Code != 7 {
		t.Fatalf("got %+v stdout=%q stderr=%q", out.Result, out.Stdout, out.Stderr)
	}
	_, err = c.Run(context.Background(), name, []string{"/nonexistent/cmd"}, opts)
	var ee *core.ExecError
	if !errors.As(err, &ee) || ee.Error() != `exec of "/nonexistent/cmd" failed: No such file or directory` {
		t.Fatalf("missing command: %v", err)
	}
	t.Setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") // searchable by anyone: ENOENT, not EACCES
	_, err = c.Run(context.Background(), name, []string{"no-such-command-anywhere"}, opts)
	if !errors.As(err, &ee) || !errors.Is(err, unix.ENOENT) {
		t.Fatalf("missing command on PATH: %v", err)
	}
	// A stale placeholder is refused with ip's message.
	if err := os.WriteFile(c.Path("stale"), nil, 0); err != nil {
		t.Fatal(err)
	}
	defer c.Delete("stale")
	_, err = c.Run(context.Background(), "stale", []string{"true"}, opts)
	var oe *core.OpError
	if !errors.As(err, &oe) || oe.Text != `setting the network namespace "stale" failed: Invalid argument` {
		t.Fatalf("stale entry: %#v", err)
	}
	// Killed by a signal: reported, not an error.
	out, err = c.Run(context.Background(), name, []string{"sh", "-c", "kill -TERM $$"}, opts)
	if err != nil || out.Signal != int(unix.SIGTERM) {
		t.Fatalf("signal: %+v, %v", out.Result, err)
	}
}

// TestRunPathSearchLikeExecvp: a non-executable file found on PATH gives
// EACCES (glibc's execvp), not ENOENT.
func TestRunPathSearchLikeExecvp(t *testing.T) {
	c := cfg()
	name := nstest.Name(t)
	if _, err := c.Add(name); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(name)
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/nssh-not-executable", []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	for _, helper := range []bool{false, true} {
		_, err := c.Run(context.Background(), name, []string{"nssh-not-executable"}, core.ExecOptions{ViaHelper: helper})
		if !errors.Is(err, unix.EACCES) {
			t.Errorf("helper=%v: got %v, want EACCES", helper, err)
		}
	}
}

// TestExecAll: results come in the order of names, one failing namespace
// does not stop the others, and Timeout kills each command.
func TestExecAll(t *testing.T) {
	c := cfg()
	for _, n := range []string{"ea1", "ea2"} {
		if _, err := c.Add(n); err != nil {
			t.Fatal(err)
		}
		defer c.Delete(n)
	}
	if err := os.WriteFile(c.Path("ea-stale"), nil, 0); err != nil {
		t.Fatal(err)
	}
	defer c.Delete("ea-stale")
	names := []string{"ea2", "ea-stale", "ea1"}
	out := c.ExecAll(context.Background(), names, []string{"sh", "-c", "echo ok; exec sleep 30"},
		core.ExecOptions{Timeout: 200 * time.Millisecond}, 2)
	for i, want := range names {
		if out[i].Name != want {
			t.Fatalf("result %d is %q, want %q", i, out[i].Name, want)
		}
	}
	for _, i := range []int{0, 2} {
		if out[i].Err != nil || string(out[i].Stdout) != "ok\n" || out[i].Signal != int(unix.SIGKILL) {
			t.Errorf("%s: %+v stdout=%q err=%v", out[i].Name, out[i].Result, out[i].Stdout, out[i].Err)
		}
	}
	if !errors.Is(out[1].Err, core.ErrNotNetns) {
		t.Errorf("stale entry: err = %v", out[1].Err)
	}
}
