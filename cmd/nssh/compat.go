package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// ipFlags are the options of ip 6.1's main() that matter to `ip netns`.
type ipFlags struct {
	json, pretty, all bool
}

// ipOption is one entry of ip 6.1's option chain, in ip's order: the first
// entry the typed word abbreviates wins, so "-h" is -human, "-n" -netns.
type ipOption struct {
	name  string
	exact bool   // compared with strcmp, not matches()
	act   string // "noop", "json", "pretty", "all", "netns", "color", "unsupported"
}

var ipOptions = []ipOption{
	{"-loops", false, "unsupported"},
	{"-family", false, "unsupported"},
	{"-4", true, "noop"}, {"-6", true, "noop"}, {"-0", true, "noop"},
	{"-M", true, "noop"}, {"-B", true, "noop"},
	{"-human", false, "noop"}, {"-human-readable", false, "noop"},
	{"-iec", false, "noop"},
	{"-stats", false, "noop"}, {"-statistics", false, "noop"},
	{"-details", false, "noop"}, {"-resolve", false, "noop"},
	{"-oneline", false, "noop"}, {"-timestamp", false, "noop"},
	{"-tshort", false, "noop"}, {"-Version", false, "unsupported"},
	{"-force", false, "noop"}, {"-batch", false, "unsupported"},
	{"-brief", false, "noop"}, {"-json", false, "json"},
	{"-pretty", false, "pretty"}, {"-rcvbuf", false, "unsupported"},
	{"-color", false, "color"}, {"-help", false, "unsupported"},
	{"-netns", false, "netns"}, {"-Numeric", false, "noop"},
	{"-all", false, "all"},
}

// ipMatches is iproute2's matches(): a non-empty prefix of word.
func ipMatches(prefix, word string) bool {
	return prefix != "" && strings.HasPrefix(word, prefix)
}

// lookupIPOption finds the action of one option word, ip's way ("--x"
// counts as "-x"; -color takes "=always|auto|never").
func lookupIPOption(opt string) string {
	if len(opt) > 1 && opt[1] == '-' {
		opt = opt[1:]
	}
	for _, o := range ipOptions {
		switch {
		case o.act == "color":
			key, val, hasVal := strings.Cut(opt, "=")
			if ipMatches(key, o.name) && (!hasVal || val == "" || val == "always" || val == "auto" || val == "never") {
				return o.act
			}
		case o.exact && opt == o.name, !o.exact && ipMatches(opt, o.name):
			return o.act
		}
	}
	return ""
}

// ipStop says why ipParse stopped.
type ipStop int

const (
	stopObject      ipStop = iota // at the object word (rest[0]) or the end
	stopNetns                     // at -netns: rest is its value and what follows
	stopUnknown                   // at an unknown option, "netns" follows: ip's error
	stopUnsupported               // at an option nssh does not emulate
)

// ipParse walks the options before the object word like ip's main loop.
// It stops at the first -netns so that the caller can switch namespaces
// before the rest is parsed, as ip does.
func ipParse(args []string) (f ipFlags, rest []string, stop ipStop) {
	for i, opt := range args {
		if opt == "--" {
			return f, args[i+1:], stopObject
		}
		if opt == "" || opt[0] != '-' {
			return f, args[i:], stopObject
		}
		switch lookupIPOption(opt) {
		case "noop", "color":
		case "json":
			f.json = true
		case "pretty":
			f.pretty = true
		case "all":
			f.all = true
		case "netns":
			return f, args[i+1:], stopNetns
		case "":
			if isNssh(opt) || !netnsFollows(args[i+1:]) {
				return f, args[i:], stopUnsupported
			}
			return f, args[i:], stopUnknown
		default:
			return f, args[i:], stopUnsupported
		}
	}
	return f, nil, stopObject
}

// isNssh reports whether opt is one of nssh's own options, never ip's.
func isNssh(opt string) bool { return opt == "-e" || opt == "-v" || opt == "-h" }

// netnsFollows reports whether the first word that is not an option is
// the netns object, so that an unknown option there gets ip's message.
func netnsFollows(args []string) bool {
	for _, a := range args {
		if a == "" || a[0] != '-' {
			return isNetnsObject(a)
		}
	}
	return false
}

// isNetnsObject reports whether the object word w selects ip's netns
// object: ip takes the first object w is a prefix of, so "net" and "netn"
// reach netns while "n" and "ne" reach neighbor.
func isNetnsObject(w string) bool {
	return len(w) >= 3 && strings.HasPrefix("netns", w)
}

// isNetnsCommand reports whether args (after nssh's own global options)
// are an `ip [OPTIONS] netns ...` command line.
func isNetnsCommand(args []string) bool {
	for {
		_, rest, stop := ipParse(args)
		switch stop {
		case stopUnknown:
			return true
		case stopUnsupported:
			return false
		case stopObject:
			return len(rest) > 0 && isNetnsObject(rest[0])
		}
		if len(rest) == 0 {
			return true // "-n" without a value: ip's (null) message
		}
		args = rest[1:]
	}
}

// runNetns runs `nssh [OPTIONS] netns ...` with ip 6.1's observable
// behaviour: same bytes on stdout and stderr, same exit status.
//
// Equivalent to: `ip [OPTIONS] netns ...`
func runNetns(cfg core.Config, args []string, stdout, stderr io.Writer) int {
	restoreUserEnv()
	f, rest, stop := ipParse(args)
	switch stop {
	case stopUnknown, stopUnsupported:
		opt := rest[0]
		if len(opt) > 1 && opt[1] == '-' {
			opt = opt[1:]
		}
		fmt.Fprintf(stderr, "Option \"%s\" is unknown, try \"ip -help\".\n", opt)
		return 255
	case stopNetns:
		return switchAndReexec(cfg, f, rest, stderr)
	}
	cli := newNetnsCLI(cfg, f, stdout, stderr)
	code := cli.dispatch(rest[1:])
	cli.out.Flush()
	return code
}

// switchAndReexec implements `ip -n NAME ...`: the main thread enters NAME
// (with exec's mount setup, no name check) and the binary re-executes
// itself there with the options seen so far and the rest of the line, so
// every thread of the new process lives in NAME.
func switchAndReexec(cfg core.Config, f ipFlags, rest []string, stderr io.Writer) int {
	if len(rest) == 0 {
		fmt.Fprintf(stderr, "Cannot open network namespace \"(null)\": %s\n", core.Strerror(unix.ENOENT))
		return 255
	}
	cfg.Warn = func(text string) { io.WriteString(stderr, text+"\n") }
	if err := cfg.SwitchInPlace(rest[0]); err != nil {
		io.WriteString(stderr, ipText(err)+"\n")
		return 255
	}
	argv := []string{os.Args[0], "--run-dir", cfg.RunDir, "--etc-dir", cfg.EtcDir, "--state-dir", cfg.StateDir}
	if f.json {
		argv = append(argv, "-json")
	}
	if f.pretty {
		argv = append(argv, "-pretty")
	}
	if f.all {
		argv = append(argv, "-all")
	}
	argv = append(argv, rest[1:]...)
	err := unix.Exec("/proc/self/exe", argv, os.Environ())
	fmt.Fprintf(stderr, "nssh: re-executing inside %q: %s\n", rest[0], core.Strerror(err))
	return 255
}

// nsshEnv are the variables main exports for re-executions of nssh.
var nsshEnv = []string{"NSSH_RUN_DIR", "NSSH_ETC_DIR", "NSSH_STATE_DIR"}

// restoreUserEnv gives the NSSH_* variables back the values the process
// was started with (from /proc/self/environ, which os.Setenv does not
// change), so that commands run by exec see exactly the caller's
// environment, as with ip. The configuration travels in cfg, and to a
// re-execution for -n on its command line.
func restoreUserEnv() {
	if !envExported {
		return
	}
	data, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		return
	}
	orig := map[string]string{}
	for _, kv := range strings.Split(string(data), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			orig[k] = v
		}
	}
	for _, k := range nsshEnv {
		if v, ok := orig[k]; ok {
			os.Setenv(k, v)
		} else {
			os.Unsetenv(k)
		}
	}
}

// ipText is the ip message carried by err, or its Go text.
func ipText(err error) string {
	var oe *core.OpError
	if errors.As(err, &oe) && oe.Text != "" {
		return oe.Text
	}
	return err.Error()
}
