package luabind

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// execOpts are the options of exec and exec_all.
type execOpts struct {
	core    core.ExecOptions
	check   bool
	inherit bool
}

var execOptionNames = []string{"stdin", "env", "timeout", "check", "inherit", "cwd", "max_output"}

// checkCommand reads argument n: an argv array (non-empty) or a string run
// with /bin/sh -c.
func checkCommand(L *lua.LState, n int) []string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return []string{"/bin/sh", "-c", string(v)}
	case *lua.LTable:
		argv := stringArray(L, n, v, "command")
		if len(argv) == 0 {
			argError(L, n, "command must not be empty")
		}
		for _, a := range argv {
			if strings.IndexByte(a, 0) >= 0 {
				argError(L, n, "command contains a NUL byte")
			}
		}
		return argv
	}
	typeError(L, n, "table or string")
	return nil
}

// parseExecOpts converts the options table at argument n.
func parseExecOpts(L *lua.LState, n int, opts *lua.LTable) execOpts {
	var o execOpts
	switch v := optField(opts, "stdin").(type) {
	case *lua.LNilType:
	case lua.LString:
		o.core.Input = []byte(v)
	default:
		argError(L, n, "option \"stdin\": string expected, got "+v.Type().String())
	}
	o.core.Env = checkEnv(L, n, optField(opts, "env"))
	if v := optField(opts, "timeout"); v != lua.LNil {
		d, err := parseDuration(v)
		if err == nil && d <= 0 {
			err = errors.New("timeout must be positive")
		}
		if err != nil {
			argError(L, n, "option \"timeout\": "+err.Error())
		}
		o.core.Timeout = d
	}
	o.check = optBool(L, n, opts, "check")
	o.inherit = optBool(L, n, opts, "inherit")
	o.core.Cwd = optString(L, n, opts, "cwd")
	o.core.MaxOutput = optInt(L, n, opts, "max_output", 1, math.MaxInt32)
	// A command of its own process group is killed whole on timeout; one
	// on the terminal stays in nssh's, the terminal's foreground group.
	o.core.Setpgid = !o.inherit
	if o.inherit {
		if o.core.Input == nil {
			o.core.Stdin = os.Stdin
		}
		o.core.Stdout, o.core.Stderr = os.Stdout, os.Stderr
	}
	return o
}

// checkEnv merges an env table {NAME=value} into this process's
// environment; a value of false removes the variable. nil means unchanged.
func checkEnv(L *lua.LState, n int, v lua.LValue) []string {
	if v == lua.LNil {
		return nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		argError(L, n, "option \"env\": table expected, got "+v.Type().String())
	}
	set := map[string]string{}
	unset := map[string]bool{}
	t.ForEach(func(k, val lua.LValue) {
		key, ok := k.(lua.LString)
		if !ok || key == "" || strings.ContainsAny(string(key), "=\x00") {
			argError(L, n, "option \"env\": keys must be variable names, got "+lua.LVAsString(k))
		}
		switch val := val.(type) {
		case lua.LString, lua.LNumber:
			s := lua.LVAsString(val)
			if strings.IndexByte(s, 0) >= 0 {
				argError(L, n, "option \"env\": value of "+string(key)+" contains a NUL byte")
			}
			set[string(key)] = s
		case lua.LBool:
			if val {
				argError(L, n, "option \"env\": value of "+string(key)+" must be a string, a number or false")
			}
			unset[string(key)] = true
		default:
			argError(L, n, "option \"env\": value of "+string(key)+" must be a string, a number or false")
		}
	})
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, over := set[k]; !over && !unset[k] {
			env = append(env, kv)
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+set[k])
	}
	return env
}

// luaExec: netns.exec(name_or_ns, cmd [, opts]), ns:exec(cmd [, opts]) ->
// {code=, signal=, stdout=, stderr=, ok=, duration=}.
//
// Equivalent to: `ip netns exec NAME CMD...`
func (b *Binding) luaExec(L *lua.LState) int {
	nameArg(L, 1)
	argv := checkCommand(L, 2)
	o := parseExecOpts(L, 3, checkOptions(L, 3, execOptionNames...))
	noMoreArgs(L, 4)
	ns := checkNamespace(L, 1)
	L.Push(b.execIn(L, "netns.exec", ns, argv, o))
	return 1
}

// execIn runs argv in the namespace ns as netns.exec does and returns
// its result table; op names the function in errors.
func (b *Binding) execIn(L *lua.LState, op string, ns *core.Namespace, argv []string, o execOpts) *lua.LTable {
	name := ns.Name
	ctx, cancel := b.opContext(L)
	defer cancel()
	if o.inherit {
		b.term.start()
	}
	out, err := ns.Exec(ctx, argv, o.core)
	if o.inherit {
		b.term.end(out.Signal == int(syscall.SIGINT))
	}
	if interrupted(ctx, out.Signal == int(syscall.SIGINT)) {
		raise(L, op, name, "ECANCELED", "Operation canceled")
	}
	if err != nil {
		raiseError(L, op, name, err)
	}
	res := resultTable(L, out, o.inherit)
	if o.check && !resultOK(out) {
		raiseExit(L, op, name, argv, out, res)
	}
	return res
}

// sigintGrace is how long a call whose child died of SIGINT waits to be
// interrupted itself. Ctrl-C at a terminal sends SIGINT to nssh and to the
// child at once; the child may die, and the call return, before nssh's
// signal handler has cancelled the chunk, which would then run on as if
// the user had not pressed Ctrl-C.
const sigintGrace = 250 * time.Millisecond

// interrupted reports whether ctx was cancelled, giving it up to
// sigintGrace when a child died of SIGINT.
func interrupted(ctx context.Context, childGotSIGINT bool) bool {
	if ctx.Err() != nil || !childGotSIGINT {
		return ctx.Err() != nil
	}
	t := time.NewTimer(sigintGrace)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return true
	case <-t.C:
		return false
	}
}

func resultOK(out core.Output) bool { return out.Code == 0 && out.Signal == 0 }

// resultTable converts an exec result; stdout/stderr are nil when the
// child used the terminal.
func resultTable(L *lua.LState, out core.Output, inherit bool) *lua.LTable {
	t := L.CreateTable(0, 6)
	t.RawSetString("code", lua.LNumber(out.Code))
	if out.Signal != 0 {
		t.RawSetString("signal", lua.LNumber(out.Signal))
	}
	if !inherit {
		t.RawSetString("stdout", lua.LString(out.Stdout))
		t.RawSetString("stderr", lua.LString(out.Stderr))
	}
	t.RawSetString("ok", lua.LBool(resultOK(out)))
	if out.Dropped > 0 {
		t.RawSetString("dropped", lua.LNumber(out.Dropped))
	}
	t.RawSetString("duration", lua.LNumber(out.Duration.Seconds()))
	return t
}

// raiseExit raises the error of a failed command under check=true: code
// "EXIT", the result in field `result`.
func raiseExit(L *lua.LState, op, name string, argv []string, out core.Output, res *lua.LTable) {
	e := newError(L, op, name, "EXIT", exitText(argv, out))
	e.RawSetString("result", res)
	L.Error(e, 1)
}

// exitText describes how a command ended, with the last lines of its
// stderr: `"false" exited with status 1`, `...; stderr: bird: no config`.
func exitText(argv []string, out core.Output) string {
	cmd := argv[0]
	if len(argv) == 3 && argv[0] == "/bin/sh" && argv[1] == "-c" {
		cmd = argv[2]
	}
	text := fmt.Sprintf("%q exited with status %d", cmd, out.Code)
	if out.Signal != 0 {
		text = fmt.Sprintf("%q killed by signal %s", cmd, core.SignalName(out.Signal))
	}
	if t := lastLines(string(out.Stderr), stderrTailLines); t != "" {
		text += "; stderr: " + t
	}
	return text
}

// stderrTailLines is how many lines of stderr check=true errors quote.
const stderrTailLines = 5

// lastLines returns the last n non-empty lines of s, joined by newlines.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
