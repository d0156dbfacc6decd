--//args red blue
-- A script gets its command-line arguments in the global table arg
-- (arg[0] is the script) and as the chunk's "...", like lua:
--
--   nssh scripts/args.lua red blue
--
-- Scripts may start with "#!/usr/bin/env nssh" and be run directly.
print(arg[0], #arg)
for i, name in ipairs(arg) do
  print(i, netns.add(name))
end
print(select("#", ...), ...)
netns.del_all()
-- Output:
-- scripts/args.lua	2
-- 1	netns("red")
-- 2	netns("blue")
-- 2	red	blue
