package nsexec

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The hand-written helpers must agree with the standard library's.
func TestStringHelpers(t *testing.T) {
	for _, s := range []string{"", ":", "a", "/bin:/usr/bin", "::x:", "a:b:c"} {
		if got, want := split(s, ':'), strings.Split(s, ":"); !slices.Equal(got, want) {
			t.Errorf("split(%q) = %q, want %q", s, got, want)
		}
		if got, want := contains(s, ':'), strings.Contains(s, ":"); got != want {
			t.Errorf("contains(%q) = %v, want %v", s, got, want)
		}
	}
	for _, n := range []int{0, 7, 10, 255, 4095, -3, 1 << 40} {
		if got, want := itoa(n), strconv.Itoa(n); got != want {
			t.Errorf("itoa(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestStrerror(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{syscall.ENOENT, "No such file or directory"},
		{fmt.Errorf("open: %w", syscall.EACCES), "Permission denied"},
		{syscall.Errno(4000), "Unknown error 4000"},
		{errors.New("plain"), "plain"},
	} {
		if got := Strerror(c.err); got != c.want {
			t.Errorf("Strerror(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestNameOK(t *testing.T) {
	for name, want := range map[string]bool{
		"blue": true, "a b": true, "-x": true, strings.Repeat("n", MaxNameLen): true,
		"": false, ".": false, "..": false, "a/b": false, strings.Repeat("n", MaxNameLen+1): false,
	} {
		if got := NameOK(name); got != want {
			t.Errorf("NameOK(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestOpenMessage(t *testing.T) {
	_, err := Open(t.TempDir(), "nope")
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("Open of a missing name: %v", err)
	}
	if want := `Cannot open network namespace "nope": No such file or directory`; e.Text != want {
		t.Errorf("text %q, want %q", e.Text, want)
	}
}

func TestPlainDirs(t *testing.T) {
	base := t.TempDir() // under /tmp: sticky, so it may be world-writable
	ok, open, link := base+"/ok", base+"/open", base+"/link"
	for _, d := range []string{ok, open} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(ok, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		run, etc, state string
		want            bool
	}{
		{ok, ok + "/etc", base + "/state", true}, // missing dirs: nothing to check
		{open, ok, base + "/state", false},       // world-writable
		{ok, open + "/etc", base + "/state", false},
		{link, ok, base + "/state", false}, // a symlink: let core resolve it
		{ok, ok, ok + "/state", false},     // state inside run
		{ok, ok, ok, false},
		{"run", ok, base + "/state", false},    // relative
		{ok + "/", ok, base + "/state", false}, // not clean
		{ok + "/../ok", ok, base + "/state", false},
	} {
		if got := PlainDirs(c.run, c.etc, c.state); got != c.want {
			t.Errorf("PlainDirs(%q, %q, %q) = %v, want %v", c.run, c.etc, c.state, got, c.want)
		}
	}
}
