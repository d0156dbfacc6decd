package main

// usage is the text of `nssh --help`.
const usage = `nssh - a network-namespace shell
`
