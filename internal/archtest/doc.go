// Package archtest checks the layout rules of the code base: every package
// says what it is for, and capability packages stay independent of the
// wire and of SQL drivers.
package archtest
