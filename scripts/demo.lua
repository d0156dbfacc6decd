#!/usr/bin/env nssh
--//timeout 60
-- nssh demo: the tour of `ip netns` from the article nssh grew out of,
-- done the nssh way. Run it as root, or as a normal user (nssh then runs
-- it in a private sandbox that vanishes when it exits):
--
--   nssh scripts/demo.lua
--
-- It makes namespaces named demo-net1..3 and removes everything it made
-- at the end, also when a step fails. Nothing it prints depends on the
-- machine (no pids, no inode numbers), so it doubles as a test.

local run_dir = os.getenv("NSSH_RUN_DIR") or "/run/netns"
local made = {}     -- names this demo created, for the cleanup
local sleepers = {} -- pids of background processes it started

local function step(title)
  print()
  print("== " .. title)
end

local function add(name)
  local ns = netns.add(name)
  made[#made + 1] = name
  return ns
end

-- inode prints the inode number of path as seen from inside ns.
local function inode(ns, path)
  return ns:exec({ "stat", "-L", "-c", "%i", path }, { check = true }).stdout
end

-- sleeper starts a process that stays inside ns and returns its pid.
local function sleeper(ns)
  local r = ns:exec("sleep 60 </dev/null >/dev/null 2>&1 & echo $!", { check = true })
  local pid = tonumber(r.stdout)
  sleepers[#sleepers + 1] = pid
  return pid
end

local function sorted(t)
  table.sort(t)
  return t
end

local function demo()
  step("ip netns add: create named network namespaces")
  local net1, net2 = add("demo-net1"), add("demo-net2")
  local names = {}
  for _, e in ipairs(netns.list()) do
    if e.name:match("^demo%-net") then names[#names + 1] = e.name end
  end
  print("netns.list():", table.concat(sorted(names), " "))

  step("a named namespace is a namespace file bind-mounted in " .. run_dir)
  -- ip netns add = touch RUN_DIR/NAME; unshare --net; mount --bind
  -- /proc/self/ns/net RUN_DIR/NAME. So the file and the ns/net link of
  -- any process inside are the same inode.
  local pid = sleeper(net1)
  local file_inode = inode(net1, run_dir .. "/demo-net1")
  print("inode of " .. run_dir .. "/demo-net1 == inode of /proc/PID/ns/net of a process inside:",
    file_inode == inode(net1, "/proc/" .. pid .. "/ns/net"))
  print("and differs from demo-net2's:", file_inode ~= inode(net1, run_dir .. "/demo-net2"))
  print("Namespace values compare by that identity:", net1 == netns.get("demo-net1"), net1 == net2)

  step("ip netns exec: run a command inside one namespace")
  local r = net1:exec({ "ls", "/sys/class/net" })
  print("demo-net1 has:", (r.stdout:gsub("\n", " ")))
  r = net1:exec("echo $((6 * 7))")
  print("sh -c in demo-net1:", r.code, (r.stdout:gsub("\n", "")))

  step("ip -all netns exec: run it in every namespace at once")
  local lines = {}
  for name, res in pairs(netns.exec_all("ls /sys/class/net | wc -l", { match = "^demo%-net" })) do
    lines[#lines + 1] = name .. ": " .. res.stdout:gsub("\n", "") .. " interface(s)"
  end
  print(table.concat(sorted(lines), "\n"))

  step("ip netns identify / ip netns pids")
  print("identify(PID):", table.concat(netns.identify(pid), " "))
  local found = false
  for _, p in ipairs(net1:pids()) do found = found or p == pid end
  print("PID in demo-net1:pids():", found, "  in demo-net2:pids():", #net2:pids())

  step("ip netns monitor: watch namespaces come and go")
  local function show(ev)
    if ev.name == "demo-net3" then
      print("event:", ev.event, ev.name)
      netns.stop()
    end
  end
  local on_add, on_del = netns.on("add", show), netns.on("del", show)
  add("demo-net3")
  print("seen:", netns.wait(10))
  netns.del("demo-net3")
  print("seen:", netns.wait(10))
  netns.off(on_add)
  netns.off(on_del)
end

-- cleanup stops the background processes and deletes what demo() made.
local function cleanup()
  for _, pid in ipairs(sleepers) do
    os.execute("kill " .. pid .. " 2>/dev/null")
  end
  for _, name in ipairs(made) do
    if netns.get(name) then netns.del(name) end
  end
end

-- Run the demo; on failure keep the message and where it happened, clean
-- up, then fail with it.
local ok, err = xpcall(demo, function(e) return debug.traceback(tostring(e), 2) end)
step("ip netns del: remove everything the demo made")
cleanup()
local left = 0
for _, e in ipairs(netns.list()) do
  if e.name:match("^demo%-net") then left = left + 1 end
end
print("demo namespaces left:", left)
if not ok then error(err, 0) end
-- Output:
--
-- == ip netns add: create named network namespaces
-- netns.list():	demo-net1 demo-net2
--
-- == a named namespace is a namespace file bind-mounted in /run/netns
-- inode of /run/netns/demo-net1 == inode of /proc/PID/ns/net of a process inside:	true
-- and differs from demo-net2's:	true
-- Namespace values compare by that identity:	true	false
--
-- == ip netns exec: run a command inside one namespace
-- demo-net1 has:	lo 
-- sh -c in demo-net1:	0	42
--
-- == ip -all netns exec: run it in every namespace at once
-- demo-net1: 1 interface(s)
-- demo-net2: 1 interface(s)
--
-- == ip netns identify / ip netns pids
-- identify(PID):	demo-net1
-- PID in demo-net1:pids():	true	  in demo-net2:pids():	0
--
-- == ip netns monitor: watch namespaces come and go
-- event:	add	demo-net3
-- seen:	true
-- event:	del	demo-net3
-- seen:	true
--
-- == ip netns del: remove everything the demo made
-- demo namespaces left:	0
