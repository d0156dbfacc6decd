-- ns:link_del(dev): delete a link. Deleting either end of a veth pair
-- removes both ends.
-- Equivalent to: ip -n a link del eth0
local a, b = netns.add("a"), netns.add("b")
netns.veth(a, "eth0", b, "eth0")
print(#a:links(), #b:links())

b:link_del("eth0")
print(#a:links(), #b:links())

local ok, err = pcall(a.link_del, a, "eth0")
print(tostring(err))

netns.del_all()
-- Output:
-- 2	2
-- 1	1
-- ns:link_del: a: Cannot find device "eth0"
