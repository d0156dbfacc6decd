-- ns:exec(cmd [, opts]) is netns.exec(ns, cmd [, opts]). The options:
--   stdin = "text"      the child's standard input
--   env = {K = "v"}     merged into the environment (false removes a key)
--   timeout = seconds   (or "500ms") kill the child after that long
--   check = true        raise an error when the command fails
--   inherit = true      the child uses nssh's stdin/stdout/stderr (for
--                       interactive programs); nothing is captured
local blue = netns.add("blue")

-- stdin
local r = blue:exec({ "tr", "a-z", "A-Z" }, { stdin = "hello\n" })
io.write(r.stdout)

-- env: added to (or removed from) the inherited environment
r = blue:exec("echo $GREETING-$HOME", { env = { GREETING = "hi", HOME = false } })
io.write(r.stdout)

-- timeout: the child is killed (SIGKILL) and signal is set
r = blue:exec({ "sleep", "30" }, { timeout = "200ms" })
print(r.ok, r.signal)

-- check: a failing command raises {code="EXIT"} with the result attached
local ok, err = pcall(blue.exec, blue, "exit 7", { check = true })
print(ok, err.code, err.result.code)

-- inherit: output goes straight to nssh's stdout
r = blue:exec({ "echo", "straight to the terminal" }, { inherit = true })
print(r.ok, r.stdout)

-- unknown options are an error
print(pcall(blue.exec, blue, "true", { tiemout = 1 }))
blue:del()
-- Output:
-- HELLO
-- hi-
-- false	9
-- false	EXIT	7
-- straight to the terminal
-- true	nil
-- false	scripts/ns_exec.lua:31: bad argument #3 to 'exec' (unknown option "tiemout" (allowed: stdin, env, timeout, check, inherit, cwd, max_output))
