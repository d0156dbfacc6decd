package tests

// Rootless tests (nssh without root runs in its own sandbox): nssh run by a user without CAP_SYS_ADMIN
// sandboxes itself. These tests already run inside nstest's sandbox, where
// the test process is uid 0 with every capability of its user namespace.
// asUser starts nssh one user namespace further down as uid 65534 with no
// capabilities at all (unshare --map-user), which is what nssh probes for:
// the same position as a normal user on the host, one level deeper. The
// test's mount namespace and /proc are the ones that user shares, so
// "nothing left behind" is checked where a leak would show. What the host
// alone can show (the real initial user namespace, `su nobody`) is covered
// by tests/host.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
)

const sandboxNotice = "nssh: not root: running in a private sandbox; namespaces vanish when nssh exits"

// asUser returns a program that runs the built nssh as uid and gid 65534
// without capabilities, in a user namespace of its own (see above). It
// execs nssh, so nssh keeps the pid and the terminal.
func asUser(t *testing.T) string {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatalf("needs unshare (util-linux): %v", err)
	}
	wrapper := filepath.Join(t.TempDir(), "nssh-as-user")
	script := fmt.Sprintf("#!/bin/sh\nexec %s --user --map-user=65534 --map-group=65534 -- %s \"$@\"\n", unshare, nssh(t))
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// runAs runs prog with args and returns stdout, stderr and the status.
func runAs(t *testing.T, prog string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = repoRoot()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s %v: %v", prog, args, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// sandboxMounts lists the mounts of this mount namespace that a sandbox
// makes (its tmpfs) or that name ns (a namespace file).
func sandboxMounts(t *testing.T, ns string) []string {
	t.Helper()
	return nstest.MountsWith(t, "nssh-sandbox", ns)
}

// TestRootlessScripts runs every script of scripts/ (the demo, the lab
// scripts and the rest of spec §4) as the unprivileged user: each prints
// exactly its output block, says once that it runs in a sandbox, and
// leaves nothing in the test's run and state dirs or mounts. Scripts
// marked --//skip-unless-root are skipped: they need root on the host.
func TestRootlessScripts(t *testing.T) {
	user := asUser(t)
	files, err := filepath.Glob(filepath.Join(repoRoot(), "scripts", "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts/*.lua")
	}
	cfg := core.DefaultConfig()
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if spec, err := parseScript(string(src)); err == nil && spec.rootOnly {
				t.Skip("needs root on the host")
			}
			mounts := sandboxMounts(t, "")
			spec, got, stderr := runScriptFile(t, user, file, string(src), cfg)
			if got != spec.want {
				t.Errorf("stdout differs from the -- Output: block\n--- want\n%s--- got\n%s--- stderr\n%s", spec.want, got, stderr)
			}
			if n := strings.Count(stderr, sandboxNotice); n != 1 {
				t.Errorf("the sandbox notice appears %d times on stderr:\n%s", n, stderr)
			}
			if m := sandboxMounts(t, ""); !slices.Equal(m, mounts) {
				t.Errorf("sandbox mounts before %q, after %q", mounts, m)
			}
		})
	}
}

// TestRootlessExecSeesSandbox: commands run by exec see the sandbox's
// /run/netns (ip netns list shows the lab), run as root of the sandbox,
// and the sandbox has its own PID namespace and /proc, whose PID 1 is the
// sandbox's init.
func TestRootlessExecSeesSandbox(t *testing.T) {
	name := nstest.Name(t)
	chunk := fmt.Sprintf(`
local ns = netns.add(%q)
io.write(ns:exec({"ip", "netns", "list"}, {check = true}).stdout)
io.write(ns:exec({"id", "-u"}, {check = true}).stdout)
local init = ns:exec({"cat", "/proc/1/cmdline"}, {check = true}).stdout
print(init:match("^[^%%z]*"))
ns:del()`, name)
	out, stderr, code := runAs(t, asUser(t), "-e", chunk)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if want := name + "\n0\nnssh-sandbox-init\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if _, err := os.Stat(core.DefaultConfig().Path(name)); !os.IsNotExist(err) {
		t.Errorf("the test's own run dir has %s: %v", name, err)
	}
}

// TestRootlessRefusals: what cannot work says so and changes nothing.
func TestRootlessRefusals(t *testing.T) {
	user := asUser(t)
	name := nstest.Name(t)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		// --no-sandbox: the EPERM of an unprivileged user, no notice.
		{[]string{"--no-sandbox", "-e", fmt.Sprintf("netns.add(%q)", name)}, 1,
			"netns.add: " + name + ": Operation not permitted (needs CAP_SYS_ADMIN)"},
		// Host-wide sysctls do not exist in a network namespace.
		{[]string{"-e", fmt.Sprintf("netns.add(%q):sysctl('net.core.netdev_max_backlog', '5000')", name)}, 1,
			"net.core.netdev_max_backlog is host-wide, not per network namespace: it needs root on the host"},
		// The sandbox's directories are its own.
		{[]string{"--run-dir", "/tmp", "-e", ""}, 2,
			"nssh: --run-dir, --etc-dir and --state-dir cannot be used in the private sandbox"},
		// netns, lab and gc never sandbox.
		{[]string{"--rootless", "netns", "list"}, 2, "nssh: --rootless: nssh netns never runs in a sandbox"},
		{[]string{"--rootless", "gc"}, 2, "nssh: --rootless: nssh gc never runs in a sandbox"},
		{[]string{"--rootless", "doctor"}, 2, "nssh: --rootless: nssh doctor never runs in a sandbox"},
		{[]string{"--rootless", "--no-sandbox", "-e", ""}, 2, "options --rootless and --no-sandbox exclude each other"},
	} {
		_, stderr, code := runAs(t, user, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("nssh %q: exit %d, stderr:\n%s\nwant exit %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
		if tt.args[0] == "--no-sandbox" && strings.Contains(stderr, "sandbox") {
			t.Errorf("nssh %q mentions a sandbox:\n%s", tt.args, stderr)
		}
	}
	if _, err := os.Stat(core.DefaultConfig().Path(name)); !os.IsNotExist(err) {
		t.Errorf("the test's run dir has %s: %v", name, err)
	}
}

// TestRootlessForcedForRoot: --rootless sandboxes uid 0 with every
// capability too (here: the test's own sandbox root), with its own notice.
func TestRootlessForcedForRoot(t *testing.T) {
	name := nstest.Name(t)
	out, stderr, code := runAs(t, nssh(t), "--rootless", "-e", fmt.Sprintf(`netns.add(%q); print(#netns.list())`, name))
	if code != 0 || out != "1\n" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, stderr)
	}
	if want := "nssh: --rootless: running in a private sandbox; namespaces vanish when nssh exits\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if _, err := os.Stat(core.DefaultConfig().Path(name)); !os.IsNotExist(err) {
		t.Errorf("the test's run dir has %s: %v", name, err)
	}
	// Without the option, root runs here, in the test's run dir.
	_, stderr, code = runAs(t, nssh(t), "-e", fmt.Sprintf(`netns.add(%q)`, name))
	defer core.DefaultConfig().Delete(name)
	if code != 0 || stderr != "" {
		t.Fatalf("without --rootless: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(core.DefaultConfig().Path(name)); err != nil {
		t.Errorf("without --rootless, %s is not in the test's run dir: %v", name, err)
	}
}

// TestRootlessNoUserNamespaces: when the kernel refuses the user namespace,
// nssh says what it needs and exits 1. The refusal is made in a fresh user
// namespace of the test's own, whose user.max_user_namespaces allows just
// the one the unprivileged user runs in.
func TestRootlessNoUserNamespaces(t *testing.T) {
	script := `echo 1 > /proc/sys/user/max_user_namespaces && exec unshare --user --map-user=65534 --map-group=65534 -- "$0" -e "print(1)"`
	_, stderr, code := runAs(t, "unshare", "--user", "--map-root-user", "sh", "-c", script, nssh(t))
	want := "nssh: cannot create the private sandbox: No space left on device (unprivileged user namespaces are needed"
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", code, stderr, want)
	}
}
