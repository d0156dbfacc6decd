package luabind

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"

	"github.com/nssh/nssh/core"
)

// processTypeName is the registry name of the Process metatable.
const processTypeName = "netns.Process"

// killSignal ends a process whose spawn timeout passed, as exec's does.
const killSignal = syscall.SIGKILL

// expectTimeout is proc:expect's timeout when none is given.
const expectTimeout = 10 * time.Second

// tailLines is how many output lines error messages quote.
const tailLines = 5

// processMethods are the methods of a proc.
var processMethods = map[string]lfunc{
	"alive":  (*Binding).luaProcAlive,
	"wait":   (*Binding).luaProcWait,
	"kill":   (*Binding).luaProcKill,
	"write":  (*Binding).luaProcWrite,
	"close":  (*Binding).luaProcClose,
	"lines":  (*Binding).luaProcLines,
	"expect": (*Binding).luaProcExpect,
}

// openProcessType creates the Process metatable: fields pid, ns, cmd,
// name, dropped; the methods above; tostring as proc(PID "ns").
func openProcessType(L *lua.LState) {
	b := bindingOf(L)
	methods := L.NewTable()
	for name, f := range processMethods {
		fn := b.newFunction(L, name, f)
		methods.RawSetString(name, fn)
		b.fnames[fn] = "proc:" + name // for messages and help(p.wait)
	}
	mt := L.NewTypeMetatable(processTypeName)
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		pr := toProc(L.Get(1))
		key, _ := L.Get(2).(lua.LString)
		if pr == nil { // not a process: only the methods (the REPL's completer asks so)
			L.Push(methods.RawGet(L.Get(2)))
			return 1
		}
		switch key {
		case "pid":
			L.Push(lua.LNumber(pr.p.Pid()))
		case "ns":
			L.Push(lua.LString(pr.p.Netns))
		case "cmd":
			L.Push(copyCommand(L, pr.cmd))
		case "name":
			if pr.p.Name == "" {
				L.Push(lua.LNil)
			} else {
				L.Push(lua.LString(pr.p.Name))
			}
		case "dropped":
			L.Push(lua.LNumber(pr.p.Dropped()))
		default:
			L.Push(methods.RawGet(L.Get(2)))
		}
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		if pr := toProc(L.Get(1)); pr != nil {
			L.Push(lua.LString(fmt.Sprintf("proc(%d %q)", pr.p.Pid(), pr.p.Netns)))
			return 1
		}
		L.Push(lua.LString("proc(?)"))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString(processTypeName))
}

func newProcess(L *lua.LState, pr *proc) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = pr
	L.SetMetatable(ud, L.GetTypeMetatable(processTypeName))
	return ud
}

func toProc(v lua.LValue) *proc {
	if ud, ok := v.(*lua.LUserData); ok {
		if pr, ok := ud.Value.(*proc); ok {
			return pr
		}
	}
	return nil
}

// checkProc returns the proc that is argument 1 (the method's self).
func checkProc(L *lua.LState) *proc {
	pr := toProc(L.Get(1))
	if pr == nil {
		typeError(L, 1, "proc")
	}
	return pr
}

// procOp is the op field of a proc method's errors: "proc:wait".
func procOp(L *lua.LState) string { return funcName(L) }

func (b *Binding) luaProcAlive(L *lua.LState) int {
	pr := checkProc(L)
	noMoreArgs(L, 2)
	L.Push(lua.LBool(pr.p.Alive()))
	return 1
}

// luaProcWait: proc:wait([timeout]) -> exec's result table, or nil when
// the timeout passed first.
func (b *Binding) luaProcWait(L *lua.LState) int {
	pr := checkProc(L)
	d, limited := optDuration(L, 2)
	noMoreArgs(L, 3)
	ctx, cancel := b.opContext(L)
	defer cancel()
	timeout, stop := deadline(d, limited)
	defer stop()
	select {
	case <-pr.p.Done():
	case <-timeout:
		L.Push(lua.LNil)
		return 1
	case <-ctx.Done():
		raise(L, procOp(L), pr.p.Netns, "ECANCELED", "Operation canceled")
	}
	res, err := pr.p.Wait(context.Background())
	if err != nil {
		raiseError(L, procOp(L), pr.p.Netns, err)
	}
	out := core.Output{Result: res, Stdout: []byte(pr.p.Output(core.Stdout)), Stderr: []byte(pr.p.Output(core.Stderr))}
	L.Push(resultTable(L, out, false))
	return 1
}

// luaProcKill: proc:kill([sig]) -> true, or false when nothing was left
// to signal. sig is a name ("TERM", "SIGHUP") or a number; the whole
// process group gets it.
func (b *Binding) luaProcKill(L *lua.LState) int {
	pr := checkProc(L)
	sig := syscall.SIGTERM
	if v := L.Get(2); v != lua.LNil {
		sig = checkSignal(L, 2, v)
	}
	noMoreArgs(L, 3)
	err := pr.p.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		L.Push(lua.LFalse)
		return 1
	}
	if err != nil {
		raiseError(L, procOp(L), pr.p.Netns, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// checkSignal converts a signal name or number.
func checkSignal(L *lua.LState, n int, v lua.LValue) syscall.Signal {
	switch v := v.(type) {
	case lua.LNumber:
		return syscall.Signal(checkIntValue(L, n, v, 0, 64))
	case lua.LString:
		name := strings.ToUpper(string(v))
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		if sig := core.SignalByName(name); sig != 0 {
			return sig
		}
		argError(L, n, fmt.Sprintf("unknown signal %q (TERM, KILL, INT, HUP, USR1, ... or a number)", string(v)))
	default:
		typeError(L, n, "signal name or number")
	}
	return 0
}

// luaProcWrite: proc:write(s) writes to the process's stdin pipe.
func (b *Binding) luaProcWrite(L *lua.LState) int {
	pr := checkProc(L)
	s := checkString(L, 2)
	noMoreArgs(L, 3)
	ctx, cancel := b.opContext(L)
	defer cancel()
	if err := pr.p.Write(ctx, []byte(s)); err != nil {
		raiseStdin(L, pr, err)
	}
	return 0
}

// luaProcClose: proc:close() closes its stdin pipe (the process reads
// EOF); closing it again does nothing.
func (b *Binding) luaProcClose(L *lua.LState) int {
	pr := checkProc(L)
	noMoreArgs(L, 2)
	if err := pr.p.CloseStdin(); err != nil && !errors.Is(err, os.ErrClosed) {
		raiseStdin(L, pr, err)
	}
	return 0
}

func raiseStdin(L *lua.LState, pr *proc, err error) {
	switch {
	case errors.Is(err, core.ErrNoStdinPipe):
		raise(L, procOp(L), pr.p.Netns, "EINVAL", "stdin is not a pipe (spawn with stdin=\"pipe\")")
	case errors.Is(err, os.ErrClosed):
		raise(L, procOp(L), pr.p.Netns, "EBADF", "stdin is closed (proc:close() was called)")
	case errors.Is(err, syscall.EPIPE):
		raise(L, procOp(L), pr.p.Netns, "EPIPE", "the process closed its stdin")
	case errors.Is(err, context.Canceled):
		raise(L, procOp(L), pr.p.Netns, "ECANCELED", "Operation canceled")
	}
	raiseError(L, procOp(L), pr.p.Netns, err)
}

// luaProcLines: proc:lines([timeout]) -> iterator over stdout lines as
// they arrive; it ends at EOF, or when no line came within timeout.
func (b *Binding) luaProcLines(L *lua.LState) int {
	pr := checkProc(L)
	d, limited := optDuration(L, 2)
	noMoreArgs(L, 3)
	var pending []core.Line
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if len(pending) == 0 {
			pending = b.nextLines(L, pr, d, limited, core.Stdout)
		}
		if len(pending) == 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LString(pending[0].Text))
		pending = pending[1:]
		return 1
	}))
	return 1
}

// nextLines waits for lines of the streams after pr's cursor and moves
// the cursor past them; nil at EOF or when d passed (limited) first.
func (b *Binding) nextLines(L *lua.LState, pr *proc, d time.Duration, limited bool, streams ...core.Stream) []core.Line {
	ctx, cancel := b.opContext(L)
	defer cancel()
	timeout, stop := deadline(d, limited)
	defer stop()
	for {
		lines, next, changed, eof := pr.p.LinesSince(pr.cursor, streams...)
		if len(lines) > 0 {
			pr.cursor = next
			return lines
		}
		if eof {
			return nil
		}
		select {
		case <-changed:
		case <-timeout:
			return nil
		case <-ctx.Done():
			raise(L, procOp(L), pr.p.Netns, "ECANCELED", "Operation canceled")
		}
	}
}

// luaProcExpect: proc:expect(pattern [, timeout]) -> captures of the first
// stdout or stderr line matching the Lua pattern (the whole match when it
// has none). It raises ETIMEDOUT when none came in time (default 10 s) and
// EXIT when the output ended first; both quote the last lines.
func (b *Binding) luaProcExpect(L *lua.LState) int {
	pr := checkProc(L)
	pattern := checkString(L, 2)
	if _, err := pm.Find(pattern, nil, 0, 1); err != nil {
		argError(L, 2, "bad pattern: "+err.Error())
	}
	d, limited := expectTimeout, true
	if L.Get(3) != lua.LNil {
		d, limited = optDuration(L, 3)
	}
	noMoreArgs(L, 4)
	until := time.Now().Add(d)
	for {
		left := time.Until(until)
		if limited && left <= 0 {
			raise(L, procOp(L), pr.p.Netns, "ETIMEDOUT", fmt.Sprintf("no line matched %q within %v%s", pattern, d, tail(pr)))
		}
		lines := b.nextLines(L, pr, left, limited, core.Stdout, core.Stderr)
		if len(lines) == 0 && !limited || len(lines) == 0 && time.Until(until) > 0 {
			raise(L, procOp(L), pr.p.Netns, "EXIT", fmt.Sprintf("output ended before a line matched %q%s", pattern, tail(pr)))
		}
		for _, l := range lines {
			if n := pushMatch(L, pattern, l.Text); n > 0 {
				pr.cursor = l.Seq + 1
				return n
			}
		}
	}
}

// pushMatch pushes the captures of pattern in s, like string.match, and
// returns how many (0: no match).
func pushMatch(L *lua.LState, pattern, s string) int {
	mds, err := pm.Find(pattern, []byte(s), 0, 1)
	if err != nil || len(mds) == 0 {
		return 0
	}
	md := mds[0]
	if md.CaptureLength() == 2 {
		L.Push(lua.LString(s[md.Capture(0):md.Capture(1)]))
		return 1
	}
	for i := 2; i < md.CaptureLength(); i += 2 {
		if md.IsPosCapture(i) {
			L.Push(lua.LNumber(md.Capture(i) + 1))
		} else {
			L.Push(lua.LString(s[md.Capture(i):md.Capture(i+1)]))
		}
	}
	return md.CaptureLength()/2 - 1
}

// tail formats the last lines of pr's output for an error message.
func tail(pr *proc) string {
	lines, _, _, _ := pr.p.LinesSince(0, core.Stdout, core.Stderr)
	if len(lines) == 0 {
		return " (no output)"
	}
	var texts []string
	for _, l := range lines[max(0, len(lines)-tailLines):] {
		texts = append(texts, l.Text)
	}
	return "; last lines:\n" + strings.Join(texts, "\n")
}
