-- netns.del(name_or_ns) and ns:del() remove a name: the bind mount is
-- detached and the file unlinked. The namespace itself is freed by the
-- kernel once no process and no other mount holds it.
--
-- Equivalent to: ip netns del NAME
netns.add("blue")
local red = netns.add("red")

netns.del("blue")      -- by name
red:del()              -- as a method
print(netns.get("blue"), netns.get("red"))

-- Deleting a name that does not exist raises ENOENT.
local ok, err = pcall(netns.del, "blue")
print(ok, err.code, tostring(err))
-- Output:
-- nil	nil
-- false	ENOENT	netns.del: blue: No such file or directory
