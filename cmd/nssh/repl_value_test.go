package main

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// evalFormat runs chunk ("return ...") and formats its values like the REPL.
func evalFormat(t *testing.T, chunk string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	fn, err := L.LoadString(chunk)
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	if err := L.PCall(0, lua.MultRet, nil); err != nil {
		t.Fatal(err)
	}
	vals := make([]lua.LValue, L.GetTop())
	for i := range vals {
		vals[i] = L.Get(i + 1)
	}
	return formatResults(L, vals)
}

func TestFormatResults(t *testing.T) {
	long := `{` + strings.Repeat(`"abcdefghij", `, 8) + `}`
	tests := []struct{ chunk, want string }{
		{`return 1, "two", nil, true`, "1\ttwo\tnil\ttrue"},
		{`return {}`, "{}"},
		{`return {1, 2, 3}`, "{ 1, 2, 3 }"},
		{`return {b = 1, a = "x", [10] = 0, 5, ["not id"] = 2}`, `{ 5, [10] = 0, a = "x", b = 1, ["not id"] = 2 }`},
		{`return {{name = "blue", id = 3}}`, `{ { id = 3, name = "blue" } }`},
		{`return setmetatable({}, {__tostring = function() return "grid" end})`, "grid"},
		{`local t = {}; t.self = t; return t`, "{ self = <cycle> }"},
		{`return {["end"] = 1}`, `{ ["end"] = 1 }`},
		{`return ` + long, "{\n" + strings.Repeat(`  "abcdefghij",`+"\n", 7) + `  "abcdefghij"` + "\n}"},
	}
	for _, tt := range tests {
		if got := evalFormat(t, tt.chunk); got != tt.want {
			t.Errorf("%s\n got: %q\nwant: %q", tt.chunk, got, tt.want)
		}
	}
}

func TestIncomplete(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for _, src := range []string{"function f(a)", "if x then", "t = {", "f(", "x = 1 +", "for i = 1, 2 do", "s = [[abc", "--[[ comment"} {
		if _, err := L.LoadString(src); err == nil || !incomplete(err) {
			t.Errorf("%q: incomplete = false (err %v)", src, err)
		}
	}
	for _, src := range []string{"end", "x = = 2", `x = "abc`, "x = 'abc"} {
		if _, err := L.LoadString(src); err == nil || incomplete(err) {
			t.Errorf("%q: incomplete = true (err %v)", src, err)
		}
	}
}
