// Command nssh is a network-namespace shell: a Lua runner and REPL over
// nssh's namespace primitives, an `ip netns`-compatible CLI, and lab
// management. main only parses global options and dispatches.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nssh/nssh/core"

	// Runs `nssh netns exec NAME CMD...` before the big packages initialise.
	_ "github.com/nssh/nssh/cmd/nssh/internal/fastexec"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0"

func main() {
	stop := startProfile(os.Stderr)
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// globals are the options that come before any mode.
type globals struct {
	cfg       core.Config
	verbose   bool        // -v: tracebacks for uncaught Lua errors
	sandbox   sandboxMode // --rootless, --no-sandbox
	dirsGiven bool        // a --run-dir, --etc-dir or --state-dir option
	// memLimit bounds the Go heap while Lua runs (0: no limit); without
	// --mem-limit (memLimitGiven) it comes from NSSH_MEM_LIMIT or the
	// default, read only by the modes that run Lua.
	memLimit      uint64
	memLimitGiven bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g, rest, err := parseGlobals(args)
	if err != nil {
		fmt.Fprintf(stderr, "nssh: %v\nTry 'nssh --help'.\n", err)
		return 2
	}
	if len(rest) > 0 {
		switch rest[0] {
		case "--help", "-h", "help":
			io.WriteString(stdout, usage)
			return 0
		case "--version":
			fmt.Fprintf(stdout, "nssh %s\n", version)
			return 0
		case "doctor":
			if g.sandbox == sandboxForce {
				return noSandboxFor(rest[0], stderr)
			}
			return runDoctor(rest[1:], stdout, stderr)
		case "lab", "gc":
			if g.sandbox == sandboxForce {
				return noSandboxFor(rest[0], stderr)
			}
			// Global options may also follow: nssh lab list --state-dir D.
			g2, sub, err := parseGlobalsAnywhere(rest[1:])
			if err != nil {
				fmt.Fprintf(stderr, "nssh: %v\nTry 'nssh --help'.\n", err)
				return 2
			}
			g2.verbose = g2.verbose || g.verbose
			if !dirsSafe(g2.cfg, stderr) {
				return 1
			}
			if rest[0] == "lab" {
				return runLab(g2, sub, stdout, stderr)
			}
			return runGC(g2, sub, stdout, stderr)
		}
	}
	if len(rest) > 0 && isNetnsCommand(rest) {
		if g.sandbox == sandboxForce {
			return noSandboxFor("netns", stderr)
		}
		if !dirsSafe(g.cfg, stderr) {
			return 1
		}
		return runNetns(g.cfg, rest, stdout, stderr)
	}
	if !g.memLimitGiven {
		if g.memLimit, err = memLimitFromEnv(); err != nil {
			fmt.Fprintf(stderr, "nssh: %v\nTry 'nssh --help'.\n", err)
			return 2
		}
	}
	// A sandbox uses its own private directories, not the host's.
	if code, done := runSandboxed(g, stderr); done {
		return code
	}
	if !dirsSafe(g.cfg, stderr) {
		return 1
	}
	return runLua(g, rest, stdin, stdout, stderr)
}

// dirsSafe refuses directories that other users could change (see
// core.CheckDir), saying which and how to fix it.
func dirsSafe(cfg core.Config, stderr io.Writer) bool {
	if err := cfg.CheckDirs(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "nssh: %s\n", line)
		}
		return false
	}
	return true
}

// noSandboxFor refuses --rootless for the modes that work on the host's
// directories and limits (netns, lab, gc, doctor), as ip does.
func noSandboxFor(mode string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "nssh: --rootless: nssh %s never runs in a sandbox (it works on the host's directories and limits, as ip does)\nTry 'nssh --help'.\n", mode)
	return 2
}

// parseGlobalsAnywhere is parseGlobals for commands without positional
// options of their own (lab, gc): the global options may stand anywhere.
// The directories given before the command are already in the environment,
// which parseGlobals starts from.
func parseGlobalsAnywhere(args []string) (globals, []string, error) {
	var globalsFirst, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		key, _, hasVal := strings.Cut(a, "=")
		switch {
		case a == "-v":
			globalsFirst = append(globalsFirst, a)
		case key == "--run-dir" || key == "--etc-dir" || key == "--state-dir":
			globalsFirst = append(globalsFirst, a)
			if !hasVal && i+1 < len(args) {
				i++
				globalsFirst = append(globalsFirst, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	g, left, err := parseGlobals(globalsFirst)
	if err == nil && len(left) > 0 {
		err = fmt.Errorf("option %s needs a directory", left[0])
	}
	return g, rest, err
}

// parseGlobals reads --run-dir, --etc-dir, --state-dir (as "--opt DIR" or
// "--opt=DIR"), --mem-limit SIZE and -v from the front of args; the
// environment variables NSSH_RUN_DIR, NSSH_ETC_DIR and NSSH_STATE_DIR give
// the defaults.
func parseGlobals(args []string) (globals, []string, error) {
	g := globals{cfg: core.DefaultConfig()}
	dirs := map[string]*string{
		"--run-dir":   &g.cfg.RunDir,
		"--etc-dir":   &g.cfg.EtcDir,
		"--state-dir": &g.cfg.StateDir,
	}
	for len(args) > 0 {
		a := args[0]
		switch a {
		case "-v":
			g.verbose = true
			args = args[1:]
			continue
		case "--rootless", "--no-sandbox":
			mode := map[string]sandboxMode{"--rootless": sandboxForce, "--no-sandbox": sandboxRefuse}[a]
			if g.sandbox != sandboxAuto && g.sandbox != mode {
				return g, nil, fmt.Errorf("options --rootless and --no-sandbox exclude each other")
			}
			g.sandbox = mode
			args = args[1:]
			continue
		}
		key, val, hasVal := strings.Cut(a, "=")
		if key == "--mem-limit" {
			if !hasVal {
				if len(args) < 2 {
					return g, nil, fmt.Errorf("option --mem-limit needs a size")
				}
				val, args = args[1], args[1:]
			}
			n, err := parseSize(val)
			if err != nil {
				return g, nil, fmt.Errorf("option --mem-limit: %v", err)
			}
			g.memLimit, g.memLimitGiven = n, true
			args = args[1:]
			continue
		}
		dst, ok := dirs[key]
		if !ok {
			break
		}
		if !hasVal {
			if len(args) < 2 {
				return g, nil, fmt.Errorf("option %s needs a directory", key)
			}
			val, args = args[1], args[1:]
		}
		if val == "" {
			return g, nil, fmt.Errorf("option %s needs a directory", key)
		}
		*dst = val
		g.dirsGiven = true
		args = args[1:]
	}
	if core.Inside(g.cfg.StateDir, g.cfg.RunDir) {
		// ip netns list would show nssh's state as namespaces. Symlinks
		// are resolved first: a link into the run dir is inside it.
		return g, nil, fmt.Errorf("the state dir %s must not be inside the run dir %s", g.cfg.StateDir, g.cfg.RunDir)
	}
	exportDirs(g.cfg)
	return g, args, nil
}

// envExported is set when exportDirs changed the environment.
var envExported bool

// exportDirs keeps the directories chosen by options across
// re-executions (nssh -n, the exec helper), which read them from the
// environment. A directory the environment already gives is left alone,
// so the common case costs nothing here nor in restoreUserEnv.
func exportDirs(cfg core.Config) {
	env := core.DefaultConfig() // what a re-execution would use
	for _, d := range []struct{ key, want, got string }{
		{"NSSH_RUN_DIR", cfg.RunDir, env.RunDir},
		{"NSSH_ETC_DIR", cfg.EtcDir, env.EtcDir},
		{"NSSH_STATE_DIR", cfg.StateDir, env.StateDir},
	} {
		if d.want != d.got {
			os.Setenv(d.key, d.want)
			envExported = true
		}
	}
}
