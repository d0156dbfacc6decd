package luabind

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// checkOptions returns the optional options table at argument n (nil when
// absent or nil) and raises an argument error for a non-table or for any
// key not in allowed.
func checkOptions(L *lua.LState, n int, allowed ...string) *lua.LTable {
	v := L.Get(n)
	if v == lua.LNil {
		return nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		typeError(L, n, "table")
	}
	var bad []string
	t.ForEach(func(k, _ lua.LValue) {
		ks, isStr := k.(lua.LString)
		if !isStr || !contains(allowed, string(ks)) {
			bad = append(bad, fmt.Sprintf("%q", lua.LVAsString(k)))
			if !isStr {
				bad[len(bad)-1] = k.Type().String() + " key"
			}
		}
	})
	if len(bad) > 0 {
		sort.Strings(bad)
		argError(L, n, fmt.Sprintf("unknown option %s (allowed: %s)", bad[0], strings.Join(allowed, ", ")))
	}
	return t
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// maxDuration bounds durations from Lua (about 292 years would overflow).
const maxDuration = 100 * 365 * 24 * time.Hour

// parseDuration converts a Lua duration: seconds as a number (0.1) or a
// string with a unit ("100ms", "2s", "1m", "1h30m"); a bare numeric string
// means seconds. Negative, NaN and huge values are errors.
func parseDuration(v lua.LValue) (time.Duration, error) {
	switch v := v.(type) {
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || f < 0 || f > maxDuration.Seconds() {
			return 0, fmt.Errorf("invalid duration %v (want seconds >= 0)", v)
		}
		return time.Duration(f * float64(time.Second)), nil
	case lua.LString:
		s := strings.TrimSpace(string(v))
		if n, err := parseSeconds(s); err == nil {
			return parseDuration(lua.LNumber(n))
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 0.5, \"100ms\", \"2s\")", s)
		}
		if d < 0 || d > maxDuration {
			return 0, fmt.Errorf("invalid duration %q (out of range)", s)
		}
		return d, nil
	}
	return 0, fmt.Errorf("duration expected (number of seconds or string like \"100ms\"), got %s", v.Type())
}

func parseSeconds(s string) (float64, error) {
	return strconv.ParseFloat(s, 64)
}

// checkDuration is parseDuration for argument n, raising an argument error.
func checkDuration(L *lua.LState, n int, v lua.LValue) time.Duration {
	d, err := parseDuration(v)
	if err != nil {
		argError(L, n, err.Error())
	}
	return d
}

// optDuration reads an optional duration at argument n: ok is false for nil.
func optDuration(L *lua.LState, n int) (time.Duration, bool) {
	v := L.Get(n)
	if v == lua.LNil {
		return 0, false
	}
	return checkDuration(L, n, v), true
}

// checkString returns argument n, which must be a string (numbers are not
// converted: a namespace called 1 must be written "1").
func checkString(L *lua.LState, n int) string {
	s, ok := L.Get(n).(lua.LString)
	if !ok {
		typeError(L, n, "string")
	}
	return string(s)
}

// checkInt returns argument n, which must be an integral number in
// [min, max].
func checkInt(L *lua.LState, n int, min, max int64) int64 {
	return checkIntValue(L, n, L.Get(n), min, max)
}

func checkIntValue(L *lua.LState, n int, v lua.LValue, min, max int64) int64 {
	num, ok := v.(lua.LNumber)
	if !ok {
		typeError(L, n, "number")
	}
	f := float64(num)
	if f != math.Trunc(f) || f < float64(min) || f > float64(max) {
		argError(L, n, fmt.Sprintf("integer in [%d, %d] expected, got %v", min, max, num))
	}
	return int64(f)
}

// optField returns field key of opts (LNil when opts is nil).
func optField(opts *lua.LTable, key string) lua.LValue {
	if opts == nil {
		return lua.LNil
	}
	return opts.RawGetString(key)
}

// optBool reads a boolean option (nil -> false).
func optBool(L *lua.LState, n int, opts *lua.LTable, key string) bool {
	switch v := optField(opts, key).(type) {
	case *lua.LNilType:
		return false
	case lua.LBool:
		return bool(v)
	default:
		argError(L, n, fmt.Sprintf("option %q: boolean expected, got %s", key, v.Type()))
		return false
	}
}

// stringArray converts an array of strings (argument n) to Go, raising an
// argument error for holes, non-string elements or non-array keys.
func stringArray(L *lua.LState, n int, t *lua.LTable, what string) []string {
	size := t.Len()
	var bad string
	count := 0
	t.ForEach(func(k, v lua.LValue) {
		count++
		if bad != "" {
			return
		}
		kn, ok := k.(lua.LNumber)
		if !ok || float64(kn) != math.Trunc(float64(kn)) || int(kn) < 1 || int(kn) > size {
			bad = fmt.Sprintf("%s must be an array (unexpected key %s)", what, lua.LVAsString(k))
			if _, isTable := k.(*lua.LTable); isTable || !ok && k.Type() != lua.LTString {
				bad = fmt.Sprintf("%s must be an array (unexpected %s key)", what, k.Type())
			}
			return
		}
		if _, ok := v.(lua.LString); !ok {
			bad = fmt.Sprintf("%s[%d]: string expected, got %s", what, int(kn), v.Type())
		}
	})
	if bad == "" && count != size {
		bad = what + " must be an array"
	}
	if bad != "" {
		argError(L, n, bad)
	}
	out := make([]string, size)
	for i := 1; i <= size; i++ {
		out[i-1] = string(t.RawGetInt(i).(lua.LString))
	}
	return out
}

// describe shows a value in a message: strings quoted, numbers and
// booleans as such, other values by type.
func describe(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return strconv.Quote(string(v))
	case lua.LNumber, lua.LBool:
		return v.String()
	}
	return v.Type().String()
}
