-- Error messages have one shape, "op: subject: reason", and say why.

function TestInvalidNameSaysWhy(t)
  local e = expect_error("EINVAL", netns.add, "a/b")
  assert(e.msg == [[invalid name "a/b": contains '/']], e.msg)
  assert(tostring(e) == [[netns.add: a/b: invalid name "a/b": contains '/']], tostring(e))
  e = expect_error("EINVAL", netns.add, "..")
  assert(e.msg == [[invalid name "..": reserved]], e.msg)
  assert(#netns.list() == 0)
end

function TestAttachToAMissingProcessIsESRCH(t)
  local f = assert(io.open("/proc/sys/kernel/pid_max"))
  local pid = tonumber(f:read("*l")) -- pids are below pid_max: no such process
  f:close()
  local e = expect_error("ESRCH", netns.attach, "x", pid)
  assert(e.msg == "No such process", e.msg)
  assert(netns.get("x") == nil and #netns.list() == 0, "attach left an entry")
end

function TestLoopbackType(t)
  local ns = netns.add("lo1")
  local lo = ns:links()[1]
  assert(lo.name == "lo" and lo.type == "loopback", lo.type)
  netns.del(ns)
end

function TestFailedUpSaysTheLabIsPartial(t)
  local lab = netns.lab{ name = "m1", nodes = { h1 = { sysctl = { ["net.ipv4.nope"] = 1 } } } }
  local e = expect_error("ENOENT", lab.up, lab)
  assert(tostring(e) == "lab:up: m1: m1-h1: no sysctl net.ipv4.nope " ..
    "(lab left partial: lab:down() or `nssh lab down m1` removes it)", tostring(e))
  assert(netns.get("m1-h1"), "a non-temp lab stays partial")
  lab:down()
  assert(#netns.list() == 0)
end

function TestFailedUpOfATempLabRemovesWhatItMade(t)
  local lab = netns.lab{ name = "m2", temp = true,
    nodes = { a = {}, h1 = { sysctl = { ["net.ipv4.nope"] = 1 } } } }
  local e = expect_error("ENOENT", lab.up, lab)
  assert(tostring(e) == "lab:up: m2: m2-h1: no sysctl net.ipv4.nope (temp lab: what up() made was removed)",
    tostring(e))
  assert(#netns.list() == 0, "the temp lab's namespaces are gone")
end

function TestLabSpecErrorsNameTheSubjectAsWritten(t)
  expect_argerror([[%(links%[1%]: c:e0: unknown node "c"%)]], netns.lab,
    { name = "m3", nodes = { a = {}, b = {} }, links = { { "a:e0", "c:e0" } } })
  expect_argerror([[%(links%[1%]%.addrs%[1%]: ]], netns.lab,
    { name = "m3", nodes = { a = {}, b = {} }, links = { { "a:e0", "b:e0", addrs = { "10.0.0.1" } } } })
  expect_argerror([[%(nodes%.a: bad sysctl key "kernel%.x"]], netns.lab,
    { name = "m3", nodes = { a = { sysctl = { ["kernel.x"] = 1 } } } })
end

function TestPingallWithoutAddressesSaysSo(t)
  netns.add("p1"); netns.add("p2")
  local m = netns.pingall()
  assert(next(m) == nil, "nobody to ping")
  assert(tostring(m):match("^no host has an address"), tostring(m))
  netns.del_all()
end

function TestDeletedNamespaceSaysTheSameEverywhere(t)
  local ns = netns.add("gone1")
  netns.del("gone1")
  local id = expect_error("ENOENT", ns.id, ns)
  local ex = expect_error("ENOENT", ns.exec, ns, { "true" })
  local pids = expect_error("ENOENT", ns.pids, ns)
  assert(id.msg == ex.msg and ex.msg == pids.msg, id.msg .. " | " .. ex.msg .. " | " .. pids.msg)
  assert(tostring(ex) == "netns.exec: gone1: " .. ex.msg, tostring(ex))
  assert(tostring(id) == id.op .. ": gone1: " .. id.msg, tostring(id))
end
