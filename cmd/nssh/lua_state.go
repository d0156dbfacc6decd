package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/lab"
	"github.com/nssh/nssh/luabind"
)

// luaSession is one LState with the netns binding opened in it. It is
// owned by one goroutine (the main one): nothing else may touch L.
type luaSession struct {
	L *lua.LState
	b *luabind.Binding
	// onExit runs before os.exit() leaves the process (close the binding,
	// restore the terminal).
	onExit func()
}

// newLuaSession makes an LState with nssh's limits (--mem-limit included:
// every context given to L must go through luabind.SetContext), opens the
// netns module and the global help(), and sends print() to out.
func newLuaSession(g globals, out, errOut io.Writer) *luaSession {
	L := luabind.NewState()
	if g.memLimit > 0 {
		luabind.LimitMemory(L, g.memLimit)
		// The collector works harder as the heap nears the limit, so that
		// garbage does not count against it.
		debug.SetMemoryLimit(int64(g.memLimit))
	}
	b := luabind.New(g.cfg, out, errOut)
	b.Open(L)
	s := &luaSession{L: L, b: b}
	s.setPrint(out)
	s.replaceExit()
	return s
}

// close stops watchers, kills children still running, removes the temp
// labs this process brought up, and frees the LState.
func (s *luaSession) close() {
	s.release()
	s.L.Close()
}

// release is what every way out of a script must do: stop the binding's
// watchers and children, then remove temp labs (netns.lab{temp=true}).
func (s *luaSession) release() {
	s.b.Close()
	if err := lab.CleanupTemp(); err != nil {
		fmt.Fprintf(os.Stderr, "nssh: %v\n", err)
	}
}

// setPrint replaces print so that its output goes to w (the REPL passes
// readline's Stdout, which redraws the prompt line around it).
func (s *luaSession) setPrint(w io.Writer) {
	s.L.SetGlobal("print", s.L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		parts := make([]string, n)
		for i := 1; i <= n; i++ {
			parts[i-1] = L.ToStringMeta(L.Get(i)).String()
		}
		io.WriteString(w, strings.Join(parts, "\t")+"\n")
		return 0
	}))
}

// replaceExit makes os.exit close the binding (children, watchers, temp
// labs) and run onExit before the process ends, which the stock os.exit
// skips.
func (s *luaSession) replaceExit() {
	osTable, ok := s.L.GetGlobal("os").(*lua.LTable)
	if !ok {
		return
	}
	osTable.RawSetString("exit", s.L.NewFunction(func(L *lua.LState) int {
		code := 0
		switch v := L.Get(1).(type) {
		case lua.LBool:
			if !v {
				code = 1
			}
		case lua.LNumber:
			code = int(v)
		case *lua.LNilType:
		default:
			L.ArgError(1, "number or boolean expected, got "+v.Type().String())
		}
		if s.onExit != nil {
			s.onExit()
		}
		s.release()
		os.Exit(code)
		return 0
	}))
}

// setArgs sets the global table arg (arg[0] = script, arg[1..] = args),
// as the stand-alone lua interpreter does.
func (s *luaSession) setArgs(script string, args []string) {
	t := s.L.CreateTable(len(args), 1)
	t.RawSetInt(0, lua.LString(script))
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	s.L.SetGlobal("arg", t)
}

// errorText is how an uncaught error prints: a string as it is (Lua has
// already put "FILE:LINE:" in front), a value with __tostring (nssh's
// structured errors) as that text after where it was raised.
func errorText(L *lua.LState, obj lua.LValue, where string) string {
	switch v := obj.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return where + v.String()
	}
	if L.GetMetaField(obj, "__tostring") != lua.LNil {
		return where + L.ToStringMeta(obj).String()
	}
	return fmt.Sprintf("%s(error object is a %s value)", where, obj.Type())
}
