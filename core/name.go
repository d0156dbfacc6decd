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
// (spaces, newlines, UTF-8, a leading '-') is allowed. A refusal is a
// *NameError, which matches ErrInvalidName.
func ValidName(name string) error {
	switch {
	case name == "":
		return &NameError{Name: name, Why: "empty"}
	case len(name) > MaxNameLen:
		return &NameError{Name: name, Why: fmt.Sprintf("longer than %d bytes", MaxNameLen)}
	case strings.Contains(name, "/"):
		return &NameError{Name: name, Why: "contains '/'"}
	case name == "." || name == "..":
		return &NameError{Name: name, Why: "reserved"}
	}
	return nil
}

// NameError says why ValidName refused a name: `invalid name "a/b":
// contains '/'`. errors.Is(err, ErrInvalidName) holds for it.
type NameError struct {
	Name string
	Why  string
}

func (e *NameError) Error() string {
	name := e.Name
	if len(name) > 40 {
		name = name[:40] + "..."
	}
	return fmt.Sprintf("invalid name %q: %s", name, e.Why)
}

// Is makes a NameError match ErrInvalidName.
func (e *NameError) Is(target error) bool { return target == ErrInvalidName }
