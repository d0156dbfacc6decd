package luabind

import (
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

func init() { Register(openSpawn) }

// openSpawn adds netns.spawn, ns:spawn and netns.procs.
func openSpawn(b *Binding, L *lua.LState, mod, methods *lua.LTable) {
	openProcessType(L)
	spawn := b.newFunction(L, "spawn", (*Binding).luaSpawn)
	mod.RawSetString("spawn", spawn)
	methods.RawSetString("spawn", spawn)
	mod.RawSetString("procs", b.newFunction(L, "procs", (*Binding).luaProcs))
}

// stopGrace is how long the processes a script spawned get between
// SIGTERM and SIGKILL when the script ends.
const stopGrace = 2 * time.Second

var spawnOptionNames = []string{"env", "timeout", "cwd", "stdin", "stdout", "stderr", "name", "detach"}

// proc is a spawned process as the binding tracks it.
type proc struct {
	p      *core.Process
	ud     *lua.LUserData // owner goroutine only
	cmd    lua.LValue     // the command as given (string or argv array copy)
	detach bool
	cursor uint64 // next line for lines/expect (owner goroutine only)
}

// procTable is the processes a binding spawned that have not exited yet.
type procTable struct {
	mu   sync.Mutex
	live map[*proc]bool
	// wantOut counts output handlers by pid (0: every process); wantExit
	// counts exit handlers; notices makes exits queue even without one.
	wantOut  map[int]int
	wantExit int
	notices  bool
	events   chan core.Event // read by the procKey watcher
}

func newProcTable() *procTable {
	return &procTable{live: map[*proc]bool{}, wantOut: map[int]int{}, events: make(chan core.Event)}
}

func (t *procTable) add(p *proc) {
	t.mu.Lock()
	t.live[p] = true
	t.mu.Unlock()
}

func (t *procTable) remove(p *proc) {
	t.mu.Lock()
	delete(t.live, p)
	t.mu.Unlock()
}

// running returns the live processes, in start order.
func (t *procTable) running() []*proc {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*proc, 0, len(t.live))
	for p := range t.live {
		if p.p.Alive() {
			out = append(out, p)
		}
	}
	sortProcs(out)
	return out
}

func sortProcs(ps []*proc) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].p.Started().Before(ps[j-1].p.Started()); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// stopAll stops every process that is not detached (SIGTERM to its group,
// SIGKILL after stopGrace) and waits for them.
func (t *procTable) stopAll() {
	t.mu.Lock()
	var ps []*core.Process
	for p := range t.live {
		if !p.detach {
			ps = append(ps, p.p)
		}
	}
	t.mu.Unlock()
	core.StopProcesses(ps, stopGrace)
}

// SetExitNotices makes the exit of every spawned process an event even
// when no "exit" handler is registered, so that Dispatch passes it to its
// notice function (the REPL prints it at the prompt).
func (b *Binding) SetExitNotices(on bool) {
	b.procs.mu.Lock()
	b.procs.notices = on
	b.procs.mu.Unlock()
}

// luaSpawn: netns.spawn(name_or_ns, cmd [, opts]), ns:spawn(cmd [, opts])
// -> proc.
//
// Equivalent to: `ip netns exec NAME CMD... &`
func (b *Binding) luaSpawn(L *lua.LState) int {
	nameArg(L, 1)
	argv := checkCommand(L, 2)
	opts, timeout, detach := parseSpawnOpts(L, 3, checkOptions(L, 3, spawnOptionNames...))
	noMoreArgs(L, 4)
	ns := checkNamespace(L, 1)
	if err := b.ctx.Err(); err != nil {
		raise(L, "netns.spawn", ns.Name, "ECANCELED", "the script is ending")
	}
	p, err := ns.Spawn(argv, opts)
	if err != nil {
		raiseError(L, "netns.spawn", ns.Name, err)
	}
	pr := &proc{p: p, detach: detach, cmd: copyCommand(L, L.Get(2))}
	pr.ud = newProcess(L, pr)
	b.procs.add(pr)
	if timeout > 0 {
		t := time.AfterFunc(timeout, func() { p.Signal(killSignal) })
		go func() { <-p.Done(); t.Stop() }()
	}
	go b.forward(pr)
	L.Push(pr.ud)
	return 1
}

// copyCommand keeps the command as proc.cmd shows it.
func copyCommand(L *lua.LState, v lua.LValue) lua.LValue {
	t, ok := v.(*lua.LTable)
	if !ok {
		return v
	}
	c := L.CreateTable(t.Len(), 0)
	for i := 1; i <= t.Len(); i++ {
		c.Append(t.RawGetInt(i))
	}
	return c
}

// parseSpawnOpts converts spawn's options table (argument n).
func parseSpawnOpts(L *lua.LState, n int, t *lua.LTable) (o core.SpawnOptions, timeout time.Duration, detach bool) {
	o.Env = checkEnv(L, n, optField(t, "env"))
	if v := optField(t, "timeout"); v != lua.LNil {
		timeout = positiveDuration(L, n, "timeout", v)
	}
	o.Cwd = optString(L, n, t, "cwd")
	switch v := optField(t, "stdin").(type) {
	case *lua.LNilType:
	case lua.LString:
		if v == "pipe" {
			o.StdinPipe = true
		} else {
			o.Input = []byte(v)
		}
	default:
		argError(L, n, "option \"stdin\": \"pipe\" or a string expected, got "+v.Type().String())
	}
	o.Name = optString(L, n, t, "name")
	detach = optBool(L, n, t, "detach")
	o.Detach = detach
	o.Stdout = checkSink(L, n, t, "stdout", detach)
	o.Stderr = checkSink(L, n, t, "stderr", detach)
	return o, timeout, detach
}

// checkSink reads option stdout or stderr: "pipe" (the default, or "null"
// for a detached process, whose pipe would end with the script), "null",
// or a file path to append to.
func checkSink(L *lua.LState, n int, t *lua.LTable, key string, detach bool) core.Sink {
	switch v := optField(t, key).(type) {
	case *lua.LNilType:
		return core.Sink{Null: detach}
	case lua.LString:
		switch {
		case v == "pipe" && detach:
			argError(L, n, "option \""+key+"\": a detached process outlives the script's pipes; use \"null\" or a file path")
		case v == "pipe":
			return core.Sink{}
		case v == "null":
			return core.Sink{Null: true}
		case v == "":
			argError(L, n, "option \""+key+"\": empty file path")
		}
		return core.Sink{Path: string(v)}
	default:
		argError(L, n, "option \""+key+"\": \"pipe\", \"null\" or a file path expected, got "+v.Type().String())
	}
	return core.Sink{}
}

// positiveDuration reads a duration option that must be > 0.
func positiveDuration(L *lua.LState, n int, key string, v lua.LValue) time.Duration {
	d, err := parseDuration(v)
	if err == nil && d <= 0 {
		argError(L, n, "option \""+key+"\": must be positive")
	}
	if err != nil {
		argError(L, n, "option \""+key+"\": "+err.Error())
	}
	return d
}

// luaProcs: netns.procs([ns]) -> the processes this script spawned that
// still run (in start order), in namespace ns only when given.
func (b *Binding) luaProcs(L *lua.LState) int {
	filter := ""
	if L.Get(1) != lua.LNil {
		filter = nameArg(L, 1)
	}
	noMoreArgs(L, 2)
	t := L.NewTable()
	for _, p := range b.procs.running() {
		if filter == "" || p.p.Netns == filter {
			t.Append(p.ud)
		}
	}
	L.Push(t)
	return 1
}
