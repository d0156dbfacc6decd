-- netns.veth: one call creates a veth pair whose ends live in two
-- namespaces (the peer is created directly in the second one).
-- Equivalent to: ip link add eth0 netns a type veth peer name eth0 netns b
local a, b = netns.add("a"), netns.add("b")

netns.veth(a, "eth0", b, "eth0", { up = true, mtu = 1400 })
-- Namespaces can be given by name too, and names may be longer than 15
-- bytes: the kernel gets a short name, the long one stays usable.
netns.veth("a", "to-the-backup-router", "b", "from-a")

for _, ns in ipairs({ a, b }) do
  for _, l in ipairs(ns:links()) do
    print(ns.name, l.name, l.type, l.up, l.mtu)
  end
end

-- Both ends are really connected: address them and ping.
a:addr_add("eth0", "10.0.0.1/24")
b:addr_add("eth0", "10.0.0.2/24")
print("ping a -> b:", netns.ping(a, "10.0.0.2").ok)

-- A name already taken in the peer namespace: nothing is created at all.
local ok, err = pcall(netns.veth, a, "eth9", b, "eth0")
print(ok, err.code, #a:links())

netns.del_all()
-- Output:
-- a	lo	loopback	false	65536
-- a	eth0	veth	true	1400
-- a	to-the-backup-router	veth	false	1500
-- b	lo	loopback	false	65536
-- b	eth0	veth	true	1400
-- b	from-a	veth	false	1500
-- ping a -> b:	true
-- false	EEXIST	3
