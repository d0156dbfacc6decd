package core

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Delete removes the name RunDir/NAME: a lazy unmount (errors ignored, as
// ip does) then unlink. The namespace itself lives on while processes or
// open fds still use it. Unlike ip, which can only be pointed at
// /run/netns, Delete removes only a mounted namespace or a placeholder (an
// empty mode-0000 file, left by an add in progress or killed); anything
// else is refused (IsRefused) and left alone, a symlink is never followed.
//
// Equivalent to: `ip netns delete NAME`
func (c Config) Delete(name string) error {
	if err := ValidName(name); err != nil {
		return newOpError("delete", name, err, fmt.Sprintf("Invalid netns name \"%s\"", name))
	}
	path := c.rawPath(name)
	for try := 0; ; try++ {
		e, err := classifyEntry(path)
		if err != nil {
			return opErr("delete", name, err, "Cannot remove namespace file \"%s\": %s", path, Strerror(err))
		}
		switch e.kind {
		case entryMissing:
			return opErr("delete", name, unix.ENOENT, "Cannot remove namespace file \"%s\": %s", path, Strerror(unix.ENOENT))
		case entryDir, entryOther:
			return c.refusal("delete", name, e)
		case entryPlaceholder:
			err := unix.Unlink(path)
			if err == unix.EBUSY && try == 0 {
				continue // mounted meanwhile by the add that made it: delete the namespace
			}
			if err != nil {
				return opErr("delete", name, err, "Cannot remove namespace file \"%s\": %s", path, Strerror(err))
			}
			return nil
		}
		return c.deleteMounted(name, path)
	}
}

// deleteMounted unmounts and unlinks the namespace file path.
func (c Config) deleteMounted(name, path string) error {
	var st unix.Stat_t
	known := unix.Stat(path, &st) == nil
	umountErr := unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW) // ignored, as ip does
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

// DeleteAll deletes every namespace and placeholder of the run dir in
// directory order, like ip; entries Delete refuses are skipped and
// reported together at the end, and any other failure stops it. It
// returns how many were deleted.
//
// Equivalent to: `ip -all netns delete`
func (c Config) DeleteAll() (int, error) {
	names, err := c.Names()
	if err != nil {
		return 0, opErr("delete", "", err, "Failed to open directory %s:%s", c.RunDir, Strerror(err))
	}
	n := 0
	var refusals []error
	for _, name := range names {
		if err := c.Delete(name); IsRefused(err) {
			refusals = append(refusals, err)
			continue
		} else if err != nil {
			return n, err
		}
		n++
	}
	return n, errors.Join(refusals...)
}

// forgetNamespace drops what this process holds for a namespace whose
// name was just deleted (its cached netlink handle, its quiet-birth mark),
// by the identity the name had.
func forgetNamespace(dev, ino uint64) {
	dropHandle(nsKey{dev, ino})
	forgetQuietBirth(nsKey{dev, ino})
}
