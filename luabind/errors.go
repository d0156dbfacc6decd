package luabind

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// errorTypeName is the registry name of the metatable of structured errors.
const errorTypeName = "netns.Error"

// raiseError raises a structured error {op=, name=, code=, msg=} whose
// __tostring gives "op: name: msg" (never returns). code is the errno name
// of err ("EEXIST"), "EINVAL" for bad names, or "" mapped to "EIO" when err
// carries no errno; msg is glibc's text, with the missing privilege named
// for EPERM.
func raiseError(L *lua.LState, op, name string, err error) {
	code, msg := errorFields(op, err)
	raise(L, op, name, code, msg)
}

// errorFields gives the code and msg fields of err raised by op. EPERM and
// EACCES name the capability op needs.
func errorFields(op string, err error) (code, msg string) {
	code, msg = errorCode(err), errorMsg(err)
	if code == "EPERM" || code == "EACCES" {
		msg += " (needs " + core.Capability(op) + ")"
	}
	return code, msg
}

// raise raises a structured error with the given fields (never returns).
func raise(L *lua.LState, op, name, code, msg string) {
	L.Error(newError(L, op, name, code, msg), 1)
}

// newError builds the error table.
func newError(L *lua.LState, op, name, code, msg string) *lua.LTable {
	t := L.CreateTable(0, 4)
	t.RawSetString("op", lua.LString(op))
	if name != "" {
		t.RawSetString("name", lua.LString(name))
	}
	t.RawSetString("code", lua.LString(code))
	t.RawSetString("msg", lua.LString(msg))
	L.SetMetatable(t, errorMetatable(L))
	return t
}

// errorMetatable returns (creating once per state) the metatable whose
// __tostring formats an error table.
func errorMetatable(L *lua.LState) lua.LValue {
	if mt, ok := L.GetTypeMetatable(errorTypeName).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTypeMetatable(errorTypeName)
	mt.RawSetString("__tostring", L.NewFunction(errorToString))
	return mt
}

func errorToString(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		L.Push(lua.LString(lua.LVAsString(L.Get(1))))
		return 1
	}
	L.Push(lua.LString(formatError(t)))
	return 1
}

// formatError gives "op: name: msg" ("op: msg" without a name).
func formatError(t *lua.LTable) string {
	parts := []string{}
	for _, k := range []string{"op", "name", "msg"} {
		if v := t.RawGetString(k); v != lua.LNil {
			parts = append(parts, lua.LVAsString(v))
		}
	}
	return strings.Join(parts, ": ")
}

// errorCode maps err to the code field.
func errorCode(err error) string {
	if name := core.ErrnoName(err); name != "" {
		return name
	}
	var ee *core.ExecError
	if errors.As(err, &ee) {
		return "ENOENT"
	}
	return "EIO"
}

// errorMsg gives the msg field: glibc's strerror text of the errno, or the
// error's own text when it carries none.
func errorMsg(err error) string {
	var ee *core.ExecError
	if errors.As(err, &ee) {
		return ee.Error()
	}
	var ne *core.NsidError
	if errors.As(err, &ne) && ne.Msg != "" {
		return core.Strerror(ne.Errno) + " (" + ne.Msg + ")"
	}
	var bad *core.NameError
	if errors.As(err, &bad) {
		return bad.Error()
	}
	if core.Errno(err) != 0 || errors.Is(err, core.ErrInvalidName) {
		return core.Strerror(err)
	}
	if errors.Is(err, core.ErrNotNetns) {
		return "Invalid argument (not a network namespace)"
	}
	var oe *core.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

// argError raises "bad argument #n to 'f' (msg)", f being the name the
// running Go function was called by.
func argError(L *lua.LState, n int, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, funcName(L), msg)
}

// typeError raises "bad argument #n to 'f' (T expected, got U)".
func typeError(L *lua.LState, n int, want string) {
	argError(L, n, fmt.Sprintf("%s expected, got %s", want, typeName(L.Get(n), n > L.GetTop())))
}

func typeName(v lua.LValue, absent bool) string {
	if absent {
		return "no value"
	}
	if ud, ok := v.(*lua.LUserData); ok {
		if _, ok := ud.Value.(*core.Namespace); ok {
			return "Namespace"
		}
	}
	return v.Type().String()
}

// funcName is the name of the running Go function: its key in the netns
// table or the method table ("add" for netns.add, "exec" for ns:exec), else
// the name it was called by, else "?".
func funcName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if fn, err := L.GetInfo("fn", dbg, lua.LNil); err == nil {
		if f, ok := fn.(*lua.LFunction); ok {
			if b := bindingOf(L); b != nil && b.fnames[f] != "" {
				return b.fnames[f]
			}
		}
	}
	if dbg.Name == "" {
		return "?"
	}
	return dbg.Name
}
