#!/usr/bin/env nssh
--//needs python3 curl
--//timeout 90
-- nssh demo: a small test lab as code, the way a network engineer uses
-- Mininet, in one script. Run it as root, or as a normal user (nssh then
-- runs it in a private sandbox that vanishes when it exits):
--
--   nssh scripts/demo.lua
--
--   h1 ─┐
--       sw (bridge) ── r1 ── web (python3 http.server, a node file)
--   h2 ─┘  10.0.1.0/24      10.0.2.0/24
--
-- The lab is temp: whatever happens (an error, Ctrl-C, SIGTERM) its
-- namespaces, links and processes are gone when the script ends. Nothing
-- it prints depends on the machine (no pids, no times), so it is a test.

local lab = netns.lab{
  name = "demo",                        -- namespaces demo-h1, demo-h2, demo-r1, demo-sw, demo-web
  temp = true,
  nodes = {
    h1 = {}, h2 = {},
    sw = { bridge = "br0" },            -- a switch: its link ends become bridge ports
    r1 = { sysctl = { ["net.ipv4.ip_forward"] = 1 } },
    web = {
      files = { ["hello.txt"] = "hello from web\n" }, -- in the node's directory lab:path("web")
      services = { http = { cmd = { "python3", "-u", "-m", "http.server", "8000", "--bind", "10.0.2.10" },
                            ready = "Serving HTTP" } },
    },
  },
  links = {
    { "sw:p1", "h1:eth0", addrs = { false, "10.0.1.11/24" } },
    { "sw:p2", "h2:eth0", addrs = { false, "10.0.1.12/24" } },
    { "sw:p3", "r1:eth1", addrs = { false, "10.0.1.1/24" } },
    { "r1:eth2", "web:eth0", addrs = { "10.0.2.1/24", "10.0.2.10/24" } },
  },
  routes = {
    h1 = { { dst = "default", via = "10.0.1.1" } },
    h2 = { { dst = "default", via = "10.0.1.1" } },
    web = { { dst = "default", via = "10.0.2.1" } },
  },
}

local function step(title)
  print()
  print("== " .. title)
end

step("lab:up() builds what is missing and says what it did")
local count, order = {}, {}
for _, c in ipairs(lab:up()) do
  local k = c.op .. " " .. c.kind
  if not count[k] then order[#order + 1] = k end
  count[k] = (count[k] or 0) + 1
end
for _, k in ipairs(order) do print(k, count[k]) end
print("a second up() changes:", #lab:up())
local names = {}
for _, e in ipairs(netns.list()) do names[#names + 1] = e.name end
table.sort(names)
print("namespaces (ip netns list sees them too):", table.concat(names, " "))

step("lab:check() pings every pair in parallel")
print(lab:check{ nodes = { "h1", "h2", "r1", "web" } })

step("software in the nodes: the web service, reached from h1 through r1")
for _, s in ipairs(lab:services()) do print(s.node, s.name, s.state) end
print("curl from h1:", (lab:exec("h1", "curl -s http://10.0.2.10:8000/hello.txt").stdout:gsub("\n$", "")))

step("a process with a handle: spawn, expect, wait")
local p = netns.get("demo-h2"):spawn({ "curl", "-s", "-o", "/dev/null", "-w", "status %{http_code}\\n",
                                       "http://10.0.2.10:8000/hello.txt" })
print(p:expect("status %d+", 10))
print("exit:", p:wait().code)

step("events: a link goes down behind the lab's back")
local h = netns.on("link", function(ev)
  if ev.name == "eth2" and ev.up == false then
    print("event:", ev.event, ev.action, ev.ns, ev.name, "down")
    netns.stop()
  end
end, { ns = "demo-r1" })
netns.get("demo-r1"):link_set("eth2", { up = false })
print("seen:", netns.wait(10))
netns.off(h)
print(lab:check{ nodes = { "h1", "web" }, timeout = 1 })
for _, c in ipairs(lab:plan()) do print("plan:", c.op, c.kind, c.name, c.value) end
lab:up()
print(lab:check{ nodes = { "h1", "web" } })

step("lab:down() removes exactly what the lab owns")
local removed = {}
for _, c in ipairs(lab:down()) do removed[c.kind] = (removed[c.kind] or 0) + 1 end
print("stopped services:", removed.service, " deleted namespaces:", removed.netns)
local left = 0
for _, e in ipairs(netns.list()) do
  if e.name:match("^demo%-") then left = left + 1 end
end
print("demo namespaces left:", left)
-- Output:
--
-- == lab:up() builds what is missing and says what it did
-- add netns	5
-- set sysctl	1
-- add link	5
-- add file	1
-- add addr	5
-- add route	3
-- add service	1
-- a second up() changes:	0
-- namespaces (ip netns list sees them too):	demo-h1 demo-h2 demo-r1 demo-sw demo-web
--
-- == lab:check() pings every pair in parallel
--      h1  h2  r1 web
-- h1       ok  ok  ok
-- h2   ok      ok  ok
-- r1   ok  ok      ok
-- web  ok  ok  ok
-- 12/12 reachable
--
-- == software in the nodes: the web service, reached from h1 through r1
-- web	http	running
-- curl from h1:	hello from web
--
-- == a process with a handle: spawn, expect, wait
-- status 200
-- exit:	0
--
-- == events: a link goes down behind the lab's back
-- event:	link	new	demo-r1	eth2	down
-- seen:	true
--      h1 web
-- h1       --
-- web  --
-- 0/2 reachable
-- plan:	set	link	demo-r1:eth2	up
--      h1 web
-- h1       ok
-- web  ok
-- 2/2 reachable
--
-- == lab:down() removes exactly what the lab owns
-- stopped services:	1	 deleted namespaces:	5
-- demo namespaces left:	0
