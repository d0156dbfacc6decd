package luabind

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/lab"
)

// luaLabExec is lab:exec(node, cmd [, opts]) -> result: netns.exec in the
// node's namespace with the node's directory as working directory.
func (b *Binding) luaLabExec(L *lua.LState) int {
	l := checkLab(L)
	node := checkString(L, 2)
	argv := checkCommand(L, 3)
	o := parseExecOpts(L, 4, checkOptions(L, 4, execOptionNames...))
	noMoreArgs(L, 5)
	dir, err := l.Path(node)
	if err != nil {
		argError(L, 2, err.Error())
	}
	o.core.Cwd = dir
	name := lab.Netns(l.Name(), node)
	ns, err := b.cfg.Open(name)
	if err != nil {
		raiseError(L, "lab:exec", name, err)
	}
	L.Push(b.execIn(L, "lab:exec", ns, argv, o))
	return 1
}

// luaLabServices is lab:services() -> { {node=, name=, pid=, state=}, ... }.
func (b *Binding) luaLabServices(L *lua.LState) int {
	l := checkLab(L)
	noMoreArgs(L, 2)
	list, err := l.Services()
	if err != nil {
		raiseLabError(L, "lab:services", l, err)
	}
	t := L.CreateTable(len(list), 0)
	for _, s := range list {
		e := L.CreateTable(0, 4)
		e.RawSetString("node", lua.LString(s.Node))
		e.RawSetString("name", lua.LString(s.Name))
		if s.Pid != 0 {
			e.RawSetString("pid", lua.LNumber(s.Pid))
		}
		e.RawSetString("state", lua.LString(s.State))
		t.Append(e)
	}
	L.Push(t)
	return 1
}

// luaLabLogs is lab:logs(node, service) -> the service's log text.
func (b *Binding) luaLabLogs(L *lua.LState) int {
	l := checkLab(L)
	node := checkString(L, 2)
	svc := checkString(L, 3)
	noMoreArgs(L, 4)
	text, err := l.Logs(node, svc)
	if err != nil {
		argError(L, 2, err.Error())
	}
	L.Push(lua.LString(text))
	return 1
}
