-- netns.attach(name, pid) gives a name to the network namespace a process
-- is already in, without creating anything new.
--
-- Equivalent to: ip netns attach NAME PID
--
-- Here the process is nssh itself (its pid is the first field of
-- /proc/self/stat), so "here" names the namespace the script runs in.
local f = assert(io.open("/proc/self/stat"))
local mypid = f:read("*n")
f:close()

local here = netns.attach("here", mypid)
print(here)
-- identify() with no pid names the namespace of this process.
print(table.concat(netns.identify(), ","))

-- A pid that does not exist raises ESRCH (or ENOENT), and leaves no file.
local ok, err = pcall(netns.attach, "ghost", 999999999)
print(ok, err.code == "ESRCH" or err.code == "ENOENT", netns.get("ghost"))

-- Deleting the name only removes the name: the namespace lives on as
-- long as a process is in it.
here:del()
print(#netns.identify())
-- Output:
-- netns("here")
-- here
-- false	true	nil
-- 0
