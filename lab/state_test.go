package lab_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
	"github.com/nssh/nssh/lab"
)

// privateState points the state dir at a fresh directory of the test.
func privateState(t *testing.T) core.Config {
	t.Helper()
	c := cfg()
	c.StateDir = filepath.Join(t.TempDir(), "state")
	return c
}

func oneNode(t *testing.T) lab.Spec {
	return lab.Spec{Name: "s" + strings.TrimPrefix(nstest.Name(t), "nssh-test-"), Nodes: map[string]lab.Node{"h1": {}}}
}

func victim(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(p, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func unchanged(t *testing.T, p string) {
	t.Helper()
	if b, err := os.ReadFile(p); err != nil || string(b) != "precious\n" {
		t.Fatalf("%s changed: %q %v", p, b, err)
	}
}

// The old writer used ".NAME.PID.tmp": every predictable temporary name
// is planted; none may be followed, and the state file ends up regular.
func TestStateWriterFollowsNoPlantedSymlink(t *testing.T) {
	c := privateState(t)
	spec := oneNode(t)
	v := victim(t)
	labs := filepath.Join(c.StateDir, "labs")
	if err := os.MkdirAll(labs, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"." + spec.Name + ".tmp", "." + spec.Name + ".json.tmp",
		"." + spec.Name + "." + strconv.Itoa(os.Getpid()) + ".tmp", spec.Name + ".json"} {
		if err := os.Symlink(v, filepath.Join(labs, n)); err != nil {
			t.Fatal(err)
		}
	}
	l, err := lab.New(c, spec, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Down(context.Background())
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	unchanged(t, v)
	fi, err := os.Lstat(filepath.Join(labs, spec.Name+".json"))
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("state file: %v %v", fi, err)
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	unchanged(t, v)
}

func TestStateReadRefusesSymlinkAndNonRegular(t *testing.T) {
	c := privateState(t)
	labs := filepath.Join(c.StateDir, "labs")
	os.MkdirAll(filepath.Join(labs, "dir.json"), 0o755)
	v := victim(t)
	os.WriteFile(v, []byte(`{"name":"ln","state":"up","namespaces":["x"]}`), 0o600)
	os.Symlink(v, filepath.Join(labs, "ln.json"))
	for name, want := range map[string]string{"ln": "symbolic link", "dir": "not a regular file"} {
		if _, err := lab.ReadState(c, name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadState %s: %v, want %q", name, err, want)
		}
	}
	infos, errs := lab.List(c)
	if len(infos) != 0 || len(errs) != 2 {
		t.Fatalf("List = %v, %v", infos, errs)
	}
}

func TestWorldWritableStateDirIsRefused(t *testing.T) {
	c := privateState(t)
	os.MkdirAll(c.StateDir, 0o755)
	os.Chmod(c.StateDir, 0o777)
	l, err := lab.New(c, oneNode(t), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(core.DefaultConfig().RunDir)
	_, err = l.Up(context.Background())
	want := "state dir " + c.StateDir + " is writable by other users (mode 0777): refusing to use it; fix: chmod go-w " + c.StateDir
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Up with a world-writable state dir: %v", err)
	}
	after, _ := os.ReadDir(core.DefaultConfig().RunDir)
	if len(after) != len(before) {
		t.Fatalf("up changed the run dir: %v -> %v", before, after)
	}
	if ents, _ := os.ReadDir(c.StateDir); len(ents) != 0 {
		t.Fatalf("state dir changed: %v", ents)
	}
	if _, errs := lab.List(c); len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
		t.Fatalf("List: %v", errs)
	}
}

func TestStateDirsAreMadeOwnedAndNotWritableByOthers(t *testing.T) {
	c := privateState(t)
	l, err := lab.New(c, oneNode(t), lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Down(context.Background())
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{c.StateDir, filepath.Join(c.StateDir, "labs")} {
		fi, err := os.Lstat(d)
		if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
			t.Errorf("%s: %v %v", d, fi.Mode(), err)
		}
	}
}
