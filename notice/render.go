package notice

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/vigilproject/vigil"
)

//go:embed templates/*.txt
var templateFiles embed.FS

// Languages lists the languages notices are written in; the first is the default.
var Languages = []string{"en", "de", "fr"}

// templates holds one template set per language, parsed once: each file defines the kinds'
// templates and the shared parts (detection, rights) they include.
var templates = parseTemplates()

func parseTemplates() map[string]*template.Template {
	sets := make(map[string]*template.Template, len(Languages))
	for _, lang := range Languages {
		sets[lang] = template.Must(template.New(lang).ParseFS(templateFiles, "templates/"+lang+".txt"))
	}
	return sets
}

// Pending is a notice due to be sent, with what its text needs that the notice row lacks.
type Pending struct {
	vigil.Notice
	ExternalID string // the platform's id of the item, which the user recognises
	Outcome    string // for a complaint notice: upheld or rejected
}

// data is what the templates see.
type data struct {
	Info    vigil.NoticeSettings
	Item    string
	Service string
	Date    string
	Outcome string
}

// Language returns the notice language for a BCP 47 tag: its primary subtag when notices are
// written in it ("de-AT" is "de"), else the default, English.
func Language(tag string) string {
	primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	primary, _, _ = strings.Cut(primary, "_")
	primary = strings.ToLower(primary)
	for _, lang := range Languages {
		if primary == lang {
			return lang
		}
	}
	return Languages[0]
}

// Render writes the text of notice p in the user's language. The texts tell what happened and
// the user's rights (RP-14, RO-07, IR-09, SG-08) and never how detection works in a way that
// would help evade it: no hash, list, threshold or match detail reaches them.
func Render(p Pending, info vigil.NoticeSettings) (string, error) {
	set := templates[Language(p.Language)]
	if set.Lookup(string(p.Kind)) == nil {
		return "", fmt.Errorf("render notice %s: no template for kind %q", p.ID, p.Kind)
	}
	if p.Kind == vigil.NoticeComplaint && p.Outcome != "upheld" && p.Outcome != "rejected" {
		return "", fmt.Errorf("render notice %s: complaint outcome %q is neither upheld nor rejected", p.ID, p.Outcome)
	}
	item := p.ExternalID
	if item == "" {
		item = p.ContentID
	}
	if info.Provider == "" {
		info.Provider = p.Service
	}
	var b strings.Builder
	err := set.ExecuteTemplate(&b, string(p.Kind), data{
		Info: info, Item: item, Service: p.Service, Date: p.Basis.UTC().Format(time.DateOnly), Outcome: p.Outcome,
	})
	if err != nil {
		return "", fmt.Errorf("render notice %s: %w", p.ID, err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}
