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

-- Memory: Lua may use up to --mem-limit (default 1G, NSSH_MEM_LIMIT).
-- Past it Lua raises "not enough memory (limit 1 GiB, --mem-limit)", which
-- pcall catches; a loop that keeps the memory gets the error again at once.
-- Functions that build one big value (table.concat, string.rep,
-- string.format, string.gsub, json) refuse it before making it.
local part = string.rep("x", 2^20)        -- 1 MiB
local parts = {}
for i = 1, 4096 do parts[i] = part end     -- 4096 references, not copies
print(pcall(table.concat, parts))          -- would be 4 GiB
print(#table.concat(parts, "", 1, 8))      -- 8 MiB is fine

-- Ordinary coroutine use is unchanged.
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print(gen(), gen(), gen())
print(coroutine.resume(coroutine.create(function(a, b) return a + b end), 1, 2))
-- Output:
-- false	scripts/limits.lua:5: string.rep: the result would be 1000000000000 bytes, over the limit of 1073741824
-- ababab
-- false	scripts/limits.lua:9: coroutines nested more than 200 deep
-- false	scripts/limits.lua:21: table.concat: the result would be 4294967296 bytes: not enough memory (limit 1 GiB, --mem-limit)
-- 8388608
-- 1	2	3
-- true	3
