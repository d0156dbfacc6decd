package tests

// TestScripts runs every scripts/*.lua with the built nssh inside the test
// sandbox and compares its stdout with the "-- Output:" block that ends the
// script (exactly: each "-- text" line is one output line, a bare "--" an
// empty one). A script that exits with an unexpected status fails, as does
// one that leaves a namespace or lab state behind. Scripts run one after
// the other from the repository root (so error messages name
// "scripts/NAME.lua"), each with an empty run dir and state dir.
//
// Directives are comment lines starting with "--//" anywhere before the
// output block:
//
//	--//needs CMD...        skip unless every CMD is found in PATH
//	--//skip-unless-root    skip unless the tests run as real root (not only
//	                        uid 0 inside the sandbox's user namespace)
//	--//skip REASON         skip always (say why)
//	--//timeout SECONDS     kill the script after SECONDS (default 60)
//	--//args ARG...         pass ARGs to the script (arg[1], ...)
//	--//exit N              expect exit status N (default 0)
//
// go test ./tests -run TestScripts -update rewrites the output blocks
// with what the scripts print (only for scripts that exited as expected).

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// The -update flag. Registered in init (after every package-level var of
// the package), so another test file may define the same flag itself.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the -- Output: blocks of scripts/*.lua")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const outputMarker = "-- Output:"

// scriptSpec is what a script's comments say about how to run it.
type scriptSpec struct {
	needs      []string
	rootOnly   bool
	skip       string
	timeout    time.Duration
	args       []string
	exit       int
	want       string // expected stdout
	blockStart int    // byte offset of the output block, for -update
}

func TestScripts(t *testing.T) {
	bin := nssh(t)
	root := repoRoot()
	files, err := filepath.Glob(filepath.Join(root, "scripts", "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts/*.lua")
	}
	cfg := core.DefaultConfig()
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lua")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			spec, got, stderr := runScriptFile(t, bin, file, string(src), cfg)
			if updating() {
				if got != spec.want {
					rewriteOutput(t, file, string(src), spec, got)
				}
				return
			}
			if got != spec.want {
				t.Errorf("stdout differs from the -- Output: block\n--- want\n%s--- got\n%s--- stderr\n%s", spec.want, got, stderr)
			}
		})
	}
}

// runScriptFile runs one script of scripts/ with bin as TestScripts does:
// it skips what the directives say to skip, starts and ends with empty run
// and state dirs, fails on an unexpected exit status and returns the spec,
// stdout and stderr.
func runScriptFile(t *testing.T, bin, file, src string, cfg core.Config) (scriptSpec, string, string) {
	t.Helper()
	spec, err := parseScript(src)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	spec.skipIfNeeded(t)
	cleanState(t, cfg)
	t.Cleanup(func() { cleanState(t, cfg) })
	got, stderr, code := runScript(t, bin, repoRoot(), "scripts/"+filepath.Base(file), spec)
	if code != spec.exit {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, spec.exit, got, stderr)
	}
	return spec, got, stderr
}

// parseScript reads the directives and the output block of a script.
func parseScript(src string) (scriptSpec, error) {
	spec := scriptSpec{timeout: 60 * time.Second}
	at := strings.LastIndex(src, "\n"+outputMarker+"\n")
	if at < 0 && !strings.HasSuffix(src, "\n"+outputMarker) {
		return spec, errors.New(`no "-- Output:" block at the end`)
	}
	if at < 0 {
		at = len(src) - len(outputMarker) - 1
	}
	spec.blockStart = at + 1
	for _, line := range strings.Split(src[:at], "\n") {
		if err := spec.directive(line); err != nil {
			return spec, err
		}
	}
	block := strings.TrimSuffix(src[at+1+len(outputMarker):], "\n")
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimPrefix(block, "\n"), "\n") {
		if block == "" {
			break
		}
		switch {
		case line == "--":
			want.WriteString("\n")
		case strings.HasPrefix(line, "-- "):
			want.WriteString(line[3:] + "\n")
		default:
			return spec, fmt.Errorf("output block line %q does not start with \"-- \"", line)
		}
	}
	spec.want = want.String()
	return spec, nil
}

func (s *scriptSpec) directive(line string) error {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "--//")
	if !ok {
		return nil
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return fmt.Errorf("empty directive %q", line)
	}
	switch fields[0] {
	case "needs":
		s.needs = append(s.needs, fields[1:]...)
	case "skip-unless-root":
		s.rootOnly = true
	case "skip":
		s.skip = strings.Join(fields[1:], " ")
		if s.skip == "" {
			s.skip = "skipped by the script"
		}
	case "timeout":
		n, err := strconv.ParseFloat(strings.Join(fields[1:], ""), 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("bad directive %q: want --//timeout SECONDS", line)
		}
		s.timeout = time.Duration(n * float64(time.Second))
	case "args":
		s.args = fields[1:]
	case "exit":
		n, err := strconv.Atoi(strings.Join(fields[1:], ""))
		if err != nil {
			return fmt.Errorf("bad directive %q: want --//exit N", line)
		}
		s.exit = n
	default:
		return fmt.Errorf("unknown directive %q", line)
	}
	return nil
}

func (s *scriptSpec) skipIfNeeded(t *testing.T) {
	t.Helper()
	if s.skip != "" {
		t.Skip(s.skip)
	}
	for _, cmd := range s.needs {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("needs %s: not in PATH", cmd)
		}
	}
	if s.rootOnly && !realRoot() {
		t.Skip("needs real root")
	}
}

// realRoot reports whether uid 0 in the sandbox is root outside it too.
func realRoot() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) >= 2 && f[0] == "0" && f[1] == "0"
}

// runScript runs one script and returns its stdout, stderr and status.
func runScript(t *testing.T, bin, dir, path string, spec scriptSpec) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), spec.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{path}, spec.args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("timed out after %v (raise it with --//timeout)\nstdout:\n%s\nstderr:\n%s", spec.timeout, stdout.String(), stderr.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// cleanState fails the test if a namespace or lab state is left in the
// sandbox's run and state dirs, and removes it so the next script starts
// clean.
func cleanState(t *testing.T, cfg core.Config) {
	t.Helper()
	names, err := cfg.Names()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Errorf("namespaces left behind: %v", names)
		if _, err := cfg.DeleteAll(); err != nil {
			t.Fatal(err)
		}
	}
	var left []string
	filepath.WalkDir(cfg.StateDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, path)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("state left behind: %v", left)
	}
	entries, _ := os.ReadDir(cfg.StateDir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(cfg.StateDir, e.Name()))
	}
}

// rewriteOutput replaces the output block of file with got (-update).
func rewriteOutput(t *testing.T, file, src string, spec scriptSpec, got string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(src[:spec.blockStart])
	b.WriteString(outputMarker + "\n")
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if got == "" {
			break
		}
		if line == "" {
			b.WriteString("--\n")
		} else {
			b.WriteString("-- " + line + "\n")
		}
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("updated the output block of %s", file)
}
