package core_test

import (
	"testing"

	"github.com/nssh/nssh/core"
)

// TestNetlinkEventsNoGapAfterAdd: changes made right after Add returns,
// in a namespace that did not exist when the watch began, are all seen
// (Add subscribes the watchers before it returns), even ones undone at
// once.
func TestNetlinkEventsNoGapAfterAdd(t *testing.T) {
	c := core.DefaultConfig()
	for i := 0; i < 20; i++ {
		ch := watch(t, "addr", "gap")
		ns, err := c.Add("gap")
		if err != nil {
			t.Fatal(err)
		}
		must(t, ns.AddrAdd("lo", "10.77.0.1/32"))
		must(t, ns.AddrDel("lo", "10.77.0.1/32"))
		var actions []string
		waitEvent(t, ch, nil, func(ev core.Event) bool {
			if ev.Attrs["addr"] == "10.77.0.1/32" {
				actions = append(actions, ev.Action)
			}
			return len(actions) == 2
		})
		if actions[0] != "new" || actions[1] != "del" {
			t.Fatalf("round %d: got %v, want [new del]", i, actions)
		}
		must(t, c.Delete("gap"))
	}
}
