//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// lockServing would mark the data directory as served; without flock on this system, a running
// server is not detected, and this does nothing.
func lockServing(string) (func() error, error) { return func() error { return nil }, nil }

// lockBankWrite would refuse bank changes while a server runs; without flock on this system it
// does nothing: stop the server before changing banks from the command line.
func lockBankWrite(string) (func() error, error) { return func() error { return nil }, nil }
