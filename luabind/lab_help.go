package luabind

func init() { RegisterHelp(labHelp) }

// labHelp is the reference of netns.lab and the lab methods (lab.go).
var labHelp = map[string]string{
	"netns.lab": `netns.lab{name=, nodes=, links=, routes=, temp=, adopt=, ipv6=} -> lab
Describes a lab; nothing is created until lab:up(). Each node becomes the
namespace NAME-NODE, marked as the lab's ("nssh:lab=NAME" on its lo).
  nodes  = { h1 = {}, r1 = { sysctl = { ["net.ipv4.ip_forward"] = 1 } },
             sw = { bridge = "br0" },       -- a switch: its link ends join br0
             r2 = { addrs = { lo = { "10.255.0.2/32" } },  -- on lo (or a dummy link)
                    files = { ["/etc/bird/bird.conf"] = conf,  -- in the etc dir of
                              ["peers.txt"] = "..." },         -- the namespace, or lab:path(node)
                    services = { bird = { cmd = { "bird", "-f", "-s", "bird.ctl" },
                                          ready = "started",   -- Lua pattern on its output,
                                          timeout = 30 } } } } -- or function(node) -> bool
  links  = { { "h1:eth0", "r1:eth1", addrs = { "10.0.1.2/24", "10.0.1.1/24" },
               netem = { delay = "10ms" } } }   -- veth pairs; addrs per end
             -- (a string, an array, or false); netem for both ends or
             -- { {...}, false } per end: delay, jitter, loss (%), rate ("10mbit");
             -- shape = { rate = "100mbit" } shapes both ends: netem where the
             -- kernel has it, tbf for a rate alone, else ENOTSUP (sch_netem)
  routes = { h1 = { { dst = "default", via = "10.0.1.1" } } }  -- dst, via, dev, metric
  temp   = true   -- removed when the script ends, fails, or gets SIGINT/SIGTERM
  adopt  = true   -- take the lab over from another live process (else up()
                  -- raises EBUSY "lab NAME is owned by pid N")
  ipv6   = true   -- keep IPv6 in every node (also per node: h1 = { ipv6 = true })
A node with no IPv6 address or route gets IPv6 disabled in its namespace
before any link exists (no link-local, DAD, router or MLD traffic, which
floods the bridges of big labs). A bridge node holds at most 1024 link ends
(the kernel's limit): more is an argument error. up() of a lab the host's
limits are too small for warns once on stderr, naming nssh doctor.
Interface names longer than 15 bytes get a short kernel name and keep the
long one as an altname. A bad description is an argument error.
Services start after the wiring, in node order, each waiting for ready
(default: running for 0.2 s; timeout: seconds to wait, default 30), detached
from the script, in the node's directory, output appended to NAME.log there.
Methods: lab:up(), lab:plan(), lab:check([opts]), lab:dot(), lab:down(),
lab:path(node), lab:exec(node, cmd), lab:services(), lab:logs(node, svc); lab.name.
Managed from the shell too: nssh lab list, nssh lab down NAME, nssh gc.
Example: scripts/lab-up.lua, scripts/star.lua`,

	"lab:up": `lab:up() -> { {op=, kind=, name=, value=}, ... }
Makes the kernel match the lab: creates what is missing and repairs what
drifted (a link set down, an address or route deleted by hand, a file
changed, a service that died: restarted; a changed cmd or node file
restarts the node's service); a second up() returns {}. op is "add", "set"
or "del"; kind "netns", "link", "addr", "route", "sysctl", "netem", "shape",
"file" or "service"; name the namespace, "NETNS:DEV", "NETNS:PATH" or
"NETNS:SERVICE"; value the detail ("10.0.1.1/24", "up", "default via
10.0.1.1", "restart: pid 42 exited"), nil when none. A lab whose state
names another live owner raises EBUSY unless the lab says adopt=true; a
service not ready in time ETIMEDOUT, one that exited first EXIT (the
message quotes the end of its log).
A namespace or link of the lab's names that the lab does not own raises an
error with code "EEXIST" and is never touched. A failed up() leaves the lab
"partial": lab:down() rolls it back, nssh gc removes it once its owner exits.
Example: scripts/lab-up.lua`,

	"lab:plan": `lab:plan() -> { {op=, kind=, name=, value=}, ... }
The changes lab:up() would make now, changing nothing.
Example: scripts/lab-plan.lua`,

	"lab:check": `lab:check([{timeout=, parallel=, nodes=, arp=, targets=, until_full=}]) -> matrix [, converged_after]
Pings from every node that has an address to every other one, in parallel
(Mininet's pingall); keys are node names, rtt in seconds, false when no
reply. tostring() of the result draws a grid. Each node is pinged at the
first address of its first link (else its first address on lo); targets
chooses: a table { node = "address" }, or "lo" for the loopbacks of a
routed lab. timeout per ping (default 1s); parallel pings at once; nodes
restricts the matrix to those nodes. On-link pairs get permanent neighbour
entries for the duration of the check (removed after): the kernel's ARP
table is shared by all namespaces and holds 1024 entries, fewer than 50
hosts need. arp=true resolves addresses with real ARP instead.
until_full=true repeats the check (the failed pairs, then every pair once
more to confirm) until every pair answers: convergence. timeout is then the
time allowed (default 60s); the matrix's converged_after, also the second
result, is the seconds it took (0 when complete at once), nil when the
time ran out (the matrix shows what still fails).
Example: scripts/lab-check.lua, scripts/lab-loopbacks.lua, scripts/ospf-ring.lua`,

	"lab:path": `lab:path(node) -> string
The node's private directory (under the state dir, made by up(), removed by
down()): where relative paths of the node's files land. Files under /etc/
go to the etc dir of the node's namespace, which exec binds over /etc (as
ip netns exec does: the file or directory must exist in the real /etc).
Example: scripts/lab-files.lua`,

	"lab:exec": `lab:exec(node, cmd [, opts]) -> result
netns.exec in the node's namespace, with the node's directory (lab:path) as
working directory; same cmd, options and result.
Example: scripts/lab-services.lua`,

	"lab:services": `lab:services() -> { {node=, name=, pid=, state=}, ... }
The services of the lab in node and name order: state "running", "dead"
(exited; up() restarts it) or "stopped" (not started; pid nil).
Example: scripts/lab-services.lua`,

	"lab:logs": `lab:logs(node, service) -> string
The service's log (stdout and stderr appended to lab:path(node)/NAME.log
across restarts; the last 16 MiB of a longer one), "" before its first start.
Example: scripts/lab-services.lua`,

	"lab:dot": `lab:dot() -> string
The topology in the Graphviz language (nodes, switches as boxes, links
with their interface names and addresses); render with dot -Tpng.
Example: scripts/lab-dot.lua`,

	"lab:down": `lab:down() -> { {op="del", kind="service"|"netns", name=}, ... }
Removes exactly what the lab owns: it stops its services, deletes every
namespace carrying its marker, with the links inside, then the node
directories, the etc dirs of its nodes' files and its state file. Other namespaces are left alone.
Equivalent to: ip netns del NAME-NODE for each owned node
Example: scripts/lab-down.lua`,
}
