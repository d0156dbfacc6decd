package luabind

import (
	"errors"
	"math"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// luaList: netns.list() -> { {name=, id=}, ... } in directory order.
//
// Equivalent to: `ip netns list`
func (b *Binding) luaList(L *lua.LState) int {
	noMoreArgs(L, 1)
	entries, err := b.cfg.List()
	if err != nil {
		raiseError(L, "netns.list", "", err)
	}
	t := L.CreateTable(len(entries), 0)
	for _, e := range entries {
		row := L.CreateTable(0, 2)
		row.RawSetString("name", lua.LString(e.Name))
		if e.ID >= 0 {
			row.RawSetString("id", lua.LNumber(e.ID))
		}
		t.Append(row)
	}
	L.Push(t)
	return 1
}

// luaAdd: netns.add(name) -> ns.
//
// Equivalent to: `ip netns add NAME`
func (b *Binding) luaAdd(L *lua.LState) int {
	name := checkString(L, 1)
	noMoreArgs(L, 2)
	ns, err := b.cfg.Add(name)
	if err != nil {
		raiseError(L, "netns.add", name, err)
	}
	b.ev.recordOwn("add", name)
	pushNamespace(L, ns)
	return 1
}

// luaGet: netns.get(name) -> ns, or nil when there is no such namespace.
// An invalid name is bad input, not a miss: it raises EINVAL.
func (b *Binding) luaGet(L *lua.LState) int {
	name := checkString(L, 1)
	noMoreArgs(L, 2)
	if err := core.ValidName(name); err != nil {
		raiseError(L, "netns.get", name, err)
	}
	if ns := b.cfg.Get(name); ns != nil {
		pushNamespace(L, ns)
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// luaAttach: netns.attach(name, pid) -> ns.
//
// Equivalent to: `ip netns attach NAME PID`
func (b *Binding) luaAttach(L *lua.LState) int {
	name := checkString(L, 1)
	pid := checkInt(L, 2, 1, math.MaxInt32)
	noMoreArgs(L, 3)
	ns, err := b.cfg.Attach(name, int(pid))
	if err != nil {
		raiseError(L, "netns.attach", name, err)
	}
	b.ev.recordOwn("add", name)
	pushNamespace(L, ns)
	return 1
}

// luaDel: netns.del(name_or_ns), ns:del(). A name that is not a mounted
// namespace (a stale file) is removed too, as ip does; a Namespace whose
// name now refers to another namespace is not touched (ENOENT).
//
// Equivalent to: `ip netns del NAME`
func (b *Binding) luaDel(L *lua.LState) int {
	var name string
	if toNamespace(L.Get(1)) != nil {
		name = checkNamespace(L, 1).Name
	} else {
		name = checkString(L, 1)
	}
	opts := checkOptions(L, 2, "kill", "grace")
	kill := optBool(L, 2, opts, "kill")
	grace := stopGrace
	if v := optField(opts, "grace"); v != lua.LNil {
		grace = checkDuration(L, 2, v)
	}
	noMoreArgs(L, 3)
	killed := 0
	if kill {
		killed = b.killAll(L, name, grace)
	}
	wasNetns := b.ev.recording() && b.cfg.IsNetns(name)
	if err := b.cfg.Delete(name); err != nil {
		raiseError(L, "netns.del", name, err)
	}
	if wasNetns {
		b.ev.recordOwn("del", name)
	}
	if kill {
		L.Push(lua.LNumber(killed))
		return 1
	}
	return 0
}

// killAll stops every process in the namespace name before del{kill=true}
// (nothing to do when name is not a namespace: del then says why).
func (b *Binding) killAll(L *lua.LState, name string, grace time.Duration) int {
	ns, err := b.cfg.Open(name)
	if err != nil {
		return 0
	}
	n, err := ns.KillAll(grace)
	if err != nil {
		raiseError(L, "netns.del", name, err)
	}
	return n
}

// luaDelAll: netns.del_all() -> count.
//
// Equivalent to: `ip -all netns del`
func (b *Binding) luaDelAll(L *lua.LState) int {
	noMoreArgs(L, 1)
	var before []string
	var live []bool
	if b.ev.recording() {
		before, _ = b.cfg.Names()
		live = make([]bool, len(before))
		for i, name := range before {
			live[i] = b.cfg.IsNetns(name)
		}
	}
	n, err := b.cfg.DeleteAll()
	for i := 0; i < min(n, len(before)); i++ {
		if live[i] {
			b.ev.recordOwn("del", before[i])
		}
	}
	if err != nil {
		var oe *core.OpError
		name := ""
		if errors.As(err, &oe) {
			name = oe.Name
		}
		raiseError(L, "netns.del_all", name, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// luaSetID: netns.set_id(name_or_ns, id | "auto"), ns:set_id(id).
//
// Equivalent to: `ip netns set NAME NETNSID`
func (b *Binding) luaSetID(L *lua.LState) int {
	name := nameArg(L, 1)
	id := -1
	if s, ok := L.Get(2).(lua.LString); ok && s == "auto" {
		id = -1
	} else if _, ok := L.Get(2).(lua.LNumber); ok {
		id = int(checkInt(L, 2, 0, math.MaxInt32))
	} else {
		typeError(L, 2, `number or "auto"`)
	}
	noMoreArgs(L, 3)
	ns := checkNamespace(L, 1)
	if err := b.cfg.SetID(ns.Name, id); err != nil {
		raiseError(L, "netns.set_id", name, err)
	}
	return 0
}

// luaID: ns:id() -> nsid, or nil when none is assigned.
func (b *Binding) luaID(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	noMoreArgs(L, 2)
	id, err := ns.ID()
	if err != nil {
		raiseError(L, "netns.id", ns.Name, err)
	}
	if id < 0 {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LNumber(id))
	}
	return 1
}

// luaListID: netns.list_id() -> { {nsid=, name=}, ... } (name nil when
// the peer has no name in the run dir).
//
// Equivalent to: `ip netns list-id`
func (b *Binding) luaListID(L *lua.LState) int {
	noMoreArgs(L, 1)
	ids, err := core.ListIDs(-1)
	if err != nil {
		raiseError(L, "netns.list_id", "", err)
	}
	names := b.cfg.NamesByID()
	t := L.CreateTable(len(ids), 0)
	for _, e := range ids {
		row := L.CreateTable(0, 2)
		row.RawSetString("nsid", lua.LNumber(e.Nsid))
		if n, ok := names[e.Nsid]; ok {
			row.RawSetString("name", lua.LString(n))
		}
		t.Append(row)
	}
	L.Push(t)
	return 1
}

// luaIdentify: netns.identify([pid]) -> array of names (empty when none).
//
// Equivalent to: `ip netns identify [PID]`
func (b *Binding) luaIdentify(L *lua.LState) int {
	pid := 0
	if L.Get(1) != lua.LNil {
		pid = int(checkInt(L, 1, 1, math.MaxInt32))
	}
	noMoreArgs(L, 2)
	names, err := b.cfg.Identify(pid)
	if err != nil {
		subject := ""
		if pid != 0 {
			subject = lua.LNumber(pid).String()
		}
		raiseError(L, "netns.identify", subject, err)
	}
	L.Push(stringList(L, names))
	return 1
}

// luaPids: netns.pids(name_or_ns), ns:pids() -> array of pids.
//
// Equivalent to: `ip netns pids NAME`
func (b *Binding) luaPids(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	noMoreArgs(L, 2)
	pids, err := ns.Pids()
	if err != nil {
		raiseError(L, "netns.pids", ns.Name, err)
	}
	t := L.CreateTable(len(pids), 0)
	for _, p := range pids {
		t.Append(lua.LNumber(p))
	}
	L.Push(t)
	return 1
}

func stringList(L *lua.LState, list []string) *lua.LTable {
	t := L.CreateTable(len(list), 0)
	for _, s := range list {
		t.Append(lua.LString(s))
	}
	return t
}

// noMoreArgs raises an argument error when more than n-1 arguments were
// given (n is the first unexpected one): extra arguments are misuse.
func noMoreArgs(L *lua.LState, n int) {
	if L.GetTop() >= n {
		for i := L.GetTop(); i >= n; i-- {
			if L.Get(i) != lua.LNil {
				argError(L, i, "no value expected, got "+L.Get(i).Type().String())
			}
		}
	}
}
