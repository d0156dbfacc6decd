-- netns.ping(src, dst [, {timeout=, count=, size=}]): ICMP echo from inside
-- a namespace without spawning ping. Returns {ok=, rtt=} (rtt in seconds,
-- nil when no reply came). No route or no answer is ok=false, not an error.
-- Equivalent to: ip netns exec a ping -c1 10.0.0.2
local a, b = netns.add("a"), netns.add("b")
netns.veth(a, "eth0", b, "eth0", { up = true })
a:addr_add("eth0", "10.0.0.1/24")
b:addr_add("eth0", "10.0.0.2/24")
a:addr_add("eth0", "fd00::1/64")
b:addr_add("eth0", "fd00::2/64")

local r = netns.ping(a, "10.0.0.2")
print("ipv4", r.ok, type(r.rtt))
r = netns.ping("a", "fd00::2", { count = 3, size = 1200, timeout = "2s" })
print("ipv6", r.ok, (r.rtt or 0) > 0) -- rtt is nil when no reply came

r = netns.ping(a, "10.0.0.99", { timeout = 0.2 }) -- nobody there
print("lost", r.ok, r.rtt)
r = netns.ping(a, "192.0.2.1") -- no route at all
print("no route", r.ok)

print(select(2, pcall(netns.ping, a, "not-an-address")).code)

netns.del_all()
-- Output:
-- ipv4	true	number
-- ipv6	true	true
-- lost	false	nil
-- no route	false
-- EINVAL
