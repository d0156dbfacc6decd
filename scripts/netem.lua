--//skip this kernel has no sch_netem (ns:netem raises ENOTSUP); drop this line where netem exists
-- Network emulation: make a link slow, jittery, lossy or narrow, then
-- measure it with ping. ns:netem(dev, nil) removes the emulation.
-- Equivalent to: tc -n a qdisc replace dev eth0 root netem delay 100ms ...
local a, b = netns.add("a"), netns.add("b")
netns.veth(a, "eth0", b, "eth0", { up = true })
a:addr_add("eth0", "10.0.0.1/24")
b:addr_add("eth0", "10.0.0.2/24")

local function rtt() return netns.ping(a, "10.0.0.2", { timeout = 2 }).rtt end
print("plain link:", netns.ping(a, "10.0.0.2").ok)

-- 100ms on a's egress: the round trip takes at least that long (a lower
-- bound the kernel guarantees, not a speed measurement).
a:netem("eth0", { delay = "100ms", jitter = 0.005 })
print("with delay at least 100ms:", (rtt() or 0) >= 0.1) -- nil: no reply

-- Everything lost: no reply at all.
a:netem("eth0", { loss = 100 })
print("with 100% loss:", netns.ping(a, "10.0.0.2", { timeout = 0.3, count = 3 }).ok)

-- A bandwidth cap (rate) with a little delay.
a:netem("eth0", { rate = "10mbit", delay = 0.01 })
print("with rate cap:", netns.ping(a, "10.0.0.2", { size = 1400 }).ok)

a:netem("eth0", nil)
print("cleared:", netns.ping(a, "10.0.0.2").ok)

netns.del_all()
-- Output:
-- plain link:	true
-- with delay at least 100ms:	true
-- with 100% loss:	false
-- with rate cap:	true
-- cleared:	true
