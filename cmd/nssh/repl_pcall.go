package main

import (
	"context"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/luabind"
)

// In the REPL, pcall and xpcall catch Ctrl-C like any other error, as in
// the stand-alone lua interpreter: pcall(ns.exec, ns, "sleep 5") returns
// false and the ECANCELED error, and the chunk goes on. Ctrl-C cancels the
// evaluation's context, which every thread running the chunk derives
// from; once a pcall returned false for it, rearm gives the chunk a fresh
// context, so the next Ctrl-C interrupts again. SIGTERM and SIGHUP are
// never caught. (A script has no such rule: there SIGINT ends the script.)

// catchInterrupts hooks rearm into pcall (luabind's) and wraps xpcall.
func (r *repl) catchInterrupts() {
	L := r.s.L
	luabind.SetPCallHook(L, r.rearm)
	orig := L.GetGlobal("xpcall")
	if orig.Type() != lua.LTFunction {
		return
	}
	L.SetGlobal("xpcall", L.NewFunction(func(L *lua.LState) int {
		L.Insert(orig, 1)
		L.Call(L.GetTop()-1, lua.MultRet)
		r.rearm(L, L.Get(1) == lua.LFalse)
		return L.GetTop()
	}))
}

// rearm runs after a pcall in L returned. If L's context was cancelled
// and a pcall (this one, caught, or a deeper one) took the interrupt, L
// continues with the evaluation's new context.
func (r *repl) rearm(L *lua.LState, caught bool) {
	if ctx := L.Context(); ctx == nil || ctx.Err() == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.ctx == nil:
		return
	case r.ctx.Err() == nil: // a deeper pcall caught it
	case caught && !r.ending:
		r.ctx, r.cancel = context.WithCancel(context.Background())
	default:
		return
	}
	luabind.SetContext(L, r.ctx)
	if L != r.s.L {
		luabind.SetContext(r.s.L, r.ctx)
	}
}
