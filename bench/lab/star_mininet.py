#!/usr/bin/python3
"""The star lab of nssh.md §7 made by Mininet (Debian mininet): one Linux
bridge (bridge-utils; no Open vSwitch, no controller, no network access)
and N hosts. Mininet hosts are shell processes in unnamed namespaces and
its switch lives in the namespace Mininet runs in, so this runs in the
private network namespace bench/lab.sh makes. net.stop() removes exactly
what this Mininet made (no `mn -c`, which kills system-wide by name).

    star_mininet.py star N      prints "build S" and "down S"
    star_mininet.py pingall N   prints "pingall S" and "ok OK/PAIRS"
"""
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import SingleSwitchTopo


def main(mode, n):
    setLogLevel("error")
    t0 = time.monotonic()
    # pingall: static ARP entries (Mininet's own answer to the kernel's
    # global 1024-entry neighbour table), set up before the timing starts.
    net = Mininet(topo=SingleSwitchTopo(n), switch=LinuxBridge, controller=None,
                  waitConnected=False, autoStaticArp=(mode == "pingall"))
    net.start()
    t1 = time.monotonic()
    if mode == "pingall":
        loss = net.pingAll(timeout=1)
        t2 = time.monotonic()
        pairs = n * (n - 1)
        print("pingall %.3f" % (t2 - t1))
        print("ok %d/%d" % (round(pairs * (100 - loss) / 100), pairs))
        t1 = time.monotonic()
    hosts = len(net.hosts)
    net.stop()
    t3 = time.monotonic()
    if mode == "star":
        print("build %.3f" % (t1 - t0))
        print("down %.3f" % (t3 - t1))
    print("hosts %d" % hosts)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
