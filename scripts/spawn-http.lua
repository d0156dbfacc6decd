--//needs python3 curl
-- An HTTP server in one node, a client in another: the server is spawned
-- (it keeps running while the script goes on), proc:expect waits until it
-- listens, and its request log is read back the same way.
--
--   h1 (10.0.0.1) --- h2 (10.0.0.2, python3 -m http.server 8000)
local h1, h2 = netns.add("h1"), netns.add("h2")
netns.veth(h1, "eth0", h2, "eth0", { up = true })
h1:addr_add("eth0", "10.0.0.1/24")
h2:addr_add("eth0", "10.0.0.2/24")

-- The directory the server serves (cwd=), with one file in it.
local dir = h2:exec({ "mktemp", "-d" }, { check = true }).stdout:gsub("\n$", "")
local f = assert(io.open(dir .. "/hello.txt", "w"))
f:write("hello from h2\n")
f:close()

-- -u: unbuffered, so each log line reaches the pipe when it is written.
local srv = h2:spawn({ "python3", "-u", "-m", "http.server", "8000", "--bind", "10.0.0.2" },
  { cwd = dir, name = "http" })
print(srv:expect("Serving HTTP on (%S+) port (%d+)", 10))

local r = h1:exec({ "curl", "-sS", "--max-time", "5", "http://10.0.0.2:8000/hello.txt" })
print(r.ok, r.stdout)
-- The server logs the request on stderr: the client's address and the path.
print(srv:expect('^(%S+) .*"GET (%S+) HTTP', 10))

srv:kill()
print(srv:wait().signal)
h2:exec({ "rm", "-r", dir })
netns.del_all()
-- Output:
-- 10.0.0.2	8000
-- true	hello from h2
--
-- 10.0.0.1	/hello.txt
-- 15
