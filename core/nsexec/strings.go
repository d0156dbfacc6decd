package nsexec

// The few string helpers this package needs, written out: importing
// strings (and through it unicode) or strconv would make the linker
// initialise this package after them, and after everything that sorts
// before them, which is most of the binary (see the package comment).

// contains reports whether s contains the byte c.
func contains(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// hasPrefix is strings.HasPrefix.
func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// split cuts s at every sep, like strings.Split with a one-byte separator.
func split(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// itoa formats n in decimal, like strconv.Itoa.
func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
