-- Helpers for the *_test.lua files, loaded by TestLuaFiles before each one.

-- expect_error calls f(...) and requires a structured error with code.
function expect_error(code, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error " .. code)
  assert(type(err) == "table", "expected a structured error, got " .. tostring(err))
  assert(err.code == code, "expected code " .. code .. ", got " .. tostring(err.code) .. ": " .. tostring(err))
  return err
end

-- expect_argerror calls f(...) and requires an argument error (a string)
-- matching the Lua pattern.
function expect_argerror(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an argument error")
  assert(type(err) == "string", "expected a string error, got " .. tostring(err))
  assert(err:find(pattern), "error " .. err .. " does not match " .. pattern)
  return err
end

-- LIVENESS bounds how long a test waits for something that must happen;
-- it is a guard against hangs, never a speed assertion.
LIVENESS = 60
