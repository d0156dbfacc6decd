//go:build !amd64 && !arm64 && !riscv64 && !loong64

package nsexec

import "golang.org/x/sys/unix"

// setns is setns(2). On these architectures x/sys/unix provides it, at the
// price of a later initialisation (see strings.go).
func setns(fd int, nstype uintptr) error { return unix.Setns(fd, int(nstype)) }
