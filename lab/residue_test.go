package lab_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nssh/nssh/lab"
)

// placeholder makes an empty mode-0000 file at RunDir/NAME, as a killed
// `ip netns add` leaves, and removes it at the end of the test.
func placeholder(t *testing.T, name string) string {
	t.Helper()
	p := cfg().Path(name)
	os.MkdirAll(cfg().RunDir, 0o755)
	if err := os.WriteFile(p, nil, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(p) })
	return p
}

func writeRawState(t *testing.T, labName, content string) {
	t.Helper()
	dir := filepath.Join(cfg().StateDir, "labs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, labName+".json"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRefusedUpRecordsNothingAndGCKeepsTheForeignPlaceholder(t *testing.T) {
	spec := oneNode(t)
	p := placeholder(t, lab.Netns(spec.Name, "h1"))
	l := newLab(t, spec)
	_, err := l.Up(context.Background())
	if !errors.Is(err, lab.ErrNotOwned) {
		t.Fatalf("up over a foreign placeholder: %v", err)
	}
	if _, err := lab.ReadState(cfg(), spec.Name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a failed up that made nothing left a state file: %v", err)
	}
	if _, errs := lab.GC(context.Background(), cfg()); len(errs) != 0 {
		t.Fatal(errs)
	}
	if _, err := os.Lstat(p); err != nil {
		t.Fatalf("gc removed the foreign placeholder: %v", err)
	}
}

func TestUpAndPlanRecoverOwnCrashResidue(t *testing.T) {
	spec := oneNode(t)
	ns := lab.Netns(spec.Name, "h1")
	placeholder(t, ns)
	// What a SIGKILL between the placeholder and the mount leaves: the
	// name pending, its owner gone (pid 1 never has that start time).
	writeRawState(t, spec.Name, `{"name":"`+spec.Name+`","state":"partial","owner_pid":1,"owner_start":1,"namespaces":[],"pending":["`+ns+`"]}`)
	l := newLab(t, spec)
	plan, err := l.Plan(context.Background())
	if err != nil || !slices.Contains(plan, lab.Change{Op: "add", Kind: "netns", Name: ns}) {
		t.Fatalf("plan = %v, %v", plan, err)
	}
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !cfg().IsNetns(ns) {
		t.Fatalf("%s is not a namespace after up", ns)
	}
}

func TestCorruptStateIsSkippedAndDownRemovesTheLabByMarker(t *testing.T) {
	spec := oneNode(t)
	spec.Nodes["h2"] = lab.Node{}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	writeRawState(t, spec.Name, "{garbage")
	infos, errs := lab.List(cfg())
	var corrupt *lab.CorruptStateError
	if len(errs) != 1 || !errors.As(errs[0], &corrupt) || corrupt.Lab != spec.Name {
		t.Fatalf("list errors: %v", errs)
	}
	for _, in := range infos {
		if in.Name == spec.Name {
			t.Fatalf("corrupt lab listed: %+v", in)
		}
	}
	if removed, errs := lab.GC(context.Background(), cfg()); len(removed) != 0 || len(errs) != 1 || !errors.As(errs[0], &corrupt) {
		t.Fatalf("gc: %v %v", removed, errs)
	}
	changes, err := lab.DownByName(context.Background(), cfg(), spec.Name, lab.Options{})
	if err != nil || len(changes) != 2 {
		t.Fatalf("down by name: %v %v", changes, err)
	}
	for _, n := range []string{"h1", "h2"} {
		if _, err := os.Lstat(cfg().Path(lab.Netns(spec.Name, n))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left: %v", n, err)
		}
	}
	if _, err := lab.ReadState(cfg(), spec.Name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("state file left: %v", err)
	}
	if _, err := lab.DownByName(context.Background(), cfg(), spec.Name, lab.Options{}); !errors.Is(err, lab.ErrNoLab) ||
		!strings.Contains(err.Error(), spec.Name) {
		t.Fatalf("second down: %v", err)
	}
}
