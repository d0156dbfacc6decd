-- netns.on("link" | "addr" | "route", fn [, {ns=}]): netlink events from
-- inside namespaces. A namespace created later is subscribed as soon as it
-- appears. Handlers run inside netns.wait() (or between REPL prompts).
-- Each kind is its own subscription: events of one kind arrive in order,
-- but kinds interleave freely.
-- Equivalent to: ip -n NS monitor link address route, for every namespace
local links, addrs, routes = {}, {}, {}
local function done() -- stop waiting once the last change of each kind came
  if links.eth0 == "gone" and #addrs == 2 and #routes == 2 then netns.stop() end
end
netns.on("link", function(ev)          -- keep the latest picture per link
  links[ev.name] = ev.action == "new" and (ev.up and "up" or "down") or "gone"
  done()
end, { ns = "r1" })                    -- r1 does not exist yet
netns.on("addr", function(ev)
  if ev.dev == "lo" then return end -- lo gets its addresses when it comes up
  addrs[#addrs + 1] = ev.action .. " " .. ev.addr .. " on " .. ev.dev
  done()
end, { ns = "r1" })
netns.on("route", function(ev)
  if ev.dst ~= "10.9.0.0/16" then return end -- lo's own routes come too
  routes[#routes + 1] = ev.action .. " " .. ev.dst .. " dev " .. ev.dev
  done()
end, { ns = "r1" })

local r1, h1 = netns.add("r1"), netns.add("h1")
netns.veth(r1, "eth0", h1, "eth0")
r1:link_set("lo", { up = true })
r1:addr_add("eth0", "10.0.0.1/24")
r1:route_add { dst = "10.9.0.0/16", dev = "lo" }
r1:route_del { dst = "10.9.0.0/16" }
r1:addr_del("eth0", "10.0.0.1/24")
r1:link_del("eth0")
netns.wait(30) -- until done() stops it

print("lo", links.lo, "eth0", links.eth0)
for _, l in ipairs(addrs) do print(l) end
for _, l in ipairs(routes) do print(l) end

netns.del_all()
-- Output:
-- lo	up	eth0	gone
-- new 10.0.0.1/24 on eth0
-- del 10.0.0.1/24 on eth0
-- new 10.9.0.0/16 dev lo
-- del 10.9.0.0/16 dev lo
