-- Limits: what would exhaust the machine is a Lua error, not the end of
-- nssh (temp labs and everything else are still cleaned up normally).
-- string.rep refuses a result over 1 GiB; coroutines resumed inside one
-- another more than 200 deep raise an error.
print(pcall(string.rep, "x", 1e12))
print(string.rep("ab", 3))

local function nest(n)
  return coroutine.wrap(function() return nest(n + 1) end)()
end
print(pcall(nest, 1))

-- Ordinary coroutine use is unchanged.
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print(gen(), gen(), gen())
print(coroutine.resume(coroutine.create(function(a, b) return a + b end), 1, 2))
-- Output:
-- false	scripts/limits.lua:5: string.rep: the result would be 1000000000000 bytes, over the limit of 1073741824
-- ababab
-- false	scripts/limits.lua:9: coroutines nested more than 200 deep
-- 1	2	3
-- true	3
