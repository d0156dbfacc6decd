// Package bench holds Go benchmarks of nssh's primitives; bench/run.sh
// compares nssh with ip, a C baseline and the other peers side by side.
//
//	go test -run X -bench . ./bench/
package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// BenchmarkAddDelete measures one in-process `ip netns add` + `del`.
func BenchmarkAddDelete(b *testing.B) {
	c := core.DefaultConfig()
	for i := 0; b.Loop(); i++ {
		name := fmt.Sprintf("bench-%d", i)
		if _, err := c.Add(name); err != nil {
			b.Fatal(err)
		}
		if err := c.Delete(name); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunTrue measures core.Config.Run of `true` with the full `ip
// netns exec` setup, on a throw-away thread (what Lua's ns:exec uses) and
// through the re-executed helper.
func BenchmarkRunTrue(b *testing.B) {
	c := core.DefaultConfig()
	if _, err := c.Add("bench-exec"); err != nil {
		b.Fatal(err)
	}
	defer c.Delete("bench-exec")
	for _, helper := range []bool{false, true} {
		b.Run(map[bool]string{false: "thread", true: "helper"}[helper], func(b *testing.B) {
			for b.Loop() {
				out, err := c.Run(context.Background(), "bench-exec", []string{"true"}, core.ExecOptions{ViaHelper: helper})
				if err != nil || out.Code != 0 {
					b.Fatal(err, out.Code)
				}
			}
		})
	}
}

// BenchmarkListIDs measures one RTM_GETNSID dump.
func BenchmarkListIDs(b *testing.B) {
	for b.Loop() {
		if _, err := core.ListIDs(-1); err != nil {
			b.Fatal(err)
		}
	}
}
