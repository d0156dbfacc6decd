package tests

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// expectTimeout bounds every wait for output. It only guards against a
// hung test; nothing is asserted about speed.
const expectTimeout = 60 * time.Second

// ptySession drives a program on a pseudo-terminal: the program is the
// pty's direct child (session leader, controlling tty), never wrapped in
// sh, because tty SIGINT hits every process of the foreground group.
type ptySession struct {
	t   *testing.T
	cmd *exec.Cmd
	pty *os.File // master
	tty *os.File // slave, kept open to read its termios

	initial *unix.Termios // the terminal settings before the program started

	mu     sync.Mutex
	out    strings.Builder // all output, ANSI sequences and \r removed
	pos    int             // output before pos has been matched
	closed bool
	update chan struct{}
	exited chan struct{}
	status error
}

// startPTY starts bin with args on a new 200x50 pty with the given extra
// environment.
func startPTY(t *testing.T, env []string, bin string, args ...string) *ptySession {
	t.Helper()
	return startPTYSize(t, 200, env, bin, args...)
}

// startPTYSize is startPTY on a pty of cols columns and 50 rows.
func startPTYSize(t *testing.T, cols uint16, env []string, bin string, args ...string) *ptySession {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 50, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	initial, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("TCGETS: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), append([]string{"TERM=xterm"}, env...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &ptySession{t: t, cmd: cmd, pty: ptmx, tty: tty, initial: initial,
		update: make(chan struct{}, 1), exited: make(chan struct{})}
	go p.readLoop()
	go func() {
		p.status = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.close)
	return p
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\a]*\a|\x1b[()][A-Za-z0-9]|\x1b[=>]|\r`)

func (p *ptySession) readLoop() {
	buf := make([]byte, 4096)
	var raw []byte
	for {
		n, err := p.pty.Read(buf)
		if n > 0 {
			raw = append(raw, buf[:n]...)
			// Keep an unfinished escape sequence for the next read.
			keep := 0
			if i := strings.LastIndexByte(string(raw), 0x1b); i >= 0 && !ansi.MatchString(string(raw[i:])) && len(raw)-i < 16 {
				keep = len(raw) - i
			}
			clean := ansi.ReplaceAllString(string(raw[:len(raw)-keep]), "")
			raw = raw[len(raw)-keep:]
			p.mu.Lock()
			p.out.WriteString(clean)
			p.mu.Unlock()
			select {
			case p.update <- struct{}{}:
			default:
			}
		}
		if err != nil {
			p.mu.Lock()
			p.closed = true
			p.mu.Unlock()
			select {
			case p.update <- struct{}{}:
			default:
			}
			return
		}
	}
}

// send types s.
func (p *ptySession) send(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.pty, s); err != nil {
		p.t.Fatalf("write to pty: %v", err)
	}
}

// expect waits until want appears in the output after the last match and
// returns the text between the last match and this one.
func (p *ptySession) expect(want string) string {
	p.t.Helper()
	deadline := time.After(expectTimeout)
	for {
		p.mu.Lock()
		all := p.out.String()
		closed := p.closed
		if i := strings.Index(all[p.pos:], want); i >= 0 {
			before := all[p.pos : p.pos+i]
			p.pos += i + len(want)
			p.mu.Unlock()
			return before
		}
		p.mu.Unlock()
		if closed {
			p.t.Fatalf("output ended before %q; unmatched output:\n%s", want, all[p.pos:])
		}
		select {
		case <-p.update:
		case <-deadline:
			p.t.Fatalf("no %q within %v; unmatched output:\n%s", want, expectTimeout, all[p.pos:])
		}
	}
}

// expectWithin is expect that gives up after d: it reports whether want
// appeared, and returns the output before it (or all unmatched output).
func (p *ptySession) expectWithin(want string, d time.Duration) (string, bool) {
	deadline := time.After(d)
	for {
		p.mu.Lock()
		all := p.out.String()
		if i := strings.Index(all[p.pos:], want); i >= 0 {
			before := all[p.pos : p.pos+i]
			p.pos += i + len(want)
			p.mu.Unlock()
			return before, true
		}
		p.mu.Unlock()
		select {
		case <-p.update:
		case <-deadline:
			return all[p.pos:], false
		}
	}
}

// wait waits for the program to exit and returns its exit status.
func (p *ptySession) wait() int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(expectTimeout):
		p.t.Fatalf("program did not exit; output:\n%s", p.rest())
	}
	var ee *exec.ExitError
	if errors.As(p.status, &ee) {
		return ee.ExitCode()
	}
	if p.status != nil {
		p.t.Fatalf("wait: %v", p.status)
	}
	return 0
}

// rest is the output not matched yet.
func (p *ptySession) rest() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()[p.pos:]
}

// termios reads the terminal settings of the pty.
func (p *ptySession) termios() *unix.Termios {
	p.t.Helper()
	tio, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
	if err != nil {
		p.t.Fatalf("TCGETS: %v", err)
	}
	return tio
}

// close kills the program if it still runs and closes the pty; when the
// test failed it logs everything the program printed.
func (p *ptySession) close() {
	if p.t.Failed() {
		p.mu.Lock()
		p.t.Logf("full pty output (ANSI removed):\n%s", p.out.String())
		p.mu.Unlock()
	}
	select {
	case <-p.exited:
	default:
		p.cmd.Process.Kill()
		<-p.exited
	}
	p.pty.Close()
	p.tty.Close()
}

// waitCooked waits until the program has put the terminal back in cooked
// mode (readline left raw mode: a line was entered and is being run), so
// that a Ctrl-C typed now reaches it as SIGINT rather than as a key.
func (p *ptySession) waitCooked() {
	p.t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for time.Now().Before(deadline) {
		if p.termios().Lflag&unix.ICANON != 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("terminal still raw; output:\n%s", p.rest())
}
