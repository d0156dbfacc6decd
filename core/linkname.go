package core

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Interface name limits: IFNAMSIZ and ALTIFNAMSIZ less the NUL byte.
const (
	maxKernelName = unix.IFNAMSIZ - 1 // 15
	maxAltName    = 127
)

// KernelName returns the kernel name nssh gives a link called name: name
// itself when it fits in 15 bytes, otherwise "n" followed by 14 hex digits
// of the SHA-256 of name. The mapping is deterministic, so a long name
// always maps to the same short one; the long name is kept as an altname
// (`ip link property add dev N altname LONG`) and lookups by it work.
func KernelName(name string) string {
	if len(name) <= maxKernelName {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return "n" + hex.EncodeToString(sum[:])[:maxKernelName-1]
}

// validLinkName checks a link name the way the kernel's dev_valid_name
// does, but with the altname length limit (long names become altnames).
func validLinkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty link name: %w", unix.EINVAL)
	case name == "." || name == "..":
		return fmt.Errorf("invalid link name %q: %w", name, unix.EINVAL)
	case len(name) > maxAltName:
		return fmt.Errorf("link name %q longer than %d bytes: %w", name, maxAltName, unix.EINVAL)
	case strings.ContainsAny(name, "/: \t\n\r\v\f\x00"):
		return fmt.Errorf("invalid link name %q (no '/', ':' or spaces): %w", name, unix.EINVAL)
	}
	return nil
}

// displayName is the name nssh reports for a link: its long altname when
// the kernel name is the short form KernelName made of it.
func displayName(kernel string, altNames []string) string {
	if len(kernel) == maxKernelName && strings.HasPrefix(kernel, "n") {
		for _, a := range altNames {
			if len(a) > maxKernelName && KernelName(a) == kernel {
				return a
			}
		}
	}
	return kernel
}
