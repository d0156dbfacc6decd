package luabind

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Closures keep sharing locals with the running function after pcall or
// xpcall caught an error (gopher-lua#448), and upvalues of the frames an
// error unwound are closed (a closure that escaped keeps its own value).
func TestPCallKeepsUpvalues(t *testing.T) {
	L := NewState()
	defer L.Close()
	chunk := `
		local n = 0
		local f = function() n = n + 1 end
		assert(pcall(error, "x") == false)
		f()
		assert(n == 1, "after pcall(error): " .. n)
		local ok, err = pcall(string.rep)
		assert(not ok and err:find("bad argument"), err)
		f()
		assert(n == 2, "after an argument error: " .. n)
		assert(select(2, xpcall(function() error({code = "X"}) end, function(e) return e.code end)) == "X")
		f()
		assert(n == 3, "after xpcall: " .. n)

		local escaped
		pcall(function()
			local inner = "inner"
			escaped = function() return inner end
			error("boom")
		end)
		local a, b, c = "a", "b", "c"  -- reuse the slots the error freed
		assert(escaped() == "inner", "escaped closure sees " .. tostring(escaped()))
		assert(a == "a" and b == "b" and c == "c")

		assert(select("#", pcall(function() return 1, 2, 3 end)) == 4)
		local r = {pcall(function(x, y) return x + y end, 2, 3)}
		assert(r[1] == true and r[2] == 5)
		assert(pcall(nil) == false)
		assert(pcall(setmetatable({}, {__call = function() return "called" end})))
		local ok2, e2 = pcall(error, {1})
		assert(not ok2 and type(e2) == "table")
		assert(not pcall(pcall))

		local function deep(k) return pcall(deep, k + 1) end
		local ok3, e3 = deep(0)
		local function unwrap(...) return ... end
		assert(ok3 == true, "a result, not a crash")

		local levels = 0
		local function rec() levels = levels + 1; rec() end
		local ok4, e4 = pcall(rec)
		assert(not ok4 and tostring(e4):find("stack overflow"), tostring(e4))
		assert(levels > 1000, levels)`
	if err := L.DoString(chunk); err != nil {
		t.Fatal(err)
	}
}

// A cancelled context (Ctrl-C) interrupts a loop inside pcall, and the
// caller cannot swallow it.
func TestPCallCancelled(t *testing.T) {
	L := NewState()
	defer L.Close()
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	err := L.DoString(`for i = 1, 3 do pcall(function() while true do end end) end`)
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("got %v", err)
	}
}
