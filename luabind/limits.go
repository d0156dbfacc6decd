package luabind

import (
	lua "github.com/yuin/gopher-lua"
)

// Limits that turn what would kill the process (a Go "out of memory" or
// "stack overflow" fatal error, which no recover catches) into Lua errors.
const (
	// MaxStringRep bounds the result of string.rep: a larger string is
	// an error instead of an allocation the machine cannot make.
	MaxStringRep = 1 << 30
	// MaxCoroutineDepth bounds coroutines resumed inside one another:
	// each level nests Go calls and a thread of its own.
	MaxCoroutineDepth = 200
)

// openLimits replaces string.rep, coroutine.resume and coroutine.wrap by
// versions that raise a Lua error past the limits above. A coroutine runs
// with the context of the thread that resumes it (not the one it was made
// in, which may be a finished REPL evaluation's), memory limit included.
func openLimits(L *lua.LState) {
	str, _ := L.GetGlobal("string").(*lua.LTable)
	co, _ := L.GetGlobal("coroutine").(*lua.LTable)
	if str == nil || co == nil {
		return
	}
	rep := str.RawGetString("rep")
	str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
		s := L.CheckString(1)
		n := L.CheckInt64(2)
		if n > 0 && int64(len(s)) > 0 && n > MaxStringRep/int64(len(s)) {
			L.RaiseError("string.rep: the result would be %d bytes, over the limit of %d", n*int64(len(s)), MaxStringRep)
		}
		return callOriginal(L, rep)
	}))
	depth := 0 // nested resumes run on one goroutine: the state's
	nested := func(L *lua.LState, fn lua.LValue, th *lua.LState) int {
		if depth >= MaxCoroutineDepth {
			L.RaiseError("coroutines nested more than %d deep", MaxCoroutineDepth)
		}
		depth++
		defer func() { depth-- }()
		if ctx := L.Context(); th != nil && ctx != nil {
			th.SetContext(ctx)
		}
		return callOriginal(L, fn)
	}
	resume := co.RawGetString("resume")
	co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int {
		th, _ := L.Get(1).(*lua.LState)
		return nested(L, resume, th)
	}))
	wrap := co.RawGetString("wrap")
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		callOriginal(L, wrap)
		inner := L.Get(-1)
		th := wrappedThread(inner)
		L.Push(L.NewFunction(func(L *lua.LState) int { return nested(L, inner, th) }))
		return 1
	}))
}

// wrappedThread is the coroutine of a function made by gopher-lua's
// coroutine.wrap (its one upvalue), or nil.
func wrappedThread(fn lua.LValue) *lua.LState {
	if f, ok := fn.(*lua.LFunction); ok && len(f.Upvalues) == 1 {
		th, _ := f.Upvalues[0].Value().(*lua.LState)
		return th
	}
	return nil
}

// callOriginal calls fn with the arguments of the running Go function and
// returns its results.
func callOriginal(L *lua.LState, fn lua.LValue) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}
