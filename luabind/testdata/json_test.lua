-- Tests of the json module (nssh.md §4.6): round trips, null, arrays vs
-- objects, and bad input as argument errors.

function TestJSONRoundTrip(t)
  local src = '{"arr":[1,-2,3.25,"s",null,false,[],{}],"nested":{"k":{"x":1e3}},"u":"\\u00e9\\n"}'
  local v = json.decode(src)
  assert(#v.arr == 8, "array length " .. #v.arr)
  assert(v.arr[5] == json.null and v.arr[6] == false)
  assert(v.nested.k.x == 1000 and v.u == "é\n")
  local again = json.decode(json.encode(v))
  assert(json.encode(again) == json.encode(v))
  assert(json.encode(v) == '{"arr":[1,-2,3.25,"s",null,false,{},{}],"nested":{"k":{"x":1000}},"u":"é\\n"}',
    json.encode(v))
  assert(json.decode("  42 ") == 42 and json.decode('"x"') == "x" and json.decode("null") == json.null)
end

function TestJSONEncodeIndent(t)
  assert(json.encode({ a = { 1 } }, { indent = true }) == '{\n  "a": [\n    1\n  ]\n}')
  assert(json.encode(nil) == "null" and json.encode(json.null) == "null")
  assert(json.encode(2 ^ 53) == "9007199254740992")
  assert(json.encode(0.1) == "0.1")
end

function TestJSONBadInput(t)
  expect_argerror("offset 9", json.decode, '{"a": 1,}')
  expect_argerror("data after the value", json.decode, '1 2')
  expect_argerror("unexpected end of input", json.decode, '[1, 2')
  expect_argerror("string expected", json.decode, nil)
  local cyc = {}
  cyc.self = cyc
  expect_argerror("nested deeper", json.encode, cyc)
  expect_argerror("cannot encode a function", json.encode, { f = print })
  expect_argerror("cannot encode", json.encode, 0 / 0)
  expect_argerror("holes", json.encode, { 1, nil, 3 })
  expect_argerror("not an array index", json.encode, { [1] = 1, [2.5] = 2 })
  expect_argerror("unknown option", json.encode, {}, { pretty = true })
end
