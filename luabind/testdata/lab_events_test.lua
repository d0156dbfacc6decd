-- Events of the namespaces a lab makes: they go through the same path as
-- those of netns.add (issue 7's two reproductions).

-- The first next_event reports the adds the script made before it, the
-- lab's namespaces included.
function TestFirstNextEventReportsLabAdds(t)
  netns.add("plain")
  local lab = netns.lab{ name = "ev", nodes = { a = {}, b = {} } }
  lab:up()
  local seen = {}
  for _ = 1, 3 do
    local ev = netns.next_event(LIVENESS)
    assert(ev, "missing add event; seen: " .. table.concat(seen, ","))
    seen[#seen + 1] = ev.event .. " " .. ev.name
  end
  table.sort(seen)
  assert(table.concat(seen, ",") == "add ev-a,add ev-b,add plain", table.concat(seen, ","))
  lab:down()
  netns.del("plain")
end

-- With an addr handler active, a lab namespace is subscribed as it is
-- made: the addresses it was born with (lo's) are not reported as new,
-- the ones up() adds afterwards are.
function TestLabNamespacesSubscribedAtBirth(t)
  local lo, eth0 = {}, {}
  netns.on("addr", function(ev)
    if not ev.ns:match("^ev2%-") then return end
    local line = ev.action .. " " .. ev.ns .. " " .. ev.dev .. " " .. ev.addr
    if ev.dev == "lo" then
      lo[#lo + 1] = line
    elseif ev.addr:match("^10%.") then
      eth0[#eth0 + 1] = line
    end
    if #eth0 >= 2 then netns.stop() end
  end)
  local lab = netns.lab{ name = "ev2", nodes = { a = {}, b = {} },
    links = { { "a:eth0", "b:eth0", addrs = { "10.0.0.1/24", "10.0.0.2/24" } } } }
  lab:up()
  assert(netns.wait(LIVENESS), "no addr events")
  -- The lo events, if any, were made before the eth0 ones: they are queued.
  netns.wait(0.05)
  table.sort(eth0)
  assert(table.concat(eth0, ",") == "new ev2-a eth0 10.0.0.1/24,new ev2-b eth0 10.0.0.2/24", table.concat(eth0, ","))
  assert(#lo == 0, "lo addresses reported as new: " .. table.concat(lo, ","))
  lab:down()
end

-- ipv6 on the lab and on a node must be booleans; the spec is checked
-- before anything is made.
function TestLabIPv6OptionIsBoolean(t)
  expect_argerror("ipv6: boolean expected, got string", netns.lab, { name = "v", ipv6 = "yes", nodes = { a = {} } })
  expect_argerror("nodes.a.ipv6: boolean expected, got number", netns.lab, { name = "v", nodes = { a = { ipv6 = 1 } } })
  local lab = netns.lab{ name = "v", ipv6 = true, nodes = { a = { ipv6 = false } } }
  assert(#netns.list() == 0)
end
