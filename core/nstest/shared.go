package nstest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Shared is a reading of the kernel resources that every network
// namespace of the machine shares, so that a test whose packets got lost
// can say whether other workloads on the machine are the likely cause:
// the per-CPU softnet backlog (net.core.netdev_max_backlog packets; veth
// traffic of every namespace passes through it) and the ARP and ND
// neighbour tables (gc_thresh3 dynamic entries machine-wide).
type Shared struct {
	softnetDrops uint64
	neigh        map[string]neighTable // "arp_cache", "ndisc_cache"
}

type neighTable struct{ entries, thresh3, fulls int }

// ReadShared reads /proc/net/softnet_stat and `ip -s ntable`; what
// cannot be read stays zero. Take it when a test starts and put
// Since() in the failure messages of packets that got lost.
func ReadShared() Shared {
	h := Shared{neigh: map[string]neighTable{}}
	if f, err := os.Open("/proc/net/softnet_stat"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fields := strings.Fields(sc.Text()); len(fields) > 1 {
				n, _ := strconv.ParseUint(fields[1], 16, 64) // column 2: dropped
				h.softnetDrops += n
			}
		}
		f.Close()
	}
	out, err := exec.Command("ip", "-s", "ntable", "show").Output()
	if err != nil {
		return h
	}
	// The first block of each table holds its machine-wide figures; the
	// per-device blocks after it repeat the table name without them.
	for _, block := range regexp.MustCompile(`(?m)^inet6? `).Split(string(out), -1) {
		name, _, _ := strings.Cut(strings.TrimSpace(block), " ")
		if _, done := h.neigh[name]; done || !strings.Contains(block, "thresh3") {
			continue
		}
		h.neigh[name] = neighTable{tableNum(block, "entries"), tableNum(block, "thresh3"), tableNum(block, "table_fulls")}
	}
	return h
}

func tableNum(block, key string) int {
	m := regexp.MustCompile(`\b` + key + ` (\d+)`).FindStringSubmatch(block)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Since describes what happened to the shared resources since h was read,
// for a failure message.
func (h Shared) Since() string {
	now := ReadShared()
	s := fmt.Sprintf("machine-wide since the test started: the softnet backlog (net.core.netdev_max_backlog) dropped %d packets",
		now.softnetDrops-h.softnetDrops)
	for _, name := range []string{"arp_cache", "ndisc_cache"} {
		t, ok := now.neigh[name]
		if !ok {
			continue
		}
		s += fmt.Sprintf("; %s: %d entries of gc_thresh3 %d, full %d times", name, t.entries, t.thresh3, t.fulls-h.neigh[name].fulls)
	}
	return s + " (other namespace workloads on the machine share these)"
}
