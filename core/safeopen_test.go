package core_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nssh/nssh/core"
)

// TestAppendFileIn: a missing file is made with the mode given (under the
// umask) and appended to; a symlink at the path or among its directories
// is refused and its target untouched; a FIFO is refused without waiting
// for a reader.
func TestAppendFileIn(t *testing.T) {
	base, victim := t.TempDir(), outside(t)
	for _, data := range []string{"a\n", "b\n"} {
		f, err := core.AppendFileIn(base, "log", 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(data); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if b, err := os.ReadFile(filepath.Join(base, "log")); err != nil || string(b) != "a\nb\n" {
		t.Fatalf("log: %q %v", b, err)
	}
	if fi, _ := os.Stat(filepath.Join(base, "log")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("log mode %v, want 0600", fi.Mode().Perm())
	}
	os.Symlink(victim, filepath.Join(base, "link"))
	os.Symlink(filepath.Dir(victim), filepath.Join(base, "dirlink"))
	for _, rel := range []string{"link", "dirlink/victim", "dirlink/new"} {
		if _, err := core.AppendFileIn(base, rel, 0o644); !errors.Is(err, core.ErrSymlink) {
			t.Errorf("AppendFileIn %s: %v, want ErrSymlink", rel, err)
		}
	}
	assertUnchanged(t, victim)
	if _, err := os.Stat(filepath.Join(filepath.Dir(victim), "new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was made through the symlinked dir: %v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(base, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(base, "dir"), 0o755)
	for _, rel := range []string{"fifo", "dir"} {
		_, err := core.AppendFileIn(base, rel, 0o644)
		if err == nil || !strings.Contains(err.Error(), "not a regular file") && !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("AppendFileIn %s: %v, want a refusal", rel, err)
		}
	}
	if _, err := core.AppendFileIn(base, "missing/log", 0o644); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("AppendFileIn in a missing dir: %v", err)
	}
}

// TestRemoveEmptyDir: only an empty real directory is removed; a symlink
// to one stays, and so does its target.
func TestRemoveEmptyDir(t *testing.T) {
	base := t.TempDir()
	empty, full, link := filepath.Join(base, "empty"), filepath.Join(base, "full"), filepath.Join(base, "link")
	os.Mkdir(empty, 0o755)
	os.MkdirAll(filepath.Join(full, "x"), 0o755)
	target := t.TempDir()
	os.Symlink(target, link)
	for _, c := range []struct {
		path string
		want bool
	}{{link, false}, {link + "/", false}, {full, false}, {empty, true}, {filepath.Join(base, "none"), false}} {
		if got := core.RemoveEmptyDir(c.path); got != c.want {
			t.Errorf("RemoveEmptyDir(%s) = %v, want %v", c.path, got, c.want)
		}
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("link removed: %v", err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("link target removed: %v", err)
	}
	if _, err := os.Stat(full); err != nil {
		t.Errorf("non-empty dir removed: %v", err)
	}
}
