package main

import (
	"errors"
	"fmt"

	"github.com/nssh/nssh/core"
)

// nsidOf returns the nsid of RUNDIR/NAME as seen from this netns, -1 when
// unassigned or the entry cannot be opened (silently, as ip), and prints
// the kernel's refusal (a stale or non-netns entry) like ip's rtnl_talk.
func (c *netnsCLI) nsidOf(name string) int {
	id, err := c.cfg.GetID(name)
	if err == nil {
		return id
	}
	var ne *core.NsidError
	if errors.As(err, &ne) {
		c.errorf("%s", core.NetlinkText(err))
	}
	return -1
}

// mapInit fills ip's nsid -> name cache from the run dir (netns_map_init):
// one look-up per entry, the first name of an nsid wins.
func (c *netnsCLI) mapInit() {
	if c.cacheDone {
		return
	}
	c.cacheDone = true
	c.cache = map[int]string{}
	names, err := c.runDirNames()
	if err != nil {
		return
	}
	for _, n := range names {
		if id := c.nsidOf(n); id >= 0 {
			if _, dup := c.cache[id]; !dup {
				c.cache[id] = n
			}
		}
	}
}

// newJSON starts ip's JSON document when -j was given.
func (c *netnsCLI) newJSON() *jsonWriter {
	if !c.f.json {
		return nil
	}
	j := &jsonWriter{w: c.out, pretty: c.f.pretty}
	j.startArray()
	return j
}

// endJSON ends the document and flushes stdout (ip's delete_json_obj).
func (c *netnsCLI) endJSON(j *jsonWriter) {
	if j == nil {
		return
	}
	j.endArray()
	j.destroy()
	c.out.Flush()
}

// list prints every run-dir entry with its nsid; extra words are ignored.
// A run dir that cannot be opened prints nothing at all.
//
// Equivalent to: `ip [-j [-p]] netns list`
func (c *netnsCLI) list([]string) int {
	c.mapInit()
	d, err := c.openRunDir()
	if d == nil || err != nil {
		return 0
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	j := c.newJSON()
	for _, n := range names {
		if j != nil {
			j.startObject()
			j.stringField("name", n)
		} else {
			c.out.WriteString(n)
		}
		if id := c.nsidOf(n); id >= 0 {
			if j != nil {
				j.intField("id", id)
			} else {
				fmt.Fprintf(c.out, " (id: %d)", id)
			}
		}
		if j != nil {
			j.endObject()
		} else {
			c.out.WriteString("\n")
		}
	}
	c.endJSON(j)
	return 0
}

// listID prints the nsid table of this netns (or of target-nsid's), or
// one entry of it with nsid N.
//
// Equivalent to: `ip netns list-id [target-nsid N] [nsid N]`
func (c *netnsCLI) listID(args []string) int {
	c.mapInit()
	target, nsid := -1, -1
	for i := 0; i < len(args); i++ {
		key := args[i]
		var dst *int
		switch key {
		case "target-nsid":
			dst = &target
		case "nsid":
			dst = &nsid
		default:
			return c.usage(nil)
		}
		if *dst >= 0 {
			c.errorf("Error: duplicate \"%s\": \"%s\" is the second value.", key, key)
			return 255
		}
		if i+1 >= len(args) {
			c.errorf("Command line is not complete. Try option \"help\"")
			return 255
		}
		i++
		v, ok := ipGetInteger(args[i])
		if !ok {
			c.errorf("Error: argument \"%s\" is wrong: \"%s\" value is invalid", args[i], key)
			return 255
		}
		if v < 0 {
			next := "(null)" // ip quotes argv[1], the word after the value
			if i+1 < len(args) {
				next = args[i+1]
			}
			c.errorf("Error: argument \"%s\" is wrong: \"%s\" value should be >= 0", next, key)
			return 255
		}
		*dst = v
	}
	if nsid >= 0 {
		e, err := core.LookupID(nsid, target)
		if err != nil {
			c.errorf("%s", core.NetlinkText(err))
			return 2
		}
		j := c.newJSON()
		c.printNsid(j, e)
		c.endJSON(j)
		return 0
	}
	entries, err := core.ListIDs(target)
	j := c.newJSON()
	for _, e := range entries {
		c.printNsid(j, e)
	}
	if err != nil {
		c.errorf("%s", core.NetlinkText(err))
		c.endJSON(j)
		c.errorf("Dump terminated")
		return 1
	}
	c.endJSON(j)
	return 0
}

// printNsid is ip's print_nsid: "nsid N " or "nsid unassigned ", then
// "current-nsid ..." when the kernel sent one, then the cached or rescanned
// name; stdout is flushed after every line.
func (c *netnsCLI) printNsid(j *jsonWriter, e core.IDEntry) {
	if j != nil {
		j.startObject()
	}
	if e.Nsid < 0 {
		if j == nil {
			c.out.WriteString("nsid unassigned ")
		}
	} else if j != nil {
		j.intField("nsid", e.Nsid)
	} else {
		fmt.Fprintf(c.out, "nsid %d ", e.Nsid)
	}
	key := e.Nsid
	if e.HasCurrent {
		key = e.Current
		switch {
		case e.Current < 0 && j == nil:
			c.out.WriteString("current-nsid unassigned ")
		case e.Current < 0:
		case j != nil:
			j.intField("current-nsid", e.Current)
		default:
			fmt.Fprintf(c.out, "current-nsid %d ", e.Current)
		}
	}
	name, found := c.cache[key]
	if found {
		delete(c.cache, key)
	} else if e.Nsid >= 0 {
		name, found = c.rescanName(e.Nsid)
	}
	if found {
		if j != nil {
			j.stringField("name", name)
		} else {
			fmt.Fprintf(c.out, "(iproute2 netns name: %s)", name)
		}
	}
	if j != nil {
		j.endObject()
	} else {
		c.out.WriteString("\n")
	}
	c.out.Flush()
}

// rescanName is ip's netns_get_name: the first run-dir entry whose nsid is
// nsid, asking the kernel for each entry in turn.
func (c *netnsCLI) rescanName(nsid int) (string, bool) {
	names, err := c.runDirNames()
	if err != nil {
		return "", false
	}
	for _, n := range names {
		if c.nsidOf(n) == nsid {
			return n, true
		}
	}
	return "", false
}
