package orders

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// Limits of an order document's fields.
const (
	MaxItems     = 1000
	maxShortText = 200  // references, names, versions
	maxURL       = 2048 // the longest URL browsers and crawlers reliably handle
	maxLongText  = 10000
	// issuedSkew is how far in the future an order's time stamp may lie, for clocks that
	// disagree a little.
	issuedSkew = 5 * time.Minute
)

// Validate checks d against Annex IV (Annex VII for blocking orders). A notification for
// voluntary consideration (RO-10) needs only the sender, the service and the items.
func (d Document) Validate() error {
	if !slices.Contains(vigil.OrderKinds, d.Kind) {
		return vigil.FieldErrorf(vigil.EINVALID, "kind", "unknown order kind %q: want removal, blocking, delisting or voluntary", d.Kind)
	}
	formal := d.Kind != vigil.OrderVoluntary
	return firstError(
		required("reference", d.Reference, maxShortText),
		d.IssuingAuthority.validate("issuing_authority", formal),
		d.validateRequesting(),
		required("provider", d.Provider, maxShortText),
		optional("contact_point", d.ContactPoint, maxShortText),
		required("service", d.Service, maxShortText),
		d.validateItems(),
		d.validateDefinitions(formal),
		text("reasons", d.Reasons, formal, maxLongText),
		optional("legal_basis", d.LegalBasis, maxLongText),
		d.validateNonDisclosure(),
		d.validateRedress(formal),
		validTime("issued_at", d.IssuedAt),
		text("signature", d.Signature, formal, maxLongText),
		optional("language", d.Language, 35),
		d.validateURLList(),
	)
}

func (a Authority) validate(field string, formal bool) error {
	if err := required(field+".name", a.Name, maxShortText); err != nil {
		return err
	}
	if err := optional(field+".contact", a.Contact, maxShortText); err != nil {
		return err
	}
	if a.Country == "" && !formal {
		return nil
	}
	if len(a.Country) != 2 || strings.ToUpper(a.Country) != a.Country || !isLetters(a.Country) {
		return vigil.FieldErrorf(vigil.EINVALID, field+".country", "must be the Member State's two-letter ISO 3166-1 code, e.g. DE")
	}
	return nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func (d Document) validateRequesting() error {
	if d.RequestingAuthority == nil {
		return nil
	}
	return d.RequestingAuthority.validate("requesting_authority", false)
}

func (d Document) validateItems() error {
	if len(d.Items) == 0 {
		return vigil.FieldErrorf(vigil.EINVALID, "items", "an order names at least one exact URL")
	}
	if len(d.Items) > MaxItems {
		return vigil.FieldErrorf(vigil.EINVALID, "items", "at most %d items per order", MaxItems)
	}
	seen := make(map[string]bool, len(d.Items))
	for i, it := range d.Items {
		field := fmt.Sprintf("items[%d]", i)
		if err := checkURL(field+".url", it.URL); err != nil {
			return err
		}
		if seen[it.URL] {
			return vigil.FieldErrorf(vigil.EINVALID, field+".url", "names the same URL as an earlier item")
		}
		seen[it.URL] = true
		if err := optional(field+".info", it.Info, maxLongText); err != nil {
			return err
		}
		if it.ContentID != "" && (!strings.HasPrefix(it.ContentID, vigil.PrefixContent+"_") || len(it.ContentID) > maxShortText) {
			return vigil.FieldErrorf(vigil.EINVALID, field+".content_id", "must be a content id (cnt_...)")
		}
	}
	return nil
}

// checkURL accepts an absolute http or https URL with a host: an order names exact URLs
// (BL-01), never a domain or a pattern.
func checkURL(field, raw string) error {
	if err := required(field, raw, maxURL); err != nil {
		return err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return vigil.FieldErrorf(vigil.EINVALID, field, "not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return vigil.FieldErrorf(vigil.EINVALID, field, "must be an exact http:// or https:// URL with a host")
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return vigil.FieldErrorf(vigil.EINVALID, field, "must not contain spaces")
	}
	return nil
}

func (d Document) validateDefinitions(formal bool) error {
	if formal && len(d.CSAMDefinitions) == 0 {
		return vigil.FieldErrorf(vigil.EINVALID, "csam_definitions", "tick at least one definition box: %s", strings.Join(vigil.CSAMDefinitions, ", "))
	}
	for i, def := range d.CSAMDefinitions {
		if !slices.Contains(vigil.CSAMDefinitions, def) {
			return vigil.FieldErrorf(vigil.EINVALID, fmt.Sprintf("csam_definitions[%d]", i), "unknown definition %q: want one of %s", def, strings.Join(vigil.CSAMDefinitions, ", "))
		}
		if slices.Contains(d.CSAMDefinitions[:i], def) {
			return vigil.FieldErrorf(vigil.EINVALID, fmt.Sprintf("csam_definitions[%d]", i), "ticked twice")
		}
	}
	return nil
}

// validateNonDisclosure checks the non-disclosure period: at most 6 weeks at issue (RO-08); an
// extension is a later act on the hold, not part of the order.
func (d Document) validateNonDisclosure() error {
	maxDays := int(vigil.MaxNonDisclosure / (24 * time.Hour))
	switch {
	case d.NonDisclosure && d.Kind != vigil.OrderRemoval && d.Kind != vigil.OrderDelisting:
		return vigil.FieldErrorf(vigil.EINVALID, "non_disclosure", "only removal and delisting orders restrict informing the user")
	case d.NonDisclosure && (d.NonDisclosureDays < 1 || d.NonDisclosureDays > maxDays):
		return vigil.FieldErrorf(vigil.EINVALID, "non_disclosure_days", "must be from 1 to %d days (6 weeks)", maxDays)
	case !d.NonDisclosure && d.NonDisclosureDays != 0:
		return vigil.FieldErrorf(vigil.EINVALID, "non_disclosure_days", "set only with non_disclosure")
	}
	return nil
}

// validateRedress requires the redress information of formal orders (RO-09).
func (d Document) validateRedress(formal bool) error {
	if d.Redress == nil {
		if formal {
			return vigil.FieldErrorf(vigil.EINVALID, "redress", "an order states the court, time limits and national law for redress")
		}
		return nil
	}
	return firstError(
		required("redress.court", d.Redress.Court, maxShortText),
		required("redress.time_limits", d.Redress.TimeLimits, maxShortText),
		optional("redress.national_law", d.Redress.NationalLaw, maxLongText),
	)
}

// validateURLList checks a blocking order's list: reference, version, and a start before an end
// at most five years later (BL-02). Other kinds carry no list.
func (d Document) validateURLList() error {
	l := d.URLList
	switch {
	case d.Kind != vigil.OrderBlocking && l != nil:
		return vigil.FieldErrorf(vigil.EINVALID, "url_list", "only a blocking order names a URL list")
	case d.Kind != vigil.OrderBlocking:
		return nil
	case l == nil:
		return vigil.FieldErrorf(vigil.EINVALID, "url_list", "a blocking order names the EU Centre URL list, its version and its start and end dates")
	}
	if err := firstError(required("url_list.reference", l.Reference, maxShortText),
		required("url_list.version", l.Version, maxShortText),
		validTime("url_list.start", l.Start), validTime("url_list.end", l.End)); err != nil {
		return err
	}
	start, _ := time.Parse(time.RFC3339Nano, l.Start)
	end, _ := time.Parse(time.RFC3339Nano, l.End)
	if !end.After(start) {
		return vigil.FieldErrorf(vigil.EINVALID, "url_list.end", "must be after the start")
	}
	if end.After(vigil.LatestBlockingEnd(start)) {
		return vigil.FieldErrorf(vigil.EINVALID, "url_list.end", "a blocking order lasts at most 5 years")
	}
	return nil
}

// CheckIssued refuses an order stamped later than its receipt (beyond a little clock skew).
func CheckIssued(o vigil.Order, received time.Time) error {
	if o.Issued.After(received.Add(issuedSkew)) {
		return vigil.FieldErrorf(vigil.EINVALID, "issued_at", "lies in the future")
	}
	return nil
}

func validTime(field, v string) error {
	if v == "" {
		return vigil.FieldErrorf(vigil.EINVALID, field, "required")
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return vigil.FieldErrorf(vigil.EINVALID, field, "must be an RFC 3339 time with its time zone, e.g. 2026-11-27T10:00:00+01:00")
	}
	if t.Year() < 2000 || t.Year() > 9999 {
		return vigil.FieldErrorf(vigil.EINVALID, field, "year out of range")
	}
	return nil
}

func required(field, v string, max int) error {
	if strings.TrimSpace(v) == "" {
		return vigil.FieldErrorf(vigil.EINVALID, field, "required")
	}
	return optional(field, v, max)
}

func text(field, v string, need bool, max int) error {
	if need {
		return required(field, v, max)
	}
	return optional(field, v, max)
}

// optional checks a free-text field: valid UTF-8, no control characters but line breaks and
// tabs, and at most max bytes.
func optional(field, v string, max int) error {
	if len(v) > max {
		return vigil.FieldErrorf(vigil.EINVALID, field, "at most %d bytes", max)
	}
	if !utf8.ValidString(v) {
		return vigil.FieldErrorf(vigil.EINVALID, field, "not valid UTF-8")
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return vigil.FieldErrorf(vigil.EINVALID, field, "contains a control character")
		}
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
