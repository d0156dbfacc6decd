#!/usr/bin/python3
"""The star lab of nssh.md §7 made with pyroute2 (Debian python3-pyroute2):
namespaces with pyroute2.netns, links and addresses over one IPRoute
socket per namespace (opened inside it with pushns/popns, the fastest
documented way; NetNS() would add a helper process per namespace).

    star_pyroute2.py up N | down N
"""
import sys

from pyroute2 import IPRoute, netns


def addr(i):
    return "10.1.%d.%d" % (i // 256, i % 256)


def socket_in(name):
    netns.pushns(name)
    try:
        return IPRoute()
    finally:
        netns.popns()


def up(n):
    netns.create("star-sw")
    sw = socket_in("star-sw")
    sw.link("add", ifname="br0", kind="bridge")
    br = sw.link_lookup(ifname="br0")[0]
    sw.link("set", index=br, state="up")
    for i in range(1, n + 1):
        host = "star-h%d" % i
        netns.create(host)
        sw.link("add", ifname="p%d" % i, kind="veth", peer={"ifname": "eth0", "net_ns_fd": host})
        port = sw.link_lookup(ifname="p%d" % i)[0]
        sw.link("set", index=port, master=br, state="up")
        h = socket_in(host)
        eth0 = h.link_lookup(ifname="eth0")[0]
        h.addr("add", index=eth0, address=addr(i), prefixlen=16)
        h.link("set", index=eth0, state="up")
        h.link("set", index=h.link_lookup(ifname="lo")[0], state="up")
        h.close()
    sw.close()


def down(n):
    netns.remove("star-sw")
    for i in range(1, n + 1):
        netns.remove("star-h%d" % i)


if __name__ == "__main__":
    {"up": up, "down": down}[sys.argv[1]](int(sys.argv[2]))
