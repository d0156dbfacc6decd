package core_test

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// TestInNetnsFdEnterErrorSaidOnce: a namespace that cannot be entered is
// one error saying so (the thread never left home, so nothing is
// restored and no second error joins it); fn does not run.
func TestInNetnsFdEnterErrorSaidOnce(t *testing.T) {
	ran := false
	err := core.InNetnsFd(-1, func() error { ran = true; return nil })
	if ran || !errors.Is(err, unix.EBADF) || err.Error() != "enter namespace: bad file descriptor" {
		t.Fatalf("InNetnsFd(-1) = %v (fn ran: %v), want one enter error", err, ran)
	}
}
