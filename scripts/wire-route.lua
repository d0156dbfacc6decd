-- ns:route_add / ns:route_del / ns:routes: static routes, "default" or a
-- prefix, via a gateway and/or out of a device, with metric and table.
-- Equivalent to: ip -n h route add default via 10.0.0.254
local h = netns.add("h")
h:link_set("lo", { up = true })
h:link_add { name = "v0", type = "veth", peer = "v1", up = true }
h:addr_add("v0", "10.0.0.1/24")

h:route_add { dst = "default", via = "10.0.0.254" }
h:route_add { dst = "192.168.0.0/16", dev = "v0", metric = 100 }
h:route_add { dst = "172.16.0.0/12", via = "10.0.0.253", table = 10 }
for _, r in ipairs(h:routes()) do
  if not r.dst:find(":") then -- IPv4 only (IPv6 link-local routes come and go)
    print(r.dst, r.via or "-", r.dev or "-", r.metric, r.table, r.proto, r.scope)
  end
end

h:route_del { dst = "default" }
h:route_del { dst = "172.16.0.0/12", table = 10 }
local v4 = 0
for _, r in ipairs(h:routes()) do if not r.dst:find(":") then v4 = v4 + 1 end end
print("IPv4 routes left:", v4)

local ok, err = pcall(h.route_add, h, { dst = "10.1.2.3/8", dev = "v0" })
print(err.msg)

netns.del_all()
-- Output:
-- default	10.0.0.254	v0	0	254	boot	global
-- 10.0.0.0/24	-	v0	0	254	kernel	link
-- 192.168.0.0/16	-	v0	100	254	boot	link
-- 172.16.0.0/12	10.0.0.253	v0	0	10	boot	global
-- IPv4 routes left:	2
-- destination "10.1.2.3/8" has host bits set (did you mean 10.0.0.0/8?)
