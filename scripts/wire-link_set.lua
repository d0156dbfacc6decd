-- ns:link_set(dev, {...}): bring links up or down, change MTU, MAC
-- address and name, enslave to a bridge (master="" releases), move to
-- another namespace.
-- Equivalent to: ip -n sw link set dev p1 up mtu 1400 master br0 ...
local sw, h = netns.add("sw"), netns.add("h")
sw:link_add { name = "br0", type = "bridge" }
netns.veth(sw, "p1", h, "eth0")

sw:link_set("br0", { up = true })
sw:link_set("p1", { up = true, mtu = 1400, master = "br0", address = "02:00:00:00:00:01" })
local function show(ns, dev)
  for _, l in ipairs(ns:links()) do
    if l.name == dev then print(dev, l.up, l.mtu, l.address, l.master) end
  end
end
show(sw, "p1")

sw:link_set("p1", { master = "", up = false, name = "port-to-host-h-number-1" })
show(sw, "port-to-host-h-number-1")

-- Move the bridge-less port into h and bring it up there under a new name.
sw:link_set("port-to-host-h-number-1", { netns = h, name = "back", up = true })
show(h, "back")

-- Bad input is rejected before anything changes.
local ok, err = pcall(h.link_set, h, "back", { mtu = 9000, address = "not-a-mac" })
print(err.code)
show(h, "back")

netns.del_all()
-- Output:
-- p1	true	1400	02:00:00:00:00:01	br0
-- port-to-host-h-number-1	false	1400	02:00:00:00:00:01	nil
-- back	true	1400	02:00:00:00:00:01	nil
-- EINVAL
-- back	true	1400	02:00:00:00:00:01	nil
