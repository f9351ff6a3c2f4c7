package eucentre

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/vigilproject/vigil"
)

// moreProblems is how many problems beyond the first a schema error lists in its message.
const moreProblems = 3

// problem is one thing the schema found wrong, at a JSON path.
type problem struct {
	path    string
	message string
}

// schemaError turns the validator's tree of errors into one *vigil.Error whose Field is the
// path of the first problem (in path order, so the same document always gives the same error).
func schemaError(ve *jsonschema.ValidationError, inst any) error {
	var ps []problem
	collectProblems(ve, inst, &ps)
	if len(ps) == 0 {
		return vigil.Errorf(vigil.EINVALID, "the document does not satisfy the schema")
	}
	slices.SortFunc(ps, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.message, b.message))
	})
	ps = slices.Compact(ps)
	msg := ps[0].message
	if rest := ps[1:]; len(rest) > 0 {
		var more []string
		for _, p := range rest[:min(len(rest), moreProblems)] {
			more = append(more, p.path+": "+p.message)
		}
		msg += fmt.Sprintf(" (and %d more: %s)", len(rest), strings.Join(more, "; "))
	}
	return vigil.FieldErrorf(vigil.EINVALID, ps[0].path, "%s", msg)
}

// collectProblems appends the leaves of ve's tree. The alternatives of an anyOf (an IP address
// may be IPv4 or IPv6) become one problem, since one of them was wanted, not all.
func collectProblems(ve *jsonschema.ValidationError, inst any, ps *[]problem) {
	if _, ok := ve.ErrorKind.(*kind.AnyOf); ok {
		var alts []string
		for _, c := range ve.Causes {
			var sub []problem
			collectProblems(c, inst, &sub)
			for _, p := range sub {
				alts = append(alts, p.message)
			}
		}
		*ps = append(*ps, problem{jsonPath(inst, ve.InstanceLocation), strings.Join(alts, ", or ")})
		return
	}
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			collectProblems(c, inst, ps)
		}
		return
	}
	*ps = append(*ps, leafProblems(ve, inst)...)
}

// printer renders the validator's own messages for the kinds leafProblems does not word itself.
var printer = message.NewPrinter(language.English)

// leafProblems words one leaf error. Required and unknown members are reported at the member's
// own path; values of fields that may hold personal data are never repeated.
func leafProblems(ve *jsonschema.ValidationError, inst any) []problem {
	path := jsonPath(inst, ve.InstanceLocation)
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		return memberProblems(path, k.Missing, "is required")
	case *kind.DependentRequired:
		return memberProblems(path, k.Missing, "is required when "+k.Prop+" is given")
	case *kind.AdditionalProperties:
		return memberProblems(path, k.Properties, "is not a member of this document (unknown field)")
	case *kind.Type:
		return []problem{{path, fmt.Sprintf("is %s, want %s", k.Got, strings.Join(k.Want, " or "))}}
	case *kind.Enum:
		return []problem{{path, fmt.Sprintf("is %s, want one of %s", display(k.Got), displayAll(k.Want))}}
	case *kind.Const:
		return []problem{{path, fmt.Sprintf("is %s, want %s", display(k.Got), display(k.Want))}}
	case *kind.Format:
		return []problem{{path, "is not a valid " + k.Want}}
	case *kind.Pattern:
		if strings.HasSuffix(ve.SchemaURL, "/$defs/timestamp") {
			return []problem{{path, "is not a UTC time with milliseconds such as 2026-01-02T15:04:05.000Z"}}
		}
		return []problem{{path, "does not match the pattern " + k.Want}}
	case *kind.MinLength:
		if k.Want == 1 {
			return []problem{{path, "is empty"}}
		}
		return []problem{{path, fmt.Sprintf("is shorter than %d characters", k.Want)}}
	case *kind.Maximum:
		return []problem{{path, fmt.Sprintf("is %s, want at most %s", k.Got.RatString(), k.Want.RatString())}}
	case *kind.Minimum:
		return []problem{{path, fmt.Sprintf("is %s, want at least %s", k.Got.RatString(), k.Want.RatString())}}
	case *kind.MinItems:
		return []problem{{path, fmt.Sprintf("has %d items, want at least %d", k.Got, k.Want)}}
	default:
		return []problem{{path, ve.ErrorKind.LocalizedString(printer)}}
	}
}

// memberProblems reports each named member of the object at path.
func memberProblems(path string, members []string, msg string) []problem {
	ps := make([]problem, 0, len(members))
	for _, m := range members {
		ps = append(ps, problem{joinPath(path, m), msg})
	}
	return ps
}

// identifier matches the member names a path can write after a dot.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jsonPath writes an instance location as a path such as content[0].metadata["exif:Date"]:
// array indexes in brackets, member names after a dot, or quoted in brackets when they are not
// identifiers. It walks inst to tell an index from a member whose name is a number.
func jsonPath(inst any, tokens []string) string {
	path := ""
	v := inst
	for _, tok := range tokens {
		switch cur := v.(type) {
		case []any:
			path += "[" + tok + "]"
			v = nil
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(cur) {
				v = cur[i]
			}
		case map[string]any:
			path = joinPath(path, tok)
			v = cur[tok]
		default:
			path = joinPath(path, tok)
			v = nil
		}
	}
	return path
}

// joinPath appends a member name to a path.
func joinPath(path, member string) string {
	switch {
	case !identifier.MatchString(member):
		return path + "[" + strconv.Quote(member) + "]"
	case path == "":
		return member
	default:
		return path + "." + member
	}
}

// maxDisplay bounds how much of a wrong value an error message repeats.
const maxDisplay = 40

// display writes a value compared with an enumeration or constant as JSON, cut short so that
// a large wrong value does not swamp the message.
func display(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("a %T", v)
	}
	if len(b) > maxDisplay {
		return string(b[:maxDisplay]) + "..."
	}
	return string(b)
}

// displayAll writes a list of schema values as JSON, separated by commas.
func displayAll(vs []any) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = display(v)
	}
	return strings.Join(out, ", ")
}
