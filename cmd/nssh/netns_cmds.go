package main

import (
	"errors"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// fail prints err's ip message and returns status.
func (c *netnsCLI) fail(err error, status int) int {
	c.errorf("%s", ipText(err))
	return status
}

// add creates a named namespace; extra words are ignored.
//
// Equivalent to: `ip netns add NAME`
func (c *netnsCLI) add(args []string) int {
	if len(args) < 1 {
		c.errorf("No netns name specified")
		return 1
	}
	if c.f.all && invalidName(args[0]) {
		return c.placeOutside(args[0])
	}
	if _, err := c.cfg.Add(args[0]); err != nil {
		return c.fail(err, 1)
	}
	return 0
}

// attach names the netns of process PID. The PID is parsed like ip
// (strtol base 0, 32-bit, not 0) before anything is touched; the run dir
// is prepared and an existing name refused first, in ip's order.
//
// Equivalent to: `ip netns attach NAME PID`
func (c *netnsCLI) attach(args []string) int {
	if len(args) < 2 {
		c.errorf("No netns name and PID specified")
		return 1
	}
	pid, ok := ipGetInteger(args[1])
	if !ok || pid == 0 {
		c.errorf("Invalid PID: %s", args[1])
		return 1
	}
	name := args[0]
	if c.f.all && invalidName(name) {
		return c.placeOutside(name)
	}
	if err := c.cfg.PrepareRunDir(); err != nil {
		return c.fail(err, 1)
	}
	path := c.cfg.RunDir + "/" + name
	var st unix.Stat_t
	if unix.Lstat(path, &st) == nil {
		c.errorf("Cannot create namespace file \"%s\": %s", path, core.Strerror(unix.EEXIST))
		return 1
	}
	if _, err := c.cfg.Attach(name, pid); err != nil {
		return c.fail(err, 1)
	}
	return 0
}

// placeOutside handles add/attach of a name that only -all let through
// (ip skips its name check then): the same run-dir preparation and
// placeholder error as ip, but where ip would go on and mount a namespace
// outside the top of the run dir ("-all netns add dd/x"), nssh refuses.
func (c *netnsCLI) placeOutside(name string) int {
	if err := c.cfg.PrepareRunDir(); err != nil {
		return c.fail(err, 1)
	}
	path := c.cfg.RunDir + "/" + name
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		c.errorf("Cannot create namespace file \"%s\": %s", path, core.Strerror(err))
		return 1
	}
	unix.Close(fd)
	unix.Unlink(path)
	c.errorf("Invalid netns name \"%s\"", name)
	return 1
}

// set assigns the nsid of NAME in the caller's netns ("auto": the kernel
// picks one). Bad values exit 255, open errors 1, kernel refusals 2.
//
// Equivalent to: `ip netns set NAME NETNSID`
func (c *netnsCLI) set(args []string) int {
	if len(args) < 1 {
		c.errorf("No netns name specified")
		return 1
	}
	if len(args) < 2 {
		c.errorf("No nsid specified")
		return 1
	}
	id := -1
	if args[1] != "auto" {
		v, ok := ipGetInteger(args[1])
		if !ok {
			c.errorf("Error: argument \"%s\" is wrong: Invalid \"netnsid\" value", args[1])
			return 255
		}
		if v < 0 {
			c.errorf("Error: argument \"%s\" is wrong: \"netnsid\" value should be >= 0", args[1])
			return 255
		}
		id = v
	}
	if err := c.cfg.SetID(args[0], id); err != nil {
		var ne *core.NsidError
		if errors.As(err, &ne) {
			return c.fail(err, 2)
		}
		return c.fail(err, 1)
	}
	return 0
}

// delete removes one name, or with -all every entry of the run dir in
// readdir order, stopping at the first failure (still exit 0, like ip).
// Entries that are neither namespaces nor placeholders are refused and
// skipped (exit 1).
//
// Equivalent to: `ip [-all] netns delete [NAME]`
func (c *netnsCLI) delete(args []string) int {
	if !c.f.all {
		if len(args) < 1 {
			c.errorf("No netns name specified")
			return 1
		}
		if err := c.cfg.Delete(args[0]); err != nil {
			return c.fail(err, 1)
		}
		return 0
	}
	names, err := c.runDirNames()
	if err != nil {
		c.errorf("Failed to open directory %s: %s", c.cfg.RunDir, core.Strerror(err))
		return 1
	}
	code := 0
	for _, n := range names {
		err := c.cfg.Delete(n)
		if core.IsRefused(err) {
			code = c.fail(err, 1) // not a namespace: left alone, the others go on
			continue
		}
		if err != nil {
			c.fail(err, 1)
			break
		}
	}
	return code
}

// identify prints every name of the netns of PID (default: this process),
// one per line in readdir order, or a single empty line when it has none.
// ip 6.1 prints only the last name (a deliberate difference).
//
// Equivalent to: `ip netns identify [PID]`
func (c *netnsCLI) identify(args []string) int {
	pid := "self"
	switch {
	case len(args) > 1:
		c.errorf("extra arguments specified")
		return 1
	case len(args) == 1:
		pid = args[0]
		if strings.Trim(pid, "0123456789") != "" {
			c.errorf("Specified string '%s' is not a pid", pid)
			return 1
		}
	}
	names, err := c.cfg.IdentifyFile("/proc/" + pid + "/ns/net")
	if err != nil {
		return c.fail(err, 1)
	}
	if len(names) == 0 {
		names = []string{""}
	}
	for _, n := range names {
		c.out.WriteString(n + "\n")
	}
	return 0
}

// pids prints the processes inside NAME, ascending.
//
// Equivalent to: `ip netns pids NAME`
func (c *netnsCLI) pids(args []string) int {
	if len(args) < 1 {
		c.errorf("No netns name specified")
		return 1
	}
	if len(args) > 1 {
		c.errorf("extra arguments specified")
		return 1
	}
	pids, err := c.cfg.Pids(args[0])
	if err != nil {
		return c.fail(err, 1)
	}
	for _, p := range pids {
		c.out.WriteString(strconv.Itoa(p) + "\n")
	}
	return 0
}
