package tests

import (
	"bufio"
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestLabOwnedByOneLiveProcess: while a script that brought lab "cc" up
// still runs, a second script's up() of the same lab raises EBUSY naming
// the owner and changes nothing; with adopt=true it takes the lab over.
func TestLabOwnedByOneLiveProcess(t *testing.T) {
	before := snapshot(t)
	first := exec.Command(nssh(t), "-e", labScript("cc", 2, false, `print("ready") io.stdout:flush() netns.wait()`))
	stdout, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	first.Stderr = &errb
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		first.Process.Signal(syscall.SIGTERM)
		first.Wait()
		runNssh(t, "", "lab", "down", "cc")
		if after := snapshot(t); after != before {
			t.Errorf("left something:\n--- before\n%s--- after\n%s", before, after)
		}
	}()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("first script did not get ready: %q\n%s", line, errb.String())
	}

	second := labScript("cc", 3, false, "")
	out, stderr, code := runNssh(t, "", "-e", `
local ok, err = pcall(function() `+second+` end)
print(err.code, err.msg, #netns.list())`)
	want := "EBUSY\tlab cc is owned by pid " + strconv.Itoa(first.Process.Pid) + "\t3\n"
	if code != 0 || out != want {
		t.Fatalf("second up: exit %d, got %q, want %q\n%s", code, out, want, stderr)
	}
	adopt := strings.Replace(second, "temp = false", "temp = false, adopt = true", 1)
	out, stderr, code = runNssh(t, "", "-e", adopt+` print(#netns.list())`)
	if code != 0 || out != "4\n" {
		t.Fatalf("adopting up: exit %d, %q\n%s", code, out, stderr)
	}
}
