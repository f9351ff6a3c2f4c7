package eucentre

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigilproject/vigil"
)

// schemaJSON is the JSON Schema of version 1 documents, versioned with the code that writes them.
//
//go:embed schema/report-v1.json
var schemaJSON []byte

// schemaURL is the schema's $id, under which it is compiled.
const schemaURL = "https://github.com/vigilproject/vigil/eucentre/schema/report-v1.json"

// compiledSchema compiles the embedded schema once, on first use.
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat() // date-time, email, ipv4/ipv6 and uri are checked, not just annotations
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// Validate reports whether doc is a valid, canonical version 1 document: see Parse.
func Validate(doc []byte) error {
	_, err := Parse(doc)
	return err
}

// Parse checks doc and returns it decoded. A valid document satisfies the JSON Schema
// (schema/report-v1.json), is in canonical form (see the package documentation), names each
// content item once, and every MD5, SHA-1 and SHA-256 it declares is the hash of the item's
// data. Errors are *vigil.Error values (code invalid) whose Field is the JSON path at fault,
// such as "content[0].sha256"; when several things are wrong the message lists a few more.
// Messages never repeat the value of a field that may hold personal data.
func Parse(doc []byte) (Document, error) {
	sch, err := compiledSchema()
	if err != nil {
		return Document{}, fmt.Errorf("eucentre: compile the embedded schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return Document{}, vigil.Errorf(vigil.EINVALID, "the document is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return Document{}, fmt.Errorf("eucentre: validate: %w", err)
		}
		return Document{}, schemaError(ve, inst)
	}
	var d Document
	if err := json.Unmarshal(doc, &d); err != nil {
		return Document{}, vigil.Errorf(vigil.EINVALID, "the document does not decode: %v", err)
	}
	if err := checkCanonical(doc, d); err != nil {
		return Document{}, err
	}
	if err := checkContent(d.Content); err != nil {
		return Document{}, err
	}
	return d, nil
}

// checkCanonical refuses doc unless it is exactly the encoding of d: the signature covers bytes,
// and a document with two readings (a repeated key, odd escapes) must not be accepted.
func checkCanonical(doc []byte, d Document) error {
	again, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("eucentre: re-encode the document: %w", err)
	}
	if bytes.Equal(doc, again) {
		return nil
	}
	at := 0
	for at < len(doc) && at < len(again) && doc[at] == again[at] {
		at++
	}
	return vigil.Errorf(vigil.EINVALID,
		"the document is not in canonical form: it differs from its canonical encoding at byte %d", at)
}
