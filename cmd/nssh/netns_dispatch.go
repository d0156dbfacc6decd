package main

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nsexec"
)

// netnsCLI is one run of `nssh [OPTIONS] netns ...`.
type netnsCLI struct {
	cfg  core.Config
	f    ipFlags
	out  *ipStdout // ip's buffered stdout
	raw  io.Writer // the real stdout, for exec'd children and monitor
	errw io.Writer // unbuffered, like C stderr

	cache     map[int]string // nsid -> name, ip's netns_map (list, list-id)
	cacheDone bool
}

func newNetnsCLI(cfg core.Config, f ipFlags, stdout, stderr io.Writer) *netnsCLI {
	c := &netnsCLI{cfg: cfg, f: f, out: newIPStdout(stdout), raw: stdout, errw: stderr}
	c.cfg.Warn = func(text string) { c.errorf("%s", text) }
	return c
}

// errorf prints one message line on stderr in a single write.
func (c *netnsCLI) errorf(format string, args ...any) {
	if len(args) == 0 {
		io.WriteString(c.errw, format+"\n")
		return
	}
	fmt.Fprintf(c.errw, format+"\n", args...)
}

// netnsCommands is ip 6.1's dispatch order: the first keyword that the
// typed word abbreviates wins ("s" is show, "a" is add).
var netnsCommands = []struct {
	word string
	run  func(c *netnsCLI, args []string) int
}{
	{"list", (*netnsCLI).list},
	{"show", (*netnsCLI).list},
	{"lst", (*netnsCLI).list},
	{"list-id", (*netnsCLI).listID},
	{"help", (*netnsCLI).usage},
	{"add", (*netnsCLI).add},
	{"set", (*netnsCLI).set},
	{"delete", (*netnsCLI).delete},
	{"identify", (*netnsCLI).identify},
	{"pids", (*netnsCLI).pids},
	{"exec", (*netnsCLI).exec},
	{"monitor", (*netnsCLI).monitor},
	{"attach", (*netnsCLI).attach},
}

// dispatch is ip's do_netns; args start after the word "netns". It
// returns the exit status.
func (c *netnsCLI) dispatch(args []string) int {
	if len(args) == 0 {
		return c.list(nil)
	}
	if !c.f.all && len(args) > 1 && invalidName(args[1]) {
		c.errorf("Invalid netns name \"%s\"", args[1])
		return 255
	}
	for _, cmd := range netnsCommands {
		if ipMatches(args[0], cmd.word) {
			return cmd.run(c, args[1:])
		}
	}
	c.errorf("Command \"%s\" is unknown, try \"ip netns help\".", args[0])
	return 255
}

// invalidName is ip's check of the word after the subcommand: empty,
// longer than NAME_MAX, containing '/', or "." / "..". A C string ends at
// its first NUL, which cannot occur in an argv word anyway.
func invalidName(s string) bool {
	return !nsexec.NameOK(s)
}

// netnsUsage is ip 6.1's usage text, printed on stderr.
const netnsUsage = "Usage:\tip netns list\n" +
	"\tip netns add NAME\n" +
	"\tip netns attach NAME PID\n" +
	"\tip netns set NAME NETNSID\n" +
	"\tip [-all] netns delete [NAME]\n" +
	"\tip netns identify [PID]\n" +
	"\tip netns pids NAME\n" +
	"\tip [-all] netns exec [NAME] cmd ...\n" +
	"\tip netns monitor\n" +
	"\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n" +
	"NETNSID := auto | POSITIVE-INT\n"

// usage prints the usage text and fails like ip (exit(-1)).
//
// Equivalent to: `ip netns help`
func (c *netnsCLI) usage([]string) int {
	c.out.Flush()
	io.WriteString(c.errw, netnsUsage)
	return 255
}

// openRunDir opens the run dir for iteration like opendir(3) (so a file
// there is ENOTDIR); missing is (nil, nil).
func (c *netnsCLI) openRunDir() (*os.File, error) {
	d, err := os.OpenFile(c.cfg.RunDir, os.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil && os.IsNotExist(err) {
		return nil, nil
	}
	return d, err
}

// runDirNames lists the run dir in readdir order (only . and .. skipped);
// missing gives no names and no error.
func (c *netnsCLI) runDirNames() ([]string, error) {
	d, err := c.openRunDir()
	if d == nil || err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Readdirnames(-1)
}
