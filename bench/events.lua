-- bench/events.lua N: a link handler on every namespace, then N times
-- "add xI, veth between xI and y, del xI" with no netns.wait, then a wait
-- until every xI reported its eth0 gone (or 10 quiet seconds). Prints one
-- line of key=value figures for bench/events.sh.
local N = tonumber(arg[1] or 3000)
local function status(key)
  local f = assert(io.open("/proc/self/status"))
  local s = f:read("*a")
  f:close()
  return tonumber(s:match(key .. ":%s+(%d+)")) / 1024
end
local function fds()
  local pid = io.open("/proc/self/stat"):read("*l"):match("^(%d+)")
  local p = io.popen("ls /proc/" .. pid .. "/fd | wc -l")
  local n = tonumber(p:read("*l"))
  p:close()
  return n
end
local y = netns.add("y")
local events, new_eth0, del_eth0, last = 0, 0, 0, 0
netns.on("link", function(ev)
  events, last = events + 1, os.clock()
  if ev.ns ~= "y" and ev.name == "eth0" then
    if ev.action == "new" then new_eth0 = new_eth0 + 1 else del_eth0 = del_eth0 + 1 end
    if del_eth0 == N then netns.stop() end
  end
end)
local t0 = os.clock()
for i = 1, N do
  local x = netns.add("x" .. i)
  netns.veth(x, "eth0", y, "v" .. i)
  netns.del(x)
end
local t1, rss_loop, fds_loop = os.clock(), status("VmRSS"), fds()
local seen = -1
while seen ~= events and not netns.wait(10) do seen = events end
local t2 = os.clock()
print(string.format("loop_s=%.2f rss_loop_mb=%.1f fds_loop=%d drain_s=%.2f events=%d events_per_s=%.0f new_eth0=%d del_eth0=%d peak_rss_mb=%.1f fds_end=%d",
  t1 - t0, rss_loop, fds_loop, t2 - t1, events, events / (last - t0), new_eth0, del_eth0, status("VmHWM"), fds()))
netns.del_all()
