package lab_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

// TestNodeFiles: files land in the node directory and the etc dir of the
// namespace, drift is repaired, and down removes both.
func TestNodeFiles(t *testing.T) {
	spec := demo(t)
	spec.Nodes["h1"] = lab.Node{Files: map[string]string{"/etc/bird/bird.conf": "router id 1;\n", "sub/x.txt": "x"}}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir, err := l.Path("h1")
	if err != nil {
		t.Fatal(err)
	}
	etc := filepath.Join(cfg().EtcDir, lab.Netns(spec.Name, "h1"))
	if b, err := os.ReadFile(filepath.Join(etc, "bird/bird.conf")); err != nil || string(b) != "router id 1;\n" {
		t.Fatalf("etc file: %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sub/x.txt")); err != nil || string(b) != "x" {
		t.Fatalf("node file: %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(filepath.Dir(dir), "h2")); err != nil || !fi.IsDir() {
		t.Fatalf("every node has a directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub/x.txt"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	ch, err := l.Up(context.Background())
	if err != nil || len(ch) != 1 || ch[0].String() != "set file "+lab.Netns(spec.Name, "h1")+":sub/x.txt" {
		t.Fatalf("up after drift = %v, %v", ch, err)
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{etc, dir, filepath.Join(cfg().StateDir, "nodes")} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after down: %v", p, err)
		}
	}
}

// TestNodeFilesNeverFollowSymlinks: a symlink planted in the node
// directory is never followed; up fails with a clear error and the
// symlink's target is untouched; down removes the link, not the target.
func TestNodeFilesNeverFollowSymlinks(t *testing.T) {
	spec := demo(t)
	spec.Nodes["h1"] = lab.Node{Files: map[string]string{"sub/x.txt": "x"}}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir, _ := l.Path("h1")
	outside := t.TempDir()
	victim := filepath.Join(outside, "x.txt")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	_, err := l.Up(context.Background())
	if !errors.Is(err, core.ErrSymlink) || !strings.Contains(err.Error(), "sub") {
		t.Fatalf("up with a planted symlink: %v", err)
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "precious" {
		t.Fatalf("symlink target changed: %q, %v", b, err)
	}
}

func TestNodeFilesBadPaths(t *testing.T) {
	for _, p := range []string{"/tmp/x", "../x", "a/../../x", "/etc/", "a//b", "", "/etc/../x"} {
		spec := demo(t)
		spec.Nodes["h1"] = lab.Node{Files: map[string]string{p: "x"}}
		if _, err := lab.New(cfg(), spec, lab.Options{}); err == nil {
			t.Errorf("file path %q accepted", p)
		}
	}
}
