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
	"time"

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
	// Namespaces lists the namespaces the lab made (owned, with its
	// marker, when recorded). A name is recorded once the lab owns it,
	// never because it wanted it: a refused Up records nothing foreign.
	Namespaces []string `json:"namespaces"`
	// Pending lists the names the owner is creating: each was missing (or
	// held the owner's own crash residue) when recorded. A placeholder at
	// one of them once the owner is gone is the residue of its killed add,
	// which Up reuses and Down and gc remove.
	Pending []string `json:"pending,omitempty"`
	// Links lists the links made, as "node:dev" pairs ("h1:eth0 r1:eth1").
	Links []string `json:"links"`
	Nodes int      `json:"nodes"`
	// EtcDirs lists the namespaces whose etc dir (EtcDir/LAB-NODE) the lab
	// writes files to; Down removes them with the node directories.
	EtcDirs []string `json:"etc_dirs,omitempty"`
	// Services lists the services running (or last started) on the nodes.
	Services []ServiceState `json:"services,omitempty"`
}

// ServiceState is a started service: its process (pid and start time, in
// clock ticks since boot, tell it apart from a later process with the
// same pid) and the command it runs.
type ServiceState struct {
	Node  string   `json:"node"`
	Name  string   `json:"name"`
	Pid   int      `json:"pid"`
	Start uint64   `json:"start"`
	Cmd   []string `json:"cmd"`
}

// Alive reports whether the service's process still runs.
func (s ServiceState) Alive() bool {
	start, err := procStart(s.Pid)
	return s.Pid > 0 && err == nil && start == s.Start
}

// labsDir is where state files live.
func labsDir(cfg core.Config) string { return filepath.Join(cfg.StateDir, "labs") }

func statePath(cfg core.Config, name string) string {
	return filepath.Join(labsDir(cfg), name+".json")
}

// maxStateSize bounds a state file read (a lab of 100k nodes stays far
// below it).
const maxStateSize = 64 << 20

// stateDir checks the state dir (see core.CheckDir), creating it with
// mode 0755 first when create is set. A missing state dir passes.
func stateDir(cfg core.Config, create bool) error {
	if create {
		if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
			return fmt.Errorf("state dir: %w", err)
		}
	}
	return core.CheckDir("state dir", cfg.StateDir)
}

// ReadState reads the state file of a lab; fs.ErrNotExist when there is
// none. A symlink is never followed, and a state file that is not a
// regular file owned by the current user is refused.
func ReadState(cfg core.Config, name string) (*State, error) {
	if !nameRE().MatchString(name) {
		return nil, fmt.Errorf("lab name %q: %w", name, fs.ErrNotExist)
	}
	if err := stateDir(cfg, false); err != nil {
		return nil, err
	}
	data, err := core.ReadFileIn(cfg.StateDir, filepath.Join("labs", name+".json"), maxStateSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, &CorruptStateError{Lab: name, Err: err}
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, &CorruptStateError{Lab: name, Err: err}
	}
	if st.Name != name {
		return nil, &CorruptStateError{Lab: name, Err: fmt.Errorf("names lab %q", st.Name)}
	}
	return &st, nil
}

// CorruptStateError is a state file that exists but cannot be used: not
// JSON, another lab's, a symlink, not a regular file, not the user's.
// Up replaces it; Down and `nssh lab down` find the lab's namespaces by
// their marker instead; List and GC report it and go on.
type CorruptStateError struct {
	Lab string
	Err error
}

func (e *CorruptStateError) Error() string {
	return fmt.Sprintf("state of lab %s: unreadable (%v)", e.Lab, e.Err)
}

func (e *CorruptStateError) Unwrap() error { return e.Err }

// writeState replaces the state file atomically: a new file with an
// unpredictable name, created without following symlinks, fsynced, then
// renamed over NAME.json (see core.WriteFileIn).
func writeState(cfg core.Config, st *State) error {
	if err := stateDir(cfg, true); err != nil {
		return err
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := core.WriteFileIn(cfg.StateDir, filepath.Join("labs", st.Name+".json"), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// removeState deletes the state file and, when they are empty, the labs
// directory and the state directory, so that nothing of nssh is left.
func removeState(cfg core.Config, name string) error {
	if err := core.RemoveIn(cfg.StateDir, filepath.Join("labs", name+".json")); err != nil {
		return fmt.Errorf("remove state: %w", err)
	}
	removeEmptyDirs(cfg)
	return nil
}

// removeEmptyDirs removes the labs directory and the state directory when
// they are empty directories (rmdir fails harmlessly otherwise); a state
// dir configured as a symlink stays, and so does its target.
func removeEmptyDirs(cfg core.Config) {
	core.RemoveEmptyDir(labsDir(cfg))
	core.RemoveEmptyDir(cfg.StateDir)
}

// States lists the state files of all labs, sorted by name. Unreadable
// files are returned as errors beside the good ones.
func States(cfg core.Config) ([]*State, []error) {
	if err := stateDir(cfg, false); err != nil {
		return nil, []error{err}
	}
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
// between creating and renaming them (".NAME.<random>.tmp", see
// core.WriteFileIn) once they are older than a minute, and the
// ".NAME.PID.tmp" files of older versions whose PID is gone. It returns
// their names.
func staleTemps(cfg core.Config) []string {
	ents, _ := os.ReadDir(labsDir(cfg))
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !staleTemp(e) {
			continue
		}
		if core.RemoveIn(cfg.StateDir, filepath.Join("labs", n)) == nil {
			out = append(out, n)
		}
	}
	return out
}

// staleTemp reports whether e is a temporary state file whose writer is
// surely done with it.
func staleTemp(e fs.DirEntry) bool {
	n := e.Name()
	if core.IsTempName(n) {
		fi, err := e.Info()
		return err == nil && time.Since(fi.ModTime()) > time.Minute
	}
	if !strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".tmp") {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(n, ".tmp"), ".")
	pid, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return false
	}
	_, err = procStart(pid)
	return err != nil
}

// ownResidue returns the Pending names of st whose placeholders are this
// lab's own crash residue: the owner that recorded them is gone (or is
// this process, after a failed Up).
func (st *State) ownResidue() []string {
	if st == nil {
		return nil
	}
	if pid, _ := self(); st.Owner != pid && st.OwnerAlive() {
		return nil
	}
	return st.Pending
}
