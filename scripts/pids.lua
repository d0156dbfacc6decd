-- netns.pids(name_or_ns) and ns:pids() list the processes whose network
-- namespace is that one (by scanning /proc, like ip does).
--
-- Equivalent to: ip netns pids NAME
local blue = netns.add("blue")
print(#blue:pids(), "processes")

-- Two background processes that outlive the shell that started them.
local r = blue:exec("for i in 1 2; do sleep 30 </dev/null >/dev/null 2>&1 & echo $!; done")
local started = {}
for pid in r.stdout:gmatch("%d+") do started[#started + 1] = tonumber(pid) end

local pids = netns.pids("blue")
table.sort(pids)
table.sort(started)
print(#pids, "processes", pids[1] == started[1] and pids[2] == started[2])

-- Stop them and wait until they are gone.
blue:exec({ "kill", tostring(started[1]), tostring(started[2]) })
while #blue:pids() > 0 do netns.wait(0.05) end
print(#blue:pids(), "processes")
blue:del()
-- Output:
-- 0	processes
-- 2	processes	true
-- 0	processes
