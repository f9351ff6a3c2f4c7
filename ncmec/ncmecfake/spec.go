package ncmecfake

import (
	"fmt"
	"strings"
)

// many is an unbounded maximum number of occurrences.
const many = -1

// spec describes an element: how often it occurs in its parent's sequence and what it may hold.
type spec struct {
	name     string
	min, max int
	kids     []*spec            // the sequence of child elements; nil for a leaf
	choice   bool               // exactly one of kids, once, instead of a sequence
	any      bool               // content not modelled: anything is accepted
	openTail bool               // elements after the modelled sequence are accepted
	empty    bool               // no content at all (a flag such as <sextortion/>)
	text     func(string) error // check of a leaf's trimmed text; nil accepts any
	attrs    map[string]func(string) error
	required []string          // attributes that must be present
	custom   func(*node) error // a check across text and attributes
}

// check validates n, found at path, against s.
func (s *spec) check(n *node, path string, root bool) error {
	if err := s.checkAttrs(n, path, root); err != nil {
		return err
	}
	switch {
	case s.any:
		return nil
	case s.empty:
		if len(n.kids) > 0 || n.text() != "" {
			return fmt.Errorf("%s: must be empty", path)
		}
		return nil
	case s.kids == nil:
		return s.checkLeaf(n, path)
	}
	if n.text() != "" {
		return fmt.Errorf("%s: text where only elements are allowed", path)
	}
	if s.choice {
		return s.checkChoice(n, path)
	}
	return s.checkSequence(n, path)
}

func (s *spec) checkLeaf(n *node, path string) error {
	if len(n.kids) > 0 {
		return fmt.Errorf("%s: unexpected element <%s> in a text element", path, n.kids[0].name)
	}
	if s.text != nil {
		if err := s.text(n.text()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if s.custom != nil {
		if err := s.custom(n); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

func (s *spec) checkSequence(n *node, path string) error {
	i := 0
	for _, k := range s.kids {
		count := 0
		for i < len(n.kids) && n.kids[i].name == k.name && (k.max == many || count < k.max) {
			if err := k.check(n.kids[i], path+"/"+k.name, false); err != nil {
				return err
			}
			i++
			count++
		}
		if count < k.min {
			return fmt.Errorf("%s: missing <%s>%s", path, k.name, found(n, i))
		}
	}
	if i < len(n.kids) && !s.openTail {
		return fmt.Errorf("%s: unexpected <%s> (unknown, repeated or out of order)", path, n.kids[i].name)
	}
	return nil
}

// found says which element stands where another was expected.
func found(n *node, i int) string {
	if i < len(n.kids) {
		return fmt.Sprintf(" (found <%s>)", n.kids[i].name)
	}
	return ""
}

func (s *spec) checkChoice(n *node, path string) error {
	if len(n.kids) != 1 {
		return fmt.Errorf("%s: want exactly one element, found %d", path, len(n.kids))
	}
	k := n.kids[0]
	for _, alt := range s.kids {
		if alt.name == k.name {
			return alt.check(k, path+"/"+k.name, false)
		}
	}
	return fmt.Errorf("%s: <%s> is not allowed here", path, k.name)
}

// checkAttrs accepts the declared attributes and, on the root, the XML Schema instance ones.
func (s *spec) checkAttrs(n *node, path string, root bool) error {
	seen := map[string]bool{}
	for _, a := range n.attrs {
		if root && (a.Name.Space == "xmlns" || a.Name.Space == xsiNamespace) {
			continue
		}
		check, ok := s.attrs[a.Name.Local]
		if !ok || a.Name.Space != "" {
			return fmt.Errorf("%s: unexpected attribute %q", path, a.Name.Local)
		}
		if err := check(strings.TrimSpace(a.Value)); err != nil {
			return fmt.Errorf("%s/@%s: %w", path, a.Name.Local, err)
		}
		seen[a.Name.Local] = true
	}
	for _, name := range s.required {
		if !seen[name] {
			return fmt.Errorf("%s: missing attribute %q", path, name)
		}
	}
	return nil
}

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// Constructors that keep the schema tables below readable.

func leaf(name string, min, max int, text func(string) error) *spec {
	return &spec{name: name, min: min, max: max, text: text}
}

func group(name string, min, max int, kids ...*spec) *spec {
	return &spec{name: name, min: min, max: max, kids: kids}
}

func choice(name string, min, max int, alts ...*spec) *spec {
	return &spec{name: name, min: min, max: max, kids: alts, choice: true}
}

func anything(name string, min, max int) *spec {
	return &spec{name: name, min: min, max: max, any: true}
}

func flags(name string, names ...string) *spec {
	s := group(name, 0, 1)
	for _, f := range names {
		s.kids = append(s.kids, &spec{name: f, max: 1, empty: true})
	}
	return s
}

// withAttrs declares a spec's attributes; those named in required must be present.
func (s *spec) withAttrs(attrs map[string]func(string) error, required ...string) *spec {
	s.attrs, s.required = attrs, required
	return s
}
