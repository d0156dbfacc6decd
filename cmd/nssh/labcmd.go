package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

const labUsage = `Usage: nssh lab list
       nssh lab down NAME
       nssh gc

  lab list       labs made by scripts (netns.lab), one per line, in the columns
                 NAME STATE OWNER NODES TEMP OWNER_ALIVE: the name, up or
                 partial, the owner pid, the node count, whether it is a temp
                 lab and whether its owner still runs (yes or no)
  lab down NAME  remove every namespace (and its links) that lab NAME owns
  gc             remove labs whose up() never completed and temp labs whose
                 owning process is gone, and placeholders (empty mode-0000
                 files) older than 5 s left by a killed add, and namespaces
                 hidden under another one on the same name (left by adds
                 that raced a delete); prints what it removed
Of a lab, only namespaces carrying its marker are ever removed.
`

// runLab is `nssh lab list|down NAME`.
func runLab(g globals, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, labUsage)
		return 2
	}
	switch args[0] {
	case "help", "--help", "-h":
		fmt.Fprint(stdout, labUsage)
		return 0
	case "list", "ls":
		if len(args) != 1 {
			return labBadUsage(stderr, "lab list takes no arguments")
		}
		return labList(g, stdout, stderr)
	case "down", "del":
		if len(args) != 2 {
			return labBadUsage(stderr, "lab down needs exactly one lab name")
		}
		return labDown(g, args[1], stdout, stderr)
	}
	return labBadUsage(stderr, fmt.Sprintf("unknown lab command %q", args[0]))
}

func labBadUsage(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "nssh: %s\n%s", msg, labUsage)
	return 2
}

// labListColumns is the header of `nssh lab list`; the help texts name
// each column (a test checks they keep doing so).
var labListColumns = []string{"NAME", "STATE", "OWNER", "NODES", "TEMP", "OWNER_ALIVE"}

// labList prints one line per lab with a state file: name, state, owner
// pid and node count (the columns of the README's "Labs as code"), then whether it is a
// temp lab and whether its owner still runs. Every value is one word, so
// `awk '{print $3}'` gives the pid.
func labList(g globals, stdout, stderr io.Writer) int {
	infos, errs := lab.List(g.cfg)
	if len(infos) > 0 {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(labListColumns, "\t"))
		for _, in := range infos {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", in.Name, in.State, in.Owner, in.Nodes, yesNo(in.Temp), yesNo(in.OwnerAlive))
		}
		tw.Flush()
	}
	return reportErrs(stderr, "lab list", errs)
}

// reportErrs prints errs and returns the exit status: 1 if any, except
// for unreadable state files, which are warnings (the lab is skipped, and
// `nssh lab down NAME` removes it by its markers).
func reportErrs(stderr io.Writer, op string, errs []error) int {
	code := 0
	for _, err := range errs {
		var corrupt *lab.CorruptStateError
		if errors.As(err, &corrupt) {
			fmt.Fprintf(stderr, "nssh: %s: warning: %v: skipped ('nssh lab down %s' removes the lab)\n", op, err, corrupt.Lab)
			continue
		}
		fmt.Fprintf(stderr, "nssh: %s: %s\n", op, withCapability("lab", err))
		code = 1
	}
	return code
}

// labDown removes one lab by name and prints what it removed.
func labDown(g globals, name string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	changes, err := lab.DownByName(ctx, g.cfg, name, lab.Options{Progress: stderr})
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	if errors.Is(err, lab.ErrNoLab) {
		fmt.Fprintf(stderr, "nssh: lab %s: no such lab (see 'nssh lab list')\n", name)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "nssh: %s\n", withCapability("lab down", err))
		return 1
	}
	return 0
}

// withCapability is err's text, naming the capability op needs when err
// is a refusal for lack of privileges (core.Capability, as in Lua).
func withCapability(op string, err error) string {
	if e := core.Errno(err); e == syscall.EPERM || e == syscall.EACCES {
		return err.Error() + " (needs " + core.Capability(op) + ")"
	}
	return err.Error()
}

// runGC is `nssh gc`.
func runGC(g globals, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
			fmt.Fprint(stdout, labUsage)
			return 0
		}
		return labBadUsage(stderr, "gc takes no arguments")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	removed, errs := lab.GC(ctx, g.cfg)
	for _, r := range removed {
		fmt.Fprintf(stdout, "removed lab %s: %s\n", r.Lab, r.Reason)
		for _, c := range r.Changes {
			fmt.Fprintf(stdout, "  %s\n", c)
		}
	}
	stale, err := g.cfg.RemoveStalePlaceholders()
	for _, n := range stale {
		fmt.Fprintf(stdout, "removed placeholder %s: an add that never completed\n", g.cfg.Path(n))
	}
	if err != nil {
		errs = append(errs, err)
	}
	unstacked, err := g.cfg.UnstackAll()
	for _, n := range unstacked {
		fmt.Fprintf(stdout, "removed namespaces stacked under %s: binds of adds that raced a delete (it keeps the one it showed)\n", g.cfg.Path(n))
	}
	if err != nil {
		errs = append(errs, err)
	}
	return reportErrs(stderr, "gc", errs)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
