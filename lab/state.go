package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nssh/nssh/core"
)

// Lab states as recorded in the state file.
const (
	StateUp      = "up"      // the last Up completed
	StatePartial = "partial" // an Up or Down started and has not completed
	StateDown    = "down"    // no namespace of the lab exists any more
)

// State is the record of a lab in Config.StateDir/labs/NAME.json.
type State struct {
	Name  string `json:"name"`
	State string `json:"state"`
	Temp  bool   `json:"temp"`
	// Owner is the process that last ran Up; OwnerStart is its start time
	// (clock ticks since boot, /proc/PID/stat field 22), which tells the
	// owner apart from a later process that reused its pid.
	Owner      int    `json:"owner_pid"`
	OwnerStart uint64 `json:"owner_start"`
	// Namespaces lists every namespace the lab made or is about to make
	// (names are recorded before they are created).
	Namespaces []string `json:"namespaces"`
	// Links lists the links made, as "node:dev" pairs ("h1:eth0 r1:eth1").
	Links []string `json:"links"`
	Nodes int      `json:"nodes"`
}

// labsDir is where state files live.
func labsDir(cfg core.Config) string { return filepath.Join(cfg.StateDir, "labs") }

func statePath(cfg core.Config, name string) string {
	return filepath.Join(labsDir(cfg), name+".json")
}

// ReadState reads the state file of a lab; fs.ErrNotExist when there is none.
func ReadState(cfg core.Config, name string) (*State, error) {
	if !nameRE().MatchString(name) {
		return nil, fmt.Errorf("lab name %q: %w", name, fs.ErrNotExist)
	}
	data, err := os.ReadFile(statePath(cfg, name))
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("state of lab %s: %w", name, err)
	}
	if st.Name != name {
		return nil, fmt.Errorf("state of lab %s: names lab %q", name, st.Name)
	}
	return &st, nil
}

// writeState replaces the state file atomically (write to a temporary
// file named after this process, then rename).
func writeState(cfg core.Config, st *State) error {
	dir := labsDir(cfg)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", st.Name, os.Getpid()))
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.Rename(tmp, statePath(cfg, st.Name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// removeState deletes the state file and, when they are empty, the labs
// directory and the state directory, so that nothing of nssh is left.
func removeState(cfg core.Config, name string) error {
	if err := os.Remove(statePath(cfg, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove state: %w", err)
	}
	removeEmptyDirs(cfg)
	return nil
}

// removeEmptyDirs removes the labs directory and the state directory when
// they are empty (rmdir fails harmlessly otherwise).
func removeEmptyDirs(cfg core.Config) {
	os.Remove(labsDir(cfg))
	os.Remove(cfg.StateDir)
}

// States lists the state files of all labs, sorted by name. Unreadable
// files are returned as errors beside the good ones.
func States(cfg core.Config) ([]*State, []error) {
	ents, err := os.ReadDir(labsDir(cfg))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, []error{err}
	}
	var out []*State
	var errs []error
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(name, ".") {
			continue
		}
		st, err := ReadState(cfg, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errs
}

// OwnerAlive reports whether the process that owns the lab still runs (the
// same process: pid and start time both match).
func (st *State) OwnerAlive() bool {
	if st.Owner <= 0 {
		return false
	}
	start, err := procStart(st.Owner)
	return err == nil && start == st.OwnerStart
}

// procStart returns the start time of a process in clock ticks since boot.
func procStart(pid int) (uint64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses: split
	// after its last ')'. starttime is field 22, the 20th field after it.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	// A zombie has exited already: it owns nothing any more.
	if f[0] == "Z" || f[0] == "X" {
		return 0, fmt.Errorf("process %d has exited", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// self returns this process's pid and start time.
func self() (int, uint64) {
	pid := os.Getpid()
	start, _ := procStart(pid)
	return pid, start
}

// staleTemps removes temporary state files left by processes that died
// while writing (".NAME.PID.tmp" with PID gone). It returns their names.
func staleTemps(cfg core.Config) []string {
	ents, _ := os.ReadDir(labsDir(cfg))
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".tmp") {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(n, ".tmp"), ".")
		pid, err := strconv.Atoi(parts[len(parts)-1])
		if err != nil {
			continue
		}
		if _, err := procStart(pid); err == nil {
			continue
		}
		if os.Remove(filepath.Join(labsDir(cfg), n)) == nil {
			out = append(out, n)
		}
	}
	return out
}
