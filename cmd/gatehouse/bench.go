package main

import (
	"io"

	benchpkg "github.com/gatehouse-auth/gatehouse/internal/bench"
)

// bench is `gatehouse bench`: load against a running server on loopback.
func bench(args []string, stdout io.Writer) error { return benchpkg.Run(args, stdout) }
