package luabind

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestPCallHook: the hook sees every pcall return, in the calling state,
// with whether an error was caught; nil removes it.
func TestPCallHook(t *testing.T) {
	L := NewState()
	defer L.Close()
	var got []bool
	SetPCallHook(L, func(caller *lua.LState, caught bool) {
		if caller == nil {
			t.Error("hook called without a state")
		}
		got = append(got, caught)
	})
	if err := L.DoString(`pcall(error, "x") pcall(type, 1) pcall(function() pcall(error) end)`); err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, true, false} // the inner pcall returns first
	if len(got) != len(want) {
		t.Fatalf("hook calls %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("hook calls %v, want %v", got, want)
		}
	}
	SetPCallHook(L, nil)
	if err := L.DoString(`pcall(error, "x")`); err != nil || len(got) != len(want) {
		t.Errorf("after SetPCallHook(nil): %v, calls %v", err, got)
	}
}
