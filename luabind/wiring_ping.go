package luabind

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// optionDuration converts a duration option, raising an argument error.
func optionDuration(L *lua.LState, n int, key string, v lua.LValue) time.Duration {
	d, err := parseDuration(v)
	if err != nil {
		argError(L, n, fmt.Sprintf("option %q: %s", key, err))
	}
	return d
}

// pingOptions reads {timeout=, count=, size=} (plus extra keys allowed by
// the caller) at argument n.
func pingOptions(L *lua.LState, n int, extra ...string) (core.PingOptions, *lua.LTable) {
	opts := checkOptions(L, n, append([]string{"timeout", "count", "size"}, extra...)...)
	o := core.PingOptions{Count: optInt(L, n, opts, "count", 1, 1<<20), Size: optInt(L, n, opts, "size", 1, 65000)}
	if v := optField(opts, "timeout"); v != lua.LNil {
		if o.Timeout = optionDuration(L, n, "timeout", v); o.Timeout <= 0 {
			argError(L, n, "option \"timeout\": must be positive")
		}
	}
	return o, opts
}

// luaPing is netns.ping(src, dst_addr [, {timeout=, count=, size=}]) ->
// {ok=, rtt=} with rtt in seconds, nil when no reply came.
func (b *Binding) luaPing(L *lua.LState) int {
	src := checkNamespace(L, 1)
	dst := checkString(L, 2)
	o, _ := pingOptions(L, 3)
	ctx, cancel := b.opContext(L)
	defer cancel()
	r, err := core.Ping(ctx, src, dst, o)
	if err != nil {
		raiseWiring(L, "netns.ping", src.Name, err)
	}
	t := L.CreateTable(0, 2)
	t.RawSetString("ok", lua.LBool(r.OK))
	if r.OK {
		t.RawSetString("rtt", lua.LNumber(r.RTT.Seconds()))
	}
	L.Push(t)
	return 1
}

// luaPingAll is netns.pingall([names] [, {timeout=, count=, size=,
// parallel=}]) -> { [src] = { [dst] = rtt_or_false } }. Without names it
// covers every namespace that has a global address. A table whose keys are
// not all array indices is taken as the options.
func (b *Binding) luaPingAll(L *lua.LState) int {
	optArg := 2
	if t, ok := L.Get(1).(*lua.LTable); ok && L.Get(2) == lua.LNil && !isArray(t) {
		optArg = 1
	}
	o, opts := pingOptions(L, optArg, "parallel")
	po := core.PingAllOptions{PingOptions: o, Parallel: optInt(L, optArg, opts, "parallel", 1, 4096)}
	var nss []*core.Namespace
	switch v := L.Get(1); {
	case optArg == 2 && v != lua.LNil:
		t, ok := v.(*lua.LTable)
		if !ok {
			typeError(L, 1, "table of names")
		}
		for i := 1; i <= t.Len(); i++ {
			nss = append(nss, valueNamespace(L, 1, fmt.Sprintf("names[%d]", i), t.RawGetInt(i)))
		}
		if !isArray(t) {
			argError(L, 1, "names must be an array")
		}
	default:
		var err error
		if nss, err = b.cfg.PingHosts(); err != nil {
			raiseWiring(L, "netns.pingall", "", err)
		}
	}
	ctx, cancel := b.opContext(L)
	defer cancel()
	m, err := core.PingAll(ctx, nss, po)
	if err != nil {
		raiseWiring(L, "netns.pingall", "", err)
	}
	L.Push(pingMatrixTable(L, m))
	return 1
}

// noHosts is how an empty matrix prints: pingall found no namespace with
// a global address (or was given no names), so nothing was pinged.
const noHosts = "no host has an address: nothing to ping (pingall reaches each namespace at its first global address)"

// isArray reports whether every key of t is an index 1..#t.
func isArray(t *lua.LTable) bool {
	n, count := t.Len(), 0
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		count++
		kn, isNum := k.(lua.LNumber)
		if !isNum || float64(kn) != math.Trunc(float64(kn)) || int(kn) < 1 || int(kn) > n {
			ok = false
		}
	})
	return ok && count == n
}

// pingMatrixTable converts a matrix; its __tostring draws the grid.
func pingMatrixTable(L *lua.LState, m core.PingMatrix) *lua.LTable {
	t := L.CreateTable(0, len(m))
	for src, row := range m {
		r := L.CreateTable(0, len(row))
		for dst, res := range row {
			if res.OK {
				r.RawSetString(dst, lua.LNumber(res.RTT.Seconds()))
			} else {
				r.RawSetString(dst, lua.LFalse)
			}
		}
		t.RawSetString(src, r)
	}
	grid := pingGrid(m)
	mt := L.CreateTable(0, 1)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(grid))
		return 1
	}))
	L.SetMetatable(t, mt)
	return t
}

// pingGrid renders a matrix with sources as rows and destinations as
// columns, sorted by name: "ok" for a reply, "--" for none, and a summary
// line "N/M reachable". An empty matrix says that there was no host.
func pingGrid(m core.PingMatrix) string {
	if len(m) == 0 {
		return noHosts
	}
	names := make([]string, 0, len(m))
	width := 2
	for n := range m {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", width, "")
	for _, n := range names {
		fmt.Fprintf(&b, " %*s", width, n)
	}
	lines := []string{b.String()}
	ok, total := 0, 0
	for _, src := range names {
		b.Reset()
		fmt.Fprintf(&b, "%-*s", width, src)
		for _, dst := range names {
			cell := ""
			if src != dst {
				total++
				cell = "--"
				if m[src][dst].OK {
					ok++
					cell = "ok"
				}
			}
			fmt.Fprintf(&b, " %*s", width, cell)
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	lines = append(lines, fmt.Sprintf("%d/%d reachable", ok, total))
	return strings.Join(lines, "\n")
}
