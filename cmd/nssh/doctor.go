package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nssh/nssh/core"
)

const doctorUsage = `Usage: nssh doctor [--hosts N] [--fix]

Prints every host-wide limit that matters for a lab of N hosts (default
10000): its value, what N hosts need, and the command that raises it.
--fix raises the sysctls that are too low. They are host-wide: they apply
to every namespace and user of the machine until reboot (nssh prints how
to restore them). Sysctls under net. are only visible in the host's
network namespace. Exit status: 0 when every limit is enough, 1 when one
is still too low or --fix could not check or change one, 2 for bad usage.
`

// defaultDoctorHosts is the lab size doctor checks without --hosts: the
// design target of spec §4.7.
const defaultDoctorHosts = 10000

// runDoctor is `nssh doctor [--hosts N] [--fix]`.
func runDoctor(args []string, stdout, stderr io.Writer) int {
	hosts, fix, err := parseDoctorArgs(args)
	if err == errHelp {
		io.WriteString(stdout, doctorUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "nssh doctor: %v\n%s", err, doctorUsage)
		return 2
	}
	limits := core.HostLimits(hosts)
	fmt.Fprintf(stdout, "host limits for a lab of %d hosts:\n\n", hosts)
	printLimits(stdout, limits)
	status := 0
	if fix {
		changes, err := core.FixHostLimits(limits)
		printChanges(stdout, changes)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintf(stderr, "nssh doctor: %s\n", line)
			}
			status = 1
		}
		limits = core.HostLimits(hosts)
	}
	return max(status, doctorVerdict(stdout, limits, hosts, fix))
}

var errHelp = fmt.Errorf("help")

func parseDoctorArgs(args []string) (hosts int, fix bool, err error) {
	hosts = defaultDoctorHosts
	for i := 0; i < len(args); i++ {
		a := args[i]
		key, val, hasVal := strings.Cut(a, "=")
		switch {
		case a == "--fix":
			fix = true
		case a == "--help" || a == "-h" || a == "help":
			return 0, false, errHelp
		case key == "--hosts":
			if !hasVal {
				if i+1 == len(args) {
					return 0, false, fmt.Errorf("--hosts needs a number")
				}
				i++
				val = args[i]
			}
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 10_000_000 {
				return 0, false, fmt.Errorf("--hosts %q: want a number of hosts from 1 to 10000000", val)
			}
			hosts = n
		default:
			return 0, false, fmt.Errorf("unknown argument %q", a)
		}
	}
	return hosts, fix, nil
}

// printLimits prints the table: limit, value, need, status, fix.
func printLimits(w io.Writer, limits []core.HostLimit) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LIMIT\tVALUE\tNEED\tSTATUS\tTO RAISE IT")
	for _, l := range limits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Name, limitValue(l), withUnit(l.Need, l.Unit), limitStatus(l), l.Fix)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, l := range limits {
		fmt.Fprintf(w, "  %s: %s", l.Name, l.About)
		if l.Note != "" {
			fmt.Fprintf(w, " [%s]", l.Note)
		}
		fmt.Fprintln(w)
	}
}

func limitValue(l core.HostLimit) string {
	if l.Value < 0 {
		return "?"
	}
	return withUnit(l.Value, l.Unit)
}

func withUnit(v int64, unit string) string {
	if unit == "" {
		return strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10) + " " + unit
}

func limitStatus(l core.HostLimit) string {
	switch {
	case l.Value < 0:
		return "unknown"
	case l.Low():
		return "LOW"
	}
	return "ok"
}

// printChanges says what --fix changed, that it is host-wide, and how to
// restore the old values.
func printChanges(w io.Writer, changes []core.HostChange) {
	if len(changes) == 0 {
		fmt.Fprintln(w, "\n--fix: nothing changed")
		return
	}
	fmt.Fprintln(w, "\n--fix changed host-wide settings (every namespace and user of this machine, until reboot):")
	restore := make([]string, len(changes))
	for i, c := range changes {
		fmt.Fprintf(w, "  %s: %d -> %d\n", c.Name, c.Old, c.New)
		restore[i] = fmt.Sprintf("%s=%d", c.Name, c.Old)
	}
	fmt.Fprintf(w, "to restore: sysctl -w %s\n", strings.Join(restore, " "))
}

// doctorVerdict prints the summary and returns the exit status.
func doctorVerdict(w io.Writer, limits []core.HostLimit, hosts int, fixed bool) int {
	var low []string
	fixable := false
	for _, l := range limits {
		if l.Low() {
			low = append(low, l.Name)
			fixable = fixable || l.Fixable()
		}
	}
	if len(low) == 0 {
		fmt.Fprintf(w, "\nevery known limit is enough for %d hosts\n", hosts)
		return 0
	}
	fmt.Fprintf(w, "\ntoo low for %d hosts: %s\n", hosts, strings.Join(low, ", "))
	if fixable && !fixed {
		fmt.Fprintf(w, "run `nssh doctor --hosts %d --fix` as root to raise the sysctls (host-wide)\n", hosts)
	}
	return 1
}
