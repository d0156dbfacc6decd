// Command addel times nssh's in-process add and delete of N namespaces
// (the same work as bench/c/addel.c) and prints the seconds of each phase.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/nssh/nssh/core"
)

func main() {
	n := flag.Int("n", 1000, "number of namespaces")
	flag.Parse()
	cfg := core.DefaultConfig()
	t0 := time.Now()
	for i := 0; i < *n; i++ {
		if _, err := cfg.Add(fmt.Sprintf("b%d", i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	t1 := time.Now()
	for i := 0; i < *n; i++ {
		if err := cfg.Delete(fmt.Sprintf("b%d", i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	t2 := time.Now()
	fmt.Printf("%.6f %.6f\n", t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds())
}
