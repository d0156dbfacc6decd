package lab_test

import (
	"bytes"
	"context"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/nssh/nssh/core/nstest"
	"github.com/nssh/nssh/lab"
)

func TestDotRendersWithGraphviz(t *testing.T) {
	l := newLab(t, demo(t))
	dot := l.Dot()
	if !strings.HasPrefix(dot, "graph ") || !strings.Contains(dot, `"h1" -- "r1"`) {
		t.Fatalf("unexpected dot text:\n%s", dot)
	}
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("graphviz not installed (apt-get install graphviz): cannot render")
	}
	cmd := exec.Command("dot", "-Tpng")
	cmd.Stdin = strings.NewReader(dot)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	png, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("dot -Tpng: %v\n%s", err, stderr.String())
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("dot -Tpng did not produce a PNG (%d bytes)", len(png))
	}
}

func TestCleanupTempRemovesTempLabs(t *testing.T) {
	spec := demo(t)
	spec.Temp = true
	l := newLab(t, spec)
	keep := demo(t)
	kl := newLab(t, keep)
	for _, x := range []*lab.Lab{l, kl} {
		if _, err := x.Up(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if err := lab.CleanupTemp(); err != nil {
		t.Fatal(err)
	}
	names, _ := cfg().Names()
	for _, n := range names {
		if strings.HasPrefix(n, spec.Name+"-") {
			t.Errorf("temp lab namespace %s left", n)
		}
	}
	if len(names) != 3 {
		t.Errorf("the non-temp lab should stay: %v", names)
	}
	if _, err := lab.ReadState(cfg(), spec.Name); !os.IsNotExist(err) {
		t.Errorf("temp lab state left: %v", err)
	}
}

func TestOwnerIdentityDetectsPidReuse(t *testing.T) {
	start, err := lab.ProcStart(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	alive := lab.State{Owner: os.Getpid(), OwnerStart: start}
	reused := lab.State{Owner: os.Getpid(), OwnerStart: start + 1}
	gone := lab.State{Owner: 1 << 30, OwnerStart: start}
	if !alive.OwnerAlive() || reused.OwnerAlive() || gone.OwnerAlive() {
		t.Errorf("OwnerAlive: self %v, reused pid %v, no such pid %v; want true false false",
			alive.OwnerAlive(), reused.OwnerAlive(), gone.OwnerAlive())
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	defer lab.SetProgressDelay(0)()
	var buf bytes.Buffer
	if p := lab.StartProgress(&buf, "lab x: up", 3); p != nil {
		t.Fatal("progress on a non-terminal writer")
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	p := lab.StartProgress(tty, "lab x: up", 3)
	if p == nil {
		t.Fatal("no progress on a terminal")
	}
	p.Step()
	var got []byte
	buf1 := make([]byte, 256)
	for !bytes.Contains(got, []byte("lab x: up ")) {
		n, err := ptmx.Read(buf1)
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		got = append(got, buf1[:n]...)
	}
	p.Stop()
	tty.Close()
	rest, _ := io.ReadAll(ptmx) // EIO once the tty side is closed
	got = append(got, rest...)
	if !bytes.HasPrefix(got, []byte("\r\x1b[K")) || !bytes.HasSuffix(got, []byte("\r\x1b[K")) {
		t.Errorf("progress output %q: want lines rewritten in place and cleared at the end", got)
	}
}

func TestCheckRemovesTheNeighbourEntriesItAdds(t *testing.T) {
	p := netip.MustParsePrefix
	spec := lab.Spec{
		Name:  "t" + strings.TrimPrefix(nstest.Name(t), "nssh-test-"),
		Nodes: map[string]lab.Node{"a": {}, "b": {}, "c": {}, "sw": {Bridge: "br0"}},
		Links: []lab.Link{
			{Ends: [2]lab.End{{"a", "eth0"}, {"sw", "pa"}}, Addrs: [2][]netip.Prefix{{p("10.0.0.1/24")}}},
			{Ends: [2]lab.End{{"b", "eth0"}, {"sw", "pb"}}, Addrs: [2][]netip.Prefix{{p("10.0.0.2/24")}}},
			{Ends: [2]lab.End{{"c", "eth0"}, {"sw", "pc"}}, Addrs: [2][]netip.Prefix{{p("10.0.0.3/24")}}},
		},
	}
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	// An entry made by hand must survive the check untouched.
	ip(t, "-n", spec.Name+"-a", "neigh", "add", "10.0.0.2", "lladdr", "02:00:00:00:00:02", "dev", "eth0", "nud", "permanent")
	for _, dyn := range []bool{false, true} {
		m, err := l.Check(context.Background(), lab.CheckOptions{DynamicARP: dyn})
		if err != nil {
			t.Fatal(err)
		}
		if !m["b"]["c"].OK || !m["c"]["a"].OK || m["a"]["b"].OK {
			t.Errorf("dynamic ARP %v: matrix %v (a->b must fail: a's entry for b has a wrong MAC)", dyn, m)
		}
	}
	for _, n := range []string{"a", "b", "c"} {
		got := strings.TrimSpace(ip(t, "-n", spec.Name+"-"+n, "neigh", "show", "nud", "permanent"))
		want := ""
		if n == "a" {
			want = "10.0.0.2 dev eth0 lladdr 02:00:00:00:00:02 PERMANENT"
		}
		if got != want {
			t.Errorf("%s: permanent neighbours after check = %q, want %q", n, got, want)
		}
	}
}
