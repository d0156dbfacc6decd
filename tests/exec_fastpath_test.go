package tests

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fastexecPkg runs `nssh netns exec NAME CMD...` from its init function.
const fastexecPkg = "github.com/nssh/nssh/cmd/nssh/internal/fastexec"

// TestExecFastPathInitOrder checks what makes `nssh netns exec` start like
// ip: the fast-path package is initialised as soon as its own imports are
// (right after os), before gopher-lua, netlink, readline, x/sys/unix and
// core. An import of strings or x/sys/unix in core/nsexec breaks this.
func TestExecFastPathInitOrder(t *testing.T) {
	bin := nssh(t)
	deps := goListDeps(t, "./cmd/nssh/internal/fastexec")
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nssh --version: %v\n%s", err, out)
	}
	order := initOrder(string(out))
	at := slices.Index(order, fastexecPkg)
	if at < 0 {
		t.Fatalf("%s does not initialise; inittrace:\n%s", fastexecPkg, out)
	}
	for _, heavy := range []string{"github.com/yuin/gopher-lua", "github.com/vishvananda/netlink",
		"github.com/chzyer/readline", "golang.org/x/sys/unix", "github.com/nssh/nssh/core"} {
		if i := slices.Index(order, heavy); i >= 0 && i < at {
			t.Errorf("%s initialises before the fast path", heavy)
		}
	}
	// Once its last import is done, only packages that sort before it may
	// go first (the linker's rule).
	last := 0
	for i, p := range order[:at] {
		if deps[p] {
			last = i
		}
	}
	for _, p := range order[last+1 : at] {
		if p > fastexecPkg {
			t.Errorf("%s initialises between the fast path's imports and it: order %v", p, order[:at+1])
		}
	}
}

// initOrder lists the packages of a GODEBUG=inittrace=1 run in order.
func initOrder(trace string) []string {
	var pkgs []string
	for _, m := range regexp.MustCompile(`(?m)^init (\S+) @`).FindAllStringSubmatch(trace, -1) {
		pkgs = append(pkgs, m[1])
	}
	return pkgs
}

// goListDeps is the set of packages pkg imports, itself included.
func goListDeps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = repoRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	return deps
}

// TestExecFastPathTaken checks that the differential scenarios (and users)
// get the fast path: in the test sandbox `nssh netns exec NAME CMD`
// replaces itself before gopher-lua initialises, while a form main handles
// (an abbreviated word) initialises everything.
func TestExecFastPathTaken(t *testing.T) {
	requireOracle(t)
	script := `
$NSSH netns add a
GODEBUG=inittrace=1 $NSSH netns exec a echo fast 2>&1 | grep -c '^init github.com/yuin/gopher-lua '
GODEBUG=inittrace=1 $NSSH netns exe a echo slow 2>&1 | grep -c '^init github.com/yuin/gopher-lua '
$NSSH netns del a`
	got := cliRun(t, nssh(t), script)
	want := cliResult{stdout: "0\n" + "1\n", code: 0}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("fast path (-want +got):\n%s", diff)
	}
}
