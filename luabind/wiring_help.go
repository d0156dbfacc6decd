package luabind

func init() { RegisterHelp(wiringHelp) }

// wiringHelp is the reference of wiring.go, wiring_addr.go and
// wiring_ping.go (the README's "Wiring a lab"). Each entry names its example script.
var wiringHelp = map[string]string{
	"netns.veth": `netns.veth(a, "eth0", b, "eth0" [, {mtu=, up=}])
Creates a veth pair: one end in namespace a, the other created directly in
b (a and b are Namespaces or names, and may be the same). Ends start down
unless up=true. Names longer than 15 bytes get a short kernel name and keep
the long one as an altname; lookups by the long name work. On failure
nothing is left behind.
Equivalent to: ip link add eth0 netns a type veth peer name eth0 netns b
Example: scripts/wire-veth.lua`,

	"ns:link_add": `ns:link_add{name=, type=, ...} -> link
Creates a link; type is bridge, veth, vlan, macvlan, vxlan or dummy.
Common: mtu=, address= (MAC), up=, master= (bridge), alias=.
veth: peer="name" or peer={name=, netns=ns}. vlan: parent=, id=.
macvlan: parent=, mode= ("bridge", "private", "vepa", "passthru").
vxlan: vni= (or id=), remote= or group=, local=, port= (4789), parent=.
ip's words work too: link= for parent=, dstport= for port=.
A type the kernel lacks raises {code="ENOTSUP"}, msg "link type dummy
not supported by this kernel". Fields that do not apply to the type are
an error. Returns the link table as ns:links() shows it.
Equivalent to: ip -n ns link add NAME type TYPE ...
Example: scripts/wire-link_add.lua`,

	"ns:link_set": `ns:link_set(dev, {up=, mtu=, master=, address=, name=, alias=, netns=})
Changes a link: master="" releases it from its bridge (nomaster), netns=
moves it into another namespace (other changes then apply there), name=
renames it. Every input is checked before anything changes.
Equivalent to: ip -n ns link set dev DEV up|down mtu M master B address A name N
Example: scripts/wire-link_set.lua`,

	"ns:link_del": `ns:link_del(dev)
Deletes a link (deleting either end of a veth removes the pair).
Equivalent to: ip -n ns link del DEV
Example: scripts/wire-link_del.lua`,

	"ns:links": `ns:links() -> { {name=, index=, type=, up=, mtu=, address=, master=}, ... }
Lists the links in ifindex order. up is the administrative state; address
(MAC) and master (bridge name) are nil when there is none.
Equivalent to: ip -n ns link show
Example: scripts/wire-links.lua`,

	"ns:addr_add": `ns:addr_add(dev, "10.0.0.1/24")
Adds an IPv4 or IPv6 address (IPv6 without duplicate address detection, so
it is usable at once). A malformed address raises {code="EINVAL"}.
Equivalent to: ip -n ns addr add 10.0.0.1/24 dev DEV
Example: scripts/wire-addr.lua`,

	"ns:addr_del": `ns:addr_del(dev, "10.0.0.1/24")
Removes an address; {code="EADDRNOTAVAIL"} when it is not there.
Equivalent to: ip -n ns addr del 10.0.0.1/24 dev DEV
Example: scripts/wire-addr.lua`,

	"ns:addrs": `ns:addrs([dev]) -> { {dev=, addr="10.0.0.1/24", family="inet"|"inet6"}, ... }
Lists the addresses of dev, or of every link: IPv4 first, then IPv6.
Equivalent to: ip -n ns addr show [dev DEV]
Example: scripts/wire-addr.lua`,

	"ns:route_add": `ns:route_add{dst=, via=, dev=, metric=, table=}
Adds a route. dst is "default" or a prefix ("10.0.2.0/24"; a bare address
is a host route); give via (gateway) or dev or both. An IPv6 via makes
"default" the IPv6 default route.
Equivalent to: ip -n ns route add DST via VIA dev DEV metric M
Example: scripts/wire-route.lua`,

	"ns:route_del": `ns:route_del{dst=, via=, dev=, metric=, table=}
Deletes the route matching the given fields (dst alone is enough).
Equivalent to: ip -n ns route del DST ...
Example: scripts/wire-route.lua`,

	"ns:routes": `ns:routes() -> { {dst=, via=, dev=, metric=, table=, proto=, scope=, nexthops=}, ... }
Lists IPv4 then IPv6 routes of every table but local (main is 254). dst is
"default" or a prefix; via and dev are nil when absent. proto says who made
the route as ip names it ("kernel", "boot", "static", "bird", "ospf", or a
number), scope is "global", "link", "host", ... A multipath route has no
via/dev but nexthops = { {via=, dev=, weight=}, ... }.
Equivalent to: ip -n ns route show table all (without table local)
Example: scripts/wire-route.lua`,

	"ns:sysctl": `ns:sysctl(key [, value]) -> value
Reads (after writing value, a string or number, when given) a network
sysctl of the namespace and returns it as a string. Only "net." keys are
accepted: all others are global to the machine, and writing them from a lab
would change the host. Keys with "/" or ".." are rejected.
Equivalent to: ip netns exec ns sysctl [-w] KEY[=VALUE]
Example: scripts/wire-sysctl.lua`,

	"ns:netem": `ns:netem(dev, {delay=, jitter=, loss=, rate=})   ns:netem(dev, nil)
Emulates a slow or lossy link on dev's egress: delay and jitter are
durations (0.1 or "100ms"), loss a percentage, rate a string like "10mbit".
nil removes the emulation (no error when there is none). On a kernel
without sch_netem a rate alone becomes a token bucket filter (tbf), as a
lab link's shape= does; a delay, jitter or loss raises {code="ENOTSUP"}
naming the module.
Equivalent to: tc qdisc replace dev DEV root netem delay D jitter J loss L% rate R
(rate alone without sch_netem: tc qdisc replace dev DEV root tbf rate R ...)
Example: scripts/netem.lua`,

	"netns.ping": `netns.ping(src, dst_addr [, {timeout=, count=, size=}]) -> {ok=, rtt=}
Sends ICMP echo requests from inside src to an IPv4 or IPv6 address
("fe80::1%eth0" for link-local) without running ping. rtt is the mean
round trip in seconds, nil when no reply came (ok=false). timeout is per
request (default 1s), count requests (1), size payload bytes (56). No route
or no reply is ok=false, not an error.
Equivalent to: ip netns exec src ping -c1 DST
Example: scripts/wire-ping.lua`,

	"netns.pingall": `netns.pingall([names] [, {timeout=, count=, size=, parallel=}]) -> matrix
Pings every ordered pair of namespaces in parallel and returns
{ [src] = { [dst] = rtt_or_false } }; tostring(matrix) draws a grid ("ok"
or "--") ending "N/M reachable". Each namespace is reached at its first
global IPv4 address (else its first global IPv6 address), Mininet style.
Without names: every namespace that has such an address. A listed
namespace without one is unreachable (false). The kernel's neighbour
(ARP) table is shared by all namespaces of the machine and holds 1024
entries by default, while a full mesh of n hosts needs n*(n-1): large
meshes therefore run in batches of sources, and the entries the pings
created are removed after each batch.
Equivalent to: Mininet pingall
Example: scripts/wire-pingall.lua`,
}
