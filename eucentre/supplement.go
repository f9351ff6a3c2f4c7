package eucentre

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigilproject/vigil"
)

// SupplementFormat is the value of every version 1 supplement's "format" member.
const SupplementFormat = "vigil.eucentre.supplement/v1"

// SupplementsPath is appended, after the escaped reference, to the reports URL to give the URL
// a report's supplements are POSTed to: <reports URL>/<reference>/supplements. Putting the
// reference in the path lets a receiver route a supplement to its report before reading it.
const SupplementsPath = "/supplements"

// Supplement is information added to a report the EU Centre already holds, in wire form: an
// answer to the Centre's request for missing information (RP-17) or a third-country report id
// learnt after the report went out (RP-09). Text may hold personal data.
type Supplement struct {
	Format       string         `json:"format"`
	SupplementID string         `json:"supplement_id"`
	Reference    string         `json:"reference"`
	ReportID     string         `json:"report_id"`
	IssuedAt     string         `json:"issued_at"`
	InReplyTo    string         `json:"in_reply_to,omitempty"`
	Text         string         `json:"text,omitempty"`
	ThirdCountry []ThirdCountry `json:"third_country_reports,omitempty"`
}

// SupplementInput is what RenderSupplement turns into a Supplement.
type SupplementInput struct {
	ID           string    // the provider's supplement id, also the idempotency key
	Reference    string    // the EU Centre's reference of the report
	ReportID     string    // the provider's report id
	IssuedAt     time.Time // when the provider issued the supplement
	InReplyTo    string    // the Centre's request it answers, or ""
	Text         string
	ThirdCountry []vigil.ThirdCountryReport
}

//go:embed schema/supplement-v1.json
var supplementSchemaJSON []byte

// supplementSchemaURL is the supplement schema's $id, under which it is compiled.
const supplementSchemaURL = "https://github.com/vigilproject/vigil/eucentre/schema/supplement-v1.json"

// compiledSupplementSchema compiles the embedded supplement schema once, on first use.
var compiledSupplementSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(supplementSchemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(supplementSchemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(supplementSchemaURL)
})

// RenderSupplement returns the canonical bytes of a supplement (the encoding/json encoding of
// Supplement: fixed member order, no insignificant whitespace), checked against the schema, to
// be signed with Sign and sent to SupplementURL.
func RenderSupplement(in SupplementInput) ([]byte, error) {
	if in.IssuedAt.IsZero() {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "issued_at", "the supplement has no issue time")
	}
	s := Supplement{
		Format:       SupplementFormat,
		SupplementID: in.ID,
		Reference:    in.Reference,
		ReportID:     in.ReportID,
		IssuedAt:     formatTime(in.IssuedAt),
		InReplyTo:    in.InReplyTo,
		Text:         in.Text,
	}
	if len(in.ThirdCountry) > 0 {
		s.ThirdCountry = renderThirdCountry(in.ThirdCountry)
	}
	doc, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("eucentre: encode the supplement: %w", err)
	}
	if _, err := ParseSupplement(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// ParseSupplement checks doc against the supplement schema (schema/supplement-v1.json) and the
// canonical form and returns it decoded. Errors are *vigil.Error values naming the JSON path
// at fault; messages never repeat the text, which may hold personal data.
func ParseSupplement(doc []byte) (Supplement, error) {
	sch, err := compiledSupplementSchema()
	if err != nil {
		return Supplement{}, fmt.Errorf("eucentre: compile the embedded supplement schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return Supplement{}, vigil.Errorf(vigil.EINVALID, "the supplement is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return Supplement{}, fmt.Errorf("eucentre: validate the supplement: %w", err)
		}
		return Supplement{}, schemaError(ve, inst)
	}
	var s Supplement
	if err := json.Unmarshal(doc, &s); err != nil {
		return Supplement{}, vigil.Errorf(vigil.EINVALID, "the supplement does not decode: %v", err)
	}
	again, err := json.Marshal(s)
	if err != nil {
		return Supplement{}, fmt.Errorf("eucentre: re-encode the supplement: %w", err)
	}
	if !bytes.Equal(doc, again) {
		return Supplement{}, vigil.Errorf(vigil.EINVALID, "the supplement is not in canonical form")
	}
	return s, nil
}

// SupplementURL returns where the supplements of the report with the EU Centre reference ref
// go: reportsURL (the EU Centre URL reports are sent to) + "/" + the escaped reference +
// SupplementsPath.
func SupplementURL(reportsURL, ref string) (string, error) {
	if !referencePattern.MatchString(ref) {
		return "", vigil.Errorf(vigil.EINVALID, "eucentre: the report reference is not 1 to 128 visible ASCII characters")
	}
	if err := checkEndpoint(reportsURL); err != nil {
		return "", err
	}
	u, err := url.Parse(reportsURL)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", vigil.Errorf(vigil.EINVALID, "eucentre: the endpoint must be a URL without query or fragment")
	}
	return strings.TrimSuffix(reportsURL, "/") + "/" + url.PathEscape(ref) + SupplementsPath, nil
}
