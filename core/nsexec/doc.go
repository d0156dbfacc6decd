// Package nsexec is what `ip netns exec` does before it runs a command:
// open the named namespace, switch the calling thread into it with ip's
// mount setup, and exec like glibc's execvp, with iproute2 6.1's messages.
//
// It imports only errors, os and syscall, so that cmd/nssh can run the
// whole `netns exec` path from an init function right after package os is
// initialised, before the big packages (netlink, gopher-lua, readline).
// Since Go 1.21 the linker initialises packages in import-path order once
// their imports are done, so each import that sorts late (strings,
// strconv, x/sys/unix) would delay this package until after everything
// that sorts before it. Package core wraps this one; nothing else in
// nssh calls the kernel.
package nsexec
