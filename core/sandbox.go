package core

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// SandboxRoot is the directory a sandbox mounts its private tmpfs on. It is
// /run so that /run/netns, the run dir ip has compiled in, is private too:
// `ip netns list` inside the sandbox shows the sandbox's namespaces.
const SandboxRoot = "/run"

// SandboxConfig returns the directories of a sandbox, all on its tmpfs.
func SandboxConfig() Config {
	return Config{
		RunDir:   SandboxRoot + "/netns",
		EtcDir:   SandboxRoot + "/etc-netns",
		StateDir: SandboxRoot + "/nssh",
	}
}

// SandboxOptions says how RunSandboxed starts the sandboxed copy.
type SandboxOptions struct {
	// Env is added to the copy's environment (a marker telling the copy it
	// runs inside, for instance).
	Env []string
	// Init adds a PID namespace. Its first process is an init from this
	// package: it calls SetupSandbox, mounts a fresh /proc, runs the copy
	// as its child, forwards SIGTERM and SIGHUP to it, reaps orphans and
	// exits with the copy's status. When the init ends, for whatever
	// reason, the kernel kills every process left in the sandbox, so
	// nothing started inside outlives it. Without Init the copy itself must
	// call SetupSandbox.
	Init bool
}

// sandboxInitArg0 marks the re-execution that is the sandbox's init:
// argv = [sandboxInitArg0, ARGV0, ARGS...].
const sandboxInitArg0 = "nssh-sandbox-init"

// RunSandboxed runs this binary again, with the same arguments and standard
// streams, in new user, mount and network namespaces (and a PID namespace
// with opts.Init), uid and gid 0 inside mapped to the caller's. The copy is
// killed if this process dies. SIGTERM and SIGHUP are forwarded to it;
// SIGINT and SIGQUIT are not, since a terminal sends them to the copy as
// well (it stays in the foreground process group). RunSandboxed returns the
// copy's exit status, 128+N if signal N killed it.
//
// Equivalent to: `unshare --user --map-root-user --mount --net [--pid --fork --mount-proc] ARGV...`
func RunSandboxed(opts SandboxOptions) (int, error) {
	argv := os.Args
	flags := syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET
	if opts.Init {
		argv = append([]string{sandboxInitArg0}, os.Args...)
		flags |= syscall.CLONE_NEWPID
	}
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = argv
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), opts.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  uintptr(flags),
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		// Real root may leave setgroups allowed, so that tools that drop
		// privileges inside (tcpdump -Z root) can; an unprivileged user
		// cannot map a gid without denying it.
		GidMappingsEnableSetgroups: os.Getuid() == 0,
		// The main goroutine is locked to the main thread (thread.go), so
		// the thread this is tied to lives as long as the process.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return 0, newOpError("sandbox", "", err, sandboxStartText(err))
	}
	pid := cmd.Process.Pid
	stop := forwardSignals(func(sig syscall.Signal) { unix.Kill(pid, sig) })
	defer stop()
	return waitStatus(pid, false), nil
}

// sandboxStartText explains a failure to create the namespaces.
func sandboxStartText(err error) string {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EACCES) {
		return fmt.Sprintf("cannot create the private sandbox: %s (unprivileged user namespaces are needed: see user.max_user_namespaces, kernel.unprivileged_userns_clone or kernel.apparmor_restrict_unprivileged_userns; or run as root)", Strerror(err))
	}
	return "cannot create the private sandbox: " + Strerror(err)
}

// SetupSandbox finishes a sandbox from inside: it makes every mount private
// (so nothing propagates to the host), mounts a tmpfs on SandboxRoot,
// makes the etc dir of SandboxConfig there, exports its directories as
// NSSH_RUN_DIR, NSSH_ETC_DIR and NSSH_STATE_DIR, and brings lo up.
func SetupSandbox() error {
	if err := unix.Mount("", "/", "none", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := unix.Mount("nssh-sandbox", SandboxRoot, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("tmpfs on %s: %w", SandboxRoot, err)
	}
	c := SandboxConfig()
	os.Setenv("NSSH_RUN_DIR", c.RunDir) // made by the first add, as ip does
	os.Setenv("NSSH_STATE_DIR", c.StateDir)
	os.Setenv("NSSH_ETC_DIR", c.EtcDir)
	if err := os.Mkdir(c.EtcDir, 0o755); err != nil {
		return err
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("sandbox lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return fmt.Errorf("sandbox lo up: %w", err)
	}
	return nil
}

// CanAdmin reports whether this process has CAP_SYS_ADMIN in its user
// namespace, which creating named namespaces needs. Without it, nssh's Lua
// front end runs in a sandbox (see RunSandboxed).
func CanAdmin() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	return data[unix.CAP_SYS_ADMIN/32].Effective&(1<<(unix.CAP_SYS_ADMIN%32)) != 0
}
