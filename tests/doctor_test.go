package tests

import (
	"strings"
	"testing"
)

// TestDoctorUsage: bad arguments are refused with the usage (exit 2).
func TestDoctorUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"doctor", "--hosts", "x"}, `--hosts "x": want a number of hosts from 1 to 10000000`},
		{[]string{"doctor", "--hosts=0"}, `--hosts "0"`},
		{[]string{"doctor", "--hosts"}, "--hosts needs a number"},
		{[]string{"doctor", "--fixx"}, `unknown argument "--fixx"`},
	} {
		out, errOut, code := runLuaCmd(t, "", c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "nssh doctor: "+c.err) || !strings.Contains(errOut, "Usage: nssh doctor") {
			t.Errorf("%v: code %d, stdout %q, stderr %q", c.args, code, out, errOut)
		}
	}
	out, _, code := runLuaCmd(t, "", "doctor", "--help")
	if code != 0 || !strings.HasPrefix(out, "Usage: nssh doctor [--hosts N] [--fix]") {
		t.Errorf("--help: code %d, %q", code, out)
	}
}

// TestDoctorInSandbox runs doctor where the tests run: a private network
// namespace, where the host-wide net.* sysctls are not visible. doctor says
// so, and --fix changes nothing and says why (exit 1). The lab size is
// small enough that no limit outside net.* is low, so nothing host-wide
// can be written even though the sandbox's root maps to the host's.
func TestDoctorInSandbox(t *testing.T) {
	out, errOut, code := runLuaCmd(t, "", "doctor", "--hosts", "50")
	for _, want := range []string{
		"host limits for a lab of 50 hosts:",
		"net.core.netdev_max_backlog",
		"net.ipv4.neigh.default.gc_thresh3",
		"user.max_net_namespaces",
		"fs.inotify.max_user_watches",
		"open files (hard RLIMIT_NOFILE)",
		"MemAvailable",
		"ports per bridge (BR_MAX_PORTS)",
		"not visible in this network namespace: run nssh doctor in the host's",
		"every known limit is enough for 50 hosts",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if code != 0 || errOut != "" {
		t.Errorf("doctor: code %d, stderr %q", code, errOut)
	}
	out, errOut, code = runLuaCmd(t, "", "doctor", "--hosts", "50", "--fix")
	if code != 1 || !strings.Contains(out, "--fix: nothing changed") ||
		!strings.Contains(errOut, "nssh doctor: net.core.netdev_max_backlog: cannot read it (not visible in this network namespace") {
		t.Errorf("doctor --fix: code %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, "fs.inotify") || strings.Contains(errOut, "user.max") {
		t.Errorf("doctor --fix touched a limit that was enough:\n%s", errOut)
	}
}
