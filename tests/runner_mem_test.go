package tests

// Tests of --mem-limit (README: "Running scripts and the REPL"): the
// option and NSSH_MEM_LIMIT, and a script that passes the limit ending
// like any failed script, temp lab removed.

import (
	"strings"
	"testing"
)

func TestRunnerMemLimitOption(t *testing.T) {
	for _, args := range [][]string{
		{"--mem-limit", "512M"}, {"--mem-limit=2G"}, {"--mem-limit", "1048576"}, {"--mem-limit", "1.5GiB"},
		{"--mem-limit", "off"}, {"--mem-limit=0"}, {"--mem-limit", "64m", "-v"},
	} {
		out, errOut, code := runLuaCmd(t, "", append(args, "-e", "print(1)")...)
		if code != 0 || out != "1\n" {
			t.Errorf("%q: status %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{
		{"--mem-limit", "12X"}, {"--mem-limit", "-1"}, {"--mem-limit="}, {"--mem-limit", "1e9"}, {"--mem-limit", "0.5"},
		{"--mem-limit"},
	} {
		_, errOut, code := runLuaCmd(t, "", append(args, "-e", "print(1)")...)
		if code != 2 || !strings.HasPrefix(errOut, "nssh: option --mem-limit") || !strings.Contains(errOut, "Try 'nssh --help'.") {
			t.Errorf("%q: status %d, stderr %q; want 2 and a usage error", args, code, errOut)
		}
	}
	t.Setenv("NSSH_MEM_LIMIT", "lots")
	if _, errOut, code := runLuaCmd(t, "", "-e", "print(1)"); code != 2 || !strings.HasPrefix(errOut, `nssh: NSSH_MEM_LIMIT: bad size "lots"`) {
		t.Errorf("bad NSSH_MEM_LIMIT: status %d, stderr %q", code, errOut)
	}
	if out, _, code := runLuaCmd(t, "", "--mem-limit", "1G", "-e", "print(1)"); code != 0 || out != "1\n" {
		t.Errorf("--mem-limit over a bad NSSH_MEM_LIMIT: status %d", code)
	}
	if _, errOut, code := runLuaCmd(t, "", "netns", "list"); code != 0 {
		t.Errorf("netns mode with a bad NSSH_MEM_LIMIT: status %d, stderr %q", code, errOut)
	}
	help, _, _ := runLuaCmd(t, "", "--help")
	if !strings.Contains(help, "--mem-limit SIZE") || !strings.Contains(help, "NSSH_MEM_LIMIT") {
		t.Error("--help does not name --mem-limit and NSSH_MEM_LIMIT")
	}
}

// A script past the limit prints FILE:LINE: not enough memory, exits 1,
// and its temp lab is removed; NSSH_MEM_LIMIT sets the limit as
// --mem-limit does.
func TestRunnerMemLimitStopsScript(t *testing.T) {
	cleanNamespaces(t)
	path := writeScript(t, "grow.lua", `local lab = netns.lab { name = "memk", nodes = { a = {} }, temp = true }
lab:up()
print(#netns.list())
local t = {} for i = 1, 1e9 do t[i] = {i} end
print("not reached")
`)
	for _, env := range []string{"", "64M"} {
		before := snapshot(t)
		args := []string{"--mem-limit", "64M", path}
		if env != "" {
			t.Setenv("NSSH_MEM_LIMIT", env)
			args = args[2:]
		}
		out, errOut, code := runLuaCmd(t, "", args...)
		want := path + ":4: not enough memory (limit 64 MiB, --mem-limit)\n"
		if code != 1 || out != "1\n" || errOut != want {
			t.Errorf("env %q: status %d, stdout %q, stderr %q; want 1, \"1\\n\", %q", env, code, out, errOut, want)
		}
		if after := snapshot(t); after != before {
			t.Errorf("the temp lab is left:\n--- before\n%s--- after\n%s", before, after)
		}
	}
}
