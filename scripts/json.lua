-- json.decode / json.encode: parse what tools print (ip -j, iperf3 -J)
-- and write JSON back. null is json.null, so arrays keep their length.
local h = netns.add("h")
h:link_set("lo", { up = true })
local r = h:exec({ "ip", "-j", "addr", "show", "dev", "lo" }, { check = true })
local links = json.decode(r.stdout)
print(#links, links[1].ifname, links[1].addr_info[1]["local"])

local v = json.decode('{"a": [1, 2.5, null, true], "b": {"c": "d"}}')
print(#v.a, v.a[2], v.a[3] == json.null, tostring(v.a[3]), v.b.c)
print(json.encode(v))
print(json.encode({ 1, "two", { x = false } }))
print(json.encode({}), json.encode("a\"b\n"))
print(require("json") == json)

local ok, err = pcall(json.decode, '{"a": 1,}')
print(ok, err)
ok, err = pcall(json.encode, { 1, nil, 3, n = 1 })
print(ok, err)

h:del()
-- Output:
-- 1	lo	127.0.0.1
-- 4	2.5	true	json.null	d
-- {"a":[1,2.5,null,true],"b":{"c":"d"}}
-- [1,"two",{"x":false}]
-- {}	"a\"b\n"
-- true
-- false	scripts/json.lua:16: bad argument #1 to 'json.decode' (invalid JSON: invalid character '}' looking for beginning of object key string at offset 9)
-- false	scripts/json.lua:18: bad argument #1 to 'json.encode' (table mixes array items and string keys)
