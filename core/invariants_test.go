package core_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// moduleRoot is the root of the module, wherever the test runs.
func moduleRoot() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(self))
}

// walkSources calls f for every non-test .go file under dir (relative to
// the module root), skipping .git and testdata.
func walkSources(t *testing.T, dir string, f func(rel, path string)) {
	t.Helper()
	root := moduleRoot()
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f(rel, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// switching matches the code that moves a thread into another network
// namespace: raw setns/unshare; vishvananda/netns's New, NewNamed, Set and
// Setns; and netlink's helpers that switch the calling thread through
// nl's executeInNetns (NewHandleAt, the *SubscribeAt functions, the
// *SubscribeWithOptions functions, which call them for a Namespace option,
// nl.GetNetlinkSocketAt, nl.SubscribeAt). executeInNetns unlocks the
// thread even when switching it back failed, leaving a goroutine of the
// process in a foreign namespace: exactly what InNetns prevents.
var switching = regexp.MustCompile(`\b(unix|syscall)\.(Setns|Unshare)\(` +
	`|\bSYS_(SETNS|UNSHARE)\b|RawSyscall\((308|268),` +
	`|\bnetns\.(New|NewNamed|Set|Setns)\(` +
	`|\bnetlink\.(NewHandleAt|NewHandleAtFrom|(Link|Addr|Route|Neigh)SubscribeAt|(Link|Addr|Route|Neigh)SubscribeWithOptions)\(` +
	`|\bnl\.(GetNetlinkSocketAt|SubscribeAt)\(`)

// TestSwitchingPatternCatchesEachIdiom keeps the pattern honest: every
// idiom it exists for must match, and ordinary netlink use must not.
func TestSwitchingPatternCatchesEachIdiom(t *testing.T) {
	for _, src := range []string{
		"unix.Setns(fd, unix.CLONE_NEWNET)", "syscall.Unshare(syscall.CLONE_NEWNS)",
		"unix.Syscall(unix.SYS_SETNS, fd, 0, 0)", "syscall.RawSyscall(308, fd, t, 0)",
		"netns.Set(h)", "netns.New()", "netns.NewNamed(x)", "netns.Setns(h, 0)",
		"netlink.NewHandleAt(ns)", "netlink.NewHandleAtFrom(a, b)", "netlink.LinkSubscribeAt(ns, ch, done)",
		"netlink.RouteSubscribeWithOptions(ch, done, o)", "nl.GetNetlinkSocketAt(a, b, p)", "nl.SubscribeAt(a, b, p)",
	} {
		if !switching.MatchString(src) {
			t.Errorf("%q is not caught", src)
		}
	}
	for _, src := range []string{"netlink.NewHandle(unix.NETLINK_ROUTE)", "h.LinkSetNsFd(l, fd)", "netns.lab{}", "InNetnsFd(fd, f)"} {
		if switching.MatchString(src) {
			t.Errorf("%q is caught but switches nothing", src)
		}
	}
}

// TestOnlyTwoFilesSwitchNamespaces enforces the package's thread rule:
// setns/unshare appear only in thread.go (InNetns, for threads that live
// on) and in exec_setup.go and core/nsexec (threads and processes that
// exec next); nothing else calls a helper that switches a thread (see
// switching). bench/scalefloor is the exception by design: it measures
// the kernel's cost with plain netlink calls, without nssh.
func TestOnlyTwoFilesSwitchNamespaces(t *testing.T) {
	allowed := map[string]bool{"core/thread.go": true, "core/exec_setup.go": true,
		"core/nsexec/switch.go": true, "core/nsexec/setns_amd64.go": true,
		"core/nsexec/setns_generic.go": true, "core/nsexec/setns_other.go": true,
		"bench/scalefloor/main.go": true}
	walkSources(t, ".", func(rel, path string) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if loc := switching.FindIndex(src); loc != nil && !allowed[rel] {
			line := 1 + strings.Count(string(src[:loc[0]]), "\n")
			t.Errorf("%s:%d switches a thread's namespace outside thread.go, exec_setup.go and nsexec: %s",
				rel, line, src[loc[0]:loc[1]])
		}
	})
}

// TestOnlyCoreTalksToTheKernel enforces the layering: lab and luabind use
// core's API alone; they import neither netlink, netns nor x/sys/unix
// (their tests may, to look at the kernel independently).
func TestOnlyCoreTalksToTheKernel(t *testing.T) {
	forbidden := []string{"github.com/vishvananda/netlink", "github.com/vishvananda/netns", "golang.org/x/sys/unix"}
	for _, dir := range []string{"lab", "luabind"} {
		files := 0
		walkSources(t, dir, func(rel, path string) {
			files++
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range forbidden {
					if p == bad || strings.HasPrefix(p, bad+"/") {
						t.Errorf("%s imports %s: only core talks to the kernel (use core's API)", rel, p)
					}
				}
			}
		})
		if files == 0 {
			t.Errorf("no source files found in %s", dir)
		}
	}
}
