package luabind

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua v1.1.2 closes every open upvalue of the whole call stack when
// pcall catches an error (yuin/gopher-lua#448): a closure made before the
// pcall (an event handler, say) is cut off from the local it shares with
// the still-running function, so
//
//	local n = 0; local f = function() n = n + 1 end; pcall(error); f()
//
// leaves n at 0. NewState therefore replaces pcall with one that runs the
// function on a fresh thread (L.NewThread: same globals, L's context):
// an error there closes only that thread's frames, exactly the ones it
// unwound. Nesting is bounded so that pcall recursion cannot grow
// the Go stack without limit. xpcall is left alone: it passes a message
// handler, which keeps gopher-lua from closing anything.

// maxPCallDepth bounds nested pcalls (each nests a Go call and a thread).
const maxPCallDepth = 200

func openSafePCall(L *lua.LState) {
	depth := 0
	tramp := trampolines{}
	L.SetGlobal("pcall", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() == 0 {
			L.RaiseError("bad argument #1 to 'pcall' (value expected)")
		}
		fn := L.Get(1)
		if fn.Type() != lua.LTFunction && L.GetMetaField(fn, "__call").Type() != lua.LTFunction {
			L.Push(lua.LFalse)
			L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
			return 2
		}
		if depth >= maxPCallDepth {
			L.Push(lua.LFalse)
			L.Push(lua.LString("stack overflow (pcall nested too deeply)"))
			return 2
		}
		depth++
		defer func() { depth-- }()
		th, cancel := L.NewThread()
		if cancel != nil {
			// The thread runs with L's own context, memory limit included
			// (memlimit.go), not a derived one.
			cancel()
			th.SetContext(L.Context())
		}
		top := L.GetTop()
		th.Push(tramp.get(L, L.Where(1)))
		for i := 1; i <= top; i++ {
			th.Push(L.Get(i))
		}
		err := th.PCall(top, lua.MultRet, nil)
		if g := guardOf(L); err != nil && g != nil {
			g.caught()
		}
		afterPCall(L, err != nil)
		if err != nil {
			L.Push(lua.LFalse)
			if ae, ok := err.(*lua.ApiError); ok {
				L.Push(ae.Object)
			} else {
				L.Push(lua.LString(err.Error()))
			}
			return 2
		}
		n := th.GetTop()
		L.Push(lua.LTrue)
		for i := 1; i <= n; i++ {
			L.Push(th.Get(i))
		}
		return n + 1
	}))
}

// trampolines call f(...) from a Lua frame that carries the source and
// line of the pcall, so that an error raised by a Go function called
// directly (pcall(netns.add, "a/b")) is still prefixed "FILE:LINE:" as
// without the thread. One small function per call site, cached.
type trampolines map[string]*lua.LFunction

const maxTrampolines = 512

func (t trampolines) get(L *lua.LState, where string) *lua.LFunction {
	if f, ok := t[where]; ok {
		return f
	}
	source, line := "pcall", 1
	if w := strings.TrimSuffix(where, ":"); w != "" {
		if i := strings.LastIndexByte(w, ':'); i > 0 {
			if n, err := strconv.Atoi(w[i+1:]); err == nil && n > 0 && n < 1<<20 {
				source, line = w[:i], n
			}
		}
	}
	code := strings.Repeat("\n", line-1) +
		"local function pass(...) return ... end local f = ... return pass(f(select(2, ...)))"
	fn, err := L.Load(strings.NewReader(code), source)
	if err != nil {
		fn, _ = L.LoadString("local f = ... return f(select(2, ...))")
	}
	if len(t) >= maxTrampolines {
		clear(t)
	}
	t[where] = fn
	return fn
}
