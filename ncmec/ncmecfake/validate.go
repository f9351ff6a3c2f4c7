package ncmecfake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds on a document, well above anything a report needs, so a hostile body cannot make the
// fake build an unbounded tree.
const (
	maxDepth = 32
	maxNodes = 20000
)

// errMalformed marks a document that is not well-formed XML (code 4110), as opposed to one
// that is well-formed but breaks the schema (code 4100).
var errMalformed = errors.New("malformed XML")

// node is one element of a parsed document.
type node struct {
	name  string
	attrs []xml.Attr
	kids  []*node
	chars []byte // the element's own character data, concatenated
}

// text returns the element's own character data, trimmed.
func (n *node) text() string { return strings.TrimSpace(string(n.chars)) }

// child returns the text of the first child element with the given name, trimmed.
func (n *node) child(name string) string {
	for _, k := range n.kids {
		if k.name == name {
			return k.text()
		}
	}
	return ""
}

// parseTree reads a whole document into a tree: one root element, no namespaced elements,
// nothing but comments, processing instructions and white space around the root.
func parseTree(doc []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var root *node
	var stack []*node
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("%w: a second root element <%s>", errMalformed, t.Name.Local)
			}
			if count++; count > maxNodes || len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: more than %d elements or %d levels", errMalformed, maxNodes, maxDepth)
			}
			if t.Name.Space != "" {
				return nil, fmt.Errorf("%w: element <%s> is in namespace %q", errMalformed, t.Name.Local, t.Name.Space)
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.chars = append(top.chars, t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text outside the root element", errMalformed)
			}
		case xml.Directive:
			return nil, fmt.Errorf("%w: DOCTYPE and other directives are not accepted", errMalformed)
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", errMalformed)
	}
	return root, nil
}

// validate parses doc and checks it against the root spec.
func validate(doc []byte, root *spec) (*node, error) {
	n, err := parseTree(doc)
	if err != nil {
		return nil, err
	}
	if n.name != root.name {
		return nil, fmt.Errorf("root element <%s>, want <%s>", n.name, root.name)
	}
	if err := root.check(n, root.name, true); err != nil {
		return nil, err
	}
	return n, nil
}

// ValidateReport checks a <report> document the way the fake's /submit does: well-formed, the
// elements of requirements §10 in schema order with their cardinalities, enumerations and value
// formats. Subtrees Vigil never writes (lawEnforcement, victim details, other incident kinds)
// are accepted without a look inside. The error names the element path.
func ValidateReport(doc []byte) error {
	_, err := validate(doc, reportSpec)
	return err
}

// ValidateFileDetails checks a <fileDetails> document the way the fake's /fileinfo does, apart
// from whether its report and file exist.
func ValidateFileDetails(doc []byte) error {
	_, err := validate(doc, fileDetailsSpec)
	return err
}
