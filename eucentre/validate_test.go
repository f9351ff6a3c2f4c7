package eucentre

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// renderFull returns the canonical document of fullRecord.
func renderFull(t testing.TB) []byte {
	t.Helper()
	doc, err := Render(fullRecord(), twoFiles())
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return doc
}

// edited decodes doc generically, lets edit change it and encodes it again. The result is not
// canonical (members come out sorted), which the schema check reports only after its own.
func edited(t *testing.T, doc []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The Annex III fields are required members: a document without one is refused, naming it.
func TestValidateRequiresAnnexIIIFields(t *testing.T) {
	doc := renderFull(t)
	for _, tc := range []struct{ req, member string }{
		{"format", "format"},
		{"RP-02", "provider"},
		{"RP-03", "issued_at"},
		{"RP-04", "content"},
		{"RP-05", "incident_at"},
		{"RP-05", "non_content"},
		{"RP-06", "type"},
		{"RP-07", "geo"},
		{"RP-08", "users"},
		{"RP-09", "third_country_reports"},
		{"RP-10", "removed"},
		{"RP-11", "urgent"},
		{"RP-12", "legal_basis"},
		{"RP-13 Q7", "service"},
		{"RP-13 Q8", "awareness"},
		{"RP-13 Q11", "account_decision"},
		{"RP-13 Q12", "victims"},
		{"RP-13 Q13", "other_information"},
	} {
		t.Run(tc.req+" "+tc.member, func(t *testing.T) {
			err := Validate(edited(t, doc, func(m map[string]any) { delete(m, tc.member) }))
			wantFieldError(t, err, tc.member)
			if !strings.Contains(err.Error(), "is required") {
				t.Errorf("error %q does not say the member is required", err)
			}
		})
	}
}

func TestValidateSchemaErrors(t *testing.T) {
	doc := renderFull(t)
	content0 := func(m map[string]any) map[string]any { return m["content"].([]any)[0].(map[string]any) }
	for _, tc := range []struct {
		name   string
		edit   func(m map[string]any)
		field  string
		inText string
	}{
		{"unknown member", func(m map[string]any) { m["signature"] = "x" }, "signature", "unknown field"},
		{"unknown nested member", func(m map[string]any) { content0(m)["bytes"] = "x" }, "content[0].bytes", "unknown field"},
		{"other format", func(m map[string]any) { m["format"] = "v2" }, "format", `want "vigil.eucentre.report/v1"`},
		{"RP-06 type not a string", func(m map[string]any) { m["type"] = 3 }, "type", "want one of"},
		{"RP-03 time with offset", func(m map[string]any) { m["issued_at"] = "2026-11-27T10:30:15.123+01:00" }, "issued_at", "UTC time with milliseconds"},
		{"RP-03 time without ms", func(m map[string]any) { m["issued_at"] = "2026-11-27T10:30:15Z" }, "issued_at", "UTC time with milliseconds"},
		{"RP-03 impossible date", func(m map[string]any) { m["issued_at"] = "2026-13-40T10:30:15.123Z" }, "issued_at", "date-time"},
		{"RP-11 urgent not boolean", func(m map[string]any) { m["urgent"] = "yes" }, "urgent", "is string, want boolean"},
		{"RP-04 data missing", func(m map[string]any) { delete(content0(m), "data") }, "content[0].data", "is required"},
		{"RP-04 data empty", func(m map[string]any) { content0(m)["data"] = "" }, "content[0].data", "empty"},
		{"NC-06 viewed missing", func(m map[string]any) { delete(content0(m), "viewed_by_provider") }, "content[0].viewed_by_provider", "is required"},
		{"metadata value not text", func(m map[string]any) { content0(m)["metadata"] = map[string]any{"exif:Make": 1} }, `content[0].metadata["exif:Make"]`, "want string"},
		{"RP-05 non_content not object", func(m map[string]any) { m["non_content"] = []any{} }, "non_content", "want object"},
		{"several problems", func(m map[string]any) {
			delete(m, "type")
			delete(m, "awareness")
			m["urgent"] = 1
		}, "awareness", "(and 2 more: type: is required; urgent: is number, want boolean)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(edited(t, doc, tc.edit))
			wantFieldError(t, err, tc.field)
			if !strings.Contains(err.Error(), tc.inText) {
				t.Errorf("error %q does not say %q", err, tc.inText)
			}
		})
	}
}

// The signed bytes must be the only reading of the document: other spellings are refused.
func TestValidateCanonicalForm(t *testing.T) {
	doc := renderFull(t)
	var indented bytes.Buffer
	if err := json.Indent(&indented, doc, "", "  "); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		doc   []byte
		valid bool
	}{
		{"as rendered", doc, true},
		{"indented", indented.Bytes(), false},
		{"members reordered", edited(t, doc, func(map[string]any) {}), false},
		{"trailing newline", append(bytes.Clone(doc), '\n'), false},
		{"repeated member", bytes.Replace(doc, []byte(`{"format":"vigil.eucentre.report/v1",`), []byte(`{"format":"x","format":"vigil.eucentre.report/v1",`), 1), false},
		{"escape spelled differently", bytes.Replace(doc, []byte(`\u003c`), []byte(`\u003C`), 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.doc)
			if tc.valid {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if bytes.Equal(tc.doc, doc) {
				t.Fatal("the case leaves the document as rendered")
			}
			if err == nil || !strings.Contains(err.Error(), "canonical") {
				t.Fatalf("Validate = %v, want a canonical-form error", err)
			}
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("code %q, want invalid", vigil.ErrorCode(err))
			}
		})
	}
}

func TestValidateNotJSON(t *testing.T) {
	for _, doc := range []string{"", "{", "[]x", "null", `"text"`} {
		t.Run(doc, func(t *testing.T) {
			err := Validate([]byte(doc))
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("Validate(%q) = %v, want an invalid error", doc, err)
			}
		})
	}
}

func TestJSONPath(t *testing.T) {
	inst := map[string]any{
		"content": []any{map[string]any{"metadata": map[string]any{"exif:Make": "x", "7": "y"}}},
		"geo":     map[string]any{},
	}
	for _, tc := range []struct {
		tokens []string
		want   string
	}{
		{nil, ""},
		{[]string{"geo", "ip"}, "geo.ip"},
		{[]string{"content", "0", "metadata", "exif:Make"}, `content[0].metadata["exif:Make"]`},
		{[]string{"content", "0", "metadata", "7"}, `content[0].metadata["7"]`},
		{[]string{"content", "9", "data"}, "content[9].data"},
		{[]string{"missing", "deeper"}, "missing.deeper"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := jsonPath(inst, tc.tokens); got != tc.want {
				t.Errorf("jsonPath(%q) = %q, want %q", tc.tokens, got, tc.want)
			}
		})
	}
}

// FuzzValidate checks that no input makes Validate panic or fail internally, and that whatever
// it accepts is canonical: it decodes and re-encodes to the very same bytes.
func FuzzValidate(f *testing.F) {
	doc, err := Render(minimalRecord(), oneFile())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc)
	f.Add(renderFull(f))
	f.Add([]byte(`{"format":"vigil.eucentre.report/v1"}`))
	f.Add([]byte(`{"content":[{"metadata":{"a":1}}],"geo":{"port":1e400}}`))
	f.Add([]byte(`[1,2,{"x":null}]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := Parse(doc)
		if err != nil {
			if _, ok := errors.AsType[*vigil.Error](err); !ok {
				t.Fatalf("Parse error %v is not a *vigil.Error", err)
			}
			return
		}
		again, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, doc) {
			t.Fatalf("accepted a document that re-encodes differently:\n%s\n%s", doc, again)
		}
	})
}
