package nsexec

import "syscall"

// setns is setns(2), a raw system call: the syscall package has no setns,
// and x/sys/unix would make this package initialise late (see strings.go).
func setns(fd int, nstype uintptr) error {
	if _, _, e := syscall.RawSyscall(308, uintptr(fd), nstype, 0); e != 0 {
		return e
	}
	return nil
}
