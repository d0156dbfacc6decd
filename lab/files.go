package lab

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nssh/nssh/core"
)

// Node files. Every node has a private directory, Path(node), under the
// state dir (StateDir/nodes/LAB/NODE): the working directory of its
// services and of Exec, and where relative file paths of the spec land.
// A path under /etc/ lands where `ip netns exec` binds it over /etc:
// EtcDir/LAB-NODE/... Files are written and removed without following a
// symlink anywhere below the configured directories (core.WriteFileIn,
// core.RemoveIn), so nothing planted there can redirect them.

// maxFileSize bounds a node file read back to compare (a file bigger than
// this is rewritten, never read).
const maxFileSize = 16 << 20

// nodesRel is the directory of a lab's node directories, relative to the
// state dir.
func nodesRel(lab string) string { return filepath.Join("nodes", lab) }

// Path returns the private directory of a node (it exists once Up ran).
func (l *Lab) Path(node string) (string, error) {
	if _, ok := l.spec.Nodes[node]; !ok {
		return "", fmt.Errorf("lab %s: no node %q", l.spec.Name, node)
	}
	return filepath.Join(l.cfg.StateDir, nodesRel(l.spec.Name), node), nil
}

// fileTarget returns the configured directory and the path below it where
// a node's file goes.
func (l *Lab) fileTarget(node, path string) (base, rel string) {
	if etc, ok := strings.CutPrefix(path, "/etc/"); ok {
		return l.cfg.EtcDir, filepath.Join(Netns(l.spec.Name, node), etc)
	}
	return l.cfg.StateDir, filepath.Join(nodesRel(l.spec.Name), node, path)
}

// validFilePath checks a node file path: "/etc/..." or relative, without
// "..", empty components or NUL.
func validFilePath(p string) error {
	rel := p
	if strings.HasPrefix(p, "/") {
		var ok bool
		if rel, ok = strings.CutPrefix(p, "/etc/"); !ok {
			return fmt.Errorf("file %q: an absolute path must be under /etc/ (relative paths go to the node's directory)", p)
		}
	}
	if rel == "" || strings.ContainsRune(rel, 0) || strings.HasSuffix(rel, "/") {
		return fmt.Errorf("file %q: names no file", p)
	}
	for _, part := range strings.Split(rel, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("file %q: no empty, \".\" or \"..\" components", p)
		}
	}
	return nil
}

// nodeFiles makes the node's directory and writes its files that are
// missing or differ.
//
// Equivalent to: `mkdir -p DIR; cat > FILE` for each file
func (r *run) nodeFiles(n *node) error {
	if r.apply {
		if err := core.MkdirIn(r.l.cfg.StateDir, filepath.Join(nodesRel(r.l.spec.Name), n.name), 0o755); err != nil {
			return r.fail(n.netns, fmt.Errorf("node dir: %w", err))
		}
	}
	for _, path := range sortedKeys(n.spec.Files) {
		want := []byte(n.spec.Files[path])
		base, rel := r.l.fileTarget(n.name, path)
		cur, err := core.ReadFileIn(base, rel, maxFileSize)
		if err == nil && bytes.Equal(cur, want) {
			continue
		}
		op := "set"
		if errors.Is(err, fs.ErrNotExist) {
			op = "add"
		}
		r.record(op, "file", n.netns+":"+path, "")
		n.filesChanged = true
		if !r.apply {
			continue
		}
		if base == r.l.cfg.EtcDir {
			if err := os.MkdirAll(base, 0o755); err != nil {
				return r.fail(n.netns+":"+path, err)
			}
			if err := core.CheckDir("etc dir", base); err != nil {
				return r.fail(n.netns+":"+path, err)
			}
		}
		if err := core.WriteFileIn(base, rel, want, 0o644); err != nil {
			return r.fail(n.netns+":"+path, err)
		}
	}
	return nil
}

// etcNodes returns the namespaces whose etc dir the lab writes to.
func (l *Lab) etcNodes() []string {
	var out []string
	for _, name := range l.spec.NodeNames() {
		for path := range l.spec.Nodes[name].Files {
			if strings.HasPrefix(path, "/etc/") {
				out = append(out, Netns(l.spec.Name, name))
				break
			}
		}
	}
	return out
}

// removeNodeFiles removes the lab's node directories and the etc dirs of
// the namespaces in etc (EtcDir/LAB-NODE, which the lab wrote), never
// following a symlink. Like the state file, they are not reported as
// changes.
//
// Equivalent to: `rm -rf STATEDIR/nodes/LAB /etc/netns/LAB-NODE...`
func removeNodeFiles(cfg core.Config, lab string, etc []string) error {
	var errs []error
	for _, name := range etc {
		dir := filepath.Join(cfg.EtcDir, name)
		if _, err := os.Lstat(dir); err != nil {
			continue
		}
		if err := core.RemoveIn(cfg.EtcDir, name); err != nil {
			errs = append(errs, err)
		}
	}
	dir := filepath.Join(cfg.StateDir, nodesRel(lab))
	if _, err := os.Lstat(dir); err == nil {
		if err := core.RemoveIn(cfg.StateDir, nodesRel(lab)); err != nil {
			errs = append(errs, err)
		}
	}
	core.RemoveEmptyDir(filepath.Join(cfg.StateDir, "nodes"))
	return errors.Join(errs...)
}
