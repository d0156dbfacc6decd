package main

import "math"

// cStrtol parses s like C strtol(s, &end, 0) with a 64-bit long: leading
// white space, an optional sign, then a 0x (hex), 0 (octal) or decimal
// number. It returns the value, the number of bytes used (0 when there
// are no digits) and whether the value overflowed (ERANGE, clamped).
func cStrtol(s string) (v int64, used int, overflow bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i < len(s) && s[i] == '0' {
		base = 8
		if i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && digitVal(s[i+2]) < 16 {
			base = 16
			i += 2
		}
	}
	start := i
	var acc uint64
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	for ; i < len(s); i++ {
		d := uint64(digitVal(s[i]))
		if d >= base {
			break
		}
		if !overflow && acc > (limit-d)/base {
			overflow = true
		}
		if !overflow {
			acc = acc*base + d
		}
	}
	if i == start {
		return 0, 0, false
	}
	if overflow {
		acc = limit
	}
	if neg {
		return int64(-acc), i, overflow
	}
	return int64(acc), i, overflow
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// ipGetInteger is iproute2's get_integer(val, arg, 0) and get_s32(): the
// whole word must be a number within C int range.
func ipGetInteger(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	v, used, overflow := cStrtol(s)
	if used == 0 || used != len(s) || overflow || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int(v), true
}
