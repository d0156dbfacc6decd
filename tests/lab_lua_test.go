package tests

import (
	"strings"
	"testing"
)

// TestLabLuaMisuse: a bad lab description is an argument error naming
// what is wrong, and changes nothing.
func TestLabLuaMisuse(t *testing.T) {
	cases := map[string]string{
		`netns.lab()`:                                                                                `bad argument #1 to 'lab' (table expected, got no value)`,
		`netns.lab{nodes={a={}}}`:                                                                    `name: string expected, got nil`,
		`netns.lab{name="x", nodes={a={}}, extra=1}`:                                                 `lab: unknown key "extra"`,
		`netns.lab{name="x", nodes={a={color=1}}}`:                                                   `nodes.a: unknown key "color"`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "b"}}}`:                             `links[1][2]: link end "b": want "node:dev"`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "c:e0"}}}`:                          `unknown node "c"`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "b:e0", addrs={"10.0.0.300/24"}}}}`: `is not an address with a prefix length`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "b:e0", netem={delay="fast"}}}}`:    `links[1].netem.delay: invalid duration`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "b:e0", netem={rate="lots"}}}}`:     `invalid rate "lots"`,
		`netns.lab{name="x", nodes={a={}}, routes={a={{via="10.0.0.1", dst="nowhere"}}}}`:            `routes.a[1].dst: "nowhere" is not "default" or a prefix`,
		`netns.lab{name="x/y", nodes={a={}}}`:                                                        `lab name "x/y"`,
		`netns.lab{name="x", nodes={a={sysctl={["kernel.hostname"]="h"}}}}`:                          `bad sysctl key "kernel.hostname"`,
		`local l = netns.lab{name="x", nodes={a={}}}; l.up()`:                                        `bad argument #1 to 'up' (lab expected, got no value`,
		`local l = netns.lab{name="x", nodes={a={}}}; l:check{bogus=1}`:                              `unknown option "bogus"`,
		`local l = netns.lab{name="x", nodes={a={}}}; l:check{nodes={"a"}}`:                          `"a" is not a node with an address`,
		// lab nodes (issue 9)
		`netns.lab{name="x", nodes={a={addrs={lo={"10.0.0.1"}}}}}`:                                            `nodes.a.addrs.lo: "10.0.0.1" is not an address with a prefix length`,
		`netns.lab{name="x", nodes={a={files={["/tmp/x"]="y"}}}}`:                                             `an absolute path must be under /etc/`,
		`netns.lab{name="x", nodes={a={files={["../x"]="y"}}}}`:                                               `no empty, "." or ".." components`,
		`netns.lab{name="x", nodes={a={files={x=1}}}}`:                                                        `nodes.a.files: path (string) -> content (string) expected`,
		`netns.lab{name="x", nodes={a={services={s={}}}}}`:                                                    `nodes.a.services.s.cmd: argv table or shell string expected`,
		`netns.lab{name="x", nodes={a={services={s={cmd="x", ready=1}}}}}`:                                    `ready: pattern (string) or function(node) expected`,
		`netns.lab{name="x", nodes={a={services={s={cmd="x", ready="[a"}}}}}`:                                 `ready: bad pattern`,
		`netns.lab{name="x", nodes={a={services={["a/b"]={cmd="x"}}}}}`:                                       `service name "a/b"`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "b:e0", shape={rate="lots"}}}}`:              `invalid rate "lots"`,
		`netns.lab{name="x", nodes={a={}, b={}}, links={{"a:e0", "b:e0", shape={delay=1}, netem={delay=1}}}}`: `netem and shape both set`,
		`netns.lab{name="x", adopt="yes", nodes={a={}}}`:                                                      `adopt: boolean expected`,
		`local l = netns.lab{name="x", nodes={a={}}}; l:check{targets="eth0"}`:                                `"lo" or a table node -> address expected`,
		`local l = netns.lab{name="x", nodes={a={}}}; l:check{until_full=true, targets="lo"}`:                 `no node has an address on lo`,
		`local l = netns.lab{name="x", nodes={a={}}}; l:path("b")`:                                            `no node "b"`,
		`local l = netns.lab{name="x", nodes={a={}}}; l:logs("a", "s")`:                                       `node a has no service "s"`,
	}
	for chunk, want := range cases {
		_, stderr, code := runNssh(t, "", "-e", chunk)
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%s\n  exit %d, stderr %q\n  want exit 1 and %q", chunk, code, stderr, want)
		}
	}
	if out, _, _ := runNssh(t, "", "netns", "list"); out != "" {
		t.Errorf("misuse created namespaces: %q", out)
	}
}

// TestLabLuaErrorTable: a failed up() raises {op=, name=, code=, msg=}.
func TestLabLuaErrorTable(t *testing.T) {
	chunk := `
netns.add("e-a")
local l = netns.lab{name="e", nodes={a={}}}
local ok, err = pcall(l.up, l)
print(ok, err.op, err.name, err.code)
print(tostring(err))
l:down()
netns.del("e-a")`
	out, stderr, code := runNssh(t, "", "-e", chunk)
	want := "false\tlab:up\te\tEEXIST\nlab:up: e: e-a: namespace exists and is not owned by the lab (no \"nssh:lab=e\" marker)\n"
	if code != 0 || out != want {
		t.Errorf("exit %d\n got %q\nwant %q\nstderr %s", code, out, want, stderr)
	}
}
