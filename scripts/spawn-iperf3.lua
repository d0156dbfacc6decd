--//needs iperf3
-- iperf3 between two nodes: the server is spawned and waited for, the
-- client runs with exec and its JSON report (-J) is read with json.decode.
local h1, h2 = netns.add("h1"), netns.add("h2")
netns.veth(h1, "eth0", h2, "eth0", { up = true })
h1:addr_add("eth0", "10.0.0.1/24")
h2:addr_add("eth0", "10.0.0.2/24")

-- -1: serve one test and exit; --forceflush: its lines reach the pipe at once.
local srv = h2:spawn({ "iperf3", "-s", "-1", "--forceflush", "-B", "10.0.0.2" }, { name = "iperf3" })
print(srv:expect("Server listening on (%d+)", 10))

local r = h1:exec({ "iperf3", "-c", "10.0.0.2", "-t", "1", "-J" }, { check = true, timeout = 30 })
local report = json.decode(r.stdout)
local bps = report["end"].sum_received.bits_per_second
print("received bits/s > 0:", bps > 0)
print("protocol:", report.start.test_start.protocol)

-- The one-off server exits by itself after the test.
print(srv:wait(10).code)
netns.del_all()
-- Output:
-- 5201
-- received bits/s > 0:	true
-- protocol:	TCP
-- 0
