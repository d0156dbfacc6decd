package core

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Delete removes the name RunDir/NAME: a lazy unmount (errors ignored, as
// ip does) then unlink. The namespace itself lives on while processes or
// open fds still use it. Stale files and non-namespace entries are removed
// too, since that is how ip cleans them up.
//
// Equivalent to: `ip netns delete NAME`
func (c Config) Delete(name string) error {
	if err := ValidName(name); err != nil {
		return &OpError{Op: "delete", Name: name, Err: err, Text: fmt.Sprintf("Invalid netns name \"%s\"", name)}
	}
	path := c.rawPath(name)
	var st unix.Stat_t
	known := unix.Stat(path, &st) == nil
	umountErr := unix.Unmount(path, unix.MNT_DETACH) // ignored, as ip does
	if err := unix.Unlink(path); err != nil {
		oe := opErr("delete", name, err, "Cannot remove namespace file \"%s\": %s", path, Strerror(err))
		if err == unix.EBUSY && umountErr == unix.EPERM {
			// Still mounted because we may not unmount: the real cause.
			// Text stays ip's message; Err says what was missing.
			oe.Err = unix.EPERM
		}
		return oe
	}
	if known {
		forgetNamespace(st.Dev, st.Ino)
	}
	return nil
}

// DeleteAll deletes every entry of the run dir in directory order and
// stops at the first failure, like ip. It returns how many were deleted.
//
// Equivalent to: `ip -all netns delete`
func (c Config) DeleteAll() (int, error) {
	names, err := c.Names()
	if err != nil {
		return 0, opErr("delete", "", err, "Failed to open directory %s:%s", c.RunDir, Strerror(err))
	}
	n := 0
	for _, name := range names {
		if err := c.Delete(name); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// forgetNamespace drops what this process holds for a namespace whose
// name was just deleted (its cached netlink handle), by the identity the
// name had.
func forgetNamespace(dev, ino uint64) { dropHandle(nsKey{dev, ino}) }
