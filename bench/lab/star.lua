-- The star lab of nssh.md §7 for bench/lab.sh: a bridge in star-sw and
-- N hosts star-h1..star-hN, each with a veth on the bridge and an address.
--   nssh star.lua up N      build it (the lab stays up when the script ends)
--   nssh star.lua check N   pingall over it (lab:check), prints "ok PAIRS"
--   nssh star.lua down N    tear it down
local mode, n = arg[1], tonumber(arg[2])
assert(mode and n, "usage: nssh star.lua up|check|down N")
local nodes, links = { sw = { bridge = "br0" } }, {}
for i = 1, n do
  nodes["h" .. i] = {}
  links[i] = { "sw:p" .. i, "h" .. i .. ":eth0",
               addrs = { false, string.format("10.1.%d.%d/16", math.floor(i / 256), i % 256) } }
end
local lab = netns.lab{ name = "star", nodes = nodes, links = links }
if mode == "up" then
  lab:up()
elseif mode == "down" then
  lab:down()
elseif mode == "check" then
  local ok, pairs_ = 0, 0
  for _, row in pairs(lab:check{ timeout = 1 }) do
    for _, rtt in pairs(row) do
      pairs_ = pairs_ + 1
      if rtt then ok = ok + 1 end
    end
  end
  print(string.format("ok %d/%d", ok, pairs_))
else
  error("unknown mode " .. mode)
end
