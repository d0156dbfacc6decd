package tests

// Key sequences that crashed, hung or spun readline v1.5.1 (issue 14) and
// the NUL byte that ended the REPL (issue 12). Each test ends by checking
// that the REPL still answers.

import (
	"strings"
	"testing"
)

// alive clears the line and checks that the REPL still runs a chunk: the
// echo of the line holds "alive" .. "!", only the result holds alive!.
func (p *ptySession) alive(tag string) {
	p.t.Helper()
	select {
	case <-p.exited:
		p.t.Fatalf("%s: nssh exited; output:\n%s", tag, p.rest())
	default:
	}
	p.send("\x07\x03" + `print("alive" .. "!")` + "\r") // leave search mode, clear
	p.expect("alive!")
	p.expect("nssh> ")
}

func TestREPLTransposeOneChar(t *testing.T) {
	p, _ := startREPL(t)
	// x, Ctrl-T, y: readline put the cursor past the end and panicked on y.
	p.send("x\x14y\r")
	p.expect("nil") // the line is "xy" (a nil global), evaluated
	p.expect("nssh> ")
	p.alive("after Ctrl-T")
}

func TestREPLNulByte(t *testing.T) {
	p, _ := startREPL(t)
	p.send("\x00") // Ctrl-Space in many terminals
	p.alive("after NUL")
	p.send("pri\x00nt(1 \x00+ 41)\r") // ignored inside a line too
	p.expect("42")
	p.expect("nssh> ")
	// NUL then Ctrl-D in one write: readline hung in Close.
	p.send("\x00\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("NUL, Ctrl-D: exit status %d, want 0", code)
	}

	p, _ = startREPL(t)
	p.send("\x00.exit\r")
	if code := p.wait(); code != 0 {
		t.Errorf("NUL .exit: exit status %d, want 0", code)
	}
}

func TestREPLZeroColumns(t *testing.T) {
	p := startPTYSize(t, 0, []string{"HOME=" + t.TempDir()}, nssh(t))
	p.expect("nssh> ")
	// x then Ctrl-A, Home, Left, Ctrl-B: readline spun on a 0-column
	// terminal and ignored everything after.
	for _, key := range []string{"\x01", "\x1b[H", "\x1b[D", "\x02", "\x1bOH"} {
		p.send("x" + key)
		p.alive("0 columns, x then " + strings.ReplaceAll(key, "\x1b", "ESC"))
	}
	p.send(";\x01") // the fuzzed input of issue 12 that hung
	p.alive("0 columns, ; then Ctrl-A")
}

// ctrlZAsShellJob runs bin (an nssh REPL) as a job of a shell with job
// control that traps SIGTSTP, types half a line and Ctrl-Z: the shell must
// see the job stop, and fg continue it with the line intact.
func ctrlZAsShellJob(t *testing.T, bin string) {
	t.Helper()
	script := `trap 'echo PARENT-GOT-TSTP' TSTP; set -m; "$0"; echo "nssh stopped: $?"; fg >/dev/null; echo "nssh exited: $?"`
	p := startPTY(t, []string{"HOME=" + t.TempDir()}, "/bin/sh", "-c", script, bin)
	p.expect("nssh> ")
	p.send("x = 4")
	p.send("\x1a")
	p.expect("nssh stopped: 148") // 128 + SIGTSTP, seen by the shell
	// Typed while nssh is stopped, read once fg continued it: the line
	// typed before is still there.
	p.send("2; print(\"x is \" .. x)\r")
	p.expect("x is 42")
	p.expect("nssh> ")
	p.send(".exit\r")
	if out := p.expect("nssh exited: 0"); strings.Contains(out, "PARENT-GOT-TSTP") {
		t.Errorf("the parent got SIGTSTP: %q", out)
	}
	p.wait()
}

// TestREPLCtrlZ: Ctrl-Z suspends nssh itself, as a terminal does with a
// shell job, and never signals the parent. The parent is a shell with job
// control that traps SIGTSTP (readline v1.5.1 sent it there), reports the
// stop and continues nssh with fg.
func TestREPLCtrlZ(t *testing.T) {
	ctrlZAsShellJob(t, nssh(t))

	// nssh as a session leader (no shell could continue it): nothing.
	p, _ := startREPL(t)
	p.send("\x1a")
	p.alive("Ctrl-Z without job control")
}

// TestREPLDeleteKey: the Delete key deletes the character under the
// cursor; on an empty line it does nothing (readline read it as Ctrl-D
// and ended the REPL).
func TestREPLDeleteKey(t *testing.T) {
	p, _ := startREPL(t)
	p.send("\x1b[3~")
	p.alive("Delete on an empty line")
	p.send(`print("xy` + "\x1b[D\x1b[3~" + `z")` + "\r")
	p.expect("xz\n")
	p.expect("nssh> ")
}
