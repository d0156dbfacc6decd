--//needs socat
-- Services on lab nodes: started by up() after the wiring, in node order,
-- each waiting for its ready pattern; their output goes to
-- lab:path(node)/NAME.log (lab:logs). up() repairs drift: a service that
-- died is restarted and shows in the changes. down() stops them.
local lab = netns.lab{
  name = "sv",
  nodes = {
    a = {},
    b = { services = { echo = { cmd = { "socat", "-d", "-d", "TCP-LISTEN:7000,fork,reuseaddr", "SYSTEM:echo hello" },
                                ready = "listening on" } } },
  },
  links = { { "a:eth0", "b:eth0", addrs = { "10.0.0.1/24", "10.0.0.2/24" } } },
}
for _, c in ipairs(lab:up()) do
  if c.kind == "service" then print(c.op, c.kind, c.name, c.value) end
end
local function show()
  for _, s in ipairs(lab:services()) do print(s.node, s.name, s.state, type(s.pid)) end
end
show()
-- lab:exec runs in the node's namespace and directory.
print(lab:exec("a", "socat - TCP:10.0.0.2:7000 </dev/null").stdout)
print(lab:exec("b", "ls").stdout)
print(lab:logs("b", "echo"):find("listening on") ~= nil)

-- Drift: kill the service behind the lab's back.
local pid = lab:services()[1].pid
netns.exec("sv-b", { "kill", tostring(pid) })
while lab:services()[1].state == "running" do netns.wait(0.05) end
show()
for _, c in ipairs(lab:plan()) do print("plan:", c.op, c.kind, c.name, (c.value:gsub("%d+", "N"))) end
lab:up()
show()
print(lab:services()[1].pid ~= pid, lab:exec("a", "socat - TCP:10.0.0.2:7000 </dev/null").stdout)

for _, c in ipairs(lab:down()) do print(c.op, c.kind, c.name) end
show()
-- Output:
-- add	service	sv-b:echo	socat -d -d TCP-LISTEN:7000,fork,reuseaddr SYSTEM:echo hello
-- b	echo	running	number
-- hello
--
-- echo.log
--
-- true
-- b	echo	dead	number
-- plan:	add	service	sv-b:echo	restart: pid N exited
-- b	echo	running	number
-- true	hello
--
-- del	service	sv-b:echo
-- del	netns	sv-a
-- del	netns	sv-b
-- b	echo	stopped	nil
