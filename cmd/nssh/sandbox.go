package main

import (
	"fmt"
	"io"
	"os"

	"github.com/nssh/nssh/core"
)

// sandboxMode is what --rootless or --no-sandbox asked for.
type sandboxMode int

const (
	sandboxAuto   sandboxMode = iota // sandbox when CAP_SYS_ADMIN is missing
	sandboxForce                     // --rootless
	sandboxRefuse                    // --no-sandbox
)

// sandboxEnv marks an nssh that already runs in its private sandbox (and
// the commands it starts there), so that it does not sandbox itself again.
const sandboxEnv = "NSSH_SANDBOX"

// sandboxJob is sandboxEnv's value when the nssh that started the sandbox
// is a job of a job-control shell on the terminal: Ctrl-Z at the prompt
// then stops the whole job (see repl.suspend), which the shell, outside the
// sandbox's PID namespace, sees and continues with fg.
const sandboxJob = "job"

// sandboxNotice is printed once, by the process that starts the sandbox.
const sandboxNotice = "nssh: not root: running in a private sandbox; namespaces vanish when nssh exits"

// forcedNotice replaces sandboxNotice under --rootless when nssh could
// have run without a sandbox.
const forcedNotice = "nssh: --rootless: running in a private sandbox; namespaces vanish when nssh exits"

// runSandboxed runs the Lua front end (scripts, -e, stdin, the REPL) in a
// private sandbox when g asks for one or this process cannot create
// namespaces: new user, mount, network and PID namespaces with a private
// /run (core.RunSandboxed). It returns the sandboxed nssh's exit status
// and true, or false when nssh should run here.
func runSandboxed(g globals, stderr io.Writer) (int, bool) {
	if os.Getenv(sandboxEnv) != "" || g.sandbox == sandboxRefuse {
		return 0, false
	}
	capable := core.CanAdmin()
	if capable && g.sandbox != sandboxForce {
		return 0, false
	}
	if g.dirsGiven {
		fmt.Fprintln(stderr, "nssh: --run-dir, --etc-dir and --state-dir cannot be used in the private sandbox: its directories are private (use --no-sandbox)")
		return 2, true
	}
	if capable {
		fmt.Fprintln(stderr, forcedNotice)
	} else {
		fmt.Fprintln(stderr, sandboxNotice)
	}
	marker := sandboxEnv + "=1"
	if jobControlled(int(os.Stdin.Fd())) {
		marker = sandboxEnv + "=" + sandboxJob
	}
	code, err := core.RunSandboxed(core.SandboxOptions{Env: []string{marker}, Init: true})
	if err != nil {
		fmt.Fprintf(stderr, "nssh: %s\n", err.(*core.OpError).Text)
		return 1, true
	}
	return code, true
}
