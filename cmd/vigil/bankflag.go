package main

import (
	"fmt"
	"strings"
)

// nameList is a flag that may be repeated, each use adding names; one use may also give
// several, separated by commas, which is how its environment variable lists them. Names
// from the command line replace those from the environment, as a flag wins over its
// variable elsewhere.
type nameList struct {
	names []string
	// fromEnv is set while names hold only the environment's value, which parseArgs
	// applies before the command line: the first use on the command line then replaces it.
	fromEnv bool
	envSet  bool // the environment variable is set and not empty, so the first Set is its value
}

// newNameList returns an empty list for the flag name of command, told whether parseArgs
// will set it from the environment first.
func newNameList(e *env, command, name string) *nameList {
	v, ok := e.lookupEnv(envName(command, name))
	return &nameList{envSet: ok && v != ""}
}

func (l *nameList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.names, ",")
}

func (l *nameList) Set(s string) error {
	if l.envSet {
		l.envSet, l.fromEnv = false, true
	} else if l.fromEnv {
		l.names, l.fromEnv = nil, false
	}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return fmt.Errorf("empty name in %q", s)
		}
		l.names = append(l.names, part)
	}
	return nil
}
