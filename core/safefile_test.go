package core_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// outside makes a file the writers must never change, and returns its path.
func outside(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(p, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func assertUnchanged(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "precious\n" {
		t.Fatalf("%s changed: %q %v", p, b, err)
	}
}

func TestWriteFileInReplacesSymlinkAtTarget(t *testing.T) {
	base, victim := t.TempDir(), outside(t)
	if err := os.Symlink(victim, filepath.Join(base, "f")); err != nil {
		t.Fatal(err)
	}
	if err := core.WriteFileIn(base, "f", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	assertUnchanged(t, victim)
	fi, err := os.Lstat(filepath.Join(base, "f"))
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
		t.Fatalf("f: %v %v", fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(base); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
}

func TestWriteFileInRefusesSymlinkedDir(t *testing.T) {
	base, victim := t.TempDir(), outside(t)
	if err := os.Symlink(filepath.Dir(victim), filepath.Join(base, "d")); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"d/victim", "d/new", "d/sub/x"} {
		err := core.WriteFileIn(base, rel, []byte("evil"), 0o644)
		if !errors.Is(err, core.ErrSymlink) || !strings.Contains(err.Error(), filepath.Join(base, "d")) {
			t.Errorf("WriteFileIn %s: %v, want a symlink error naming the link", rel, err)
		}
	}
	assertUnchanged(t, victim)
	if ents, _ := os.ReadDir(filepath.Dir(victim)); len(ents) != 1 {
		t.Fatalf("files made outside: %v", ents)
	}
}

func TestWriteFileInBadPaths(t *testing.T) {
	base := t.TempDir()
	for _, rel := range []string{"", "/etc/passwd", "../x", "a/../../x", "."} {
		if err := core.WriteFileIn(base, rel, nil, 0o644); err == nil {
			t.Errorf("WriteFileIn %q: no error", rel)
		}
	}
	if ents, _ := os.ReadDir(base); len(ents) != 0 {
		t.Fatalf("made %v", ents)
	}
}

func TestWriteFileInCreatesDirs(t *testing.T) {
	base := t.TempDir()
	if err := core.WriteFileIn(base, "a/b/c", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(base, "a/b"))
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
		t.Fatalf("a/b: %v %v", fi, err)
	}
	b, err := core.ReadFileIn(base, "a/b/c", 10)
	if err != nil || string(b) != "x" {
		t.Fatalf("read back %q %v", b, err)
	}
}

func TestReadFileInRefuses(t *testing.T) {
	base, victim := t.TempDir(), outside(t)
	os.Symlink(victim, filepath.Join(base, "link"))
	os.Symlink(filepath.Dir(victim), filepath.Join(base, "dirlink"))
	unix.Mkfifo(filepath.Join(base, "fifo"), 0o600)
	os.Mkdir(filepath.Join(base, "dir"), 0o755)
	os.WriteFile(filepath.Join(base, "big"), make([]byte, 100), 0o600)
	for rel, want := range map[string]string{
		"link":           "symbolic link",
		"dirlink/victim": "symbolic link",
		"fifo":           "not a regular file",
		"dir":            "not a regular file",
		"big":            "larger than 10 bytes",
		"missing":        "no such file",
	} {
		_, err := core.ReadFileIn(base, rel, 10)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadFileIn %s: %v, want %q", rel, err, want)
		}
	}
}

func TestReadFileInRefusesForeignOwner(t *testing.T) {
	base := t.TempDir()
	os.WriteFile(filepath.Join(base, "f"), []byte("x"), 0o644)
	if _, err := core.ReadFileIn(base, "f", 10); err != nil {
		t.Fatal(err)
	}
	defer core.SetGeteuid(os.Geteuid() + 4242)()
	_, err := core.ReadFileIn(base, "f", 10)
	if err == nil || !strings.Contains(err.Error(), "owned by uid "+strconv.Itoa(os.Geteuid())+", not by uid") {
		t.Fatalf("read of a file another user owns: %v", err)
	}
}

func TestRemoveInNeverFollows(t *testing.T) {
	base, victim := t.TempDir(), outside(t)
	os.Symlink(victim, filepath.Join(base, "link"))
	os.Symlink(filepath.Dir(victim), filepath.Join(base, "dirlink"))
	os.MkdirAll(filepath.Join(base, "tree/sub"), 0o755)
	os.Symlink(filepath.Dir(victim), filepath.Join(base, "tree/sub/escape"))
	os.WriteFile(filepath.Join(base, "tree/sub/f"), nil, 0o644)
	for _, rel := range []string{"link", "tree", "missing"} {
		if err := core.RemoveIn(base, rel); err != nil {
			t.Errorf("RemoveIn %s: %v", rel, err)
		}
	}
	if err := core.RemoveIn(base, "dirlink/victim"); !errors.Is(err, core.ErrSymlink) {
		t.Errorf("RemoveIn through a symlinked dir: %v", err)
	}
	assertUnchanged(t, victim)
	ents, _ := os.ReadDir(base)
	if len(ents) != 1 || ents[0].Name() != "dirlink" {
		t.Fatalf("left: %v", ents)
	}
}

func TestMkdirInRefusesSymlink(t *testing.T) {
	base, victim := t.TempDir(), outside(t)
	os.Symlink(filepath.Dir(victim), filepath.Join(base, "n"))
	if err := core.MkdirIn(base, "n/x", 0o755); !errors.Is(err, core.ErrSymlink) {
		t.Fatalf("MkdirIn: %v", err)
	}
	if err := core.MkdirIn(base, "a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(victim), "x")); err == nil {
		t.Fatal("made a directory through the link")
	}
}

func TestCheckDir(t *testing.T) {
	tmp := t.TempDir()
	mk := func(rel string, mode os.FileMode) string {
		p := filepath.Join(tmp, rel)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := mk("good", 0o755)
	world := mk("world", 0o777)
	group := mk("group", 0o775)
	sticky := mk("sticky", os.ModeSticky|0o777)
	underSticky := mk("sticky/mine", 0o755)
	underOpen := mk("open/mine", 0o755)
	mk("open", 0o757)
	link := filepath.Join(tmp, "link")
	os.Symlink(world, link)
	for _, c := range []struct{ path, want string }{
		{good, ""},
		{underSticky, ""},
		{filepath.Join(good, "missing/too"), ""},
		{world, "state dir " + world + " is writable by other users (mode 0777): refusing to use it; fix: chmod go-w " + world},
		{group, "mode 0775"},
		{sticky, "mode 1777"},
		{underOpen, filepath.Join(tmp, "open") + " (above state dir " + underOpen + ") is writable by other users"},
		{link, "fix: chmod go-w " + world},
		{filepath.Join(tmp, "../"+filepath.Base(tmp)+"/good"), ""},
	} {
		err := core.CheckDir("state dir", c.path)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckDir %s: %v", c.path, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CheckDir %s: %v, want %q", c.path, err, c.want)
		case c.want != "" && !errors.Is(err, unix.EPERM):
			t.Errorf("CheckDir %s: %v is not EPERM", c.path, err)
		}
	}
	f := filepath.Join(tmp, "file")
	os.WriteFile(f, nil, 0o666)
	if err := core.CheckDir("run dir", f); err != nil {
		t.Errorf("CheckDir of a file (left to the operation): %v", err)
	}
}

func TestInsideResolvesSymlinks(t *testing.T) {
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	os.Mkdir(run, 0o755)
	os.Symlink(run, filepath.Join(tmp, "alias"))
	for p, want := range map[string]bool{
		run:                               true,
		filepath.Join(run, "x"):           true,
		filepath.Join(tmp, "alias/state"): true,
		filepath.Join(tmp, "runner"):      false,
		filepath.Join(tmp, "state"):       false,
		filepath.Join(run, "../state"):    false,
	} {
		if got := core.Inside(p, run); got != want {
			t.Errorf("Inside(%s) = %v", p, got)
		}
	}
}
