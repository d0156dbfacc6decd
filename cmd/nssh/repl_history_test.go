package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// victimFile makes a file the history must never change.
func victimFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(p, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func assertPrecious(t *testing.T, p string) {
	t.Helper()
	if b, err := os.ReadFile(p); err != nil || string(b) != "precious\n" {
		t.Fatalf("%s changed: %q %v", p, b, err)
	}
}

// TestHistoryRefusesSymlinkOrFIFO: a symlink or a FIFO at the history
// path is neither followed nor opened for writing (nor waited on): the
// history stays in memory, one line on stderr says so, and the link's
// target is untouched.
func TestHistoryRefusesSymlinkOrFIFO(t *testing.T) {
	victim := victimFile(t)
	for _, plant := range []string{"symlink", "fifo"} {
		path := filepath.Join(t.TempDir(), ".nssh_history")
		var err error
		if plant == "symlink" {
			err = os.Symlink(victim, path)
		} else {
			err = syscall.Mkfifo(path, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
		var warn bytes.Buffer
		h := loadHistory(path, &warn)
		h.add([]string{"x = 1"})
		h.add([]string{"y = 2"})
		assertPrecious(t, victim)
		if got := strings.Count(warn.String(), "\n"); got != 1 || !strings.Contains(warn.String(), "memory only") {
			t.Errorf("%s: stderr %q, want one line saying the history is in memory only", plant, warn.String())
		}
		if len(h.entries) != 2 || h.entries[1] != "y = 2" {
			t.Errorf("%s: entries %q", plant, h.entries)
		}
	}
}

// TestHistoryLinkPlantedLaterIsRefused: a symlink put in place of the
// history file while the REPL runs is not written through either.
func TestHistoryLinkPlantedLaterIsRefused(t *testing.T) {
	victim := victimFile(t)
	path := filepath.Join(t.TempDir(), ".nssh_history")
	var warn bytes.Buffer
	h := loadHistory(path, &warn)
	h.add([]string{"a = 1"})
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	h.add([]string{"b = 2"})
	h.add([]string{"c = 3"})
	assertPrecious(t, victim)
	if strings.Count(warn.String(), "\n") != 1 {
		t.Errorf("stderr %q, want one line", warn.String())
	}
}

// TestHistoryRewriteIgnoresPlantedTempName: the rewrite of a long history
// file writes a temporary file of an unpredictable name: a symlink at the
// name the old writer used (PATH.tmp) is never followed; the file ends up
// regular, private and holding the last entries.
func TestHistoryRewriteIgnoresPlantedTempName(t *testing.T) {
	victim := victimFile(t)
	dir := t.TempDir()
	path := filepath.Join(dir, ".nssh_history")
	if err := os.Symlink(victim, path+".tmp"); err != nil {
		t.Fatal(err)
	}
	var old strings.Builder
	for i := range 2*historyLimit + 1 {
		old.WriteString("v = " + strconv.Itoa(i) + "\n")
	}
	if err := os.WriteFile(path, []byte(old.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	h := loadHistory(path, &warn)
	h.add([]string{"last = true"})
	assertPrecious(t, victim)
	if warn.Len() != 0 {
		t.Errorf("stderr %q", warn.String())
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("history file after rewrite: %v %v", fi, err)
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != historyLimit+1 || lines[0] != "v = 501" || lines[historyLimit] != "last = true" {
		t.Errorf("history file holds %d lines, %q ... %q", len(lines), lines[0], lines[len(lines)-1])
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("files left beside the history: %v", ents)
	}
}
