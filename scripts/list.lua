-- netns.list() returns one table per name in the run dir: {name=, id=},
-- where id is the nsid this namespace uses for it (nil when unassigned).
-- Like `ip netns list`, the order is the directory's, so sort it when the
-- order matters.
--
-- Equivalent to: ip netns list
netns.add("red")
netns.add("blue")
netns.set_id("blue", 7)

local entries = netns.list()
table.sort(entries, function(a, b) return a.name < b.name end)
for _, e in ipairs(entries) do
  print(e.name, e.id or "(no id)")
end

netns.del("red")
netns.del("blue")
print(#netns.list(), "left")
-- Output:
-- blue	7
-- red	(no id)
-- 0	left
