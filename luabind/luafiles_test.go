package luabind

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// luaTestTimeout bounds one Lua test function (a liveness guard, not a
// speed assertion).
const luaTestTimeout = 2 * time.Minute

// TestLuaFiles runs every function TestXxx(t) of testdata/*_test.lua as a
// subtest, each in a fresh state with the netns module, in the sandbox.
// A test must leave the run dir empty.
func TestLuaFiles(t *testing.T) {
	_, self, _, _ := runtime.Caller(0) // find testdata wherever the test binary runs
	files, err := filepath.Glob(filepath.Join(filepath.Dir(self), "testdata", "*_test.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Lua test files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), "_test.lua"), func(t *testing.T) {
			names := luaTestNames(t, file)
			for _, name := range names {
				t.Run(name, func(t *testing.T) { runLuaTest(t, file, name) })
			}
		})
	}
}

// loadLuaTestFile runs testdata/helpers.lua (shared assertions) and file.
func loadLuaTestFile(L *lua.LState, file string) error {
	if err := L.DoFile(filepath.Join(filepath.Dir(file), "helpers.lua")); err != nil {
		return err
	}
	return L.DoFile(file)
}

// luaTestNames loads file and lists its global Test* functions.
func luaTestNames(t *testing.T, file string) []string {
	L := NewState()
	defer L.Close()
	New(core.DefaultConfig(), nil, nil).Open(L)
	if err := loadLuaTestFile(L, file); err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	var names []string
	L.G.Global.ForEach(func(k, v lua.LValue) {
		if _, ok := v.(*lua.LFunction); ok && strings.HasPrefix(k.String(), "Test") {
			names = append(names, k.String())
		}
	})
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatalf("%s defines no Test functions", file)
	}
	return names
}

// runLuaTest runs one Test function of file.
func runLuaTest(t *testing.T, file, name string) {
	cfg := core.DefaultConfig()
	var out, errOut bytes.Buffer
	L := NewState()
	defer L.Close()
	b := New(cfg, &out, &errOut)
	defer b.Close()
	b.Open(L)
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("handler_output", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(errOut.String()))
		return 1
	}))
	L.SetGlobal("TEST_PID", lua.LNumber(os.Getpid()))
	if err := loadLuaTestFile(L, file); err != nil {
		t.Fatalf("load: %v", err)
	}
	tt := newLuaT(L, t)
	err := L.CallByParam(lua.P{Fn: L.GetGlobal(name), NRet: 0, Protect: true}, tt)
	if skip, ok := skipReason(err); ok {
		t.Skip(skip)
	}
	if err != nil {
		t.Errorf("%s", luaErrorText(L, err))
	}
	if left, _ := cfg.Names(); len(left) > 0 {
		if len(left) > 10 {
			left = append(left[:10], fmt.Sprintf("... (%d in all)", len(left)))
		}
		t.Errorf("test left namespaces behind: %v", left)
		if _, err := cfg.DeleteAll(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}
}

// skipMarker prefixes the error t:skip raises.
const skipMarker = "\x00skip: "

func skipReason(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	s := err.Error()
	if i := strings.Index(s, skipMarker); i >= 0 {
		s = s[i+len(skipMarker):]
		s, _, _ = strings.Cut(s, "\n")
		return s, true
	}
	return "", false
}

// newLuaT builds the t object: t:log(...), t:error(...), t:fatal(...),
// t:skip(msg), t:run(name, fn), t:tempdir(), t:name().
func newLuaT(L *lua.LState, t *testing.T) *lua.LTable {
	tt := L.NewTable()
	fn := func(f func(L *lua.LState) int) *lua.LFunction { return L.NewFunction(f) }
	args := func(L *lua.LState) string {
		var parts []string
		for i := 2; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		return strings.Join(parts, " ")
	}
	tt.RawSetString("log", fn(func(L *lua.LState) int { t.Log(args(L)); return 0 }))
	tt.RawSetString("error", fn(func(L *lua.LState) int { t.Error(L.Where(1) + args(L)); return 0 }))
	tt.RawSetString("fatal", fn(func(L *lua.LState) int { L.RaiseError("%s", args(L)); return 0 }))
	tt.RawSetString("skip", fn(func(L *lua.LState) int { L.RaiseError("%s%s", skipMarker, args(L)); return 0 }))
	tt.RawSetString("name", fn(func(L *lua.LState) int { L.Push(lua.LString(t.Name())); return 1 }))
	tt.RawSetString("tempdir", fn(func(L *lua.LState) int { L.Push(lua.LString(t.TempDir())); return 1 }))
	tt.RawSetString("run", fn(func(L *lua.LState) int {
		name, f := L.CheckString(2), L.CheckFunction(3)
		ok := t.Run(name, func(st *testing.T) {
			err := L.CallByParam(lua.P{Fn: f, Protect: true}, newLuaT(L, st))
			if skip, ok := skipReason(err); ok {
				st.Skip(skip)
			}
			if err != nil {
				st.Errorf("%s", luaErrorText(L, err))
			}
		})
		L.Push(lua.LBool(ok))
		return 1
	}))
	return tt
}

// luaErrorText prints a Lua error with __tostring applied and its traceback.
func luaErrorText(L *lua.LState, err error) string {
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		return L.ToStringMeta(ae.Object).String() + "\n" + ae.StackTrace
	}
	return err.Error()
}
