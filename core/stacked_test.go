package core_test

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"golang.org/x/sys/unix"
)

// TestStackedIn reads stacked namespaces from a mountinfo text: nsfs over
// nsfs on one point is a stack; two nsfs mounts of one point on different
// parents (a run dir bound over itself hides the lower one's) are not.
func TestStackedIn(t *testing.T) {
	const mountinfo = `22 1 0:21 / /run rw - tmpfs tmpfs rw
30 22 0:21 /netns /run/netns rw shared:5 - tmpfs tmpfs rw
31 22 0:4 net:[4026532001] /run/netns/hidden rw - nsfs nsfs rw
32 30 0:4 net:[4026532001] /run/netns/hidden rw shared:6 - nsfs nsfs rw
33 30 0:4 net:[4026532002] /run/netns/a rw shared:7 - nsfs nsfs rw
34 33 0:4 net:[4026532003] /run/netns/a rw shared:8 - nsfs nsfs rw
35 34 0:4 net:[4026532004] /run/netns/a rw shared:9 - nsfs nsfs rw
36 30 0:4 net:[4026532005] /run/netns/with\040space rw shared:10 - nsfs nsfs rw
37 36 0:4 net:[4026532006] /run/netns/with\040space rw shared:11 - nsfs nsfs rw
38 30 0:21 /x /run/netns/b rw - tmpfs tmpfs rw
39 38 0:4 net:[4026532007] /run/netns/b rw - nsfs nsfs rw
40 22 0:4 net:[4026532008] /run/other/c rw - nsfs nsfs rw
41 40 0:4 net:[4026532009] /run/other/c rw - nsfs nsfs rw
`
	got := core.StackedIn(mountinfo, "/run/netns")
	if want := []string{"a", "with space"}; !slices.Equal(got, want) {
		t.Errorf("stacked = %q, want %q", got, want)
	}
}

// TestAddBindsOntoItsOwnPlaceholder deletes Add's placeholder and creates
// another file of the name (as a concurrent delete and add by ip do)
// between Add's create and its bind: Add fails with ENOENT and leaves the
// other file alone, where a bind by path would land on it (issue 12).
func TestAddBindsOntoItsOwnPlaceholder(t *testing.T) {
	c := cfg()
	name := nstest.Name(t)
	path := c.Path(name)
	restore := core.SetPlaceholderHook(func(string) {
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL, 0)
		if err != nil {
			t.Error(err)
			return
		}
		unix.Close(fd)
	})
	_, err := c.Add(name)
	restore()
	defer os.Remove(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Add after its placeholder was replaced = %v, want ENOENT", err)
	}
	if !c.IsPlaceholder(name) {
		t.Errorf("the other add's placeholder %s was mounted on or removed", path)
	}
}

// addTwo adds two namespaces, deleted when the test ends.
func addTwo(t *testing.T, c core.Config) (string, string) {
	t.Helper()
	a, b := nstest.Name(t), nstest.Name(t)
	for _, n := range []string{a, b} {
		if _, err := c.Add(n); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Delete(n) })
	}
	return a, b
}

// stack binds the namespace of name top over the one of name under.
func stack(t *testing.T, c core.Config, top, under string) {
	t.Helper()
	if err := unix.Mount(c.Path(top), c.Path(under), "none", unix.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
}

// TestDeleteUnmountsStackedNamespaces: delete of a name on which several
// namespaces are stacked removes them all and the name (ip 6.1 takes off
// the top one and fails with EBUSY).
func TestDeleteUnmountsStackedNamespaces(t *testing.T) {
	c := cfg()
	a, b := addTwo(t, c)
	stack(t, c, b, a)
	stack(t, c, b, a)
	if err := c.Delete(a); err != nil {
		t.Fatalf("delete of a stacked name: %v", err)
	}
	if _, err := os.Lstat(c.Path(a)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s left behind: %v", a, err)
	}
}

// TestUnstackKeepsTheNamespaceShown: gc's UnstackAll leaves one mount on
// a stacked name, the namespace the name showed, and no stack anywhere.
func TestUnstackKeepsTheNamespaceShown(t *testing.T) {
	c := cfg()
	a, b := addTwo(t, c)
	stack(t, c, b, a)
	if got, err := c.StackedNames(); err != nil || !slices.Equal(got, []string{a}) {
		t.Fatalf("StackedNames = %q, %v; want [%s]", got, err, a)
	}
	if got, err := c.UnstackAll(); err != nil || !slices.Equal(got, []string{a}) {
		t.Fatalf("UnstackAll = %q, %v; want [%s]", got, err, a)
	}
	if got, err := c.StackedNames(); err != nil || len(got) != 0 {
		t.Errorf("still stacked after UnstackAll: %q, %v", got, err)
	}
	var sa, sb unix.Stat_t
	if err := unix.Stat(c.Path(a), &sa); err != nil {
		t.Fatal(err)
	}
	if err := unix.Stat(c.Path(b), &sb); err != nil {
		t.Fatal(err)
	}
	if sa.Ino != sb.Ino {
		t.Errorf("%s shows namespace %d after unstacking, want the top one %d", a, sa.Ino, sb.Ino)
	}
}
