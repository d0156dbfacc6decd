package luabind

import (
	"runtime"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"
)

// Under a memory limit, the Go functions below can build one huge value
// in a single call, which the watchdog (memlimit.go) cannot stop half-way.
// Their replacements work out the size of the result first and raise
// "FUNC: the result would be N bytes: not enough memory (limit ...)" when
// it does not fit. Nothing was allocated, so the caller may go on. The
// `..` operator runs inside the VM and cannot be checked: a string
// doubling loop stops at the watchdog, a doubling or two past the limit.

// memCheckFrom is the size below which results are not checked: the
// watchdog's slack is larger.
const memCheckFrom = 1 << 20

// checkAlloc raises the memory error when L has a limit and a result of
// the size that size works out does not fit, even after a collection.
// size may ask how much is available (a heap reading) when a quick bound
// is too large.
func checkAlloc(L *lua.LState, what string, size func(L *lua.LState, available func() uint64) uint64) {
	g := guardOf(L)
	if g == nil {
		return
	}
	n := size(L, g.available)
	if n < memCheckFrom || n <= g.available() {
		return
	}
	runtime.GC() // what the heap holds may be garbage
	if n > g.available() {
		L.RaiseError("%s: the result would be %d bytes: %s", what, n, g.message())
	}
}

// checkSize is checkAlloc for a size known up front.
func checkSize(L *lua.LState, what string, n uint64) {
	if n >= memCheckFrom {
		checkAlloc(L, what, func(*lua.LState, func() uint64) uint64 { return n })
	}
}

// openMemChecks replaces table.concat, string.format, string.gsub and
// string.rep by versions that check their result's size, and xpcall by
// one that lets Lua go on after it caught the memory error, as pcall does.
// (json.encode and json.decode check in json.go.)
func openMemChecks(L *lua.LState) {
	if tbl, ok := L.GetGlobal("table").(*lua.LTable); ok {
		wrapBefore(L, tbl, "concat", func(L *lua.LState) { checkAlloc(L, "table.concat", concatSize) })
	}
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		wrapBefore(L, str, "format", func(L *lua.LState) { checkAlloc(L, "string.format", formatSize) })
		wrapBefore(L, str, "gsub", func(L *lua.LState) { checkAlloc(L, "string.gsub", gsubSize) })
		wrapBefore(L, str, "rep", func(L *lua.LState) { checkAlloc(L, "string.rep", repSize) })
	}
	xpcall := L.GetGlobal("xpcall")
	if xpcall.Type() == lua.LTFunction {
		L.SetGlobal("xpcall", L.NewFunction(func(L *lua.LState) int {
			n := callOriginal(L, xpcall)
			if g := guardOf(L); g != nil && L.Get(-n) == lua.LFalse {
				g.caught()
			}
			return n
		}))
	}
}

// wrapBefore replaces t[name] by a function that runs check, then the
// original.
func wrapBefore(L *lua.LState, t *lua.LTable, name string, check func(*lua.LState)) {
	orig := t.RawGetString(name)
	if orig.Type() != lua.LTFunction {
		return
	}
	t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
		check(L)
		return callOriginal(L, orig)
	}))
}

// numberText bounds the text of a number: %.14g, or %f of 1e308.
const numberText = 330

// concatSize bounds the result of table.concat(t [, sep [, i [, j]]]).
func concatSize(L *lua.LState, _ func() uint64) uint64 {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		return 0
	}
	sep, _ := L.Get(2).(lua.LString)
	i, j := 1, t.Len()
	if n, ok := L.Get(3).(lua.LNumber); ok {
		i = max(i, int(n))
	}
	if n, ok := L.Get(4).(lua.LNumber); ok {
		j = min(j, int(n))
	}
	var size uint64
	for k := i; k <= j; k++ {
		if s, ok := t.RawGetInt(k).(lua.LString); ok {
			size += uint64(len(s))
		} else {
			size += numberText
		}
		size += uint64(len(sep))
	}
	return size
}

// formatSize bounds the result of string.format(fmt, ...): the format,
// each argument's text, and every width and precision it asks for.
func formatSize(L *lua.LState, _ func() uint64) uint64 {
	f, ok := L.Get(1).(lua.LString)
	if !ok {
		return 0
	}
	size := uint64(len(f))
	for i := 2; i <= L.GetTop(); i++ {
		if s, ok := L.Get(i).(lua.LString); ok {
			size += uint64(len(s))
		} else {
			size += numberText
		}
	}
	for s := string(f); ; {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			return size
		}
		s = strings.TrimLeft(s[i+1:], "-+ #0")
		for s != "" && s[0] != '%' {
			digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
			if digits > 0 {
				size += atoiCapped(s[:digits])
				s = s[digits:]
			} else if s[0] == '.' {
				s = s[1:]
			} else {
				break
			}
		}
		if s != "" && s[0] == '%' {
			s = s[1:]
		}
	}
}

// atoiCapped reads decimal digits, capped where Go's fmt stops taking a
// width (1e6).
func atoiCapped(digits string) uint64 {
	var n uint64
	for _, c := range digits {
		n = n*10 + uint64(c-'0')
		if n > 1e6 {
			return 1e6
		}
	}
	return n
}

// gsubSize bounds the result of string.gsub(s, pattern, repl [, n]) for a
// string repl: each match becomes repl with its %0-%9 replaced by
// captures no longer than the match. A table or function repl is checked
// by the watchdog only.
func gsubSize(L *lua.LState, available func() uint64) uint64 {
	s, ok1 := L.Get(1).(lua.LString)
	pat, ok2 := L.Get(2).(lua.LString)
	repl, ok3 := L.Get(3).(lua.LString)
	if !ok1 || !ok2 || !ok3 {
		return 0
	}
	limit := -1
	if n, ok := L.Get(4).(lua.LNumber); ok {
		limit = int(n)
	}
	refs := uint64(strings.Count(string(repl), "%"))
	matches := uint64(len(s) + 1)
	if limit >= 0 {
		matches = min(matches, uint64(limit))
	}
	bound := uint64(len(s)) + matches*(uint64(len(repl))+refs*uint64(len(s)))
	if bound < memCheckFrom || bound <= available() {
		return bound
	}
	// The quick bound does not fit: count the matches.
	mds, err := pm.Find(string(pat), []byte(s), 0, limit)
	if err != nil {
		return 0 // gsub raises the pattern error itself
	}
	size := uint64(len(s))
	for _, md := range mds {
		size += uint64(len(repl)) + refs*uint64(md.Capture(1)-md.Capture(0))
	}
	return size
}

// repSize is the result of string.rep(s, n) up to MaxStringRep; past it
// string.rep raises its own error (limits.go).
func repSize(L *lua.LState, _ func() uint64) uint64 {
	s, ok1 := L.Get(1).(lua.LString)
	n, ok2 := L.Get(2).(lua.LNumber)
	if !ok1 || !ok2 || n <= 0 || len(s) == 0 || float64(n) > float64(MaxStringRep)/float64(len(s)) {
		return 0
	}
	return uint64(n) * uint64(len(s))
}
