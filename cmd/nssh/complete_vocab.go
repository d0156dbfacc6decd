package main

import (
	"regexp"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/luabind"
)

// objectTypes are the registry names of luabind's object metatables, whose
// __index functions the completer may call (they are Go and cheap). A
// user's __index function is never called: it could run forever.
var objectTypes = luabind.ObjectTypeNames()

// helpMember finds the NAME of "x:NAME" and "x.NAME" entries of the
// reference index (ns:exec, lab:up, ns.name).
var helpMember = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s*[A-Za-z_]\w*[:.]([A-Za-z_]\w*)\b`)
})

// snapshotVocabulary collects, on the goroutine that owns L, the names the
// completer offers: globals and keywords, and for every global the
// members its value has, by type: a table's keys, an nssh object's fields
// and methods (asked from its metatable), a string's methods.
func snapshotVocabulary(L *lua.LState) *vocabulary {
	v := &vocabulary{members: map[string]members{}}
	for k := range luaKeywords {
		v.globals = append(v.globals, k)
	}
	cands := memberCandidates(L)
	probed := map[*lua.LTable]members{}
	G := L.G.Global
	G.ForEach(func(k, val lua.LValue) {
		name, ok := k.(lua.LString)
		if !ok || !isIdent(string(name)) {
			return
		}
		v.globals = append(v.globals, string(name))
		if val == G {
			return
		}
		if m, ok := membersOf(L, val, cands, probed); ok {
			v.members[string(name)] = m
		}
	})
	v.globals = sortedUnique(v.globals)
	for _, typ := range objectTypes { // receivers the snapshot does not know
		if mt, ok := L.GetTypeMetatable(typ).(*lua.LTable); ok {
			v.anyMethods = append(v.anyMethods, probe(L, mt, lua.LNil, cands).methods...)
		}
	}
	v.anyMethods = sortedUnique(v.anyMethods)
	return v
}

// membersOf describes the members of val.
func membersOf(L *lua.LState, val lua.LValue, cands []string, probed map[*lua.LTable]members) (members, bool) {
	switch x := val.(type) {
	case *lua.LTable:
		m := tableMembers(x)
		if mt, ok := x.Metatable.(*lua.LTable); ok {
			if idx, ok := mt.RawGetString("__index").(*lua.LTable); ok && idx != x {
				more := tableMembers(idx)
				m.fields = sortedUnique(append(m.fields, more.fields...))
				m.methods = sortedUnique(append(m.methods, more.methods...))
			}
		}
		return m, true
	case *lua.LUserData:
		mt, ok := x.Metatable.(*lua.LTable)
		if !ok || !isObjectType(L, mt) {
			return members{}, false
		}
		if m, ok := probed[mt]; ok {
			return m, true
		}
		m := probe(L, mt, x, cands)
		probed[mt] = m
		return m, true
	case lua.LString:
		if s, ok := L.GetGlobal("string").(*lua.LTable); ok {
			return members{methods: tableMembers(s).methods}, true
		}
	}
	return members{}, false
}

// tableMembers lists t's identifier keys (fields: all of them, for
// "t.") and those holding functions (methods, for "t:").
func tableMembers(t *lua.LTable) members {
	var m members
	t.ForEach(func(k, val lua.LValue) {
		if s, ok := k.(lua.LString); ok && isIdent(string(s)) {
			m.fields = append(m.fields, string(s))
			if val.Type() == lua.LTFunction {
				m.methods = append(m.methods, string(s))
			}
		}
	})
	m.fields, m.methods = sortedUnique(m.fields), sortedUnique(m.methods)
	return m
}

func isObjectType(L *lua.LState, mt *lua.LTable) bool {
	for _, typ := range objectTypes {
		if L.GetTypeMetatable(typ) == mt {
			return true
		}
	}
	return false
}

// memberCandidates are the names an nssh object may have: the members
// named in the reference and the netns functions.
func memberCandidates(L *lua.LState) []string {
	cands := []string{"name"}
	index, _ := luabind.Help("")
	for _, m := range helpMember().FindAllStringSubmatch(index, -1) {
		cands = append(cands, m[1])
	}
	if mod, ok := L.GetGlobal("netns").(*lua.LTable); ok {
		cands = append(cands, tableMembers(mod).fields...)
	}
	return sortedUnique(cands)
}

// probe asks the __index function of mt, with obj as the object, which
// candidates exist: a function is a method, any other value a field.
func probe(L *lua.LState, mt *lua.LTable, obj lua.LValue, cands []string) members {
	var m members
	index, ok := mt.RawGetString("__index").(*lua.LFunction)
	if !ok {
		if t, ok := mt.RawGetString("__index").(*lua.LTable); ok {
			return tableMembers(t)
		}
		return m
	}
	for _, name := range cands {
		if L.CallByParam(lua.P{Fn: index, NRet: 1, Protect: true}, obj, lua.LString(name)) != nil {
			continue
		}
		v := L.Get(-1)
		L.Pop(1)
		switch {
		case v.Type() == lua.LTFunction:
			m.methods = append(m.methods, name)
		case v != lua.LNil:
			m.fields = append(m.fields, name)
		}
	}
	return m
}
