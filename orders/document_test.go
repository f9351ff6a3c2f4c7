package orders

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// validRemoval is a complete Annex IV removal order (RO-02).
const validRemoval = `{
  "kind": "removal",
  "reference": "DE-BKA-2026-0042",
  "issuing_authority": {"name": "Amtsgericht Wiesbaden", "country": "DE", "contact": "poststelle@ag-wi.example"},
  "requesting_authority": {"name": "Bundeskriminalamt", "country": "DE"},
  "provider": "Example Photos GmbH",
  "contact_point": "legal@photos.example",
  "service": "photos",
  "items": [{"url": "https://photos.example/p/1", "info": "photo page", "content_id": "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3"}],
  "csam_definitions": ["art2c_i", "art2c_iii"],
  "reasons": "Known material.",
  "legal_basis": "Art. 14 Regulation (EU) 2026/xxx",
  "non_disclosure": true,
  "non_disclosure_days": 42,
  "redress": {"court": "VG Wiesbaden", "time_limits": "one month", "national_law": "§ 74 VwGO"},
  "issued_at": "2026-11-27T10:00:00+01:00",
  "signature": "MEUCIQ-example",
  "language": "de"
}`

// edit returns validRemoval with the top-level field name set to value (JSON), or removed when
// value is "".
func edit(t *testing.T, name, value string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(validRemoval), &m); err != nil {
		t.Fatal(err)
	}
	if value == "" {
		delete(m, name)
	} else {
		m[name] = json.RawMessage(value)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseValidRemoval(t *testing.T) {
	o, err := Parse([]byte(validRemoval))
	if err != nil {
		t.Fatal(err)
	}
	_, offset := o.Issued.Zone()
	switch {
	case o.Kind != vigil.OrderRemoval, o.Reference != "DE-BKA-2026-0042", o.IssuingAuthority.Country != "DE",
		o.RequestingAuthority.Name != "Bundeskriminalamt", len(o.Items) != 1, o.Items[0].ContentID == "",
		o.NonDisclosure != 42*24*time.Hour, o.Redress.Court != "VG Wiesbaden", offset != 3600,
		len(o.Definitions) != 2:
		t.Fatalf("parsed %+v", o)
	}
	again, err := FromOrder(o).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, []byte(validRemoval)); err != nil {
		t.Fatal(err)
	}
	if string(again) != want.String() {
		t.Errorf("round trip:\n got %s\nwant %s", again, want.String())
	}
}

// TestParseRefuses covers every field's validation: the error names the field (RO-02, RO-08,
// RO-09, BL-02).
func TestParseRefuses(t *testing.T) {
	blocking := func(list string) []byte {
		var m map[string]json.RawMessage
		json.Unmarshal(edit(t, "kind", `"blocking"`), &m)
		delete(m, "non_disclosure_days")
		m["non_disclosure"] = json.RawMessage(`false`)
		m["url_list"] = json.RawMessage(list)
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name  string
		doc   []byte
		field string
	}{
		{"unknown kind", edit(t, "kind", `"detection"`), "kind"},
		{"no reference", edit(t, "reference", `" "`), "reference"},
		{"reference with control character", edit(t, "reference", `"A\u0000B"`), "reference"},
		{"no issuing authority", edit(t, "issuing_authority", `{"name": ""}`), "issuing_authority.name"},
		{"bad country", edit(t, "issuing_authority", `{"name": "X", "country": "Germany"}`), "issuing_authority.country"},
		{"lower-case country", edit(t, "issuing_authority", `{"name": "X", "country": "de"}`), "issuing_authority.country"},
		{"no service", edit(t, "service", ""), "service"},
		{"no items", edit(t, "items", `[]`), "items"},
		{"domain, not URL", edit(t, "items", `[{"url": "photos.example"}]`), "items[0].url"},
		{"ftp URL", edit(t, "items", `[{"url": "ftp://photos.example/x"}]`), "items[0].url"},
		{"URL with space", edit(t, "items", `[{"url": "https://photos.example/a b"}]`), "items[0].url"},
		{"duplicate URL", edit(t, "items", `[{"url": "https://a.example/x"}, {"url": "https://a.example/x"}]`), "items[1].url"},
		{"bad content id", edit(t, "items", `[{"url": "https://a.example/x", "content_id": "cas_1"}]`), "items[0].content_id"},
		{"no definition box", edit(t, "csam_definitions", `[]`), "csam_definitions"},
		{"unknown definition box", edit(t, "csam_definitions", `["art2c_v"]`), "csam_definitions[0]"},
		{"box ticked twice", edit(t, "csam_definitions", `["art2c_i", "art2c_i"]`), "csam_definitions[1]"},
		{"no reasons", edit(t, "reasons", ""), "reasons"},
		{"non-disclosure over 6 weeks", edit(t, "non_disclosure_days", `43`), "non_disclosure_days"},
		{"non-disclosure of no days", edit(t, "non_disclosure_days", ""), "non_disclosure_days"},
		{"no redress", edit(t, "redress", ""), "redress"},
		{"redress without court", edit(t, "redress", `{"court": "", "time_limits": "1 month"}`), "redress.court"},
		{"no time stamp", edit(t, "issued_at", ""), "issued_at"},
		{"time stamp without zone", edit(t, "issued_at", `"2026-11-27T10:00:00"`), "issued_at"},
		{"no signature", edit(t, "signature", ""), "signature"},
		{"URL list on a removal order", edit(t, "url_list", `{"reference": "L", "version": "1", "start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}`), "url_list"},
		{"wrong type", edit(t, "non_disclosure", `"yes"`), "non_disclosure"},
		{"blocking without list", blocking(`null`), "url_list"},
		{"blocking ends before it starts", blocking(`{"reference": "L", "version": "1", "start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}`), "url_list.end"},
		{"blocking over 5 years", blocking(`{"reference": "L", "version": "1", "start": "2026-01-01T00:00:00Z", "end": "2031-01-03T00:00:00Z"}`), "url_list.end"},
		{"blocking without version", blocking(`{"reference": "L", "version": "", "start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}`), "url_list.version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.doc)
			e, ok := err.(*vigil.Error)
			if !ok || e.Code != vigil.EINVALID || e.Field != c.field {
				t.Fatalf("Parse: %v, want an invalid error on %s", err, c.field)
			}
		})
	}
}

func TestParseRefusesMalformedDocuments(t *testing.T) {
	cases := map[string]string{
		"unknown field":   strings.Replace(validRemoval, `"kind"`, `"knd": 1, "kind"`, 1),
		"trailing data":   validRemoval + `{}`,
		"not JSON":        `order`,
		"empty":           ``,
		"array":           `[]`,
		"over the limit ": `{"reasons": "` + strings.Repeat("x", MaxDocument) + `"}`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(doc)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestVoluntaryNeedsLess(t *testing.T) {
	doc := `{"kind": "voluntary", "reference": "EUC-7", "issuing_authority": {"name": "EU Centre"},
		"provider": "Example", "service": "photos", "items": [{"url": "https://photos.example/p/1"}],
		"non_disclosure": false, "issued_at": "2026-11-27T10:00:00Z"}`
	o, err := Parse([]byte(doc))
	if err != nil || o.Kind != vigil.OrderVoluntary {
		t.Fatalf("voluntary notification (RO-10): %+v, %v", o, err)
	}
}

func TestCheckIssued(t *testing.T) {
	o, err := Parse([]byte(validRemoval))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		received time.Time
		ok       bool
	}{
		{o.Issued.Add(time.Hour), true},
		{o.Issued.Add(-4 * time.Minute), true},
		{o.Issued.Add(-6 * time.Minute), false},
	}
	for _, c := range cases {
		t.Run(c.received.String(), func(t *testing.T) {
			if err := CheckIssued(o, c.received); (err == nil) != c.ok {
				t.Fatalf("CheckIssued: %v, want ok %v", err, c.ok)
			}
		})
	}
}

// FuzzParse: no input panics, and what Parse accepts round-trips to a document Parse accepts
// again with the same canonical bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(validRemoval))
	f.Add([]byte(`{"kind": "voluntary", "reference": "R", "issuing_authority": {"name": "EU Centre"}, "provider": "P",
		"service": "s", "items": [{"url": "https://a.example/x"}], "non_disclosure": false, "issued_at": "2026-01-01T00:00:00.5Z"}`))
	f.Add([]byte(`{"kind": "blocking", "reference": "R", "issuing_authority": {"name": "A", "country": "FR"}, "provider": "P",
		"service": "ias", "items": [{"url": "http://b.example/y"}], "csam_definitions": ["art2c_ii"], "reasons": "r",
		"non_disclosure": false, "redress": {"court": "c", "time_limits": "t"}, "issued_at": "2026-01-01T00:00:00-05:00",
		"signature": "s", "url_list": {"reference": "L", "version": "1", "start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}}`))
	f.Add([]byte(`{"kind": "removal", "items": [{"url": "https://[::1]:99999/"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Parse(data)
		if err != nil {
			if _, ok := err.(*vigil.Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		first, err := FromOrder(o).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(first)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", first, err)
		}
		second, err := FromOrder(again).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("not stable:\n%s\n%s", first, second)
		}
	})
}

// TestBlockingPeriodInCalendarYears: a blocking order lasts at most five calendar years (BL-02),
// so a span holding two leap days is accepted to the same date five years on and refused a
// second later.
func TestBlockingPeriodInCalendarYears(t *testing.T) {
	cases := []struct {
		name, start, end string
		ok               bool
	}{
		{"two leap days", "2028-01-01T00:00:00Z", "2033-01-01T00:00:00Z", true},
		{"two leap days and a second", "2028-01-01T00:00:00Z", "2033-01-01T00:00:01Z", false},
		{"one leap day", "2029-03-01T00:00:00Z", "2034-03-01T00:00:00Z", true},
		{"one leap day and a day", "2029-03-01T00:00:00Z", "2034-03-02T00:00:00Z", false},
		{"from a leap day", "2028-02-29T00:00:00Z", "2033-02-28T00:00:00Z", true},
		{"from a leap day to 1 March", "2028-02-29T00:00:00Z", "2033-03-01T00:00:00Z", false},
		{"in the sender's zone", "2028-01-01T00:00:00+01:00", "2033-01-01T00:00:00+01:00", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(edit(t, "kind", `"blocking"`), &m); err != nil {
				t.Fatal(err)
			}
			delete(m, "non_disclosure_days")
			m["non_disclosure"] = json.RawMessage(`false`)
			m["url_list"] = json.RawMessage(`{"reference": "L", "version": "1", "start": "` + c.start + `", "end": "` + c.end + `"}`)
			doc, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(doc)
			if e, isErr := err.(*vigil.Error); c.ok != (err == nil) || (!c.ok && (!isErr || e.Field != "url_list.end")) {
				t.Fatalf("%s to %s: %v, want accepted %v", c.start, c.end, err, c.ok)
			}
		})
	}
}
