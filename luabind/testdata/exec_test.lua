-- Tests of netns.exec, ns:exec and netns.exec_all.

function TestExecArgvAndShell(t)
  local ns = netns.add("x")
  local r = ns:exec({"echo", "hello", "world"})
  assert(r.ok == true and r.code == 0 and r.signal == nil, tostring(r.code))
  assert(r.stdout == "hello world\n", r.stdout)
  assert(r.stderr == "")
  assert(type(r.duration) == "number" and r.duration >= 0)
  r = netns.exec("x", "echo out; echo err >&2; exit 3")
  assert(r.ok == false and r.code == 3, tostring(r.code))
  assert(r.stdout == "out\n" and r.stderr == "err\n")
  -- the command runs inside the namespace: only lo, and it is down
  r = ns:exec({"cat", "/sys/class/net/lo/operstate"})
  assert(r.ok, r.stderr)
  assert(netns.exec(ns, "ls /sys/class/net").stdout == "lo\n")
  ns:del()
end

function TestExecStdinEnv(t)
  local ns = netns.add("x")
  local r = ns:exec({"cat"}, {stdin = "line1\nline2\n"})
  assert(r.stdout == "line1\nline2\n", r.stdout)
  r = ns:exec("echo $FOO-$BAR-${HOME:-unset}", {env = {FOO = "foo", BAR = 42, HOME = false}})
  assert(r.stdout == "foo-42-unset\n", r.stdout)
  r = ns:exec({"cat"})
  assert(r.stdout == "", "no stdin option: empty input")
  ns:del()
end

function TestExecTimeout(t)
  local ns = netns.add("x")
  local r = ns:exec({"sleep", "30"}, {timeout = 0.2})
  assert(r.ok == false and r.signal == 9, tostring(r.signal))
  assert(r.code == 137, tostring(r.code))
  r = ns:exec({"sleep", "30"}, {timeout = "150ms"})
  assert(r.signal == 9)
  r = ns:exec({"true"}, {timeout = "5s"})
  assert(r.ok and r.signal == nil)
  expect_argerror("option \"timeout\"", ns.exec, ns, {"true"}, {timeout = "soon"})
  expect_argerror("option \"timeout\"", ns.exec, ns, {"true"}, {timeout = -1})
  expect_argerror("option \"timeout\"", ns.exec, ns, {"true"}, {timeout = 0})
  ns:del()
end

function TestExecCheck(t)
  local ns = netns.add("x")
  assert(ns:exec({"true"}, {check = true}).ok)
  local err = expect_error("EXIT", ns.exec, ns, {"false"}, {check = true})
  assert(err.op == "netns.exec" and err.name == "x")
  assert(err.msg == '"false" exited with status 1', err.msg)
  assert(err.result.code == 1)
  err = expect_error("EXIT", ns.exec, ns, "kill -9 $$", {check = true})
  assert(err.msg == '"kill -9 $$" killed by signal SIGKILL', err.msg)
  assert(ns:exec({"false"}, {check = false}).code == 1)
  ns:del()
end

function TestExecInherit(t)
  local ns = netns.add("x")
  local r = ns:exec({"true"}, {inherit = true})
  assert(r.ok and r.stdout == nil and r.stderr == nil)
  ns:del()
end

function TestExecErrors(t)
  local ns = netns.add("x")
  local err = expect_error("ENOENT", ns.exec, ns, {"/nonexistent/cmd"})
  assert(err.msg == 'exec of "/nonexistent/cmd" failed: No such file or directory', err.msg)
  expect_error("ENOENT", netns.exec, "nosuch", {"true"})
  expect_error("EINVAL", netns.exec, "a/b", {"true"})
  expect_argerror("bad argument #2 to 'exec' %(table or string expected, got no value%)", netns.exec, "x")
  expect_argerror("bad argument #2 to 'exec' %(command must not be empty%)", netns.exec, "x", {})
  expect_argerror("bad argument #2 to 'exec' %(command%[2%]: string expected", netns.exec, "x", {"echo", 1})
  expect_argerror("bad argument #2 to 'exec' %(command must be an array", netns.exec, "x", {"echo", x = "y"})
  expect_argerror("bad argument #3 to 'exec' %(unknown option \"colour\"", netns.exec, "x", {"true"}, {colour = 1})
  expect_argerror("option \"check\": boolean expected", netns.exec, "x", {"true"}, {check = 1})
  expect_argerror("option \"stdin\": string expected", netns.exec, "x", {"true"}, {stdin = {}})
  expect_argerror("option \"env\"", netns.exec, "x", {"true"}, {env = "A=1"})
  expect_argerror("option \"env\"", netns.exec, "x", {"true"}, {env = {[1] = "x"}})
  expect_argerror("option \"env\"", netns.exec, "x", {"true"}, {env = {A = true}})
  expect_argerror("bad argument #1 to 'exec' %(Namespace or string expected, got number%)", netns.exec, 1, {"true"})
  ns:del()
end

function TestExecAll(t)
  for i = 1, 6 do netns.add("n" .. i) end
  netns.add("other")
  local res = netns.exec_all({"sh", "-c", "cat /proc/sys/net/ipv4/ip_forward; echo $X"}, {env = {X = "y"}})
  local count = 0
  for name, r in pairs(res) do
    count = count + 1
    assert(r.ok and r.stdout == "0\ny\n", name .. ": " .. tostring(r.stdout))
  end
  assert(count == 7, count)
  res = netns.exec_all("echo hi", {match = "^n[1-3]$", parallel = 2})
  count = 0
  for name, r in pairs(res) do
    count = count + 1
    assert(name:match("^n[1-3]$") and r.stdout == "hi\n")
  end
  assert(count == 3, count)
  res = netns.exec_all({"cat"}, {match = {"n1", "other", "gone"}, stdin = "in"})
  assert(res.n1.stdout == "in" and res.other.stdout == "in")
  assert(res.gone.ok == false, "a missing name gets a failed result")
  assert(res.gone.error == "netns.exec: gone: No such file or directory", res.gone.error)
  assert(res.n2 == nil)
  netns.del_all()
end

function TestExecAllFailures(t)
  netns.add("a"); netns.add("b"); netns.add("c")
  local res = netns.exec_all("exit 4", {timeout = 5})
  for _, r in pairs(res) do assert(r.code == 4) end
  res = netns.exec_all({"sleep", "30"}, {timeout = "100ms", parallel = 3})
  for name, r in pairs(res) do assert(r.signal == 9, name) end
  local err = expect_error("EXIT", netns.exec_all, {"false"}, {check = true})
  assert(err.op == "netns.exec_all" and err.name == "a", tostring(err))
  assert(err.msg == '"false" exited with status 1 (and 2 more failed)', err.msg)
  assert(err.results.b.code == 1)
  err = expect_error("ENOENT", netns.exec_all, {"/nonexistent"}, {check = true, match = {"b"}})
  assert(err.name == "b")
  local inh = netns.exec_all({"true"}, {inherit = true, match = {"a", "b"}})
  assert(inh.a.ok and inh.a.stdout == nil and inh.b.stderr == nil)
  local empty = netns.exec_all({"true"}, {match = "^zzz"})
  assert(next(empty) == nil)
  expect_argerror("option \"match\": malformed pattern", netns.exec_all, {"true"}, {match = "[a"})
  expect_argerror("option \"match\"", netns.exec_all, {"true"}, {match = 3})
  expect_argerror("option \"parallel\"", netns.exec_all, {"true"}, {parallel = 0})
  expect_argerror("option \"parallel\"", netns.exec_all, {"true"}, {parallel = "4"})
  expect_argerror("unknown option \"paralel\"", netns.exec_all, {"true"}, {paralel = 2})
  netns.del_all()
end

function TestExecEtcBinds(t)
  -- ETCDIR/NAME/* is bound over /etc/* for the child, as ip does
  local etc = os.getenv("NSSH_ETC_DIR")
  assert(etc, "sandbox sets NSSH_ETC_DIR")
  local ns = netns.add("e")
  os.execute("mkdir -p " .. etc .. "/e && echo custom > " .. etc .. "/e/hostname")
  local r = ns:exec({"cat", "/etc/hostname"})
  assert(r.stdout == "custom\n", r.stdout .. r.stderr)
  os.execute("rm -r " .. etc .. "/e")
  ns:del()
end
