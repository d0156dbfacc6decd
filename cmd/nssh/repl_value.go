package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// formatResults renders the values of an evaluated expression the way the
// REPL prints them: tab-separated; strings as they are; a table with a
// __tostring metamethod through tostring; other tables pretty-printed;
// userdata (a Namespace prints as netns("blue")) through tostring.
// It may call __tostring, so it must run inside a protected call.
func formatResults(L *lua.LState, vals []lua.LValue) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if s, ok := v.(lua.LString); ok {
			parts[i] = string(s)
			continue
		}
		parts[i] = (&valuePrinter{L: L, seen: map[*lua.LTable]bool{}}).format(v, 0)
	}
	return strings.Join(parts, "\t")
}

// valuePrinter pretty-prints nested values, guarding against cycles.
type valuePrinter struct {
	L    *lua.LState
	seen map[*lua.LTable]bool
}

const (
	maxDepth  = 8  // deeper tables print as {...}
	lineWidth = 72 // tables that fit print on one line
)

func (p *valuePrinter) format(v lua.LValue, depth int) string {
	switch x := v.(type) {
	case lua.LString:
		return strconv.Quote(string(x))
	case *lua.LTable:
		if p.L.GetMetaField(x, "__tostring") != lua.LNil {
			return p.L.ToStringMeta(x).String()
		}
		return p.table(x, depth)
	default:
		return p.L.ToStringMeta(v).String()
	}
}

// table prints {1, 2, key = v, ["odd key"] = v}: the array part first,
// then the other keys in a stable order; one line when it fits, else one
// entry per line, indented.
func (p *valuePrinter) table(t *lua.LTable, depth int) string {
	if p.seen[t] {
		return "<cycle>"
	}
	if depth >= maxDepth {
		return "{...}"
	}
	p.seen[t] = true
	defer delete(p.seen, t)

	var entries []string
	n := 0
	for ; t.RawGetInt(n+1) != lua.LNil; n++ {
		entries = append(entries, p.format(t.RawGetInt(n+1), depth+1))
	}
	for _, k := range sortedKeys(t, n) {
		entries = append(entries, p.key(k)+" = "+p.format(t.RawGet(k), depth+1))
	}
	if len(entries) == 0 {
		return "{}"
	}
	one := "{ " + strings.Join(entries, ", ") + " }"
	if len(one)+2*depth <= lineWidth && !strings.Contains(one, "\n") {
		return one
	}
	indent := strings.Repeat("  ", depth+1)
	return "{\n" + indent + strings.Join(entries, ",\n"+indent) + "\n" + strings.Repeat("  ", depth) + "}"
}

func (p *valuePrinter) key(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok && isIdent(string(s)) {
		return string(s)
	}
	return "[" + p.format(k, maxDepth) + "]"
}

// sortedKeys returns the keys of t that are not in its array part 1..n:
// numbers first (ascending), then strings (sorted), then the rest.
func sortedKeys(t *lua.LTable, n int) []lua.LValue {
	var keys []lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		if f, ok := k.(lua.LNumber); ok && float64(f) == float64(int64(f)) && int64(f) >= 1 && int64(f) <= int64(n) {
			return
		}
		keys = append(keys, k)
	})
	rank := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		}
		return 2
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		if x, ok := a.(lua.LNumber); ok {
			return x < b.(lua.LNumber)
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	})
	return keys
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true, "goto": true,
}

// isIdent reports whether s can be written as a bare Lua name.
func isIdent(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}
