package core

import "golang.org/x/sys/unix"

// IsTerminal reports whether fd is open on a terminal.
func IsTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	return err == nil
}
