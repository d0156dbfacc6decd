--//needs iperf3
-- Link shaping: shape = { rate = "20mbit" } limits both ends of a link
-- (netem where the kernel has it, a tbf for a rate alone where it lacks
-- sch_netem). iperf3 runs as a service on b; a's measurement, parsed with
-- json.decode, lands within 10% of the shape.
local lab = netns.lab{
  name = "tr",
  nodes = {
    a = {},
    b = { services = { iperf = { cmd = { "iperf3", "-s", "--forceflush" }, ready = "Server listening" } } },
  },
  links = { { "a:eth0", "b:eth0", addrs = { "10.0.0.1/24", "10.0.0.2/24" }, shape = { rate = "20mbit" } } },
}
for _, c in ipairs(lab:up()) do
  if c.kind == "shape" or c.kind == "service" then print(c.op, c.kind, c.name, c.value) end
end
-- 3 seconds, the first one omitted (the bucket starts full).
local r = lab:exec("a", { "iperf3", "-c", "10.0.0.2", "-t", "3", "-O", "1", "-J" }, { check = true })
local res = json.decode(r.stdout)
local bps = res["end"].sum_received.bits_per_second
io.stderr:write(("measured %.2f Mbit/s through a 20 Mbit/s shape\n"):format(bps / 1e6))
print("within 10% of 20mbit:", math.abs(bps / 20e6 - 1) <= 0.10)

-- Drift: the shaping removed by hand is planned and put back.
lab:exec("a", "tc qdisc del dev eth0 root", { check = true })
for _, c in ipairs(lab:plan()) do print("plan:", c.op, c.kind, c.name, c.value) end
lab:up()
print(#lab:plan())
lab:down()
-- Output:
-- set	shape	tr-a:eth0	rate 20mbit
-- set	shape	tr-b:eth0	rate 20mbit
-- add	service	tr-b:iperf	iperf3 -s --forceflush
-- within 10% of 20mbit:	true
-- plan:	set	shape	tr-a:eth0	rate 20mbit
-- 0
