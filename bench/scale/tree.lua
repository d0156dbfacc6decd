-- The switched tree of nssh.md §7 for bench/scale.sh: N hosts tree-h1..hN
-- on 10 leaf switch nodes (bridge br0, N/10 hosts each) under a core
-- switch node, one IPv4 address per host in 10.0.0.0/8.
--   nssh tree.lua up N      build it (the lab stays up when the script ends)
--   nssh tree.lua ping N    20 pings between random hosts of different leaves
--   nssh tree.lua down N    tear it down
local mode, n = arg[1], tonumber(arg[2])
assert(mode and n and n >= 20, "usage: nssh tree.lua up|ping|down N (N >= 20)")
local leaves = 10
local function leaf(i) return (i - 1) % leaves + 1 end
local function addr(i)
  return string.format("10.%d.%d.%d", math.floor(i / 65536), math.floor(i / 256) % 256, i % 256)
end

local nodes, links = { core = { bridge = "br0" } }, {}
for l = 1, leaves do
  nodes["l" .. l] = { bridge = "br0" }
  links[#links + 1] = { "l" .. l .. ":up", "core:p" .. l }
end
for i = 1, n do
  nodes["h" .. i] = {}
  links[#links + 1] = { "h" .. i .. ":eth0", "l" .. leaf(i) .. ":p" .. i, addrs = { addr(i) .. "/8", false } }
end
local lab = netns.lab{ name = "tree", nodes = nodes, links = links }

if mode == "up" then
  lab:up()
elseif mode == "down" then
  lab:down()
elseif mode == "ping" then
  math.randomseed(n)
  local ok = 0
  for _ = 1, 20 do
    local a, b
    repeat a, b = math.random(n), math.random(n) until leaf(a) ~= leaf(b)
    if netns.ping("tree-h" .. a, addr(b), { timeout = 2 }).ok then ok = ok + 1 end
  end
  print(string.format("pings %d/20", ok))
else
  error("unknown mode " .. mode)
end
