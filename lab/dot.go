package lab

import (
	"fmt"
	"strconv"
	"strings"
)

// Dot returns the lab's topology in the Graphviz language: one node per
// lab node (switches as boxes; sysctls, addresses on lo and dummies, and
// [services] in the label), one edge per link with the interface names and
// addresses at its ends and its shape as label. The text
// renders with `dot -Tpng`.
func (l *Lab) Dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph %s {\n", strconv.Quote(l.spec.Name))
	b.WriteString("  node [shape=ellipse, fontname=\"monospace\"];\n")
	b.WriteString("  edge [fontname=\"monospace\", fontsize=10];\n")
	for _, name := range l.spec.NodeNames() {
		n := l.spec.Nodes[name]
		label := name
		attrs := ""
		if n.Bridge != "" {
			label += "\n" + n.Bridge
			attrs = ", shape=box"
		}
		for _, k := range sortedKeys(n.Sysctl) {
			label += "\n" + k + "=" + n.Sysctl[k]
		}
		for _, dev := range sortedKeys(n.Addrs) {
			for _, p := range n.Addrs[dev] {
				label += "\n" + dev + " " + p.String()
			}
		}
		for _, svc := range sortedKeys(n.Services) {
			label += "\n[" + svc + "]"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", strconv.Quote(name), dotQuote(label), attrs)
	}
	for _, ln := range l.spec.Links {
		var ends [2]string
		for i, e := range ln.Ends {
			ends[i] = e.Dev
			for _, p := range ln.Addrs[i] {
				ends[i] += "\n" + p.String()
			}
		}
		shape := ""
		if ln.Shape != nil {
			shape = ", label=" + dotQuote(shapeText(ln.Shape))
		}
		fmt.Fprintf(&b, "  %s -- %s [taillabel=%s, headlabel=%s%s];\n",
			strconv.Quote(ln.Ends[0].Node), strconv.Quote(ln.Ends[1].Node), dotQuote(ends[0]), dotQuote(ends[1]), shape)
	}
	b.WriteString("}\n")
	return b.String()
}

// dotQuote quotes a label for Graphviz: newlines become \n escapes and
// quotes and backslashes are escaped (names and addresses hold neither).
func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}
