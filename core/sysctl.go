package core

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// sysctlPath checks a dotted key and maps it to its /proc/sys file. Only
// keys under "net." are accepted: they are the ones that belong to a
// network namespace, while every other sysctl is global and writing it from
// a lab would change the host.
func sysctlPath(key string) (string, error) {
	if !strings.HasPrefix(key, "net.") {
		return "", fmt.Errorf("sysctl key %q is not under net. (only network namespace keys are allowed): %w", key, unix.EINVAL)
	}
	if strings.ContainsAny(key, "/\x00") || strings.Contains(key, "..") {
		return "", fmt.Errorf("invalid sysctl key %q: %w", key, unix.EINVAL)
	}
	parts := strings.Split(key, ".")
	for _, p := range parts {
		if p == "" {
			return "", fmt.Errorf("invalid sysctl key %q: %w", key, unix.EINVAL)
		}
	}
	return "/proc/sys/" + strings.Join(parts, "/"), nil
}

// Sysctl reads the network sysctl key ("net.ipv4.ip_forward") of the
// namespace, after writing value first when value is not nil, and returns
// the value as the kernel reports it (trailing newline removed). The files
// are opened on a thread inside the namespace; the fds stay bound to it.
//
// Equivalent to: `ip netns exec NS sysctl [-w] KEY[=VALUE]`
func (ns *Namespace) Sysctl(key string, value *string) (string, error) {
	path, err := sysctlPath(key)
	if err != nil {
		return "", wireErr("sysctl", ns, err, err.Error())
	}
	if value != nil && strings.ContainsAny(*value, "\n\x00") {
		err := fmt.Errorf("invalid value %q for %s: %w", *value, key, unix.EINVAL)
		return "", wireErr("sysctl", ns, err, err.Error())
	}
	// One open for both the write and the read back: in a machine with
	// thousands of namespaces each path lookup under /proc/sys walks the
	// dentries of every namespace's copy (proc_sys_compare), so it is the
	// cost of a lab node's IPv6 switch-off.
	fd := -1
	open := func() error {
		mode := unix.O_RDONLY
		if value != nil {
			mode = unix.O_RDWR
		}
		var oerr error
		fd, oerr = unix.Open(path, mode|unix.O_CLOEXEC, 0)
		return oerr
	}
	if ns.setupH != nil {
		err = open() // an AddWith setup runs on a thread inside ns
	} else {
		fd, oerr := ns.openChecked()
		if oerr != nil {
			return "", oerr
		}
		err = InNetnsFd(fd, open)
		unix.Close(fd)
	}
	defer closeIfOpen(fd)
	if err != nil {
		if errors.Is(err, unix.ENOENT) && hostWideSysctl(key) {
			err = fmt.Errorf("%s is host-wide, not per network namespace: it needs root on the host (see nssh doctor): %w", key, err)
			return "", wireErr("sysctl", ns, err, err.Error())
		}
		if errors.Is(err, unix.ENOENT) {
			err = fmt.Errorf("no sysctl %s: %w", key, err)
			return "", wireErr("sysctl", ns, err, err.Error())
		}
		return "", wireErr("sysctl", ns, fmt.Errorf("open %s: %w", key, err), "")
	}
	if value != nil {
		if _, err := unix.Write(fd, []byte(*value)); err != nil {
			return "", wireErr("sysctl", ns, fmt.Errorf("write %s=%s: %w", key, *value, err), "")
		}
	}
	return readSysctl(ns, key, fd)
}

// hostWideSysctl reports whether key is one of the network sysctls the
// kernel keeps only in the host's initial network namespace (so a lab's
// namespaces, and a sandbox, have no such file): the neighbour table
// defaults and the packet-processing limits of net.core.
func hostWideSysctl(key string) bool {
	if strings.HasPrefix(key, "net.ipv4.neigh.default.") || strings.HasPrefix(key, "net.ipv6.neigh.default.") {
		return true
	}
	switch strings.TrimPrefix(key, "net.core.") {
	case "netdev_max_backlog", "netdev_budget", "netdev_budget_usecs", "dev_weight",
		"default_qdisc", "busy_poll", "busy_read", "rps_sock_flow_entries", "flow_limit_table_len":
		return true
	}
	return false
}

func readSysctl(ns *Namespace, key string, fd int) (string, error) {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Pread(fd, buf, int64(len(out))) // from the start, also after a write
		if err != nil {
			return "", wireErr("sysctl", ns, fmt.Errorf("read %s: %w", key, err), "")
		}
		if n == 0 {
			break
		}
		out = append(out, buf[:n]...)
	}
	return string(bytes.TrimSuffix(out, []byte("\n"))), nil
}

func closeIfOpen(fd int) {
	if fd >= 0 {
		unix.Close(fd)
	}
}
