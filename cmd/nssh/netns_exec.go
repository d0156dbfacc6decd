package main

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

// exec runs a command inside NAME by replacing this process (as ip does:
// no fork, so the exit status and a death by signal are the command's
// own), or with -all once in every namespace of the run dir.
//
// Equivalent to: `ip [-all] netns exec [NAME] CMD...`
func (c *netnsCLI) exec(args []string) int {
	if len(args) < 1 && !c.f.all {
		c.errorf("No netns name specified")
		return 1
	}
	if (len(args) < 2 && !c.f.all) || len(args) < 1 {
		c.errorf("No command specified")
		return 1
	}
	if c.f.all {
		return c.execAll(args)
	}
	c.out.Flush()
	err := c.cfg.ExecInPlace(args[0], args[1:])
	var ee *core.ExecError
	if errors.As(err, &ee) {
		c.errorf("%s", ee.Error())
		return 1
	}
	return c.fail(err, 255)
}

// execAll runs argv in each namespace in turn with inherited stdio after a
// "\nnetns: NAME\n" header. Failures do not stop the loop; a command
// killed by a signal does (exit 1). Unlike ip 6.1, a namespace whose setup
// fails never makes later commands run twice.
//
// Equivalent to: `ip -all netns exec CMD...`
func (c *netnsCLI) execAll(argv []string) int {
	names, err := c.runDirNames()
	if err != nil {
		c.errorf("Failed to open directory %s: %s", c.cfg.RunDir, core.Strerror(err))
		return 1
	}
	// The helper does ip's setup and a glibc-style execvp in a fresh
	// process, so error texts match ip's exactly (PATH search included).
	opts := core.ExecOptions{Stdin: os.Stdin, Stdout: c.raw, Stderr: c.errw, ViaHelper: true}
	for _, name := range names {
		c.out.WriteString("\nnetns: " + name + "\n")
		c.out.Flush()
		p, err := c.cfg.Start(context.Background(), name, argv, opts)
		if err != nil {
			c.errorf("%s", ipText(err))
			continue
		}
		res, err := p.Wait(context.Background())
		if err != nil || res.Signal != 0 {
			return 1
		}
	}
	return 0
}

// monitor prints "add NAME" and "delete NAME" for every entry created in
// or removed from the run dir (creating the dir if needed). Unlike ip 6.1
// each line is written at once, so nothing waits in a buffer or is lost
// when the monitor is killed.
//
// Equivalent to: `ip netns monitor`
func (c *netnsCLI) monitor([]string) int {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		c.errorf("inotify_init failed: %s", core.Strerror(err))
		return 1
	}
	defer unix.Close(fd)
	if err := unix.Mkdir(c.cfg.RunDir, 0o755); err != nil && err != unix.EEXIST {
		c.errorf("mkdir %s failed: %s", c.cfg.RunDir, core.Strerror(err))
		return 1
	}
	if _, err := unix.InotifyAddWatch(fd, c.cfg.RunDir, unix.IN_CREATE|unix.IN_DELETE); err != nil {
		c.errorf("inotify_add_watch failed: %s", core.Strerror(err))
		return 1
	}
	c.out.Flush()
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			c.errorf("read failed: %s", core.Strerror(err))
			return 1
		}
		for _, line := range inotifyLines(buf[:n]) {
			c.raw.Write([]byte(line))
		}
	}
}

// inotifyLines decodes a read of inotify events into monitor lines.
func inotifyLines(b []byte) []string {
	var lines []string
	for len(b) >= unix.SizeofInotifyEvent {
		mask := nativeU32(b[4:8])
		nameLen := int(nativeU32(b[12:16]))
		end := unix.SizeofInotifyEvent + nameLen
		if end > len(b) {
			break
		}
		name, _, _ := strings.Cut(string(b[unix.SizeofInotifyEvent:end]), "\x00")
		if mask&unix.IN_CREATE != 0 {
			lines = append(lines, "add "+name+"\n")
		}
		if mask&unix.IN_DELETE != 0 {
			lines = append(lines, "delete "+name+"\n")
		}
		b = b[end:]
	}
	return lines
}

func nativeU32(b []byte) uint32 { return binary.NativeEndian.Uint32(b) }
