package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
// readline saves every line it reads, continuation lines included.
type history struct {
	path string

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
// limit. A missing file is not an error; an unreadable one leaves the
// history in memory only.
func loadHistory(path string) *history {
	h := &history{path: path, stale: true}
	if path == "" {
		return h
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
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
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	f.WriteString(entry + "\n")
	f.Close()
}

// rewrite replaces the file with the kept entries.
func (h *history) rewrite() {
	tmp := h.path + ".tmp"
	data := strings.Join(h.entries, "\n") + "\n"
	if os.WriteFile(tmp, []byte(data), 0o600) != nil || os.Rename(tmp, h.path) != nil {
		os.Remove(tmp)
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
