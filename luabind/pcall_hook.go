package luabind

import lua "github.com/yuin/gopher-lua"

// pcallHookKey is the registry key of the function SetPCallHook sets.
const pcallHookKey = "nssh.pcall_hook"

// SetPCallHook makes every pcall in L (and in its threads) call hook when
// the protected function returned, with the state that called pcall and
// whether an error was caught. The REPL uses it to let pcall catch Ctrl-C.
// A nil hook removes it. L must come from NewState.
func SetPCallHook(L *lua.LState, hook func(L *lua.LState, caught bool)) {
	if hook == nil {
		L.G.Registry.RawSetString(pcallHookKey, lua.LNil)
		return
	}
	ud := L.NewUserData()
	ud.Value = hook
	L.G.Registry.RawSetString(pcallHookKey, ud)
}

// afterPCall runs the hook set by SetPCallHook, if any.
func afterPCall(L *lua.LState, caught bool) {
	if ud, ok := L.G.Registry.RawGetString(pcallHookKey).(*lua.LUserData); ok {
		if hook, ok := ud.Value.(func(*lua.LState, bool)); ok {
			hook(L, caught)
		}
	}
}
