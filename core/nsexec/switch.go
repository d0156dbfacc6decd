package nsexec

import (
	"os"
	"syscall"
)

// Open opens RUNDIR/NAME for Switch with ip's message on failure; the
// namespace type is left for setns to check, as ip does.
func Open(runDir, name string) (int, error) {
	fd, err := syscall.Open(runDir+"/"+name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, &Error{Text: "Cannot open network namespace \"" + name + "\": " + Strerror(err), Err: err}
	}
	return fd, nil
}

// Switch turns the calling thread into what `ip netns exec` gives a
// command: it joins the network namespace fd, enters a fresh mount
// namespace whose root is a slave of the caller's (so mounts propagate in
// but never out), mounts a new sysfs named after the namespace on /sys, and
// binds ETCDIR/NAME/* over /etc/*, passing a failed bind's message to warn
// (nil discards it). The steps and messages are those of iproute2's
// netns_switch. It must only run on a thread that execs next.
func Switch(fd int, name, etcDir string, warn func(string)) error {
	if err := setns(fd, syscall.CLONE_NEWNET); err != nil {
		return setupErr(err, "setting the network namespace \""+name+"\" failed")
	}
	if err := syscall.Unshare(syscall.CLONE_NEWNS); err != nil {
		return setupErr(err, "unshare failed")
	}
	if err := syscall.Mount("", "/", "none", syscall.MS_SLAVE|syscall.MS_REC, ""); err != nil {
		return setupErr(err, "\"mount --make-rslave /\" failed")
	}
	var flags uintptr
	if syscall.Unmount("/sys", syscall.MNT_DETACH) != nil {
		// Not unmountable (locked in a user namespace, say): shadow it,
		// read-only if the old one was.
		var st syscall.Statfs_t
		if syscall.Statfs("/sys", &st) == nil && st.Flags&stRdonly != 0 {
			flags = syscall.MS_RDONLY
		}
	}
	if err := syscall.Mount(name, "/sys", "sysfs", flags, ""); err != nil {
		return setupErr(err, "mount of /sys failed")
	}
	bindEtc(name, etcDir, warn)
	return nil
}

// stRdonly is statfs(2)'s ST_RDONLY.
const stRdonly = 1

func setupErr(err error, what string) *Error {
	return &Error{Text: what + ": " + Strerror(err), Err: err}
}

// maxNameLen is NAME_MAX: ip binds nothing for longer names.
const maxNameLen = 255

// bindEtc binds every entry of ETCDIR/NAME over /etc/ENTRY, warning about
// (and skipping) the ones that fail, as ip does.
func bindEtc(name, etcDir string, warn func(string)) {
	if len(name) >= maxNameLen {
		return
	}
	dir := etcDir + "/" + name
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	entries, _ := f.Readdirnames(-1)
	f.Close()
	for _, e := range entries {
		src, dst := dir+"/"+e, "/etc/"+e
		if err := syscall.Mount(src, dst, "none", syscall.MS_BIND, ""); err != nil && warn != nil {
			warn("Bind " + src + " -> " + dst + " failed: " + Strerror(err))
		}
	}
}
