package luabind

import lua "github.com/yuin/gopher-lua"

// gopher-lua v1.1.2 closes every open upvalue of the whole call stack when
// an error is raised under a pcall without a message handler
// (yuin/gopher-lua#448): a closure made before the pcall (an event handler,
// say) is cut off from the local it shares with the still-running
// function, so `local n = 0; local f = function() n = n + 1 end;
// pcall(error); f()` leaves n at 0. With a message handler it closes none,
// not even those of the frames the error unwound. NewState therefore
// replaces pcall and xpcall with versions that always pass a handler and
// then close exactly the unwound frames' upvalues, by returning from a
// trivial Lua function placed where the called function was (OP_RETURN
// closes the upvalues at and above its frame's base).
//
// Limit: a nested protected call made from Go (PCall) resets gopher-lua's
// handler flag, so an error raised after it in the same pcall'd function
// still closes everything, as before.

// closerSource compiles to a function that only returns.
const closerSource = "return"

func openSafePCall(L *lua.LState) {
	closer, err := L.LoadString(closerSource)
	if err != nil {
		panic(err) // a constant chunk: cannot fail
	}
	passThrough := L.NewFunction(func(L *lua.LState) int {
		L.Push(L.Get(1))
		return 1
	})
	L.SetGlobal("pcall", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() == 0 {
			L.RaiseError("bad argument #1 to 'pcall' (value expected)")
		}
		return protectedCall(L, 1, passThrough, closer)
	}))
	L.SetGlobal("xpcall", L.NewFunction(func(L *lua.LState) int {
		fn, ok := L.Get(1).(*lua.LFunction)
		if !ok {
			L.RaiseError("bad argument #1 to 'xpcall' (function expected, got %s)", L.Get(1).Type())
		}
		handler, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			L.RaiseError("bad argument #2 to 'xpcall' (function expected, got %s)", L.Get(2).Type())
		}
		L.SetTop(0)
		L.Push(fn)
		return protectedCall(L, 1, handler, closer)
	}))
}

// protectedCall calls the function at stack position fnIdx with the
// values above it as arguments and returns true and its results, or false
// and the (handled) error value.
func protectedCall(L *lua.LState, fnIdx int, handler, closer *lua.LFunction) int {
	v := L.Get(fnIdx)
	if v.Type() != lua.LTFunction && L.GetMetaField(v, "__call").Type() != lua.LTFunction {
		L.SetTop(0)
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + v.Type().String() + " value"))
		return 2
	}
	nargs := L.GetTop() - fnIdx
	err := L.PCall(nargs, lua.MultRet, handler)
	if err == nil {
		L.Insert(lua.LTrue, fnIdx)
		return L.GetTop() - fnIdx + 1
	}
	// The stack is back at fnIdx-1: the closer's frame starts where the
	// failed function's did, so its return closes the unwound upvalues.
	L.Push(closer)
	L.Call(0, 0)
	L.Push(lua.LFalse)
	if ae, ok := err.(*lua.ApiError); ok {
		L.Push(ae.Object)
	} else {
		L.Push(lua.LString(err.Error()))
	}
	return 2
}
