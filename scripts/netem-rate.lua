--//needs tc
-- A bandwidth cap alone: ns:netem uses netem where the kernel has it and a
-- token bucket filter (tbf) where it lacks sch_netem, as a lab link's
-- shape= does. ns:netem(dev, nil) removes either.
-- Equivalent to: tc -n a qdisc replace dev eth0 root netem rate 10mbit
-- (without sch_netem: tc -n a qdisc replace dev eth0 root tbf rate 10mbit ...)
local a, b = netns.add("a"), netns.add("b")
netns.veth(a, "eth0", b, "eth0", { up = true })
a:addr_add("eth0", "10.0.0.1/24")
b:addr_add("eth0", "10.0.0.2/24")

local function qdisc()
  return a:exec({ "tc", "qdisc", "show", "dev", "eth0" }, { check = true }).stdout
end

a:netem("eth0", { rate = "10mbit" })
print("capped at 10mbit:", qdisc():match("rate 10Mbit") ~= nil)
print("ping through the cap:", netns.ping(a, "10.0.0.2", { size = 1400 }).ok)

a:netem("eth0", nil)
print("cleared:", qdisc():match("rate") == nil)
print("ping after clearing:", netns.ping(a, "10.0.0.2").ok)

netns.del_all()
-- Output:
-- capped at 10mbit:	true
-- ping through the cap:	true
-- cleared:	true
-- ping after clearing:	true
