package tests

// A fuzz of the REPL over a pty (issues 12 and 14): random bytes, control
// keys and escape sequences, at 80 and at 0 columns. After every round the
// REPL must still run, answer a print, and not have printed a Go panic.
// NSSH_REPL_FUZZ sets the duration of each of the two runs (default 10s;
// .ci/run uses 5m); NSSH_REPL_FUZZ_SEED replays a failing seed.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// fuzzKeys are the inputs a round picks from, besides random bytes.
var fuzzKeys = []string{
	"\x00", "\x01", "\x02", "\x03", "\x05", "\x06", "\x07", "\x08", "\t", "\n", "\r",
	"\x0b", "\x0c", "\x0e", "\x10", "\x12", "\x13", "\x14", "\x15", "\x17", "\x19",
	"\x1a", "\x1b", "\x7f", "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F",
	"\x1b[3~", "\x1bOH", "\x1bOF", "\x1bb", "\x1bf", "\x1bd", "\x1b\x7f", "\x1b[1;5C",
	"\x1b[6n", "\x1b[", "\x1bO", ";", "(", ")", "\"", "'", "[[", "]]", "--", "=",
	".", ":", "x", "ab", "netns.", "ns:", "lab:", "for i=1,2 do", "end", "function f()",
	"\u00e9", "\u4e2d", "\xff", "\xc3", "\x80", "print(", "=1", ".help", ".nope",
}

// fuzzSafe removes what ends the REPL by design: Ctrl-D and os.exit, and
// Ctrl-\, which the terminal turns into SIGQUIT while a chunk runs (the
// kill key of every program, Go's dumps its goroutines and exits).
var fuzzSafe = strings.NewReplacer("\x04", "", "exit", "", "\x1c", "")

// fuzzDuration is how long each fuzz run lasts.
func fuzzDuration(t *testing.T) time.Duration {
	s := os.Getenv("NSSH_REPL_FUZZ")
	if s == "" {
		return 10 * time.Second
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("NSSH_REPL_FUZZ=%q: %v", s, err)
	}
	return d
}

func TestREPLFuzz(t *testing.T) {
	if testing.Short() {
		t.Skip("fuzz skipped in -short mode")
	}
	cleanNamespaces(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("NSSH_REPL_FUZZ_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	d := fuzzDuration(t)
	for _, cols := range []uint16{80, 0} {
		t.Run(fmt.Sprintf("cols=%d", cols), func(t *testing.T) {
			t.Logf("seed %d (NSSH_REPL_FUZZ_SEED), %v", seed, d)
			fuzzREPL(t, cols, rand.New(rand.NewPCG(seed, uint64(cols))), d)
		})
	}
}

// fuzzREPL types random input into one REPL for d. A temp lab made at the
// start must be gone when the REPL exits at the end.
func fuzzREPL(t *testing.T, cols uint16, rng *rand.Rand, d time.Duration) {
	p := startPTYSize(t, cols, []string{"HOME=" + t.TempDir()}, nssh(t))
	p.expect("nssh> ")
	p.send(`L = netns.lab{name = "fz", temp = true, nodes = {fzh = {}}}; L:up(); print("lab" .. "up")` + "\r")
	p.expect("labup")
	p.expect("nssh> ")
	rounds := 0
	for end := time.Now().Add(d); time.Now().Before(end); rounds++ {
		var sb strings.Builder
		for n := rng.IntN(40) + 1; n > 0; n-- {
			if rng.IntN(4) == 0 {
				sb.WriteByte(byte(rng.IntN(256)))
			} else {
				sb.WriteString(fuzzKeys[rng.IntN(len(fuzzKeys))])
			}
		}
		input := fuzzSafe.Replace(sb.String())
		p.send(input)
		if rounds%5 == 4 {
			p.fuzzCheck(fmt.Sprintf("round %d, last input %q", rounds, input))
		}
	}
	p.fuzzCheck("the end")
	t.Logf("%d rounds", rounds)
	p.send("\x07\x03\x07\x03.exit\r")
	if code := p.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
	if names, err := core.DefaultConfig().Names(); err != nil || len(names) != 0 {
		t.Errorf("after the REPL ended, namespaces %v (%v): the temp lab was not removed", names, err)
	}
}

// fuzzCheck leaves whatever state the input left (search, completion, a
// pending chunk, a running chunk) and checks that print answers. Random
// input can still be queued and interfere (a second Ctrl-C flushing the
// terminal's input, a chunk starting), so the probe is repeated a few
// times; a REPL that hung or spins never answers any of them.
func (p *ptySession) fuzzCheck(where string) {
	p.t.Helper()
	for try := 0; try < 10; try++ {
		select {
		case <-p.exited:
			p.t.Fatalf("%s: nssh exited; output:\n%s", where, p.rest())
		default:
		}
		mark := fmt.Sprintf("fz%d", time.Now().UnixNano())
		p.send("\x07\x03\x07\x03")
		p.send(`print("` + mark + `" .. "!")` + "\r")
		out, ok := p.expectWithin(mark+"!", 5*time.Second)
		if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
			p.t.Fatalf("%s: a panic was printed:\n%s", where, out)
		}
		if ok {
			return
		}
	}
	p.t.Fatalf("%s: print did not answer; output:\n%s", where, p.rest())
}
