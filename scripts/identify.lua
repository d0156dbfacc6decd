-- netns.identify([pid]) returns every name of the network namespace a
-- process is in (an empty table when the namespace has no name); without
-- a pid it looks at nssh itself.
--
-- Equivalent to: ip netns identify [PID]
local blue = netns.add("blue")

-- Start a process that stays in "blue" after exec returns: the shell puts
-- sleep in the background, prints its pid and exits.
local r = blue:exec("sleep 30 </dev/null >/dev/null 2>&1 & echo $!")
local pid = tonumber(r.stdout)

print(table.concat(netns.identify(pid), ","))
print(#netns.identify())          -- nssh runs in an unnamed namespace

-- A second name for the same namespace: identify reports both.
netns.attach("azure", pid)
local names = netns.identify(pid)
table.sort(names)
print(table.concat(names, ","))

blue:exec({ "kill", tostring(pid) })
netns.del_all()
-- Output:
-- blue
-- 0
-- azure,blue
