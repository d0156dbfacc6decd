package luabind

import (
	"errors"
	"io/fs"
	"syscall"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// namespaceTypeName is the registry name of the Namespace metatable.
const namespaceTypeName = "netns.Namespace"

// openNamespaceType creates the Namespace metatable: ns.name, the methods
// table for everything else, tostring as netns("blue") and == by kernel
// identity. The userdata holds a *core.Namespace (name, dev, inode) and no
// file descriptor, since gopher-lua never runs __gc.
func openNamespaceType(L *lua.LState, methods *lua.LTable) {
	mt := L.NewTypeMetatable(namespaceTypeName)
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		ns := toNamespace(L.Get(1))
		key := L.Get(2)
		if ns != nil && key == lua.LString("name") {
			L.Push(lua.LString(ns.Name))
			return 1
		}
		L.Push(methods.RawGet(key))
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		if ns := toNamespace(L.Get(1)); ns != nil {
			L.Push(lua.LString(ns.String()))
			return 1
		}
		L.Push(lua.LString("netns(?)"))
		return 1
	}))
	mt.RawSetString("__eq", L.NewFunction(func(L *lua.LState) int {
		a, b := toNamespace(L.Get(1)), toNamespace(L.Get(2))
		L.Push(lua.LBool(a != nil && b != nil && a.Same(b)))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString(namespaceTypeName))
}

// toNamespace returns the namespace held by v, or nil.
func toNamespace(v lua.LValue) *core.Namespace {
	if ud, ok := v.(*lua.LUserData); ok {
		if ns, ok := ud.Value.(*core.Namespace); ok {
			return ns
		}
	}
	return nil
}

// pushNamespace pushes a Namespace userdata.
func pushNamespace(L *lua.LState, ns *core.Namespace) {
	L.Push(newNamespace(L, ns))
}

func newNamespace(L *lua.LState, ns *core.Namespace) *lua.LUserData {
	ud := L.NewUserData()
	c := *ns
	ud.Value = &c
	L.SetMetatable(ud, L.GetTypeMetatable(namespaceTypeName))
	return ud
}

// checkNamespace returns the namespace given as argument n, a Namespace
// userdata or a name. It raises an argument error for other types and a
// structured error (ENOENT, or EINVAL for a bad name or a file that is not
// a namespace) when it does not exist. A userdata whose name now refers to
// another namespace (deleted and re-added) counts as missing.
func checkNamespace(L *lua.LState, n int) *core.Namespace {
	cfg := bindingConfig(L)
	name := funcName(L)
	op := "netns." + name
	if b := bindingOf(L); b != nil && b.methodOnly[name] {
		op = "ns:" + name // as the method's own errors say (ns:link_add)
	}
	switch v := L.Get(n).(type) {
	case lua.LString:
		ns, err := cfg.Open(string(v))
		if err != nil {
			raiseError(L, op, string(v), err)
		}
		return ns
	case *lua.LUserData:
		held := toNamespace(v)
		if held == nil {
			break
		}
		ns, err := cfg.Open(held.Name)
		if err == nil && !ns.Same(held) {
			err = syscall.ENOENT
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, core.ErrNotNetns) {
				err = syscall.ENOENT
			}
			raiseError(L, op, held.Name, err)
		}
		return ns
	}
	typeError(L, n, "Namespace or string")
	return nil
}

// nameArg returns the name given as argument n: a string, or the name of a
// Namespace userdata.
func nameArg(L *lua.LState, n int) string {
	if ns := toNamespace(L.Get(n)); ns != nil {
		return ns.Name
	}
	if s, ok := L.Get(n).(lua.LString); ok {
		return string(s)
	}
	typeError(L, n, "Namespace or string")
	return ""
}
