#!/usr/bin/python3
"""The OSPF ring of bench/ospf.sh made by Mininet (Debian mininet): N
routers (Mininet hosts with IP forwarding) in a ring, BIRD 2 on each with
its own config, socket and pid file, and a loopback per router. Mininet
hosts live in unnamed namespaces and its links are made in the namespace
it runs in, so bench/ospf.sh runs this in a private network namespace.
net.stop() removes what this Mininet made (never `mn -c`).

    ring_mininet.py N   prints "build S", "converge S", "down S", "routers N"
"""
import os
import sys
import tempfile
import time

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import Node
from mininet.topo import Topo

CONF = """router id 10.255.0.%d;
protocol device { scan time 10; }
protocol kernel { ipv4 { export all; }; }
protocol ospf v2 {
  ipv4 { import all; export none; };
  area 0 {
    interface "r%d-eth*" { type ptp; hello 1; dead count 3; retransmit 2; };
    interface "lo" { stub; };
  };
}
"""


class Router(Node):
    def config(self, **params):
        super().config(**params)
        self.cmd("sysctl -qw net.ipv4.ip_forward=1")


class Ring(Topo):
    def build(self, n):
        for i in range(1, n + 1):
            self.addNode("r%d" % i, cls=Router, ip=None)
        for i in range(1, n + 1):
            j = i % n + 1
            self.addLink("r%d" % i, "r%d" % j, intfName1="r%d-eth1" % i, intfName2="r%d-eth0" % j,
                         params1={"ip": "10.0.%d.1/30" % i}, params2={"ip": "10.0.%d.2/30" % i})


def converged(net, n):
    for src in net.hosts:
        for j in range(1, n + 1):
            if src.name != "r%d" % j and "1 received" not in src.cmd("ping -c1 -W1 10.255.0.%d" % j):
                return False
    return True


def main(n):
    setLogLevel("error")
    tmp = tempfile.mkdtemp(prefix="nssh-ospf-mn.")
    t0 = time.monotonic()
    net = Mininet(topo=Ring(n), controller=None, waitConnected=False)
    net.start()
    for i, r in enumerate(net.hosts, 1):
        i = int(r.name[1:])
        r.cmd("ip addr add 10.255.0.%d/32 dev lo" % i)
        conf = os.path.join(tmp, r.name + ".conf")
        with open(conf, "w") as f:
            f.write(CONF % (i, i))
        r.cmd("bird -c %s -s %s/%s.ctl -P %s/%s.pid" % (conf, tmp, r.name, tmp, r.name))
    t1 = time.monotonic()
    while not converged(net, n):
        time.sleep(0.1)
        if time.monotonic() - t1 > 120:
            break
    t2 = time.monotonic()
    for r in net.hosts:
        r.cmd("kill $(cat %s/%s.pid)" % (tmp, r.name))
    routers = len(net.hosts)
    net.stop()
    t3 = time.monotonic()
    for name in os.listdir(tmp):
        os.remove(os.path.join(tmp, name))
    os.rmdir(tmp)
    print("build %.3f" % (t1 - t0))
    print("converge %.3f" % (t2 - t1))
    print("down %.3f" % (t3 - t2))
    print("routers %d" % routers)


if __name__ == "__main__":
    main(int(sys.argv[1]))
