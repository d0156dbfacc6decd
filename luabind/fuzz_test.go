package luabind

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// FuzzLuaAPI calls every function of the netns module and every Namespace
// method (including those extensions add, found by iterating the tables)
// with argument lists decoded from the fuzz input, and fails on anything
// but an ordinary Lua error: a Go panic (caught by newFunction and turned
// into "internal error") or one gopher-lua caught itself.
//
// Safety: it runs in the test sandbox (private user, mount and network
// namespaces, /run on tmpfs); commands come from a fixed list and PATH
// holds only harmless programs; every iteration has a short deadline, and
// its namespaces, watchers and children are removed at its end.
func FuzzLuaAPI(f *testing.F) {
	for _, seed := range [][]byte{
		{}, {0, 1, 2, 3}, []byte("netns.add blue"), {0xff, 0x10, 0x22, 0x31, 0x47, 0x55, 0x63, 0x7a},
		{1, 2, 5, 5, 5, 1, 3, 4, 4, 9, 9, 9, 0, 0, 2, 6, 6, 6, 6, 7, 8},
	} {
		f.Add(seed)
	}
	safePath := fuzzPath(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		oldPath := os.Getenv("PATH")
		os.Setenv("PATH", safePath)
		defer os.Setenv("PATH", oldPath)
		fuzzOnce(t, data)
	})
}

// fuzzPath makes a directory with links to the only programs fuzzed
// commands may find.
func fuzzPath(f *testing.F) string {
	dir := f.TempDir()
	for _, prog := range []string{"true", "false", "echo", "cat", "sleep", "sh"} {
		for _, d := range []string{"/usr/bin", "/bin"} {
			if _, err := os.Stat(filepath.Join(d, prog)); err == nil {
				if err := os.Symlink(filepath.Join(d, prog), filepath.Join(dir, prog)); err != nil {
					f.Fatal(err)
				}
				break
			}
		}
	}
	return dir
}

// fuzzDeadline bounds one iteration (wait() and next_event() block until it).
const fuzzDeadline = 300 * time.Millisecond

// fuzzConfig gives each fuzz worker process its own directories: the
// workers share the sandbox of the coordinator that started them.
func fuzzConfig() core.Config {
	cfg := core.DefaultConfig()
	dir := filepath.Join(filepath.Dir(cfg.RunDir), "fuzz-"+strconv.Itoa(os.Getpid()))
	cfg.RunDir, cfg.EtcDir, cfg.StateDir = dir+"/netns", dir+"/etc", dir+"/state"
	return cfg
}

func fuzzOnce(t *testing.T, data []byte) {
	cfg := fuzzConfig()
	L := NewState()
	defer L.Close()
	b := New(cfg, nil, nil)
	defer func() {
		b.Close()
		if _, err := cfg.DeleteAll(); err != nil {
			t.Fatalf("cleanup: %v", err)
		}
	}()
	b.Open(L)
	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	L.SetContext(ctx)

	d := &decoder{data: data, L: L}
	d.funcs, d.methods = sortedFuncs(b.mod), sortedFuncs(b.methods)
	if ns, err := cfg.Add("fz1"); err == nil {
		d.ns = newNamespace(L, ns)
	}
	for calls := 0; calls < 8 && !d.empty() && ctx.Err() == nil; calls++ {
		fn, args := d.call()
		L.Push(fn)
		for _, a := range args {
			L.Push(a)
		}
		err := L.PCall(len(args), lua.MultRet, nil)
		L.SetTop(0)
		var ae *lua.ApiError
		if errors.As(err, &ae) && ae.Type == lua.ApiErrorPanic || err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("call %d: Go panic: %v", calls, err)
		}
	}
}

func sortedFuncs(t *lua.LTable) []lua.LValue {
	var names []string
	t.ForEach(func(k, v lua.LValue) {
		if _, ok := v.(*lua.LFunction); ok {
			names = append(names, k.String())
		}
	})
	sort.Strings(names)
	out := make([]lua.LValue, len(names))
	for i, n := range names {
		out[i] = t.RawGetString(n)
	}
	return out
}

// decoder turns fuzz bytes into calls.
type decoder struct {
	data           []byte
	L              *lua.LState
	funcs, methods []lua.LValue
	ns             lua.LValue
}

func (d *decoder) empty() bool { return len(d.data) == 0 }

func (d *decoder) byte() byte {
	if len(d.data) == 0 {
		return 0
	}
	c := d.data[0]
	d.data = d.data[1:]
	return c
}

// call picks a module function (args) or a method (ns, args).
func (d *decoder) call() (lua.LValue, []lua.LValue) {
	sel := int(d.byte())
	n := int(d.byte() % 5)
	var args []lua.LValue
	var fn lua.LValue
	if sel&1 == 1 && len(d.methods) > 0 {
		fn = d.methods[(sel>>1)%len(d.methods)]
		args = append(args, d.self())
	} else {
		fn = d.funcs[(sel>>1)%len(d.funcs)]
	}
	for i := 0; i < n; i++ {
		args = append(args, d.value(2))
	}
	return fn, args
}

// self is a method receiver: usually the fuzz namespace, sometimes not.
func (d *decoder) self() lua.LValue {
	if d.ns != nil && d.byte()%4 != 0 {
		return d.ns
	}
	return d.value(1)
}

var fuzzStrings = []string{
	"", "fz1", "fz2", "a/b", ".", "..", "auto", "add", "del", "link", "addr", "route", "create",
	"100ms", "2s", "-1s", "0", "1e400", "NaN", "^fz", "[", "%", "(", "fz%d", "true", "echo hi",
	"exit 3", "kill -9 $$", "cat", "lo", "eth0", "10.0.0.1/24", "default", "net.ipv4.ip_forward",
	"bridge", "veth", "dummy", string(make([]byte, 300)), "name", "ns", "timeout", "stdin",
}

var fuzzCommands = [][]string{
	{"true"}, {"false"}, {"echo", "x"}, {"cat"}, {"sleep", "0.01"}, {"/nonexistent"}, {"sh", "-c", "exit 2"},
}

var fuzzKeys = []string{
	"stdin", "env", "timeout", "check", "inherit", "parallel", "match", "ns", "name", "type", "peer",
	"up", "mtu", "dst", "via", "dev", "metric", "delay", "loss", "rate", "count", "size", "x", "1",
}

// value decodes one Lua value; depth bounds nesting.
func (d *decoder) value(depth int) lua.LValue {
	L := d.L
	switch d.byte() % 12 {
	case 0:
		return lua.LNil
	case 1:
		return lua.LBool(d.byte()&1 == 1)
	case 2:
		nums := []float64{0, 1, -1, 0.5, 2, 7, 100, 4095, 65536, 2147483647, 2147483648, -2147483649,
			1e300, math.Inf(1), math.NaN(), float64(os.Getpid())}
		return lua.LNumber(nums[int(d.byte())%len(nums)])
	case 3:
		var raw [8]byte
		for i := range raw {
			raw[i] = d.byte()
		}
		return lua.LNumber(math.Float64frombits(binary.LittleEndian.Uint64(raw[:])))
	case 4, 5:
		return lua.LString(fuzzStrings[int(d.byte())%len(fuzzStrings)])
	case 6:
		// a short string over a safe alphabet (no spaces, '/', '$' or ';')
		const alpha = "abcfz019._%-*^[]()"
		n := int(d.byte() % 9)
		s := make([]byte, n)
		for i := range s {
			s[i] = alpha[int(d.byte())%len(alpha)]
		}
		return lua.LString(s)
	case 7:
		cmd := fuzzCommands[int(d.byte())%len(fuzzCommands)]
		t := L.CreateTable(len(cmd), 0)
		for _, a := range cmd {
			t.Append(lua.LString(a))
		}
		return t
	case 8:
		t := L.NewTable()
		if depth > 0 {
			for i := int(d.byte() % 4); i > 0; i-- {
				t.RawSetString(fuzzKeys[int(d.byte())%len(fuzzKeys)], d.value(depth-1))
			}
		}
		return t
	case 9:
		t := L.NewTable()
		if depth > 0 {
			for i := int(d.byte() % 4); i > 0; i-- {
				t.Append(d.value(depth - 1))
			}
		}
		return t
	case 10:
		if d.ns != nil {
			return d.ns
		}
		return lua.LNil
	default:
		bodies := []string{"return", "netns.stop()", "error('x')", "error({})", "return netns.list()"}
		fn, err := L.LoadString(bodies[int(d.byte())%len(bodies)])
		if err != nil {
			return lua.LNil
		}
		return fn
	}
}
