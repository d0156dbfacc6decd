package lab_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

// restartWith brings the lab up with a new command for h1's service s,
// so that it is started again and opens its log anew.
func restartWith(t *testing.T, c core.Config, spec lab.Spec, cmd string) ([]lab.Change, error) {
	t.Helper()
	spec.Nodes["h1"] = lab.Node{Services: map[string]lab.Service{"s": {Cmd: []string{"sh", "-c", cmd}}}}
	l, err := lab.New(c, spec, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Up(context.Background())
}

// linkLab brings up a one-node lab in a private state dir whose node h1
// runs service s as cmd; down runs at the end of the test.
func linkLab(t *testing.T, cmd string) (core.Config, lab.Spec, *lab.Lab) {
	t.Helper()
	c, spec := privateState(t), oneNode(t)
	l, err := lab.New(c, spec, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Down(context.Background()) })
	if _, err := restartWith(t, c, spec, cmd); err != nil {
		t.Fatal(err)
	}
	return c, spec, l
}

// TestServiceLogPlantedLinkOrFIFOIsReplaced: a symlink or a FIFO planted
// at a service's log path is never written through: it is replaced by a
// new log, and the symlink's target is untouched.
func TestServiceLogPlantedLinkOrFIFOIsReplaced(t *testing.T) {
	c, spec, l := linkLab(t, "echo one; exec sleep 100")
	v := victim(t)
	dir, _ := l.Path("h1")
	log := filepath.Join(dir, "s.log")
	plant := []func() error{
		func() error { return os.Symlink(v, log) },
		func() error { return syscall.Mkfifo(log, 0o644) },
	}
	for i, mk := range plant {
		if err := os.Remove(log); err != nil {
			t.Fatal(err)
		}
		if err := mk(); err != nil {
			t.Fatal(err)
		}
		word := []string{"two", "three"}[i]
		if _, err := restartWith(t, c, spec, "echo "+word+"; exec sleep 100"); err != nil {
			t.Fatalf("up with a planted file at the log (%d): %v", i, err)
		}
		unchanged(t, v)
		fi, err := os.Lstat(log)
		if err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("log after up: %v %v", fi, err)
		}
		if text, err := l.Logs("h1", "s"); err != nil || text != word+"\n" {
			t.Fatalf("logs = %q, %v; want %q", text, err, word+"\n")
		}
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	unchanged(t, v)
}

// TestServiceNodeDirPlantedLinkIsRefused: a symlink planted in place of
// a node's directory is refused; no log is made in its target, and down
// removes the link, not the target.
func TestServiceNodeDirPlantedLinkIsRefused(t *testing.T) {
	c, spec, l := linkLab(t, "exec sleep 100")
	dir, _ := l.Path("h1")
	outside := t.TempDir()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, dir); err != nil {
		t.Fatal(err)
	}
	_, err := restartWith(t, c, spec, "echo evil; exec sleep 100")
	if !errors.Is(err, core.ErrSymlink) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("up with the node dir a symlink: %v", err)
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ents, err := os.ReadDir(outside); err != nil || len(ents) != 0 {
		t.Fatalf("the link's target changed: %v %v", ents, err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the planted link is left after down: %v", err)
	}
}

// TestDownKeepsSymlinkedStateDir: a state dir configured as a symlink is
// left in place by down (only an empty real directory is removed).
func TestDownKeepsSymlinkedStateDir(t *testing.T) {
	c := cfg()
	real := t.TempDir()
	c.StateDir = filepath.Join(t.TempDir(), "state")
	if err := os.Symlink(real, c.StateDir); err != nil {
		t.Fatal(err)
	}
	l, err := lab.New(c, oneNode(t), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(c.StateDir); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("state dir link after down: %v %v", fi, err)
	}
	if ents, err := os.ReadDir(real); err != nil || len(ents) != 0 {
		t.Fatalf("state dir after down: %v %v", ents, err)
	}
}
