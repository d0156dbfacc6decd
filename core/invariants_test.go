package core_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestOnlyTwoFilesSwitchNamespaces enforces the package's thread rule:
// setns/unshare appear only in thread.go (InNetns, for threads that live
// on) and in exec_setup.go and core/nsexec (threads and processes that
// exec next), and no code calls vishvananda/netns's New/Set, which move
// the calling thread.
func TestOnlyTwoFilesSwitchNamespaces(t *testing.T) {
	allowed := map[string]bool{"core/thread.go": true, "core/exec_setup.go": true,
		"core/nsexec/switch.go": true, "core/nsexec/setns_amd64.go": true,
		"core/nsexec/setns_generic.go": true, "core/nsexec/setns_other.go": true}
	switching := regexp.MustCompile(`\b(unix|syscall)\.(Setns|Unshare)\(|\bnetns\.(New|NewNamed|Set)\(|RawSyscall\((308|268),`)
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(self)) // the module root, wherever the test runs
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
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
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := switching.FindIndex(src); loc != nil && !allowed[rel] {
			line := 1 + strings.Count(string(src[:loc[0]]), "\n")
			t.Errorf("%s:%d switches a thread's namespace outside thread.go, exec_setup.go and nsexec", rel, line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
