// Package apitest holds Gatehouse's black-box HTTP tests: each engine gets
// a real server on a random loopback port, and the tests speak only HTTP to
// it, as an SDK would.
package apitest
