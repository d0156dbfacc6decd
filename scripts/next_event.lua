-- netns.next_event([seconds]) returns the next queued event as a table
-- (without running handlers), or nil when none comes within seconds
-- (0 only polls). Its first call starts the add/del watch and also
-- reports the adds and dels this script made before it.
netns.add("early")
local ev = netns.next_event(5)
print(ev.event, ev.name)
netns.del("early")
print(netns.next_event(5).event)
print(netns.next_event(0))

netns.add("blue")
ev = netns.next_event(5)
print(ev.event, ev.name)

netns.del("blue")
ev = netns.next_event(5)
print(ev.event, ev.name)

print(netns.next_event(0.1))
-- Output:
-- add	early
-- del
-- nil
-- add	blue
-- del	blue
-- nil
