-- netns.set_id(name_or_ns, id) assigns a namespace id (nsid): the number
-- under which the current namespace refers to that peer, e.g. in
-- `ip link` output ("link-netnsid 5"). "auto" picks the lowest free one.
-- netns.list_id() lists the assigned ids; ns:id() reads one (nil when none).
--
-- Equivalent to: ip netns set NAME NETNSID, ip netns list-id
local blue = netns.add("blue")
local red = netns.add("red")
print(blue:id())

netns.set_id("blue", 5)
red:set_id(9)
print(blue:id(), red:id())

-- An id is set only once per peer, and an id belongs to one peer only.
local ok, err = pcall(netns.set_id, "blue", 6)
print(ok, err.code)
ok, err = pcall(netns.set_id, netns.add("green"), 9)
print(ok, err.code)

for _, e in ipairs(netns.list_id()) do
  if e.name then print(e.nsid, e.name) end
end
-- The names in netns.list() carry their id too.
local ids = {}
for _, e in ipairs(netns.list()) do ids[e.name] = e.id end
print(ids.blue, ids.red, ids.green)

netns.del_all()
-- Output:
-- nil
-- 5	9
-- false	EEXIST
-- false	EEXIST
-- 5	blue
-- 9	red
-- 5	9	nil
