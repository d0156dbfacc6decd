// Package fastexec runs `nssh netns exec NAME CMD...` from its init
// function, so that the command starts about as fast as under `ip netns
// exec`: Go initialises packages in import-path order once their
// dependencies are done, and this one depends only on core/nsexec (the
// standard library and x/sys), so it runs before gopher-lua, netlink and
// readline are initialised and before main.
//
// Only the plain form is taken here, with the directories from the
// environment when they certainly pass main's safety checks
// (nsexec.PlainDirs); every other command line (options, abbreviations,
// -all, a bad name, no command, a directory main would refuse) falls
// through to main, which gives the same results the slow way.
package fastexec

import (
	"os"

	"github.com/nssh/nssh/core/nsexec"
)

func init() {
	a := os.Args
	if len(a) < 5 || a[1] != "netns" || a[2] != "exec" || !nsexec.NameOK(a[3]) {
		return
	}
	runDir := env("NSSH_RUN_DIR", nsexec.DefaultRunDir)
	etcDir := env("NSSH_ETC_DIR", nsexec.DefaultEtcDir)
	if !nsexec.PlainDirs(runDir, etcDir, env("NSSH_STATE_DIR", nsexec.DefaultStateDir)) {
		return // main refuses them, or decides after a closer look
	}
	os.Exit(run(runDir, etcDir, a[3], a[4:]))
}

// run does what main's `netns exec` does and returns ip's exit status for
// a failure: 255 for the namespace setup, 1 for the exec.
func run(runDir, etcDir, name string, argv []string) int {
	err := nsexec.InPlace(runDir, etcDir, name, argv, stderrLine)
	stderrLine(err.Error())
	if _, ok := err.(*nsexec.ExecError); ok {
		return 1
	}
	return 255
}

// stderrLine writes one message line in a single write, like ip.
func stderrLine(text string) { os.Stderr.WriteString(text + "\n") }

// env is the variable's value, or def when it is unset or empty (as
// core.DefaultConfig reads it).
func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
