package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfile starts the profiles that the environment asks for, for
// finding where a slow run spends its time (bench/scale.sh), and returns
// the function that writes them:
//
//	NSSH_CPUPROFILE=FILE   CPU profile (user and kernel time of syscalls)
//	NSSH_BLOCKPROFILE=FILE where goroutines wait on channels and locks
//	NSSH_TRACE=FILE        execution trace (`go tool trace FILE`): wall time
//	                       per goroutine, including time blocked in syscalls
//
// A profile that cannot be written is reported on stderr and skipped.
func startProfile(stderr io.Writer) (stop func()) {
	var stops []func()
	create := func(env string) *os.File {
		path := os.Getenv(env)
		if path == "" {
			return nil
		}
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(stderr, "nssh: %s: %v\n", env, err)
			return nil
		}
		return f
	}
	if f := create("NSSH_CPUPROFILE"); f != nil {
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "nssh: NSSH_CPUPROFILE: %v\n", err)
		} else {
			stops = append(stops, pprof.StopCPUProfile)
		}
		stops = append(stops, func() { f.Close() })
	}
	if f := create("NSSH_BLOCKPROFILE"); f != nil {
		runtime.SetBlockProfileRate(1) // blocking on channels and sync primitives, mutexes included
		stops = append(stops, func() {
			pprof.Lookup("block").WriteTo(f, 0)
			f.Close()
		})
	}
	if f := create("NSSH_TRACE"); f != nil {
		if err := trace.Start(f); err != nil {
			fmt.Fprintf(stderr, "nssh: NSSH_TRACE: %v\n", err)
		} else {
			stops = append(stops, trace.Stop)
		}
		stops = append(stops, func() { f.Close() })
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
