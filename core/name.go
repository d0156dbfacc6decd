package core

import (
	"fmt"
	"strings"

	"github.com/nssh/nssh/core/nsexec"
)

// MaxNameLen is the longest namespace name ip accepts (NAME_MAX).
const MaxNameLen = nsexec.MaxNameLen

// ValidName reports whether name can name a namespace, with ip's rules:
// non-empty, at most 255 bytes, no '/', and not "." or "..". Everything else
// (spaces, newlines, UTF-8, a leading '-') is allowed.
func ValidName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidName, MaxNameLen)
	case strings.Contains(name, "/"):
		return fmt.Errorf("%w: contains '/'", ErrInvalidName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is reserved", ErrInvalidName, name)
	}
	return nil
}
