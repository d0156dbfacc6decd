package luabind

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The json module: json.encode(value [, {indent=}]) and json.decode(text),
// global and require("json"). JSON null decodes to json.null (a unique
// value, so arrays keep their length and a present-but-null field is told
// apart from a missing one) and json.null encodes as null. encoding/json
// does the parsing and printing; this file only converts values.

func init() { Register(openJSON) }

// jsonNullKey holds json.null in the registry, for the converters.
const jsonNullKey = "nssh.json.null"

// maxJSONDepth bounds nesting on both ways (a cycle is an error, not a hang).
const maxJSONDepth = 200

// Under a memory limit (memchecks.go), json.encode checks the text it
// builds at each string of jsonBigString bytes or more, and json.decode
// refuses a text whose values could take more than what is available,
// counting jsonDecodeGrowth bytes of Go and Lua values per byte of text:
// decoding a long array of small numbers, or of small objects, peaks at
// about 33 bytes per byte of text.
const (
	jsonBigString    = 64 << 10
	jsonDecodeGrowth = 32
)

func openJSON(b *Binding, L *lua.LState, _, _ *lua.LTable) {
	null := L.NewUserData()
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("json.null"))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString("json.null"))
	L.SetMetatable(null, mt)
	L.G.Registry.RawSetString(jsonNullKey, null)

	mod := L.NewTable()
	for name, f := range map[string]lfunc{"encode": (*Binding).luaJSONEncode, "decode": (*Binding).luaJSONDecode} {
		fn := b.newFunction(L, "json."+name, f)
		b.fnames[fn] = "json." + name
		mod.RawSetString(name, fn)
	}
	mod.RawSetString("null", null)
	L.PreloadModule("json", func(L *lua.LState) int {
		L.Push(mod)
		return 1
	})
	L.SetGlobal("json", mod)
}

func jsonNull(L *lua.LState) lua.LValue { return L.G.Registry.RawGetString(jsonNullKey) }

// luaJSONEncode is json.encode(value [, {indent=true|"  "}]) -> string.
// Tables with keys 1..n are arrays, tables with string keys objects (keys
// sorted), an empty table is {}; other keys, functions, NaN and cycles
// are argument errors.
func (b *Binding) luaJSONEncode(L *lua.LState) int {
	v := L.CheckAny(1)
	opts := checkOptions(L, 2, "indent")
	noMoreArgs(L, 3)
	indent := ""
	switch iv := optField(opts, "indent").(type) {
	case *lua.LNilType:
	case lua.LBool:
		if iv {
			indent = "  "
		}
	case lua.LString:
		indent = string(iv)
	default:
		argError(L, 2, "option \"indent\": boolean or string expected, got "+iv.Type().String())
	}
	var buf bytes.Buffer
	if err := encodeJSON(L, &buf, v, 0); err != nil {
		argError(L, 1, err.Error())
	}
	out := buf.Bytes()
	if indent != "" {
		var ib bytes.Buffer
		if err := json.Indent(&ib, out, "", indent); err != nil {
			argError(L, 1, err.Error())
		}
		out = ib.Bytes()
	}
	L.Push(lua.LString(out))
	return 1
}

func encodeJSON(L *lua.LState, buf *bytes.Buffer, v lua.LValue, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nested deeper than %d (a cycle?)", maxJSONDepth)
	}
	switch v := v.(type) {
	case *lua.LNilType:
		buf.WriteString("null")
	case lua.LBool:
		buf.WriteString(strconv.FormatBool(bool(v)))
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("cannot encode %v as JSON", f)
		}
		if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			buf.WriteString(strconv.FormatInt(int64(f), 10))
		} else {
			buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	case lua.LString:
		// A table may hold one big string many times: the text would be
		// many times the memory the table takes.
		if len(v) >= jsonBigString {
			checkSize(L, "json.encode", uint64(buf.Len())+2*uint64(len(v)))
		}
		s, _ := json.Marshal(string(v))
		buf.Write(s)
	case *lua.LTable:
		return encodeTable(L, buf, v, depth)
	default:
		if v == jsonNull(L) {
			buf.WriteString("null")
			return nil
		}
		return fmt.Errorf("cannot encode a %s as JSON", v.Type())
	}
	return nil
}

func encodeTable(L *lua.LState, buf *bytes.Buffer, t *lua.LTable, depth int) error {
	n := t.Len()
	var keys []string
	count, bad := 0, ""
	t.ForEach(func(k, _ lua.LValue) {
		count++
		switch k := k.(type) {
		case lua.LString:
			keys = append(keys, string(k))
		case lua.LNumber:
			if f := float64(k); f != math.Trunc(f) || f < 1 || f > float64(n) {
				bad = fmt.Sprintf("table key %v is not an array index 1..%d", f, n)
			}
		default:
			bad = fmt.Sprintf("table key of type %s (want strings or 1..n)", k.Type())
		}
	})
	switch {
	case bad != "":
		return errors.New(bad)
	case n > 0 && len(keys) > 0:
		return fmt.Errorf("table mixes array items and string keys")
	case n > 0 && count != n:
		return fmt.Errorf("array has holes (use json.null)")
	}
	if n > 0 {
		buf.WriteByte('[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				buf.WriteByte(',')
			}
			if err := encodeJSON(L, buf, t.RawGetInt(i), depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	sort.Strings(keys)
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		ks, _ := json.Marshal(k)
		buf.Write(ks)
		buf.WriteByte(':')
		if err := encodeJSON(L, buf, t.RawGetString(k), depth+1); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// luaJSONDecode is json.decode(text) -> value. Objects and arrays become
// tables, null becomes json.null, numbers Lua numbers. Malformed JSON is
// an argument error naming the byte offset.
func (b *Binding) luaJSONDecode(L *lua.LState) int {
	text := checkString(L, 1)
	noMoreArgs(L, 2)
	checkSize(L, "json.decode", jsonDecodeGrowth*uint64(len(text)))
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		argError(L, 1, "invalid JSON: "+jsonErrText(err, dec))
	}
	if rest := strings.TrimLeft(text[dec.InputOffset():], " \t\r\n"); rest != "" {
		argError(L, 1, fmt.Sprintf("invalid JSON: data after the value at offset %d", len(text)-len(rest)))
	}
	lv, err := decodedToLua(L, v, 0)
	if err != nil {
		argError(L, 1, "invalid JSON: "+err.Error())
	}
	L.Push(lv)
	return 1
}

func jsonErrText(err error, dec *json.Decoder) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at offset %d", se, se.Offset)
	}
	if err.Error() == "EOF" || err.Error() == "unexpected EOF" {
		return fmt.Sprintf("unexpected end of input at offset %d", dec.InputOffset())
	}
	return err.Error()
}

func decodedToLua(L *lua.LState, v any, depth int) (lua.LValue, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	switch v := v.(type) {
	case nil:
		return jsonNull(L), nil
	case bool:
		return lua.LBool(v), nil
	case string:
		return lua.LString(v), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, fmt.Errorf("number %s out of range", v)
		}
		return lua.LNumber(f), nil
	case []any:
		t := L.CreateTable(len(v), 0)
		for _, x := range v {
			lv, err := decodedToLua(L, x, depth+1)
			if err != nil {
				return nil, err
			}
			t.Append(lv)
		}
		return t, nil
	case map[string]any:
		t := L.CreateTable(0, len(v))
		for k, x := range v {
			lv, err := decodedToLua(L, x, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetString(k, lv)
		}
		return t, nil
	}
	return nil, fmt.Errorf("unexpected value %T", v)
}
