package luabind

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// registryKey holds the Binding of a state in its registry (unreachable
// from Lua: gopher-lua has no debug.getregistry).
const registryKey = "nssh.netns.binding"

// lfunc is a module function: it gets the binding and the state.
type lfunc func(b *Binding, L *lua.LState) int

// moduleFuncs are the functions of the netns table.
var moduleFuncs = map[string]lfunc{
	"list":       (*Binding).luaList,
	"add":        (*Binding).luaAdd,
	"get":        (*Binding).luaGet,
	"attach":     (*Binding).luaAttach,
	"del":        (*Binding).luaDel,
	"del_all":    (*Binding).luaDelAll,
	"set_id":     (*Binding).luaSetID,
	"list_id":    (*Binding).luaListID,
	"identify":   (*Binding).luaIdentify,
	"pids":       (*Binding).luaPids,
	"exec":       (*Binding).luaExec,
	"exec_all":   (*Binding).luaExecAll,
	"on":         (*Binding).luaOn,
	"off":        (*Binding).luaOff,
	"wait":       (*Binding).luaWait,
	"stop":       (*Binding).luaStop,
	"next_event": (*Binding).luaNextEvent,
}

// methodFuncs are the Namespace methods (ns:del() is netns.del(ns)).
var methodFuncs = map[string]lfunc{
	"del":    (*Binding).luaDel,
	"pids":   (*Binding).luaPids,
	"exec":   (*Binding).luaExec,
	"set_id": (*Binding).luaSetID,
	"id":     (*Binding).luaID,
}

// Open registers `require("netns")` (L.PreloadModule) and the global
// `netns`, plus the global `help(fn_or_name)`, into L, then calls every
// registered Extension so that other files of this package can add
// functions and Namespace methods.
func (b *Binding) Open(L *lua.LState) {
	ud := L.NewUserData()
	ud.Value = b
	L.G.Registry.RawSetString(registryKey, ud)
	errorMetatable(L)

	mod, methods := L.NewTable(), L.NewTable()
	for name, f := range moduleFuncs {
		mod.RawSetString(name, b.newFunction(L, name, f))
	}
	for name, f := range methodFuncs {
		methods.RawSetString(name, b.newFunction(L, name, f))
	}
	openNamespaceType(L, methods)
	b.fnames = map[*lua.LFunction]string{} // extensions may name functions of their own modules
	for _, ext := range registeredExtensions() {
		ext(b, L, mod, methods)
	}
	b.mod, b.methods = mod, methods
	b.methodOnly = map[string]bool{}
	methods.ForEach(func(k, _ lua.LValue) {
		if mod.RawGet(k) == lua.LNil {
			b.methodOnly[lua.LVAsString(k)] = true
		}
	})
	for _, t := range []*lua.LTable{methods, mod} {
		t.ForEach(func(k, v lua.LValue) {
			if f, ok := v.(*lua.LFunction); ok {
				b.fnames[f] = lua.LVAsString(k)
			}
		})
	}

	L.PreloadModule("netns", func(L *lua.LState) int {
		L.Push(mod)
		return 1
	})
	L.SetGlobal("netns", mod)
	help := b.newFunction(L, "help", (*Binding).luaHelp)
	b.fnames[help] = "help"
	L.SetGlobal("help", help)
}

// newFunction wraps f as a Lua function. A Go panic other than a Lua error
// becomes a Lua error naming the function, so no Lua input can crash the
// process even through a bug.
func (b *Binding) newFunction(L *lua.LState, name string, f lfunc) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) (n int) {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(*lua.ApiError); ok {
					panic(r)
				}
				L.RaiseError("netns.%s: internal error: %v", name, r)
			}
		}()
		return f(b, L)
	})
}

// bindingOf returns the Binding opened in L, or nil.
func bindingOf(L *lua.LState) *Binding {
	if ud, ok := L.G.Registry.RawGetString(registryKey).(*lua.LUserData); ok {
		if b, ok := ud.Value.(*Binding); ok {
			return b
		}
	}
	return nil
}

// bindingConfig is the config of L's binding (DefaultConfig without one).
func bindingConfig(L *lua.LState) core.Config {
	if b := bindingOf(L); b != nil {
		return b.cfg
	}
	return core.DefaultConfig()
}

// ObjectTypeNames are the registry names of the metatables of the objects
// the module hands to Lua (namespaces, labs, spawned processes): their
// __index functions are Go and cheap, so a REPL completer may call them.
func ObjectTypeNames() []string {
	return []string{namespaceTypeName, labTypeName, processTypeName}
}
