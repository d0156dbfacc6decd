package tests

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The differential suite runs each scenario of cliScenarios twice, once
// with IP=ip (iproute2 6.1, the oracle) and once with IP=nssh, and
// compares stdout, stderr and the exit status byte for byte.
//
// Every run gets a clean /run/netns by construction: it runs in its own
// mount and network namespaces (unshare --mount --net, private
// propagation) with a fresh tmpfs on /run, so /run/netns does not exist
// at the start, nsids start from an empty table, and nothing a run
// creates (mounts, placeholder files, namespaces) outlives it or touches
// the sandbox's own /run/netns.

// cliPrologue is sourced before every scenario script.
const cliPrologue = `
mount -t tmpfs -o mode=0755 cli-run /run || exit 99
mkdir /run/w && cd /run/w || exit 99
r() { "$@"; echo "rc=$?"; }
U="setpriv --bounding-set=-all --inh-caps=-all"
waitfile() { while [ ! -e "$1" ]; do sleep 0.01; done; }
# mountinfo of the run dir: mount point, propagation (peer group numbers
# vary between runs), fs type and source.
layout() {
	awk '$5 ~ /^\/run\/netns/ { p=""; for (i = 7; $i != "-"; i++) p = p " " $i;
		print $5 "|" p "|" $(i+1) "|" $(i+2) }' /proc/self/mountinfo |
	sed -E 's/(shared|master):[0-9]+/\1:N/g'
}
`

type cliResult struct {
	stdout, stderr string
	code           int
}

// cliRun runs script with IP=tool in a throw-away mount+net namespace.
func cliRun(t *testing.T, tool, script string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--net", "--propagation", "private",
		"--", "sh", "-c", cliPrologue+script)
	cmd.Env = append(os.Environ(), "IP="+tool, "NSSH="+nssh(t), "LC_ALL=C",
		"NSSH_RUN_DIR=/run/netns", "NSSH_ETC_DIR=/etc/netns")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// Own process group: a hung scenario and anything a scenario left in
	// the background (a sleeper after a failed step) are killed with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s: scenario timed out (hung?)\nstdout:\n%s\nstderr:\n%s", tool, out.String(), errb.String())
	}
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", tool, err)
		}
		code = ee.ExitCode()
	}
	if code == 99 || code == 98 {
		t.Fatalf("%s: scenario setup failed (exit %d): %s", tool, code, errb.String())
	}
	return cliResult{out.String(), errb.String(), code}
}

// requireOracle skips unless the real ip 6.1 and unshare are available.
func requireOracle(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ip", "-V").Output()
	if err != nil || !strings.Contains(string(out), "iproute2-6.1.0") {
		t.Skipf("needs iproute2 6.1.0 as the oracle (ip -V: %q, %v)", out, err)
	}
	for _, tool := range []string{"unshare", "setpriv", "script"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
}

func TestCLIDifferential(t *testing.T) {
	requireOracle(t)
	bin := nssh(t)
	seen := map[string]bool{}
	for _, sc := range cliScenarios {
		if seen[sc.name] {
			t.Fatalf("duplicate scenario name %q", sc.name)
		}
		seen[sc.name] = true
		t.Run(sc.name, func(t *testing.T) {
			want := cliRun(t, "ip", sc.script)
			got := cliRun(t, bin, sc.script)
			if diff := cliDiff(want, got); diff != "" {
				t.Errorf("nssh differs from ip (-ip +nssh):\n%s", diff)
			}
		})
	}
	if len(cliScenarios) < 60 {
		t.Errorf("only %d scenarios, want at least 60", len(cliScenarios))
	}
}

// cliDiff describes how two results differ, "" when identical.
func cliDiff(want, got cliResult) string {
	var b strings.Builder
	if want.code != got.code {
		fmt.Fprintf(&b, "exit status: -%d +%d\n", want.code, got.code)
	}
	for _, s := range []struct{ name, want, got string }{
		{"stdout", want.stdout, got.stdout}, {"stderr", want.stderr, got.stderr},
	} {
		if s.want != s.got {
			fmt.Fprintf(&b, "%s:\n%s", s.name, lineDiff(s.want, s.got))
		}
	}
	return b.String()
}

// lineDiff is a minimal line diff: the common prefix is skipped, then the
// rest of each side is shown quoted (so bytes like \r and \t are visible).
func lineDiff(a, b string) string {
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	var out strings.Builder
	fmt.Fprintf(&out, "  (first %d lines equal)\n", i)
	for _, l := range al[i:] {
		fmt.Fprintf(&out, "  -%q\n", l)
	}
	for _, l := range bl[i:] {
		fmt.Fprintf(&out, "  +%q\n", l)
	}
	return out.String()
}
