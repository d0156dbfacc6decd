#!/bin/sh
# The star lab of nssh.md §7 made by a shell script of ip commands, the
# way a lab script is usually written:
#   star-ip.sh up N | down N | arp N | pingall N
# arp sets permanent neighbour entries for every pair (the kernel's ARP
# table is shared by all namespaces and holds only 1024 dynamic entries).
set -e
mode=$1 n=$2
addr() { echo "10.1.$(($1 / 256)).$(($1 % 256))"; }
case $mode in
up)
	ip netns add star-sw
	ip -n star-sw link add br0 type bridge
	ip -n star-sw link set br0 up
	i=1
	while [ "$i" -le "$n" ]; do
		ip netns add "star-h$i"
		ip -n star-sw link add "p$i" type veth peer name eth0 netns "star-h$i"
		ip -n star-sw link set "p$i" master br0 up
		ip -n "star-h$i" addr add "$(addr "$i")/16" dev eth0
		ip -n "star-h$i" link set eth0 up
		ip -n "star-h$i" link set lo up
		i=$((i + 1))
	done
	;;
down)
	ip netns del star-sw
	i=1
	while [ "$i" -le "$n" ]; do
		ip netns del "star-h$i"
		i=$((i + 1))
	done
	;;
arp)
	i=1 macs=""
	while [ "$i" -le "$n" ]; do
		macs="$macs $(ip -n "star-h$i" -br link show eth0 | awk '{print $3}')"
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$n" ]; do
		j=1
		for mac in $macs; do
			[ "$i" -ne "$j" ] && ip -n "star-h$i" neigh replace "$(addr "$j")" lladdr "$mac" dev eth0 nud permanent
			j=$((j + 1))
		done
		i=$((i + 1))
	done
	;;
pingall)
	ok=0 all=0 i=1
	while [ "$i" -le "$n" ]; do
		j=1
		while [ "$j" -le "$n" ]; do
			if [ "$i" -ne "$j" ]; then
				all=$((all + 1))
				if ip netns exec "star-h$i" ping -q -c1 -W1 "$(addr "$j")" >/dev/null 2>&1; then
					ok=$((ok + 1))
				fi
			fi
			j=$((j + 1))
		done
		i=$((i + 1))
	done
	echo "ok $ok/$all"
	;;
*)
	echo "usage: $0 up|down|arp|pingall N" >&2
	exit 2
	;;
esac
