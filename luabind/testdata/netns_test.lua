-- Tests of the namespace functions of the netns module.

function TestAddGetDel(t)
  local blue = netns.add("blue")
  assert(blue.name == "blue")
  assert(tostring(blue) == 'netns("blue")', tostring(blue))
  local again = netns.get("blue")
  assert(again == blue, "get returns an equal Namespace")
  assert(netns.get("missing") == nil)
  local ok, err = pcall(netns.get, "a/b")
  assert(not ok and err.code == "EINVAL", "an invalid name is an error, not a miss")
  local names = {}
  for _, e in ipairs(netns.list()) do names[#names + 1] = e.name end
  assert(#names == 1 and names[1] == "blue", table.concat(names, ","))
  blue:del()
  assert(netns.get("blue") == nil)
  assert(#netns.list() == 0)
end

function TestAddTwice(t)
  netns.add("blue")
  local err = expect_error("EEXIST", netns.add, "blue")
  assert(err.op == "netns.add", err.op)
  assert(err.name == "blue")
  assert(err.msg == "File exists", err.msg)
  assert(tostring(err) == "netns.add: blue: File exists", tostring(err))
  netns.del("blue")
end

function TestBadNames(t)
  for _, name in ipairs({"", "a/b", ".", "..", string.rep("x", 256)}) do
    local err = expect_error("EINVAL", netns.add, name)
    assert(err.msg:match('^invalid name ".*": '), err.msg) -- and why (messages_test.lua)
  end
  assert(#netns.list() == 0, "bad names leave nothing behind")
  expect_argerror("bad argument #1 to 'add' %(string expected, got no value%)", netns.add)
  expect_argerror("bad argument #1 to 'add' %(string expected, got number%)", netns.add, 1)
  expect_argerror("bad argument #2 to 'add'", netns.add, "x", "extra")
end

function TestDelMissing(t)
  local err = expect_error("ENOENT", netns.del, "nosuch")
  assert(tostring(err) == "netns.del: nosuch: No such file or directory", tostring(err))
  expect_error("EINVAL", netns.del, "..")
end

function TestStaleHandle(t)
  local a = netns.add("re")
  netns.del("re")
  local b = netns.add("re")
  assert(a ~= b, "a re-added namespace is another kernel namespace")
  expect_error("ENOENT", a.del, a)
  expect_error("ENOENT", a.pids, a)
  b:del()
end

function TestEqualityByIdentity(t)
  local a = netns.add("one")
  -- attach names the test process's own namespace: not equal to "one"
  local self = netns.attach("self", TEST_PID)
  assert(a ~= self)
  local self2 = netns.attach("self2", TEST_PID)
  assert(self == self2, "two names of one namespace are equal")
  local names = netns.identify(TEST_PID)
  table.sort(names)
  assert(#names == 2 and names[1] == "self" and names[2] == "self2", table.concat(names, ","))
  assert(#netns.identify() == 2, "no pid: this process")
  assert(netns.del_all() == 3)
end

function TestAttachErrors(t)
  expect_argerror("bad argument #2 to 'attach'", netns.attach, "x")
  expect_argerror("bad argument #2 to 'attach' %(integer", netns.attach, "x", 1.5)
  expect_argerror("bad argument #2 to 'attach' %(integer", netns.attach, "x", -3)
  expect_error("ESRCH", netns.attach, "x", 2147483647)
  assert(netns.get("x") == nil, "failed attach leaves nothing")
end

function TestIdentify(t)
  assert(#netns.identify() == 0, "unnamed namespace gives an empty list")
  local err = expect_error("ENOENT", netns.identify, 2147483647)
  assert(err.name == "2147483647", tostring(err.name))
  expect_argerror("bad argument #1 to 'identify'", netns.identify, "1")
end

function TestSetIDAndList(t)
  local a = netns.add("a")
  local b = netns.add("b")
  assert(a:id() == nil, "fresh namespace has no id")
  assert(netns.list()[1].id == nil)
  netns.set_id("a", 7)
  assert(a:id() == 7)
  b:set_id("auto")
  assert(type(b:id()) == "number")
  local byname = {}
  for _, e in ipairs(netns.list_id()) do byname[e.name] = e.nsid end
  assert(byname.a == 7, tostring(byname.a))
  assert(byname.b == b:id())
  for _, e in ipairs(netns.list()) do
    assert(e.id == byname[e.name])
  end
  expect_error("EEXIST", netns.set_id, "b", 7)
  expect_argerror("bad argument #2 to 'set_id'", netns.set_id, "a", "seven")
  expect_argerror("bad argument #2 to 'set_id'", netns.set_id, "a", -1)
  expect_error("ENOENT", netns.set_id, "nosuch", 1)
  netns.del_all()
end

function TestPids(t)
  local ns = netns.add("p")
  assert(#ns:pids() == 0)
  assert(#netns.pids("p") == 0)
  expect_error("ENOENT", netns.pids, "nosuch")
  ns:del()
end

function TestRequire(t)
  local m = require("netns")
  assert(m == netns, "require returns the global table")
end

function TestDelAllEmpty(t)
  assert(netns.del_all() == 0)
end
