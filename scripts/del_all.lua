-- netns.del_all() deletes every name in the run dir and returns how many
-- it removed.
--
-- Equivalent to: ip -all netns del
for i = 1, 5 do
  netns.add("host" .. i)
end
print(#netns.list(), "namespaces")
print(netns.del_all(), "deleted")
print(#netns.list(), "namespaces")
print(netns.del_all(), "deleted")
-- Output:
-- 5	namespaces
-- 5	deleted
-- 0	namespaces
-- 0	deleted
