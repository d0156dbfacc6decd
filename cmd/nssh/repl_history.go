package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nssh/nssh/core"
)

// historyNewline stands for a line break inside a history entry: a
// multi-line chunk is one entry, so Up recalls all of it on one line, and
// Enter runs it as the lines it was typed as. The file holds one entry per
// line, written the same way.
const historyNewline = "\u2424" // ␤

// historyLimit is how many entries are kept.
const historyLimit = 500

// history is the REPL's history: entries in ~/.nssh_history (mode 0600,
// like a shell's) and in readline, which nssh fills itself because
// readline saves every line it reads, continuation lines included. The
// file is never reached through a symlink, nor written when it is not a
// regular file: the history then stays in memory, and one line on stderr
// says so.
type history struct {
	dir, name string // the file is dir/name; name "" keeps no file
	warn      io.Writer

	mu      sync.Mutex
	entries []string
	stale   bool // readline's copy lacks entries added since
}

// historyFile is ~/.nssh_history ("" without a home: no history file).
func historyFile() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".nssh_history")
}

// loadHistory reads the history file, making it private (0600) if it is
// readable by others, and rewriting it when it holds more than twice the
// limit. A missing file is not an error (add makes it); a symlink or a
// file that is not regular or not readable leaves the history in memory
// only, which one line on warn says.
func loadHistory(path string, warn io.Writer) *history {
	h := &history{warn: warn, stale: true}
	if path == "" {
		return h
	}
	h.dir, h.name = filepath.Split(path)
	f, err := core.OpenFileIn(h.dir, h.name)
	if errors.Is(err, fs.ErrNotExist) {
		return h
	}
	if err != nil {
		h.drop(err)
		return h
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		f.Chmod(0o600)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			h.entries = append(h.entries, line)
			n++
		}
	}
	if len(h.entries) > historyLimit {
		h.entries = h.entries[len(h.entries)-historyLimit:]
	}
	if n > 2*historyLimit {
		h.rewrite()
	}
	return h
}

// drop stops using the file after err, saying so once.
func (h *history) drop(err error) {
	fmt.Fprintf(h.warn, "nssh: history: %v; history is kept in memory only\n", err)
	h.name = ""
}

// add records one entry (a chunk's lines) unless it repeats the last one.
func (h *history) add(lines []string) {
	entry := strings.TrimSpace(strings.Join(lines, historyNewline))
	h.mu.Lock()
	defer h.mu.Unlock()
	if entry == "" || len(h.entries) > 0 && h.entries[len(h.entries)-1] == entry {
		return
	}
	h.entries = append(h.entries, entry)
	if len(h.entries) > historyLimit {
		h.entries = h.entries[1:]
	}
	h.stale = true
	if h.name == "" {
		return
	}
	f, err := core.AppendFileIn(h.dir, h.name, 0o600)
	if err != nil {
		h.drop(err)
		return
	}
	f.WriteString(entry + "\n")
	f.Close()
}

// rewrite replaces the file with the kept entries: a new file with an
// unpredictable name, fsynced, renamed over it (see core.WriteFileIn).
func (h *history) rewrite() {
	data := strings.Join(h.entries, "\n") + "\n"
	if err := core.WriteFileIn(h.dir, h.name, []byte(data), 0o600); err != nil {
		h.drop(err)
	}
}

// sync gives readline the current entries if it lacks some. It runs on
// readline's key loop (from filterKey), the only goroutine that may touch
// readline's history.
func (h *history) sync(reset func(), save func(string) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stale {
		return
	}
	reset()
	for _, e := range h.entries {
		save(e)
	}
	h.stale = false
}
