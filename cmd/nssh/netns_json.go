package main

import (
	"io"
	"strconv"
	"strings"
)

// jsonWriter reproduces iproute2's lib/json_writer.c byte for byte,
// including its pretty layout ("[ {", "},{", "} ]") and its escaping
// (only \ " TAB LF CR FF BS are escaped; other bytes are raw).
type jsonWriter struct {
	w      io.StringWriter
	pretty bool
	depth  int
	sep    byte
}

func (j *jsonWriter) put(s string) { j.w.WriteString(s) }

func (j *jsonWriter) eol() {
	if j.pretty {
		j.put("\n" + strings.Repeat("    ", j.depth))
	}
}

func (j *jsonWriter) eor() {
	if j.sep != 0 {
		j.put(string(j.sep))
	}
	j.sep = ','
}

func (j *jsonWriter) begin(c string) {
	j.eor()
	j.put(c)
	j.depth++
	j.sep = 0
}

func (j *jsonWriter) end(c string) {
	j.depth--
	if j.sep != 0 {
		j.eol()
	}
	j.put(c)
	j.sep = ','
}

func (j *jsonWriter) startArray() {
	j.begin("[")
	if j.pretty {
		j.put(" ")
	}
}

func (j *jsonWriter) endArray() {
	if j.pretty && j.sep != 0 {
		j.put(" ")
	}
	j.sep = 0
	j.end("]")
}

func (j *jsonWriter) startObject() { j.begin("{") }
func (j *jsonWriter) endObject()   { j.end("}") }

func (j *jsonWriter) name(n string) {
	j.eor()
	j.eol()
	j.sep = 0
	j.put(jsonQuote(n) + ":")
	if j.pretty {
		j.put(" ")
	}
}

func (j *jsonWriter) stringField(n, v string) {
	j.name(n)
	j.eor()
	j.put(jsonQuote(v))
}

func (j *jsonWriter) intField(n string, v int) {
	j.name(n)
	j.eor()
	j.put(strconv.Itoa(v))
}

// destroy ends the document (jsonw_destroy): a newline.
func (j *jsonWriter) destroy() { j.put("\n") }

var jsonEscaper = strings.NewReplacer(
	"\t", `\t`, "\n", `\n`, "\r", `\r`, "\f", `\f`, "\b", `\b`, `\`, `\\`, `"`, `\"`)

func jsonQuote(s string) string {
	// C strings end at the first NUL; names cannot contain one anyway.
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return `"` + jsonEscaper.Replace(s) + `"`
}
