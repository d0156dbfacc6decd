package core

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// Delete removes the name RunDir/NAME: a lazy unmount (errors ignored, as
// ip does) of the namespace mounted there and of any stacked under it (see
// unmountLayers), then unlink. The namespace itself lives on while processes or
// open fds still use it. Unlike ip, which can only be pointed at
// /run/netns, Delete removes only a mounted namespace or a placeholder (an
// empty mode-0000 file, left by an add in progress or killed); anything
// else is refused (IsRefused) and left alone, a symlink is never followed.
// A placeholder younger than StaleAge is first given a moment to be bound
// by its add (see awaitAdd).
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
			if try == 0 && !e.stale(time.Now()) && awaitAdd(path, e.ino) {
				continue // its add finished: delete what it made
			}
			err := unix.Unlink(path)
			if err == unix.EBUSY && try <= 1 {
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
	umountErr := unmountLayers(path) // ignored, as ip does
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

// addWait is how long Delete waits for the add that holds a young
// placeholder to bind onto it; an add holds it for well under a
// millisecond, more under load.
const addWait = 250 * time.Millisecond

// awaitAdd waits, at most addWait, until RunDir/NAME (path) is no longer
// the placeholder of inode ino, and reports whether that happened. Deleting
// the placeholder of an add in progress would make an add that binds by
// path (ip's) bind onto whatever file of the name exists later, another
// add's: a stacked mount. Waiting orders the delete after the add.
func awaitAdd(path string, ino uint64) bool {
	for end := time.Now().Add(addWait); time.Now().Before(end); {
		time.Sleep(time.Millisecond)
		if e, err := classifyEntry(path); err != nil || e.kind != entryPlaceholder || e.ino != ino {
			return true
		}
	}
	return false
}

// maxLayers bounds how many namespaces stacked on one file unmountLayers
// and gc take off, so a concurrent add loop cannot keep them going.
const maxLayers = 64

// unmountLayers lazily unmounts the namespace mounted on path and, while
// the file still shows one, the ones under it: binds of adds that raced a
// delete by path (ip's) can stack several namespaces on one file, and ip
// 6.1 unmounts only the top one, then fails with EBUSY. It returns the
// error of the first unmount.
func unmountLayers(path string) error {
	err := unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
	for i := 1; err == nil && i < maxLayers; i++ {
		if e, cerr := classifyEntry(path); cerr != nil || e.kind != entryNetns {
			break
		}
		if unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW) != nil {
			break
		}
	}
	return err
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
