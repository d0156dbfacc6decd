// Command exectime compares the start-up latency of commands by running
// them interleaved (A, B, A, B, ...), so that a machine whose load changes
// during the run affects each the same, and prints each one's median and
// the ratio of their medians to the first's.
//
//	exectime -n 300 -- ip netns exec bx true -- nssh netns exec bx true
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 300, "runs of each command")
	flag.Parse()
	cmds := split(flag.Args())
	if len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "usage: exectime [-n N] -- CMD... [-- CMD...]")
		os.Exit(2)
	}
	times := make([][]time.Duration, len(cmds))
	for i := 0; i < *n; i++ {
		for j, argv := range cmds {
			d, err := run(argv)
			if err != nil {
				fmt.Fprintf(os.Stderr, "exectime: %s: %v\n", strings.Join(argv, " "), err)
				os.Exit(1)
			}
			times[j] = append(times[j], d)
		}
	}
	base := median(times[0])
	for j, argv := range cmds {
		m := median(times[j])
		fmt.Printf("%-40s %7.3f ms  %5.2fx\n", strings.Join(argv, " "), ms(m), float64(m)/float64(base))
	}
}

// split cuts args at each "--" into command lines.
func split(args []string) [][]string {
	var cmds [][]string
	for _, a := range args {
		if a == "--" || len(cmds) == 0 {
			cmds = append(cmds, nil)
			if a == "--" {
				continue
			}
		}
		cmds[len(cmds)-1] = append(cmds[len(cmds)-1], a)
	}
	return slices.DeleteFunc(cmds, func(c []string) bool { return len(c) == 0 })
}

// run runs argv once with inherited stdio and returns its wall time.
func run(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	t0 := time.Now()
	err := cmd.Run()
	return time.Since(t0), err
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
