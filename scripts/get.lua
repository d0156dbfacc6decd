-- netns.get(name) returns the Namespace of an existing name, or nil when
-- there is none (a query that finds nothing is not an error).
-- Two Namespace values are equal when they are the same kernel namespace
-- (device and inode), whatever their names.
local blue = netns.add("blue")
print(netns.get("blue"))
print(netns.get("missing"))
print(netns.get("blue") == blue)

-- Another namespace is a different kernel object, so it is not equal.
local red = netns.add("red")
print(netns.get("red") == blue, netns.get("red") == red)

blue:del()
red:del()
print(netns.get("blue"))
-- Output:
-- netns("blue")
-- nil
-- true
-- false	true
-- nil
