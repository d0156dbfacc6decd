-- ns:addr_add / ns:addr_del / ns:addrs: IPv4 and IPv6 interface addresses.
-- IPv6 addresses are added without duplicate address detection, so they
-- work at once.
-- Equivalent to: ip -n h addr add 10.0.0.1/24 dev eth0
local h, peer = netns.add("h"), netns.add("peer")
netns.veth(h, "eth0", peer, "eth0", { up = true })

h:addr_add("eth0", "10.0.0.1/24")
h:addr_add("eth0", "fd00::1/64")
peer:addr_add("eth0", "fd00::2/64")
for _, a in ipairs(h:addrs("eth0")) do
  if a.family == "inet" or a.addr:sub(1, 4) ~= "fe80" then -- skip the random link-local
    print(a.dev, a.addr, a.family)
  end
end
print("IPv6 usable at once:", netns.ping(h, "fd00::2", { timeout = 2 }).ok)

h:addr_del("eth0", "10.0.0.1/24")
local left = 0
for _, a in ipairs(h:addrs()) do if a.family == "inet" then left = left + 1 end end
print("inet addresses left:", left)

-- Malformed input and missing addresses raise structured errors.
print(select(2, pcall(h.addr_add, h, "eth0", "10.0.0.1")).msg)
print(select(2, pcall(h.addr_del, h, "eth0", "10.0.0.1/24")).code)

netns.del_all()
-- Output:
-- eth0	10.0.0.1/24	inet
-- eth0	fd00::1/64	inet6
-- IPv6 usable at once:	true
-- inet addresses left:	0
-- invalid address "10.0.0.1" (want ADDR/LEN, like 10.0.0.1/24)
-- EADDRNOTAVAIL
