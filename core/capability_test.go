package core_test

import (
	"testing"

	"github.com/nssh/nssh/core"
)

func TestCapabilityTable(t *testing.T) {
	for op, want := range map[string]string{
		"add": "CAP_SYS_ADMIN", "netns.add": "CAP_SYS_ADMIN", "netns.del": "CAP_SYS_ADMIN", "delete": "CAP_SYS_ADMIN",
		"netns.exec_all": "CAP_SYS_ADMIN", "netns.pids": "CAP_SYS_ADMIN", "netns.spawn": "CAP_SYS_ADMIN",
		"netns.set_id": "CAP_NET_ADMIN", "link set": "CAP_NET_ADMIN", "netns.veth": "CAP_NET_ADMIN",
		"lab:up": "CAP_SYS_ADMIN and CAP_NET_ADMIN", "netns.lab": "CAP_SYS_ADMIN and CAP_NET_ADMIN",
		"lab down": "CAP_SYS_ADMIN and CAP_NET_ADMIN",
	} {
		if got := core.Capability(op); got != want {
			t.Errorf("Capability(%q) = %q, want %q", op, got, want)
		}
	}
}
