-- netns.add(name) creates a named network namespace: an empty file in the
-- run dir with a new network namespace bind-mounted on it. It returns a
-- Namespace; tostring(ns) is netns("NAME") and ns.name is the name.
--
-- Equivalent to: ip netns add NAME
local blue = netns.add("blue")
print(blue, blue.name)

-- Failures raise a structured error: catch it with pcall and look at
-- err.code (the errno name), err.msg, err.op and err.name.
local ok, err = pcall(netns.add, "blue")
print(ok, err.code, err.op, err.name)
print(tostring(err))

-- A bad name is refused before anything is created.
for _, bad in ipairs({ "", "a/b", "..", string.rep("x", 256) }) do
  local ok, err = pcall(netns.add, bad)
  print(ok, err.code, #bad)
end

-- Misuse is an argument error, a plain string.
print(pcall(netns.add))

blue:del()
-- Output:
-- netns("blue")	blue
-- false	EEXIST	netns.add	blue
-- netns.add: blue: File exists
-- false	EINVAL	0
-- false	EINVAL	3
-- false	EINVAL	2
-- false	EINVAL	256
-- false	scripts/add.lua:22: bad argument #1 to 'add' (string expected, got no value)
