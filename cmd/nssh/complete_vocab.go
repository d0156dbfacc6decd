package main

import (
	"regexp"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/luabind"
)

// namespaceType is the registry name of luabind's Namespace metatable.
const namespaceType = "netns.Namespace"

// helpMethod finds "ns:NAME" in the reference index.
var helpMethod = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bns:([A-Za-z_][A-Za-z0-9_]*)`) })

// snapshotVocabulary collects, on the goroutine that owns L, the names the
// completer offers: globals, the keys of global tables (netns.*, string.*)
// and the Namespace methods.
func snapshotVocabulary(L *lua.LState) *vocabulary {
	v := &vocabulary{fields: map[string][]string{}}
	for k := range luaKeywords {
		v.globals = append(v.globals, k)
	}
	G := L.G.Global
	G.ForEach(func(k, val lua.LValue) {
		name, ok := k.(lua.LString)
		if !ok || !isIdent(string(name)) {
			return
		}
		v.globals = append(v.globals, string(name))
		if t, ok := val.(*lua.LTable); ok && t != G {
			v.fields[string(name)] = sortedUnique(identKeys(t))
		}
	})
	v.globals = sortedUnique(v.globals)
	v.methods = namespaceMethods(L, v.fields["netns"])
	return v
}

func identKeys(t *lua.LTable) []string {
	var keys []string
	t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && isIdent(string(s)) {
			keys = append(keys, string(s))
		}
	})
	return keys
}

// namespaceMethods returns the Namespace methods among the candidate
// names (the netns functions and the ns:NAME entries of the reference),
// asking the metatable's __index which of them exist.
func namespaceMethods(L *lua.LState, moduleFuncs []string) []string {
	mt, ok := L.GetTypeMetatable(namespaceType).(*lua.LTable)
	if !ok {
		return nil
	}
	cands := append([]string{"name"}, moduleFuncs...)
	index, _ := luabind.Help("")
	for _, m := range helpMethod().FindAllStringSubmatch(index, -1) {
		cands = append(cands, m[1])
	}
	var methods []string
	switch idx := mt.RawGetString("__index").(type) {
	case *lua.LTable:
		methods = identKeys(idx)
	case *lua.LFunction:
		for _, name := range sortedUnique(cands) {
			if name == "name" || hasMethod(L, idx, name) {
				methods = append(methods, name)
			}
		}
	}
	return sortedUnique(methods)
}

// hasMethod asks an __index function (with a nil object) for name.
func hasMethod(L *lua.LState, index *lua.LFunction, name string) bool {
	err := L.CallByParam(lua.P{Fn: index, NRet: 1, Protect: true}, lua.LNil, lua.LString(name))
	if err != nil {
		return false
	}
	v := L.Get(-1)
	L.Pop(1)
	return v.Type() == lua.LTFunction
}
