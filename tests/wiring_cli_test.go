package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// wiringChunk wires h1 - r1 - h2 with the Lua API and leaves it in place
// for the real ip to inspect.
const wiringChunk = `
local h1, h2, r1 = netns.add("h1"), netns.add("h2"), netns.add("r1")
netns.veth(h1, "eth0", r1, "uplink-to-host-one", { up = true })
netns.veth(h2, "eth0", r1, "eth2", { up = true, mtu = 1400 })
h1:addr_add("eth0", "10.0.1.2/24")
r1:addr_add("uplink-to-host-one", "10.0.1.1/24")
h2:addr_add("eth0", "10.0.2.2/24")
r1:addr_add("eth2", "10.0.2.1/24")
h1:route_add { dst = "default", via = "10.0.1.1" }
h2:route_add { dst = "default", via = "10.0.2.1", metric = 5 }
r1:sysctl("net.ipv4.ip_forward", 1)
r1:link_add { name = "br0", type = "bridge" }
r1:link_set("eth2", { master = "br0" })
r1:link_set("eth2", { master = "" })
print("wired")
`

// ipJSON runs `ip -j ARGS` and decodes its output.
func ipJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-j"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ip %v: %v", args, err)
	}
	var v []map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ip %v: %v\n%s", args, err, out)
	}
	return v
}

// TestWiringSeenByIP wires a lab through the built nssh, then reads the
// kernel state back with the real iproute2 and sends TCP through it.
func TestWiringSeenByIP(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip")
	}
	c := core.DefaultConfig()
	defer c.DeleteAll()
	out, err := exec.Command(nssh(t), "-e", wiringChunk).CombinedOutput()
	if err != nil || string(out) != "wired\n" {
		t.Fatalf("nssh: %v\n%s", err, out)
	}

	var sawLong bool
	for _, l := range ipJSON(t, "-n", "r1", "link", "show") {
		alt, _ := l["altnames"].([]any)
		if len(alt) == 1 && alt[0] == "uplink-to-host-one" {
			sawLong = l["ifname"] == core.KernelName("uplink-to-host-one")
		}
		if l["ifname"] == "eth2" && (l["mtu"] != float64(1400) || l["master"] != nil) {
			t.Errorf("eth2 as ip sees it: %v", l)
		}
	}
	if !sawLong {
		t.Error("ip does not show the long name as an altname of the short kernel name")
	}
	addrs := ipJSON(t, "-n", "h1", "-4", "addr", "show", "dev", "eth0")
	if info, _ := addrs[0]["addr_info"].([]any); len(addrs) != 1 || len(info) != 1 ||
		info[0].(map[string]any)["local"] != "10.0.1.2" || info[0].(map[string]any)["prefixlen"] != float64(24) {
		t.Errorf("h1 addresses as ip sees them: %s", jsonText(t, addrs))
	}
	routes := ipJSON(t, "-n", "h2", "route", "show", "default")
	if len(routes) != 1 || routes[0]["gateway"] != "10.0.2.1" || routes[0]["metric"] != float64(5) {
		t.Errorf("h2 default route as ip sees it: %v", routes)
	}
	if fwd, _ := exec.Command("ip", "netns", "exec", "r1", "cat", "/proc/sys/net/ipv4/ip_forward").Output(); string(fwd) != "1\n" {
		t.Errorf("ip_forward in r1 = %q", fwd)
	}

	if _, err := exec.LookPath("socat"); err != nil {
		t.Skip("needs socat for the TCP check")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := c.Start(ctx, "h2", []string{"socat", "TCP-LISTEN:7000,reuseaddr", "EXEC:cat"}, core.ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Wait(context.Background())
	defer srv.Signal(syscall.SIGKILL)
	var got []byte
	start := time.Now()
	defer func() { t.Logf("tcp took %v", time.Since(start)) }()
	for range 100 { // the listener may not be bound yet: retry the connect
		res, err := c.Run(ctx, "h1", []string{"socat", "-T", "5", "-", "TCP:10.0.2.2:7000"}, core.ExecOptions{Input: []byte("through the router\n")})
		if err != nil {
			t.Fatal(err)
		}
		if got = res.Stdout; res.Code == 0 && len(got) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if string(got) != "through the router\n" {
		t.Fatalf("TCP echo across the router = %q", got)
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
