-- ns:links(): the links of a namespace, in ifindex order, as plain tables
-- {name=, index=, type=, up=, mtu=, address=, master=}.
-- Equivalent to: ip -n sw link show
local sw, h = netns.add("sw"), netns.add("h")
sw:link_add { name = "br0", type = "bridge", up = true, address = "02:00:00:00:00:b0" }
netns.veth(h, "eth0", sw, "p1", { up = true })
sw:link_set("p1", { master = "br0" })

for _, l in ipairs(sw:links()) do
  print(l.index > 0, l.name, l.type, l.up, l.mtu, l.master or "-")
end
print(sw:links()[2].address)

netns.del_all()
-- Output:
-- true	lo	loopback	false	65536	-
-- true	br0	bridge	true	1500	-
-- true	p1	veth	true	1500	br0
-- 02:00:00:00:00:b0
