package luabind

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

// labTypeName is the metatable of lab objects returned by netns.lab.
const labTypeName = "netns.Lab"

func init() { Register(openLab) }

// labMethods are the methods of a lab object (lab:up() ...).
var labMethods = map[string]lfunc{
	"up":       (*Binding).luaLabUp,
	"plan":     (*Binding).luaLabPlan,
	"check":    (*Binding).luaLabCheck,
	"dot":      (*Binding).luaLabDot,
	"down":     (*Binding).luaLabDown,
	"path":     (*Binding).luaLabPath,
	"exec":     (*Binding).luaLabExec,
	"services": (*Binding).luaLabServices,
	"logs":     (*Binding).luaLabLogs,
}

// openLab adds netns.lab and the lab type.
func openLab(b *Binding, L *lua.LState, mod, _ *lua.LTable) {
	methods := L.NewTable()
	for name, f := range labMethods {
		methods.RawSetString(name, b.newFunction(L, "lab:"+name, f))
	}
	mt := L.NewTypeMetatable(labTypeName)
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		if l := toLab(L.Get(1)); l != nil && L.Get(2) == lua.LString("name") {
			L.Push(lua.LString(l.Name()))
			return 1
		}
		L.Push(methods.RawGet(L.Get(2)))
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		name := "?"
		if l := toLab(L.Get(1)); l != nil {
			name = l.Name()
		}
		L.Push(lua.LString(fmt.Sprintf("lab(%q)", name)))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString(labTypeName))
	mod.RawSetString("lab", b.newFunction(L, "lab", (*Binding).luaLab))
}

// luaLab is netns.lab{...}: it validates the description and returns a
// lab object. Nothing is created until lab:up().
func (b *Binding) luaLab(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		typeError(L, 1, "table")
	}
	spec, err := parseLabSpec(L, t)
	if err == nil {
		_, errOut := b.writers()
		var l *lab.Lab
		if l, err = lab.New(b.config(), spec, lab.Options{Progress: errOut, Warnings: errOut}); err == nil {
			ud := L.NewUserData()
			ud.Value = l
			L.SetMetatable(ud, L.GetTypeMetatable(labTypeName))
			L.Push(ud)
			return 1
		}
	}
	argError(L, 1, strings.TrimPrefix(err.Error(), "lab "+spec.Name+": ")) // the subject is the argument
	return 0
}

func toLab(v lua.LValue) *lab.Lab {
	if ud, ok := v.(*lua.LUserData); ok {
		if l, ok := ud.Value.(*lab.Lab); ok {
			return l
		}
	}
	return nil
}

func checkLab(L *lua.LState) *lab.Lab {
	l := toLab(L.Get(1))
	if l == nil {
		argError(L, 1, fmt.Sprintf("lab expected, got %s (call methods as lab:up())", typeName(L.Get(1), L.GetTop() < 1)))
	}
	return l
}

// luaLabUp is lab:up() -> array of changes.
func (b *Binding) luaLabUp(L *lua.LState) int {
	l := checkLab(L)
	ctx, cancel := b.opContext(L)
	defer cancel()
	changes, err := l.Up(ctx)
	b.recordLabChanges(changes)
	if err != nil {
		raiseLabError(L, "lab:up", l, err)
	}
	L.Push(changesTable(L, changes))
	return 1
}

// luaLabPlan is lab:plan() -> array of changes up() would make.
func (b *Binding) luaLabPlan(L *lua.LState) int {
	l := checkLab(L)
	ctx, cancel := b.opContext(L)
	defer cancel()
	changes, err := l.Plan(ctx)
	if err != nil {
		raiseLabError(L, "lab:plan", l, err)
	}
	L.Push(changesTable(L, changes))
	return 1
}

// luaLabDown is lab:down([{grace=}]) -> array of removals. Every process
// in the lab's namespaces is stopped first: SIGTERM, then SIGKILL after
// grace (default 2 s); a change {op="kill", kind="process", value=COUNT}
// reports how many.
func (b *Binding) luaLabDown(L *lua.LState) int {
	l := checkLab(L)
	opts := checkOptions(L, 2, "grace")
	grace := lab.DefaultGrace
	if v := optField(opts, "grace"); v != lua.LNil {
		grace = checkDuration(L, 2, v)
	}
	noMoreArgs(L, 3)
	ctx, cancel := b.opContext(L)
	defer cancel()
	changes, err := l.DownGrace(ctx, grace)
	b.recordLabChanges(changes)
	if err != nil {
		raiseLabError(L, "lab:down", l, err)
	}
	L.Push(changesTable(L, changes))
	return 1
}

// recordLabChanges remembers the namespaces a lab added and deleted, like
// those of netns.add and netns.del, for the first netns.next_event().
func (b *Binding) recordLabChanges(changes []lab.Change) {
	for _, c := range changes {
		if c.Kind == "netns" {
			b.ev.recordOwn(c.Op, c.Name)
		}
	}
}

// luaLabPath is lab:path(node) -> the node's private directory.
func (b *Binding) luaLabPath(L *lua.LState) int {
	l := checkLab(L)
	node := checkString(L, 2)
	noMoreArgs(L, 3)
	p, err := l.Path(node)
	if err != nil {
		argError(L, 2, err.Error())
	}
	L.Push(lua.LString(p))
	return 1
}

// luaLabDot is lab:dot() -> Graphviz text.
func (b *Binding) luaLabDot(L *lua.LState) int {
	L.Push(lua.LString(checkLab(L).Dot()))
	return 1
}

// luaLabCheck is lab:check([{timeout=, parallel=, nodes=, arp=, targets=,
// until_full=}]) -> matrix { [src] = { [dst] = rtt_or_false } } keyed by
// node name (namespace names index it too), printing as a grid like
// netns.pingall's. With until_full, timeout is the time allowed to
// converge (default 60 s) and the matrix's converged_after (also the
// second result) is the seconds it took, nil when it did not converge.
func (b *Binding) luaLabCheck(L *lua.LState) int {
	l := checkLab(L)
	opts := checkOptions(L, 2, "timeout", "parallel", "nodes", "arp", "targets", "until_full")
	var co lab.CheckOptions
	untilFull := optBool(L, 2, opts, "until_full")
	within := 60 * time.Second
	if v := optField(opts, "timeout"); v != lua.LNil {
		d := checkDuration(L, 2, v)
		if d == 0 {
			argError(L, 2, "timeout must be > 0")
		}
		if untilFull {
			within = d
		} else {
			co.Timeout = d
		}
	}
	if v := optField(opts, "parallel"); v != lua.LNil {
		co.Parallel = int(checkIntValue(L, 2, v, 1, 4096))
	}
	co.DynamicARP = optBool(L, 2, opts, "arp")
	co.Targets = checkTargets(L, l, optField(opts, "targets"))
	if v := optField(opts, "nodes"); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			argError(L, 2, "option \"nodes\": array of node names expected")
		}
		co.Nodes = stringArray(L, 2, t, "nodes")
		targets := l.Targets()
		for n, a := range co.Targets {
			targets[n] = a
		}
		for _, n := range co.Nodes {
			if _, ok := targets[n]; !ok {
				argError(L, 2, fmt.Sprintf("option \"nodes\": %q is not a node with an address", n))
			}
		}
	}
	ctx, cancel := b.opContext(L)
	defer cancel()
	var m lab.Matrix
	var after lua.LValue = lua.LNil
	var err error
	if untilFull {
		var d time.Duration
		var ok bool
		m, d, ok, err = l.Converge(ctx, co, within)
		if ok {
			after = lua.LNumber(d.Seconds())
		}
	} else {
		m, err = l.Check(ctx, co)
	}
	if err != nil {
		raiseLabError(L, "lab:check", l, err)
	}
	t := pingMatrixTable(L, m)
	aliasNamespaceNames(L, t, l.Name()+"-")
	if untilFull {
		setHiddenField(L, t, "converged_after", after)
	}
	L.Push(t)
	if untilFull {
		L.Push(after)
		return 2
	}
	return 1
}

// checkTargets reads the targets option: a table node -> address, or
// "lo" for each node's first address on lo. nil means the defaults.
func checkTargets(L *lua.LState, l *lab.Lab, v lua.LValue) map[string]string {
	switch v := v.(type) {
	case *lua.LNilType:
		return nil
	case lua.LString:
		if v != "lo" {
			argError(L, 2, fmt.Sprintf("option \"targets\": \"lo\" or a table node -> address expected, got %q", string(v)))
		}
		lo := l.Loopbacks()
		if len(lo) == 0 {
			argError(L, 2, "option \"targets\": no node has an address on lo")
		}
		return lo
	case *lua.LTable:
		out := map[string]string{}
		v.ForEach(func(k, a lua.LValue) {
			ks, ok1 := k.(lua.LString)
			as, ok2 := a.(lua.LString)
			if !ok1 || !ok2 {
				argError(L, 2, "option \"targets\": table of node name -> address strings expected")
			}
			out[string(ks)] = string(as)
		})
		return out
	}
	argError(L, 2, "option \"targets\": \"lo\" or a table node -> address expected, got "+v.Type().String())
	return nil
}

// setHiddenField makes t.key return v through t's metatable, so that
// pairs(t) still lists only the matrix rows.
func setHiddenField(L *lua.LState, t *lua.LTable, key string, v lua.LValue) {
	mt, ok := L.GetMetatable(t).(*lua.LTable)
	if !ok {
		mt = L.NewTable()
		L.SetMetatable(t, mt)
	}
	prev := mt.RawGetString("__index")
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		if L.Get(2) == lua.LString(key) {
			L.Push(v)
			return 1
		}
		switch p := prev.(type) {
		case *lua.LFunction:
			L.Push(p)
			L.Push(L.Get(1))
			L.Push(L.Get(2))
			L.Call(2, 1)
		case *lua.LTable:
			L.Push(L.GetField(p, lua.LVAsString(L.Get(2))))
		default:
			L.Push(lua.LNil)
		}
		return 1
	}))
}

// changesTable converts changes to { {op=, kind=, name=, value=}, ... }.
func changesTable(L *lua.LState, changes []lab.Change) *lua.LTable {
	t := L.CreateTable(len(changes), 0)
	for _, c := range changes {
		e := L.CreateTable(0, 4)
		e.RawSetString("op", lua.LString(c.Op))
		e.RawSetString("kind", lua.LString(c.Kind))
		e.RawSetString("name", lua.LString(c.Name))
		if c.Value != "" {
			e.RawSetString("value", lua.LString(c.Value))
		}
		t.Append(e)
	}
	return t
}

// raiseLabError raises {op=, name=LAB, code=, msg=}: code is the errno
// name ("EEXIST" for a namespace or link the lab does not own, "EPERM"
// without privileges), msg the reason without the lab prefix.
func raiseLabError(L *lua.LState, op string, l *lab.Lab, err error) {
	code := core.ErrnoName(err)
	switch {
	case errors.Is(err, lab.ErrNotOwned):
		code = "EEXIST"
	case errors.Is(err, lab.ErrBusy):
		code = "EBUSY"
	case errors.Is(err, lab.ErrNotReady):
		code = "ETIMEDOUT"
	case errors.Is(err, lab.ErrServiceExited):
		code = "EXIT"
	case code == "" && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		code = "EINTR"
	case code == "":
		code = "EIO"
	}
	msg := err.Error()
	var busy *lab.BusyError
	if !errors.As(err, &busy) {
		msg = strings.TrimPrefix(msg, "lab "+l.Name()+": ")
	}
	if code == "EPERM" {
		msg += " (needs " + core.Capability(op) + ")"
	}
	raise(L, op, l.Name(), code, msg)
}

// aliasNamespaceNames lets the namespace names ("demo-h1") index a matrix
// keyed by node names ("h1"), in the matrix and in each row.
func aliasNamespaceNames(L *lua.LState, m *lua.LTable, prefix string) {
	index := L.NewFunction(func(L *lua.LState) int {
		t, key := L.CheckTable(1), L.Get(2)
		if k, ok := key.(lua.LString); ok && strings.HasPrefix(string(k), prefix) {
			L.Push(t.RawGetString(strings.TrimPrefix(string(k), prefix)))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	})
	rowMeta := L.NewTable()
	rowMeta.RawSetString("__index", index)
	m.ForEach(func(_, row lua.LValue) {
		if r, ok := row.(*lua.LTable); ok {
			L.SetMetatable(r, rowMeta)
		}
	})
	if mt, ok := L.GetMetatable(m).(*lua.LTable); ok {
		mt.RawSetString("__index", index)
	}
}
