-- ns:sysctl(key [, value]): read or write a network sysctl of one
-- namespace. Values are strings; only "net." keys are allowed, since all
-- others are global to the machine.
-- Equivalent to: ip netns exec r sysctl -w net.ipv4.ip_forward=1
local r, other = netns.add("r"), netns.add("other")

print(r:sysctl("net.ipv4.ip_forward"))
print(r:sysctl("net.ipv4.ip_forward", 1))
print(r:sysctl("net.ipv6.conf.all.forwarding", "1"))
print("other namespace:", other:sysctl("net.ipv4.ip_forward"))

for _, key in ipairs({ "kernel.hostname", "net.ipv4.no_such_key" }) do
  local ok, err = pcall(r.sysctl, r, key)
  print(err.code, key)
end

netns.del_all()
-- Output:
-- 0
-- 1
-- 1
-- other namespace:	0
-- EINVAL	kernel.hostname
-- ENOENT	net.ipv4.no_such_key
