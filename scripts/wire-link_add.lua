-- ns:link_add{...}: create bridges, veth pairs, macvlans, vxlans, vlans and
-- dummies inside a namespace.
-- Equivalent to: ip -n sw link add NAME type TYPE ...
local sw, h = netns.add("sw"), netns.add("h")

-- A bridge, up at once.
local br = sw:link_add { name = "br0", type = "bridge", up = true }
print(br.name, br.type, br.up)

-- A veth pair with its peer in another namespace, enslaved to the bridge.
sw:link_add { name = "p1", type = "veth", peer = { name = "eth0", netns = h }, master = "br0", up = true }
print("p1 master:", sw:links()[3].master)

-- A veth pair inside sw, a macvlan on top of one end, a VXLAN endpoint.
sw:link_add { name = "v0", type = "veth", peer = "v1" }
sw:link_add { name = "mv0", type = "macvlan", parent = "v0", mode = "bridge" }
sw:link_add { name = "vx42", type = "vxlan", vni = 42, remote = "10.9.9.9", port = 4789 }
for _, l in ipairs(sw:links()) do print(l.name, l.type) end

-- Kernels built without a link type say so clearly; fields that do not
-- apply to a type are an error rather than silently ignored.
local ok, err = pcall(sw.link_add, sw, { name = "d0", type = "dummy" })
print("dummy:", ok or err.code == "ENOTSUP")
ok, err = pcall(sw.link_add, sw, { name = "x", type = "bridge", parent = "p1" })
print(err.code, err.msg)

-- ip's words work too: link= for parent=, dstport= for port=.
sw:link_add { name = "mv1", type = "macvlan", link = "v1" }
sw:link_add { name = "vx7", type = "vxlan", id = 7, remote = "10.9.9.9", dstport = 8472 }
print("mv1 on:", sw:exec({ "ip", "-o", "link", "show", "mv1" }).stdout:match("mv1@(%w+)"))
print("vx7 dstport:", sw:exec({ "ip", "-d", "link", "show", "vx7" }).stdout:match("dstport (%d+)"))
ok, err = pcall(sw.link_add, sw, { name = "x", type = "macvlan", parent = "v0", link = "v1" })
print(err:match("%((.*)%)"))

netns.del_all()
-- Output:
-- br0	bridge	true
-- p1 master:	br0
-- lo	loopback
-- br0	bridge
-- p1	veth
-- v1	veth
-- v0	veth
-- mv0	macvlan
-- vx42	vxlan
-- dummy:	true
-- EINVAL	parent does not apply to link type bridge
-- mv1 on:	v1
-- vx7 dstport:	8472
-- options "parent" and "link" name the same thing: give one
