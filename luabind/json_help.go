package luabind

func init() { RegisterHelp(jsonHelp) }

// jsonHelp is the reference of the json module (json.go).
var jsonHelp = map[string]string{
	"json.encode": `json.encode(value [, {indent=true|"STRING"}]) -> string
Encodes nil, booleans, numbers, strings, json.null and tables as JSON.
A table with keys 1..n is an array, one with string keys an object (keys
sorted); {} is an empty object. Mixed keys, holes, functions, NaN and
cycles are argument errors. Also require("json").
Example: scripts/json.lua`,

	"json.decode": `json.decode(text) -> value
Decodes one JSON value: objects and arrays become tables, null becomes
json.null (so arrays keep their length), numbers Lua numbers. Malformed
JSON is an argument error naming the byte offset. Parses ip -j, iperf3 -J
and bird outputs.
Example: scripts/json.lua`,
}
