package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nssh/nssh/core"
)

// readmeLabScript is the file the README's "Labs as code" example is.
const readmeLabScript = "scripts/lab-readme.lua"

// TestREADMELabExample checks that the "Labs as code" block of README.md
// is scripts/lab-readme.lua byte for byte, and that the script works as
// the README says (issue 12): `nssh lab.lua | dot -Tpng > lab.png` gives a
// PNG (stdout holds only the Graphviz text), the switch has at least two
// links, and check() (on stderr) reaches every pair.
func TestREADMELabExample(t *testing.T) {
	root := repoRoot()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, readmeLabScript))
	if err != nil {
		t.Fatal(err)
	}
	block, ok := readmeBlock(string(readme), "## Labs as code\n\n```lua\n")
	if !ok {
		t.Fatal("README.md has no ```lua block right after \"## Labs as code\"")
	}
	if block != string(script) {
		t.Errorf("the README's \"Labs as code\" block differs from %s; make them equal\n--- README\n%s--- %s\n%s",
			readmeLabScript, block, readmeLabScript, script)
	}

	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("needs dot (graphviz): not in PATH")
	}
	_, stdout, stderr := runScriptFile(t, nssh(t), filepath.Join(root, readmeLabScript), string(script), core.DefaultConfig())
	if n := strings.Count(stdout, `"sw" -- `) + strings.Count(stdout, `-- "sw" `); n < 2 {
		t.Errorf("the switch sw has %d links in the dot output, want at least 2:\n%s", n, stdout)
	}
	if m := regexp.MustCompile(`(\d+)/(\d+) reachable`).FindStringSubmatch(stderr); m == nil || m[1] != m[2] {
		t.Errorf("check() on stderr does not reach every pair:\n%s", stderr)
	}
	dot := exec.Command("dot", "-Tpng")
	dot.Stdin = strings.NewReader(stdout)
	var png, dotErr bytes.Buffer
	dot.Stdout, dot.Stderr = &png, &dotErr
	if err := dot.Run(); err != nil {
		t.Fatalf("dot -Tpng: %v\n%s\ninput:\n%s", err, dotErr.String(), stdout)
	}
	if !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("dot -Tpng wrote no PNG (%d bytes, stderr %q)", png.Len(), dotErr.String())
	}
}

// readmeBlock returns the text between opening (which ends with the
// fence line of a code block) and the closing fence.
func readmeBlock(readme, opening string) (string, bool) {
	_, rest, ok := strings.Cut(readme, opening)
	if !ok {
		return "", false
	}
	block, _, ok := strings.Cut(rest, "\n```\n")
	return block + "\n", ok
}
