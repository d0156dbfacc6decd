package core_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
)

// fakeProc writes a /proc tree with the given sysctl values and meminfo.
func fakeProc(t *testing.T, sysctls map[string]string, memAvailKB string) string {
	t.Helper()
	root := t.TempDir()
	for key, v := range sysctls {
		p := filepath.Join(root, "sys", strings.ReplaceAll(key, ".", "/"))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(v+"\n"), 0o644))
	}
	must(t, os.WriteFile(filepath.Join(root, "meminfo"),
		[]byte("MemTotal:       24000000 kB\nMemAvailable:   "+memAvailKB+" kB\n"), 0o644))
	return root
}

// defaults are a stock kernel's values.
var defaults = map[string]string{
	"net.core.netdev_max_backlog":       "1000",
	"net.ipv4.neigh.default.gc_thresh1": "128",
	"net.ipv4.neigh.default.gc_thresh2": "512",
	"net.ipv4.neigh.default.gc_thresh3": "1024",
	"net.ipv6.neigh.default.gc_thresh1": "128",
	"net.ipv6.neigh.default.gc_thresh2": "512",
	"net.ipv6.neigh.default.gc_thresh3": "1024",
	"user.max_net_namespaces":           "96363",
	"fs.inotify.max_user_instances":     "128",
	"fs.inotify.max_user_watches":       "192530",
}

func limitsByName(limits []core.HostLimit) map[string]core.HostLimit {
	m := map[string]core.HostLimit{}
	for _, l := range limits {
		m[l.Name] = l
	}
	return m
}

// TestHostLimitsNeeds checks what labs of 100 and 10,000 hosts need
// against a stock kernel.
func TestHostLimitsNeeds(t *testing.T) {
	defer core.SetProcRoot(fakeProc(t, defaults, "3000000"))()
	small := limitsByName(core.HostLimits(100))
	for name, l := range small {
		if l.Low() {
			t.Errorf("100 hosts: %s %d < %d is low", name, l.Value, l.Need)
		}
	}
	big := limitsByName(core.HostLimits(10000))
	for _, c := range []struct {
		name       string
		value, min int64
		low        bool
	}{
		{"net.core.netdev_max_backlog", 1000, 20000, true},
		{"net.ipv4.neigh.default.gc_thresh3", 1024, 20000, true},
		{"net.ipv6.neigh.default.gc_thresh3", 1024, 20000, true},
		{"user.max_net_namespaces", 96363, 10000, false},
		{"fs.inotify.max_user_instances", 128, 10000, true},
		{"MemAvailable", 3000000, 3000001, true},
		{"ports per bridge (BR_MAX_PORTS)", 1024, 1024, false},
	} {
		l, ok := big[c.name]
		switch {
		case !ok:
			t.Errorf("no limit %s", c.name)
		case l.Value != c.value || l.Need < c.min || l.Low() != c.low:
			t.Errorf("%s: value %d need %d low %v; want value %d, need >= %d, low %v", c.name, l.Value, l.Need, l.Low(), c.value, c.min, c.low)
		}
	}
	if l := big["net.core.netdev_max_backlog"]; l.Fix != "sysctl -w net.core.netdev_max_backlog="+itoa(l.Need) || !l.Fixable() {
		t.Errorf("backlog fix %q fixable %v", l.Fix, l.Fixable())
	}
	if big["MemAvailable"].Fixable() || big["ports per bridge (BR_MAX_PORTS)"].Fixable() {
		t.Error("memory and bridge ports cannot be fixed by a sysctl")
	}
}

// TestFixHostLimits raises exactly the low sysctls to their need and
// reports old and new values; the others are left as they were.
func TestFixHostLimits(t *testing.T) {
	root := fakeProc(t, defaults, "30000000")
	defer core.SetProcRoot(root)()
	changes, err := core.FixHostLimits(core.HostLimits(3000))
	must(t, err)
	changed := map[string]core.HostChange{}
	for _, c := range changes {
		changed[c.Name] = c
	}
	for key, old := range defaults {
		data, err := os.ReadFile(filepath.Join(root, "sys", strings.ReplaceAll(key, ".", "/")))
		must(t, err)
		now := strings.TrimSpace(string(data))
		c, ok := changed[key]
		switch {
		case ok && (itoa(c.Old) != old || itoa(c.New) != now):
			t.Errorf("%s: change %d -> %d, file %s -> %s", key, c.Old, c.New, old, now)
		case !ok && now != strings.TrimSpace(old):
			t.Errorf("%s changed to %s without being reported", key, now)
		}
	}
	if len(changes) != 8 { // backlog, 6 gc_thresh, inotify instances
		t.Errorf("%d changes, want 8: %+v", len(changes), changes)
	}
	again, err := core.FixHostLimits(core.HostLimits(3000))
	if err != nil || len(again) != 0 {
		t.Errorf("second fix: %v, %v", again, err)
	}
}

// TestFixHostLimitsErrors: a limit that cannot be read (net.* outside the
// host's network namespace) or written gets a clear error naming it, and
// nothing else is held up.
func TestFixHostLimitsErrors(t *testing.T) {
	vals := map[string]string{}
	for k, v := range defaults {
		if k != "net.core.netdev_max_backlog" {
			vals[k] = v
		}
	}
	root := fakeProc(t, vals, "30000000")
	defer core.SetProcRoot(root)()
	// A sysctl that even root cannot write (mode 0444) in place of one.
	thresh := filepath.Join(root, "sys/net/ipv4/neigh/default/gc_thresh3")
	must(t, os.Remove(thresh))
	must(t, os.Symlink("/proc/sys/kernel/ngroups_max", thresh)) // 65536
	limits := limitsByName(core.HostLimits(20000))
	if l := limits["net.core.netdev_max_backlog"]; l.Value != -1 || !strings.Contains(l.Note, "not visible in this network namespace") {
		t.Errorf("missing backlog: %+v", l)
	}
	changes, err := core.FixHostLimits(core.HostLimits(20000))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"net.core.netdev_max_backlog: cannot read it (not visible in this network namespace",
		"net.ipv4.neigh.default.gc_thresh3: cannot write 80000: Permission denied (raising it needs root in the host's initial namespaces)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if len(changes) != 6 {
		t.Errorf("%d changes, want the 6 others: %+v", len(changes), changes)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
