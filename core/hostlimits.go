package core

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// HostLimit is one host-wide kernel limit that bounds how big a lab can
// grow on this machine, as `nssh doctor` shows it.
type HostLimit struct {
	Name  string // the sysctl key ("net.core.netdev_max_backlog") or the limit's name
	About string // what it bounds and why a lab of this size needs Need
	Value int64  // the current value; -1 when it cannot be read here
	Need  int64  // what a lab of the given number of hosts needs
	Unit  string // "" or "kB"
	Fix   string // the command that raises it; "" when nothing can (a kernel constant)

	// Note says why Value is -1, or anything else worth knowing.
	Note string

	sysctl bool // Fix is a sysctl that FixHostLimits can apply
}

// Low reports whether the limit is known and below the need.
func (l HostLimit) Low() bool { return l.Value >= 0 && l.Value < l.Need }

// Fixable reports whether FixHostLimits can raise it (a sysctl).
func (l HostLimit) Fixable() bool { return l.sysctl }

// HostChange is one host-wide setting FixHostLimits changed.
type HostChange struct {
	Name     string
	Old, New int64
}

// BridgeMaxPorts is the number of ports a Linux bridge holds (BR_MAX_PORTS).
const BridgeMaxPorts = 1024

// procRoot is where the host limits are read and written; tests point it
// at a fake tree.
var procRoot = "/proc"

// HostLimits reads every host-wide limit that matters for a lab of hosts
// network namespaces (each with a veth into a bridge) and computes what
// such a lab needs. Sysctls under net. are read in the caller's network
// namespace: only the host's shows them.
//
// Equivalent to: `sysctl net.core.netdev_max_backlog ...; ulimit -Hn`
func HostLimits(hosts int) []HostLimit {
	n := int64(max(hosts, 0))
	limits := []HostLimit{
		sysctlLimit("net.core.netdev_max_backlog", max(1000, 3*n),
			"packets queued per CPU; a broadcast (ARP) flooded to every port of the lab's bridges queues about one per host at once"),
		sysctlLimit("net.ipv4.neigh.default.gc_thresh1", max(128, n),
			"IPv4 neighbour entries (all namespaces together) below which none is collected"),
		sysctlLimit("net.ipv4.neigh.default.gc_thresh2", max(512, 2*n),
			"IPv4 neighbour entries above which collection gets aggressive"),
		sysctlLimit("net.ipv4.neigh.default.gc_thresh3", max(1024, 4*n),
			"IPv4 neighbour entries, hard maximum: beyond it new neighbours fail (\"neighbour table overflow\")"),
		sysctlLimit("net.ipv6.neigh.default.gc_thresh1", max(128, n),
			"IPv6 neighbour entries below which none is collected (labs with IPv6 addresses)"),
		sysctlLimit("net.ipv6.neigh.default.gc_thresh2", max(512, 2*n),
			"IPv6 neighbour entries above which collection gets aggressive"),
		sysctlLimit("net.ipv6.neigh.default.gc_thresh3", max(1024, 4*n),
			"IPv6 neighbour entries, hard maximum"),
		sysctlLimit("user.max_net_namespaces", n+64,
			"network namespaces this user may have (one per node, plus headroom)"),
		sysctlLimit("fs.inotify.max_user_instances", max(128, n),
			"inotify instances per user: one per node service that watches files"),
		sysctlLimit("fs.inotify.max_user_watches", max(8192, 8*n),
			"inotify watches per user (node services that watch files)"),
		openFilesLimit(),
		memoryLimit(n),
		bridgePortsLimit(n),
	}
	return limits
}

// sysctlLimit reads one sysctl limit.
func sysctlLimit(key string, need int64, about string) HostLimit {
	l := HostLimit{Name: key, About: about, Need: need, Value: -1, sysctl: true,
		Fix: fmt.Sprintf("sysctl -w %s=%d", key, need)}
	v, err := readProcInt(sysctlFile(key))
	switch {
	case err == nil:
		l.Value = v
	case errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(key, "net."):
		l.Note = "not visible in this network namespace: run nssh doctor in the host's"
	default:
		l.Note = Strerror(err)
	}
	return l
}

// openFilesLimit is RLIMIT_NOFILE. The Go runtime raises nssh's soft limit
// to the hard one at start-up; nssh itself keeps its descriptors bounded
// (at most 64 whatever the lab size), so the need does not grow with it.
func openFilesLimit() HostLimit {
	l := HostLimit{Name: "open files (hard RLIMIT_NOFILE)", Need: 1024, Value: -1,
		About: "descriptors per process; nssh keeps its own below 64 at any lab size, node services inherit it",
		Fix:   "ulimit -Hn 1024 (in the shell that starts nssh, as root), or LimitNOFILE= in its unit"}
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err == nil {
		l.Value = int64(min(rl.Max, 1<<62))
	} else {
		l.Note = Strerror(err)
	}
	return l
}

// hostKB is the kernel memory a lab host costs (its namespace, a veth
// pair, a bridge port, addresses, routes and neighbour entries), measured
// with the 10,000-host tree (see bench/scale.sh), rounded up.
const hostKB = 400

// memoryLimit is MemAvailable against hostKB per host.
func memoryLimit(n int64) HostLimit {
	l := HostLimit{Name: "MemAvailable", Unit: "kB", Need: n * hostKB, Value: -1,
		About: fmt.Sprintf("memory the kernel can give without swapping; a lab host costs about %d kB of kernel memory", hostKB)}
	data, err := os.ReadFile(procRoot + "/meminfo")
	if err != nil {
		l.Note = Strerror(err)
		return l
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			if v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64); err == nil {
				l.Value = v
			}
		}
	}
	if l.Value < 0 {
		l.Note = "no MemAvailable line in " + procRoot + "/meminfo"
	}
	return l
}

// bridgePortsLimit is the kernel's fixed number of ports per bridge: a lab
// of n hosts needs its hosts spread over enough bridges.
func bridgePortsLimit(n int64) HostLimit {
	bridges := (n + BridgeMaxPorts - 2) / (BridgeMaxPorts - 1) // one port of each is the uplink
	return HostLimit{Name: "ports per bridge (BR_MAX_PORTS)", Value: BridgeMaxPorts, Need: min(n, BridgeMaxPorts),
		About: fmt.Sprintf("a kernel constant: %d hosts need at least %d bridge(s) (lab specs with more ports per bridge are refused)", n, max(bridges, 1))}
}

// FixHostLimits raises each limit that is Low and Fixable to its need, by
// writing its sysctl. These are host-wide settings: they apply to every
// namespace and user of the machine until reboot. It returns what it
// changed, and an error naming each limit it could not change (as root
// in a user namespace, net.core.* cannot be written, for example).
//
// Equivalent to: `sysctl -w KEY=NEED ...`
func FixHostLimits(limits []HostLimit) ([]HostChange, error) {
	var changes []HostChange
	var errs []error
	for _, l := range limits {
		if !l.sysctl || l.Value >= l.Need {
			continue
		}
		if l.Value < 0 {
			errs = append(errs, fmt.Errorf("%s: cannot read it (%s), so not changed", l.Name, l.Note))
			continue
		}
		if err := os.WriteFile(sysctlFile(l.Name), []byte(strconv.FormatInt(l.Need, 10)), 0); err != nil {
			errs = append(errs, fmt.Errorf("%s: cannot write %d: %s (raising it needs root in the host's initial namespaces)",
				l.Name, l.Need, Strerror(err)))
			continue
		}
		changes = append(changes, HostChange{Name: l.Name, Old: l.Value, New: l.Need})
	}
	return changes, errors.Join(errs...)
}

// sysctlFile is the /proc/sys file of a dotted key.
func sysctlFile(key string) string {
	return procRoot + "/sys/" + strings.ReplaceAll(key, ".", "/")
}

// readProcInt reads a file holding one integer.
func readProcInt(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
}
