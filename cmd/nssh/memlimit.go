package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// defaultMemLimit is the memory limit of Lua states without --mem-limit or
// NSSH_MEM_LIMIT: 1 GiB is some 20 million table entries, far more than a
// lab of thousands of nodes needs, and small enough that a runaway loop,
// which may pass the limit by up to twice as much before it stops (a
// string doubling), leaves a machine of a few GiB usable.
const defaultMemLimit = 1 << 30

// memLimitEnv gives the default of --mem-limit.
const memLimitEnv = "NSSH_MEM_LIMIT"

// parseSize reads a memory size: plain bytes, or a number (fractions
// allowed) with K, M, G or T (powers of 1024), optionally followed by
// "iB" or "B". "0" and "off" mean no limit (0).
func parseSize(s string) (uint64, error) {
	bad := fmt.Errorf("bad size %q (bytes, or a number with K, M, G or T; 0 or off for no limit)", s)
	t := strings.ToUpper(strings.TrimSpace(s))
	if t == "OFF" {
		return 0, nil
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	shift := 0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			shift, t = 10*(i+1), t[:n-1]
		}
	}
	if t == "" || strings.ContainsAny(t, "+-eEnN_xX") {
		return 0, bad
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, bad
	}
	v := math.Ldexp(f, shift)
	if v >= math.MaxInt64 || (shift == 0 && f != math.Trunc(f)) {
		return 0, bad
	}
	return uint64(v), nil
}

// memLimitFromEnv is the limit NSSH_MEM_LIMIT gives, or the default.
func memLimitFromEnv() (uint64, error) {
	v, ok := os.LookupEnv(memLimitEnv)
	if !ok || v == "" {
		return defaultMemLimit, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", memLimitEnv, err)
	}
	return n, nil
}
