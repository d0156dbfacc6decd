package tests

// REPL tests (README: "Running scripts and the REPL"): nssh runs as the direct child of a pty and the
// tests type into it like a person would. Every wait has a generous
// timeout; nothing is asserted about speed.

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// startREPL starts `nssh` on a pty with HOME in a temp dir and waits for
// the first prompt.
func startREPL(t *testing.T) (*ptySession, string) {
	t.Helper()
	home := t.TempDir()
	p := startPTY(t, []string{"HOME=" + home}, nssh(t))
	p.expect("nssh> ")
	return p, home
}

// cleanNamespaces removes every namespace of the sandbox run dir at the
// end of a test.
func cleanNamespaces(t *testing.T) {
	t.Cleanup(func() {
		if _, err := core.DefaultConfig().DeleteAll(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
}

// line types a line and waits for the output up to the next prompt.
func (p *ptySession) line(s string) string {
	p.t.Helper()
	p.send(s + "\r")
	p.expect(s + "\n") // the echo, up to Enter
	return p.expect("nssh> ")
}

// lineEvent is line for a line after which the REPL prints a notice or a
// handler prints something (a namespace added or deleted, a spawned
// process's exit): that comes at some point after the change, before or
// after the prompt. It waits for both and returns the line's output (what came
// before the notice and before the prompt).
func (p *ptySession) lineEvent(s, notice string) string {
	p.t.Helper()
	p.send(s + "\r")
	p.expect(s + "\n")
	out := p.expect(notice)
	p.expect("nssh> ")
	out, _, _ = strings.Cut(out, "nssh> ")
	return out
}

// settle waits for the notice of a change made outside the REPL.
func (p *ptySession) settle(notice string) {
	p.t.Helper()
	p.expect(notice)
	p.expect("nssh> ")
}

func TestREPLPromptAndValues(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	if out := p.line(`1 + 1`); !strings.Contains(out, "2") {
		t.Errorf("1 + 1 printed %q", out)
	}
	if out := p.line(`{1, 2, x = "y", sub = {a = true}}`); !strings.Contains(out, `{ 1, 2, sub = { a = true }, x = "y" }`) {
		t.Errorf("table printed %q", out)
	}
	if out := p.line(`1, "two", nil`); !strings.Contains(out, "1\ttwo\tnil") {
		t.Errorf("multiple values printed %q", out)
	}
	if out := p.line(`setmetatable({}, {__tostring = function() return "custom!" end})`); !strings.Contains(out, "custom!") {
		t.Errorf("table with __tostring printed %q", out)
	}
	if out := p.lineEvent(`netns.add("repl-blue")`, "[event] add repl-blue"); !strings.Contains(out, `netns("repl-blue")`) {
		t.Errorf("netns.add printed %q", out)
	}
	if out := p.line(`x = 5`); strings.TrimSpace(out) != "" {
		t.Errorf("a statement printed %q", out)
	}
	if out := p.line(`error("oops")`); !strings.Contains(out, "stdin:1: oops") {
		t.Errorf("error printed %q", out)
	}
	if out := p.line(`netns.add("repl-blue")`); !strings.Contains(out, "netns.add: repl-blue: File exists") {
		t.Errorf("structured error printed %q", out)
	}
	if out := p.line(`x = "abc`); !strings.Contains(out, "unterminated string") {
		t.Errorf("unterminated string printed %q", out)
	}
}

func TestREPLContinuation(t *testing.T) {
	p, _ := startREPL(t)
	p.send("function twice(a)\r")
	p.expect("...> ")
	p.send("return a * 2\r")
	p.expect("...> ")
	p.send("end\r")
	p.expect("nssh> ")
	if out := p.line("twice(21)"); !strings.Contains(out, "42") {
		t.Errorf("twice(21) printed %q", out)
	}
	// Ctrl-C on a continuation line drops the pending chunk.
	p.send("function never()\r")
	p.expect("...> ")
	p.send("\x03")
	p.expect("nssh> ")
	if out := p.line("type(never)"); !strings.Contains(out, "nil") {
		t.Errorf("after Ctrl-C on a continuation line, type(never) printed %q", out)
	}
}

func TestREPLHistory(t *testing.T) {
	p, home := startREPL(t)
	p.line(`answer = 6 * 7`)
	p.line(`print("hist" .. answer)`)
	p.line(`answer = 0`)
	data, err := os.ReadFile(filepath.Join(home, ".nssh_history"))
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	if !strings.Contains(string(data), `print("hist" .. answer)`) {
		t.Errorf("history file holds %q", data)
	}
	// Ctrl-R finds the earlier line; Enter runs it again (answer is 0 now).
	p.send("\x12")
	p.send("HIST")
	p.expect(`print("hist" .. answer)`)
	p.send("\r")
	p.expect("hist0")
	p.expect("nssh> ")
}

func TestREPLCompletion(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	// An API name.
	p.send("netns.identi\t")
	p.expect("netns.identify")
	p.send("()\r")
	p.expect("{}")
	p.expect("nssh> ")
	// A Namespace method after "ns:".
	p.lineEvent(`ns = netns.add("repl-comp")`, "[event] add repl-comp")
	p.send("ns:pi\t")
	p.expect("ns:pids")
	p.send("()\r")
	p.expect("{}")
	p.expect("nssh> ")
	// Completion follows the value's type: a field after ".", a lab's
	// methods after "lab:".
	p.send("ns.na\t")
	p.expect("ns.name")
	p.send("\r")
	p.expect("ns.name\n")
	p.expect("repl-comp\n")
	p.expect("nssh> ")
	p.line(`lab = netns.lab{name = "comp", nodes = {h = {}}}`)
	p.send("lab:pl\t")
	p.expect("lab:plan")
	p.send("\x03")
	p.expect("nssh> ")
	// A namespace name inside a string literal, made outside the REPL.
	if _, err := core.DefaultConfig().Add("zz-completion-target"); err != nil {
		t.Fatal(err)
	}
	p.settle("[event] add zz-completion-target")
	p.send(`netns.get("zz-compl` + "\t")
	p.expect(`netns.get("zz-completion-target`)
	p.send("\")\r")
	p.expect(`netns("zz-completion-target")`)
	p.expect("nssh> ")
}

func TestREPLInterrupt(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	p.send("while true do end\r")
	p.expect("while true do end\n")
	p.waitCooked()
	p.send("\x03")
	p.expect("interrupted")
	p.expect("nssh> ")
	if out := p.line("1 + 2"); !strings.Contains(out, "3") {
		t.Errorf("after Ctrl-C, 1 + 2 printed %q", out)
	}

	p.lineEvent(`ns = netns.add("repl-int")`, "[event] add repl-int")
	p.send(`r = ns:exec{"sleep", "30"}` + "\r")
	p.expect(`r = ns:exec{"sleep", "30"}` + "\n")
	waitForPids(t, "repl-int")
	p.send("\x03")
	if out := p.expect("nssh> "); !strings.Contains(out, "interrupted") {
		t.Errorf("Ctrl-C of a child printed %q", out)
	}
	if out := p.line(`print("pids=" .. #ns:pids())`); !strings.Contains(out, "pids=0") {
		t.Errorf("after Ctrl-C, the namespace still has processes: %q", out)
	}
	if out := p.line("2 + 3"); !strings.Contains(out, "5") {
		t.Errorf("after Ctrl-C of a child, 2 + 3 printed %q", out)
	}
}

// waitForPids waits until a process runs in the namespace name.
// TestREPLCtrlCReachesTerminalChild: a command run with inherit=true
// shares the terminal, so Ctrl-C is its to handle, as under a shell. One
// that catches it (a shell with a trap; bash at its prompt) goes on and the
// chunk with it; one that dies of it stops the chunk.
func TestREPLCtrlCReachesTerminalChild(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	p.lineEvent(`ns = netns.add("repl-term")`, "[event] add repl-term")
	p.send(`r = ns:exec({"sh", "-c", "trap 'echo caught; exit 3' INT; echo trap set; while :; do sleep 0.05; done"}, {inherit = true}); print("after", r.code)` + "\r")
	p.expect("print(\"after\", r.code)\n")
	p.expect("trap set\n")
	p.send("\x03")
	p.expect("caught")
	if out := p.expect("nssh> "); !strings.Contains(out, "after\t3") || strings.Contains(out, "interrupted") {
		t.Errorf("Ctrl-C caught by the command: the chunk printed %q", out)
	}

	p.send(`ns:exec({"sleep", "30"}, {inherit = true}); print("ran on")` + "\r")
	p.expect(`print("ran on")` + "\n")
	waitForPids(t, "repl-term")
	p.send("\x03")
	if out := p.expect("nssh> "); !strings.Contains(out, "interrupted") || strings.Contains(out, "ran on") {
		t.Errorf("Ctrl-C that killed the command: the chunk printed %q", out)
	}
	if out := p.line(`print("pids=" .. #ns:pids())`); !strings.Contains(out, "pids=0") {
		t.Errorf("after Ctrl-C, the namespace still has processes: %q", out)
	}
}

func waitForPids(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for time.Now().Before(deadline) {
		if pids, err := core.DefaultConfig().Pids(name); err == nil && len(pids) > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no process started in %s", name)
}

func TestREPLCtrlDRestoresTerminal(t *testing.T) {
	home := t.TempDir()
	// Read the terminal settings before nssh starts.
	p := startPTY(t, []string{"HOME=" + home}, nssh(t))
	before := p.initial
	p.expect("nssh> ")
	p.line("x = 1")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("Ctrl-D: exit status %d, want 0", code)
	}
	after := p.termios()
	if before.Lflag != after.Lflag || before.Iflag != after.Iflag || before.Oflag != after.Oflag || before.Cflag != after.Cflag {
		t.Errorf("termios not restored: before %+v, after %+v", before, after)
	}
}

func TestREPLSIGTERMRestoresTerminal(t *testing.T) {
	p := startPTY(t, []string{"HOME=" + t.TempDir()}, nssh(t))
	before := p.initial
	p.expect("nssh> ")
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.wait(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("SIGTERM: exit status %d, want %d", code, 128+int(syscall.SIGTERM))
	}
	if after := p.termios(); before.Lflag != after.Lflag || before.Iflag != after.Iflag {
		t.Errorf("termios not restored: before %+v, after %+v", before, after)
	}
}

func TestREPLEventWhileIdle(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	p.line(`netns.on("add", function(ev) print("EVENT " .. ev.name) end)`)
	// Type half a line, let an event arrive, then finish the line.
	p.send(`print("tail" .. `)
	p.expect(`print("tail" .. `)
	if _, err := core.DefaultConfig().Add("repl-event"); err != nil {
		t.Fatal(err)
	}
	p.expect("EVENT repl-event")
	p.send(`"ok")` + "\r")
	p.expect("tailok")
	p.expect("nssh> ")

	// An event no handler takes prints a one-line notice, and the line
	// being typed survives it too.
	p.line(`netns.on("del", function() end, {ns = "nothing-like-this"})`)
	p.send(`print("second" .. `)
	p.expect(`print("second" .. `)
	if err := core.DefaultConfig().Delete("repl-event"); err != nil {
		t.Fatal(err)
	}
	p.expect("[event] del repl-event")
	p.send(`"ok")` + "\r")
	p.expect("secondok")
	p.expect("nssh> ")
}

func TestREPLHelp(t *testing.T) {
	p, _ := startREPL(t)
	if out := p.line(".help"); !strings.Contains(out, "netns.add") {
		t.Errorf(".help printed %q", out)
	}
	if out := p.line(".help netns.add"); !strings.Contains(out, "netns.add") || !strings.Contains(out, "ip netns add") {
		t.Errorf(".help netns.add printed %q", out)
	}
	if out := p.line("help(netns.add)"); !strings.Contains(out, "ip netns add") {
		t.Errorf("help(netns.add) printed %q", out)
	}
	if out := p.line(".help no.such.thing"); !strings.Contains(out, "no help for no.such.thing") {
		t.Errorf(".help no.such.thing printed %q", out)
	}
}

func TestREPLExit(t *testing.T) {
	for _, tt := range []struct {
		line string
		code int
	}{{"os.exit(3)", 3}, {".exit", 0}} {
		p := startPTY(t, []string{"HOME=" + t.TempDir()}, nssh(t))
		p.expect("nssh> ")
		p.send(tt.line + "\r")
		if code := p.wait(); code != tt.code {
			t.Errorf("%s: exit status %d, want %d", tt.line, code, tt.code)
		}
		if after := p.termios(); p.initial.Lflag != after.Lflag || p.initial.Iflag != after.Iflag {
			t.Errorf("%s: termios not restored: before %+v, after %+v", tt.line, p.initial, after)
		}
	}
}

// TestREPLEventNoticeWithoutHandler: a fresh REPL prints a notice for
// every add and del, its own and others', with no handler ever registered.
func TestREPLEventNoticeWithoutHandler(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	if _, err := core.DefaultConfig().Add("repl-notice1"); err != nil {
		t.Fatal(err)
	}
	p.expect("[event] add repl-notice1")
	p.send(`netns.add("repl-notice2") netns.del("repl-notice2")` + "\r")
	p.expect("[event] add repl-notice2")
	p.expect("[event] del repl-notice2")
	p.send(`os.execute("ip netns del repl-notice1")` + "\r")
	p.expect("[event] del repl-notice1")
}

// TestREPLPCallCatchesCtrlC: in the REPL, pcall catches Ctrl-C like any
// error (as in the lua interpreter): it returns false and ECANCELED, and
// the chunk goes on; the next Ctrl-C interrupts again.
func TestREPLPCallCatchesCtrlC(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	p.lineEvent(`ns = netns.add("repl-pcall")`, "[event] add repl-pcall")
	p.send(`ok, e = pcall(ns.exec, ns, "sleep 30"); print("after", ok, e.code)` + "\r")
	waitForPids(t, "repl-pcall")
	p.send("\x03")
	p.expect("after\tfalse\tECANCELED\n") // not "interrupted"
	p.expect("nssh> ")
	if out := p.line(`print(ok, e.code)`); !strings.Contains(out, "false\tECANCELED") {
		t.Errorf("after the caught Ctrl-C: %q", out)
	}

	p.send(`xpcall(function() print("loop" .. 1) while true do end end, print); print("caught" .. 2); while true do end` + "\r")
	p.expect("loop1")
	p.send("\x03")
	p.expect("caught2")
	p.send("\x03")
	p.expect("interrupted")
	p.expect("nssh> ")

	// pcall still names the caller's line for errors of Go functions.
	if out := p.line(`print(pcall(netns.get, 1, 2))`); !strings.Contains(out, "false\tstdin:1: bad argument") {
		t.Errorf("pcall(netns.get, 1, 2) printed %q", out)
	}
}

// TestREPLHistoryChunks: a multi-line chunk is one history entry, in the
// file and for Up; the file is private (0600), also when it existed.
func TestREPLHistoryChunks(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, ".nssh_history")
	if err := os.WriteFile(file, []byte("old = 'from the file'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startPTY(t, []string{"HOME=" + home}, nssh(t))
	p.expect("nssh> ")
	p.send("function twice(a)\r")
	p.expect("...> ")
	p.send("return a * 2\r")
	p.expect("...> ")
	p.send("end\r")
	p.expect("nssh> ")
	p.line("twice = nil")
	// Up, Up: the whole function, run again as the lines it was typed as.
	p.send("\x1b[A\x1b[A")
	p.expect("function twice(a)\u2424return a * 2\u2424end")
	p.send("\r")
	p.expect("\u2424end\n")
	p.expect("nssh> ")
	if out := p.line("twice(21)"); !strings.Contains(out, "42") {
		t.Errorf("the recalled chunk did not define twice: %q", out)
	}
	// Entries from the file come back too.
	p.send("\x12from the\r")
	p.expect("'from the file'\n")
	p.expect("nssh> ")
	if out := p.line("old"); !strings.Contains(out, "from the file") {
		t.Errorf("old printed %q", out)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", st.Mode().Perm())
	}
	data, _ := os.ReadFile(file)
	chunk := "function twice(a)\u2424return a * 2\u2424end\n"
	want := "old = 'from the file'\n" + chunk + "twice = nil\n" + chunk + "twice(21)\n"
	if !strings.HasPrefix(string(data), want) {
		t.Errorf("history file:\n%s\nwant it to start with:\n%s", data, want)
	}
}

func TestREPLBannerAndHelp(t *testing.T) {
	p := startPTY(t, []string{"HOME=" + t.TempDir()}, nssh(t))
	if out := p.expect("nssh> "); !strings.Contains(out, ".help for help, Ctrl-D to exit") {
		t.Errorf("no banner before the first prompt: %q", out)
	}
	out := p.line(".help")
	for _, want := range []string{".exit", ".help [NAME]", "Ctrl-R", "Ctrl-C", "Tab", "netns.add"} {
		if !strings.Contains(out, want) {
			t.Errorf(".help lacks %q:\n%s", want, out)
		}
	}
	if out := p.line(".help .exit"); !strings.Contains(out, "leaves nssh") {
		t.Errorf(".help .exit printed %q", out)
	}
	if out := p.line(".help keys"); !strings.Contains(out, "Ctrl-Z") {
		t.Errorf(".help keys printed %q", out)
	}
}
