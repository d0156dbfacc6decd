package core

import "strings"

// capabilities names what each operation needs beyond CAP_NET_ADMIN (the
// default: everything that only talks netlink inside a namespace).
// Operations that mount, unmount or setns need CAP_SYS_ADMIN; a lab does
// both. Keys are core's operation names and the Lua API's (without the
// "netns." prefix); lab methods are "lab".
var capabilities = map[string]string{
	"add": "CAP_SYS_ADMIN", "attach": "CAP_SYS_ADMIN", "del": "CAP_SYS_ADMIN", "delete": "CAP_SYS_ADMIN",
	"del_all": "CAP_SYS_ADMIN", "exec": "CAP_SYS_ADMIN", "exec_all": "CAP_SYS_ADMIN", "spawn": "CAP_SYS_ADMIN",
	"identify": "CAP_SYS_ADMIN", "pids": "CAP_SYS_ADMIN",
	"lab": "CAP_SYS_ADMIN and CAP_NET_ADMIN",
}

// Capability names the capability (or capabilities) op needs, for the
// message of an EPERM: "CAP_SYS_ADMIN", "CAP_NET_ADMIN", or both for lab
// operations. op is core's name ("add", "link set") or the Lua API's
// ("netns.add", "lab:up", "netns.lab"); the CLI and Lua share this table.
func Capability(op string) string {
	op = strings.TrimPrefix(op, "netns.")
	if op == "lab" || strings.HasPrefix(op, "lab:") || strings.HasPrefix(op, "lab ") {
		op = "lab"
	}
	if c, ok := capabilities[op]; ok {
		return c
	}
	return "CAP_NET_ADMIN"
}
