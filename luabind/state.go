package luabind

import lua "github.com/yuin/gopher-lua"

// State limits shared by the REPL and the script runner. gopher-lua's
// defaults are small: recursion 1,000 deep overflows the default call
// stack of 256 frames, and unpack of 20,000 values overflows the default
// registry. These pass both while still bounding a runaway script (a
// registry of 1<<20 slots is 16 MiB of values).
const (
	CallStackSize   = 4096
	RegistrySize    = 1024 // grows on demand (pcall makes a thread each call)
	RegistryMaxSize = 1 << 20
)

// NewState returns a state with every standard library open and the limits
// above, so the REPL, the runner and the tests behave the same. The caller
// still opens the netns module with New(...).Open(L) and closes L.
// pcall is replaced by one that keeps closures' upvalues intact after an
// error (see pcall.go); string.rep and nested coroutines are bounded (see
// limits.go). LimitMemory adds a memory limit (memlimit.go, memchecks.go).
func NewState() *lua.LState {
	L := lua.NewState(lua.Options{
		CallStackSize:       CallStackSize,
		RegistrySize:        RegistrySize,
		RegistryMaxSize:     RegistryMaxSize,
		MinimizeStackMemory: true,
	})
	openSafePCall(L)
	openLimits(L)
	openMemChecks(L)
	return L
}
