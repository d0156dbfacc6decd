-- A link-flap handler: react to link events (here, log and count flaps of
-- a host's uplink) while another part of the script flaps it.
-- Handlers run on the script's thread inside netns.wait().
local sw, h1 = netns.add("sw"), netns.add("h1")
netns.veth(h1, "eth0", sw, "p1", { up = true })
h1:addr_add("eth0", "10.0.0.1/24")
sw:link_add { name = "br0", type = "bridge", up = true }
sw:link_set("p1", { master = "br0" })

local flaps, last = 0, nil
netns.on("link", function(ev)
  if ev.name ~= "p1" or ev.up == last then return end -- only up/down changes
  last = ev.up
  print(string.format("%s: %s is %s", ev.ns, ev.name, ev.up and "up" or "down"))
  if not ev.up then flaps = flaps + 1 end
  if flaps == 3 and ev.up then netns.stop() end
end, { ns = "sw" })

-- Flap the switch port three times; the handler sees every change, even
-- when they come faster than it runs: events queue up until netns.wait().
for _ = 1, 3 do
  sw:link_set("p1", { up = false })
  sw:link_set("p1", { up = true })
end
netns.wait(30)
print("flaps seen:", flaps)

netns.del_all()
-- Output:
-- sw: p1 is down
-- sw: p1 is up
-- sw: p1 is down
-- sw: p1 is up
-- sw: p1 is down
-- sw: p1 is up
-- flaps seen:	3
