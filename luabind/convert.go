package luabind

import (
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// noticeLine is the one-line form of an event nobody handled.
func noticeLine(ev core.Event) string {
	if ev.Kind == "output" || ev.Kind == "exit" {
		return procNotice(ev)
	}
	if ev.Kind == "add" || ev.Kind == "del" {
		return "[event] " + ev.Kind + " " + ev.Netns
	}
	s := fmt.Sprintf("[event] %s %s %s", ev.Kind, ev.Action, ev.Netns)
	for _, k := range []string{"name", "dev", "addr", "dst", "via"} {
		if v, ok := ev.Attrs[k]; ok && v != nil {
			s += fmt.Sprintf(" %s=%v", k, v)
		}
	}
	return s
}

// eventTable converts an event: {event="add", name=} for add/del,
// {event=, action=, ns=, ...attrs} for link/addr/route; every event has
// time, in seconds since the binding (the script) started, never earlier
// than the event delivered before it.
func eventTable(L *lua.LState, ev core.Event) *lua.LTable {
	t := L.CreateTable(0, 4+len(ev.Attrs))
	for k, v := range ev.Attrs {
		t.RawSetString(k, goToLua(L, v))
	}
	t.RawSetString("event", lua.LString(ev.Kind))
	if b := bindingOf(L); b != nil {
		at := ev.Time
		if at.IsZero() {
			at = time.Now()
		}
		if at.Before(b.lastEventAt) {
			at = b.lastEventAt
		}
		b.lastEventAt = at
		t.RawSetString("time", lua.LNumber(at.Sub(b.start).Seconds()))
	}
	if ev.Kind == "add" || ev.Kind == "del" {
		t.RawSetString("name", lua.LString(ev.Netns))
		return t
	}
	if ev.Action != "" { // output and exit events have none
		t.RawSetString("action", lua.LString(ev.Action))
	}
	t.RawSetString("ns", lua.LString(ev.Netns))
	return t
}

// goToLua converts the plain Go values events carry.
func goToLua(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case string:
		return lua.LString(v)
	case bool:
		return lua.LBool(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case uint8:
		return lua.LNumber(v)
	case uint16:
		return lua.LNumber(v)
	case uint32:
		return lua.LNumber(v)
	case uint64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case []string:
		return stringList(L, v)
	case []map[string]any:
		t := L.CreateTable(len(v), 0)
		for _, m := range v {
			e := L.CreateTable(0, len(m))
			for k, x := range m {
				e.RawSetString(k, goToLua(L, x))
			}
			t.Append(e)
		}
		return t
	case fmt.Stringer:
		return lua.LString(v.String())
	}
	return lua.LString(fmt.Sprint(v))
}
