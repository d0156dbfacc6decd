package luabind

import (
	"context"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

const testMemLimit = 64 << 20

const memMessage = "not enough memory (limit 64 MiB, --mem-limit)"

// limitedState is a state as nssh runs one under --mem-limit 64M (json
// module included), with an evaluation's context set.
func limitedState(t *testing.T) *lua.LState {
	t.Helper()
	prev := debug.SetMemoryLimit(testMemLimit)
	L := NewState()
	b := New(core.DefaultConfig(), io.Discard, io.Discard)
	b.Open(L)
	LimitMemory(L, testMemLimit)
	ctx, cancel := context.WithCancel(context.Background())
	SetContext(L, ctx)
	t.Cleanup(func() {
		cancel()
		b.Close()
		L.Close()
		runtime.GC()
		debug.SetMemoryLimit(prev)
	})
	return L
}

// runChunk runs code in L and returns its first result as a string and
// the error it raised.
func runChunk(L *lua.LState, code string) (string, error) {
	fn, err := L.LoadString(code)
	if err != nil {
		return "", err
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return "", err
	}
	defer L.Pop(1)
	return L.ToStringMeta(L.Get(-1)).String(), nil
}

// peakRSS runs f and returns how far the process's peak resident size
// rose above where it was; false if the peak could not be reset.
func peakRSS(t *testing.T, f func()) (uint64, bool) {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak RSS, not checking it: %v", err)
		f()
		return 0, false
	}
	before := statusKB(t, "VmHWM:")
	f()
	return (statusKB(t, "VmHWM:") - before) << 10, true
}

func statusKB(t *testing.T, field string) uint64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// Runaway chunks end with the memory error, and the process stays within
// a few times the limit (a `..` can pass it by a doubling or two before
// the watchdog sees it).
func TestMemLimitStopsRunawayChunks(t *testing.T) {
	for _, tc := range []struct{ name, code, want string }{
		{"table", `local t = {} for i = 1, 1e9 do t[i] = i end`, memMessage},
		{"tables", `local t = {} for i = 1, 1e9 do t[i] = {i} end`, memMessage},
		{"string doubling", `local s = "x" while true do s = s .. s end`, memMessage},
		{"concat of big parts", `local p = string.rep("x", 2^20) local t = {} for i = 1, 1000 do t[i] = p end return table.concat(t)`,
			"table.concat: the result would be 1048576000 bytes: " + memMessage},
		{"pcall loop", `big = {} while true do pcall(function() for i = 1, 1e5 do big[#big + 1] = {} end end) end`, memMessage},
		{"xpcall loop", `big = {} while true do xpcall(function() for i = 1, 1e5 do big[#big + 1] = {} end end, tostring) end`, memMessage},
		{"coroutine", `local co = coroutine.wrap(function() local t = {} for i = 1, 1e9 do t[i] = i end end) co()`, memMessage},
		{"coroutine.resume", `local co = coroutine.create(function() local t = {} for i = 1, 1e9 do t[i] = i end end)
			local ok, err = coroutine.resume(co) error(err, 0)`, memMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			L := limitedState(t)
			var err error
			rise, measured := peakRSS(t, func() { _, err = runChunk(L, tc.code) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			t.Logf("peak RSS rose by %d MiB", rise>>20)
			if measured && rise > 8*testMemLimit {
				t.Errorf("peak RSS rose by %d MiB, limit 64 MiB", rise>>20)
			}
		})
	}
}

// pcall and xpcall catch the memory error; once what the failed function
// made is garbage the chunk goes on. (A Lua message handler of xpcall
// runs where the error was raised, with the memory still held, and so
// fails the same way.)
func TestMemLimitPCallRecovers(t *testing.T) {
	L := limitedState(t)
	got, err := runChunk(L, `
		local grow = function() local t = {} for i = 1, 1e9 do t[i] = i end end
		local ok, err = pcall(grow)
		assert(not ok and err:find("not enough memory", 1, true), err)
		local ok2, err2 = xpcall(grow, debug.traceback)
		assert(not ok2 and err2:find("not enough memory.*stack traceback"), err2)
		local t = {} for i = 1, 1e5 do t[i] = i end
		return "after " .. #t`)
	if err != nil || got != "after 100000" {
		t.Fatalf("got %q, %v", got, err)
	}
}

// A new evaluation that starts with the heap over the limit (globals of a
// failed REPL chunk) may still run, to free them; growing further trips.
func TestMemLimitNextEvaluation(t *testing.T) {
	L := limitedState(t)
	if _, err := runChunk(L, `big = {} for i = 1, 1e9 do big[i] = {} end`); err == nil {
		t.Fatal("no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	SetContext(L, ctx)
	if got, err := runChunk(L, `local n = #big big = nil return n > 0`); err != nil || got != "true" {
		t.Fatalf("freeing the global: %q, %v", got, err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	SetContext(L, ctx2)
	if got, err := runChunk(L, `return 1`); err != nil || got != "1" {
		t.Fatalf("after freeing: %q, %v", got, err)
	}
	if _, err := runChunk(L, `local t = {} for i = 1, 1e9 do t[i] = i end`); err == nil || !strings.Contains(err.Error(), memMessage) {
		t.Fatalf("growing again: %v", err)
	}
}

// Builtins that make one big value check its size before making it; the
// caller can go on after the error. Under the limit they work as before.
func TestMemLimitBuiltinChecks(t *testing.T) {
	L := limitedState(t)
	for _, tc := range []struct{ code, want string }{
		{`return string.rep("ab", 2^26)`, "string.rep: the result would be 134217728 bytes: "},
		{`return ("ab"):rep(2^26)`, "string.rep: the result would be 134217728 bytes: "},
		{`return string.format(string.rep("%999999d", 100), ` + strings.Repeat("1, ", 99) + `1)`, "string.format: the result would be "},
		{`return string.gsub(string.rep("a", 2^20), "a", string.rep("b", 100))`, "string.gsub: the result would be "},
		{`local s = string.rep("x", 2^20) local t = {} for i = 1, 100 do t[i] = s end return json.encode(t)`, "json.encode: the result would be "},
		{`return json.decode("[" .. string.rep("1,", 2^21) .. "1]")`, "json.decode: the result would be "},
	} {
		_, err := runChunk(L, tc.code)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), memMessage) {
			t.Errorf("%s: error %v, want %q", tc.code, err, tc.want)
		}
	}
	got, err := runChunk(L, `
		local n = #string.rep("ab", 2^20) + #table.concat({string.rep("x", 2^20), "y"}, ",")
			+ #string.format("%999999d", 1) + #string.gsub(string.rep("a", 2^8), "a", string.rep("b", 2^12))
			+ #json.encode({string.rep("x", 2^20)}) + #json.decode("[" .. string.rep("1,", 2^16) .. "1]")
		return n`)
	if err != nil || got != "6308422" {
		t.Fatalf("under the limit: %q, %v", got, err)
	}
}

// Without a limit nothing is watched and the checks are off.
func TestMemLimitOff(t *testing.T) {
	L := NewState()
	defer L.Close()
	LimitMemory(L, testMemLimit)
	LimitMemory(L, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	SetContext(L, ctx)
	if _, ok := L.Context().(memCtx); ok {
		t.Fatal("a memory context without a limit")
	}
	if got, err := runChunk(L, `return #string.rep("ab", 2^26)`); err != nil || got != "134217728" {
		t.Fatalf("%q, %v", got, err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[uint64]string{
		1 << 30: "1 GiB", 3 << 29: "1536 MiB", 64 << 20: "64 MiB", 1 << 10: "1 KiB", 1000: "1000 bytes", 0: "0 bytes",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// BenchmarkMemLimitLoop compares a Lua loop under a plain context with one
// under a memory limit (a Done call per instruction, the watchdog).
func BenchmarkMemLimitLoop(b *testing.B) {
	for _, limit := range []uint64{0, 1 << 30} {
		name := "off"
		if limit > 0 {
			name = FormatSize(limit)
		}
		b.Run(name, func(b *testing.B) {
			L := NewState()
			defer L.Close()
			LimitMemory(L, limit)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			SetContext(L, ctx)
			fn, err := L.LoadString(`local x = 0 for i = 1, 1e6 do x = x + i % 7 end local t = {} for i = 1, 1e5 do t[i] = {i} end`)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				L.Push(fn)
				if err := L.PCall(0, 0, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
