-- netns.next_event([seconds]) returns the next queued event as a table
-- (without running handlers), or nil when none comes within seconds
-- (0 only polls). Its first call starts the add/del watch, so call it once
-- with 0 before the changes to watch.
print(netns.next_event(0))

netns.add("blue")
local ev = netns.next_event(5)
print(ev.event, ev.name)

netns.del("blue")
ev = netns.next_event(5)
print(ev.event, ev.name)

print(netns.next_event(0.1))
-- Output:
-- nil
-- add	blue
-- del	blue
-- nil
