package tests

// Tests of the script runner (README: "Running scripts and the REPL"): nssh FILE.lua ARGS, -e, stdin,
// the arg table, shebang lines, error reports and exit statuses, and
// SIGINT/SIGTERM stopping a script and its children.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// runNssh runs nssh with args and stdin and returns stdout, stderr and
// the exit status.
func runLuaCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(nssh(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), errOut.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), 0
}

func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunnerArgs(t *testing.T) {
	path := writeScript(t, "args.lua", "#!/usr/bin/env nssh\nprint(arg[0], #arg, arg[1], arg[2], select('#', ...), ...)\n")
	out, errOut, code := runLuaCmd(t, "", path, "a", "b c")
	if want := path + "\t2\ta\tb c\t2\ta\tb c\n"; out != want || code != 0 {
		t.Errorf("got %q (status %d, stderr %q), want %q", out, code, errOut, want)
	}
	out, _, code = runLuaCmd(t, "", "-e", "print(arg[0], ...)", "x", "y")
	if out != "-e\tx\ty\n" || code != 0 {
		t.Errorf("-e: got %q (status %d)", out, code)
	}
	// stdin that is not a terminal runs as one chunk.
	out, _, code = runLuaCmd(t, "local x = 2\nprint(x * 21)\n")
	if out != "42\n" || code != 0 {
		t.Errorf("stdin: got %q (status %d)", out, code)
	}
	out, _, code = runLuaCmd(t, "print(...)", "-", "p")
	if out != "p\n" || code != 0 {
		t.Errorf("nssh - ARGS: got %q (status %d)", out, code)
	}
}

func TestRunnerErrors(t *testing.T) {
	cleanNamespaces(t)
	tests := []struct {
		name, src, wantErr string
		verbose            bool
	}{
		{"string", "print('before')\nerror('boom')\n", "%s:2: boom\n", false},
		{"structured", "\nnetns.add('dup')\nnetns.add('dup')\n", "%s:3: netns.add: dup: File exists\n", false},
		{"syntax", "x = = 1\n", "%s:1: syntax error near '='\n", false},
		{"unfinished", "function f()\n", "%s:1: syntax error near <eof>\n", false},
		{"traceback", "local function f()\n  error('deep')\nend\nf()\n", "%s:2: deep\nstack traceback:\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeScript(t, "s.lua", tt.src)
			args := []string{path}
			if tt.verbose {
				args = []string{"-v", path}
			}
			_, errOut, code := runLuaCmd(t, "", args...)
			want := strings.ReplaceAll(tt.wantErr, "%s", path)
			if code != 1 || !strings.HasPrefix(errOut, want) {
				t.Errorf("status %d, stderr %q; want 1, %q", code, errOut, want)
			}
			if !tt.verbose && strings.Contains(errOut, "traceback") {
				t.Errorf("traceback without -v: %q", errOut)
			}
		})
	}
	if _, errOut, code := runLuaCmd(t, "", "/nonexistent/x.lua"); code != 1 || !strings.Contains(errOut, "cannot open /nonexistent/x.lua") {
		t.Errorf("missing file: status %d, stderr %q", code, errOut)
	}
	if _, _, code := runLuaCmd(t, "", "-e", "os.exit(7)"); code != 7 {
		t.Errorf("os.exit(7): status %d", code)
	}
	if _, _, code := runLuaCmd(t, "", "-e", "os.exit(false)"); code != 1 {
		t.Errorf("os.exit(false): status %d", code)
	}
}

// TestRunnerSignals checks that SIGINT and SIGTERM stop a script that is
// waiting for a child, kill the child, and exit 128+signal.
func TestRunnerSignals(t *testing.T) {
	cleanNamespaces(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(nssh(t), "-e", `local ns = netns.get("sig") or netns.add("sig"); ns:exec{"sleep", "30"}`)
			var errOut bytes.Buffer
			cmd.Stderr = &errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForPids(t, "sig")
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit: %v, want status %d; stderr %q", err, 128+int(sig), errOut.String())
			}
			if pids, err := core.DefaultConfig().Pids("sig"); err != nil || len(pids) != 0 {
				t.Errorf("after %v, processes left in the namespace: %v %v", sig, pids, err)
			}
		})
	}
}

// TestRunnerCtrlCWithTerminalChild runs scripts on a pty and types Ctrl-C
// while a command run with inherit=true has the terminal: a command that
// catches it lets the script go on (exit 0); one that dies of it stops the
// script (exit 130), as a shell script would.
func TestRunnerCtrlCWithTerminalChild(t *testing.T) {
	cleanNamespaces(t)
	for _, tc := range []struct {
		name, cmd string
		want      int
		out       string
	}{
		{"caught", `{"sh", "-c", "trap 'echo caught; exit 3' INT; while :; do sleep 0.05; done"}`, 0, "code\t3"},
		{"killed", `{"sleep", "30"}`, 130, "interrupted by SIGINT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := `local ns = netns.get("tty-" .. arg[1]) or netns.add("tty-" .. arg[1])
local r = ns:exec(` + tc.cmd + `, {inherit = true})
print("code", r.code)`
			p := startPTY(t, nil, nssh(t), "-e", script, tc.name)
			waitForPids(t, "tty-"+tc.name)
			time.Sleep(100 * time.Millisecond) // the trap is set
			p.send("\x03")
			p.expect(tc.out)
			if code := p.wait(); code != tc.want {
				t.Errorf("exit status %d, want %d; output %q", code, tc.want, p.rest())
			}
			if pids, err := core.DefaultConfig().Pids("tty-" + tc.name); err != nil || len(pids) != 0 {
				t.Errorf("processes left in the namespace: %v %v", pids, err)
			}
		})
	}
}
