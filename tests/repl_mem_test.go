package tests

import (
	"strings"
	"testing"
)

// TestREPLMemLimit: a chunk past --mem-limit fails with the memory error
// and the REPL goes on; a chunk may free what globals of a failed one
// hold; pcall catches the error and the chunk continues.
func TestREPLMemLimit(t *testing.T) {
	p := startPTY(t, []string{"HOME=" + t.TempDir()}, nssh(t), "--mem-limit", "64M")
	p.expect("nssh> ")
	p.send(`big = {} for i = 1, 1e9 do big[i] = {} end` + "\r")
	p.expect("stdin:1: not enough memory (limit 64 MiB, --mem-limit)")
	p.expect("nssh> ")
	if out := p.line(`print(#big > 1000); big = nil`); !strings.Contains(out, "true") {
		t.Errorf("freeing the global printed %q", out)
	}
	p.send(`local t = {} for i = 1, 1e9 do t[i] = i end` + "\r")
	p.expect("not enough memory")
	p.expect("nssh> ")
	if out := p.line(`print("after" .. 1)`); !strings.Contains(out, "after1") {
		t.Errorf("after the failed chunk: %q", out)
	}
	out := p.line(`print(pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)); print("went" .. "on")`)
	if !strings.Contains(out, "false\tstdin:1: not enough memory") || !strings.Contains(out, "wenton") {
		t.Errorf("pcall in the REPL: %q", out)
	}
}
