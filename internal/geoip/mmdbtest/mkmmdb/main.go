// Command mkmmdb writes the test country database of package mmdbtest to
// a file, for test harnesses outside Go (the e2e suites):
//
//	go run ./internal/geoip/mmdbtest/mkmmdb -o countries.mmdb
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gatehouse-auth/gatehouse/internal/geoip/mmdbtest"
)

func main() {
	out := flag.String("o", "", "file to write")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "mkmmdb: -o FILE is required")
		os.Exit(2)
	}
	if err := mmdbtest.WriteFile(*out, mmdbtest.Networks); err != nil {
		fmt.Fprintln(os.Stderr, "mkmmdb:", err)
		os.Exit(1)
	}
}
