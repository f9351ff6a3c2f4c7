package notice

import (
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

var testInfo = vigil.NoticeSettings{Provider: "Photos Ltd", ComplaintURL: "https://photos.example/complain",
	Authority: "Coimisiún na Meán", AuthorityURL: "https://ca.example"}

// TestRender checks SG-08, RP-14, RO-07 and IR-09 (account block included) for every kind in
// every language: the notice
// names the item and its date, states the rights to complain to the provider and the
// Coordinating Authority and to go to court, and says nothing that would help evade detection.
func TestRender(t *testing.T) {
	// evasive are words that would tell a user how detection works in detail.
	evasive := []string{"hash", "pdq", "md5", "sha", "threshold", "distance", "bank", "ncmec", "hamming"}
	// mustSay are, per language, words of the rights paragraph and the detection paragraph.
	mustSay := map[string][]string{
		"en": {"complain to Photos Ltd", "Coordinating Authority", "court", "data protection"},
		"de": {"bei Photos Ltd beschweren", "Koordinierungsbehörde", "Gericht", "Datenschutz"},
		"fr": {"auprès de Photos Ltd", "autorité de coordination", "tribunal", "protection des données"},
	}
	detection := map[string]string{"en": "EU Centre", "de": "EU-Zentrum", "fr": "Centre de l'UE"}
	for _, lang := range Languages {
		for _, kind := range []vigil.NoticeKind{vigil.NoticeRemoval, vigil.NoticeReport, vigil.NoticeComplaint, vigil.NoticeRestored, vigil.NoticeAccount} {
			t.Run(lang+"/"+string(kind), func(t *testing.T) {
				p := Pending{Notice: vigil.Notice{ID: "ntc_1", Kind: kind, ContentID: "cnt_1", Service: "photos",
					Language: lang, Basis: t0}, ExternalID: "IMG-4711", Outcome: "upheld"}
				text, err := Render(p, testInfo)
				if err != nil {
					t.Fatal(err)
				}
				want := append([]string{"IMG-4711", "photos", testInfo.ComplaintURL, testInfo.AuthorityURL}, mustSay[lang]...)
				if kind == vigil.NoticeRemoval || kind == vigil.NoticeReport || kind == vigil.NoticeAccount {
					want = append(want, detection[lang], "2026-03-01")
				}
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("text lacks %q:\n%s", w, text)
					}
				}
				for _, w := range evasive {
					if strings.Contains(strings.ToLower(text), w) {
						t.Errorf("text says %q, a detail that helps evasion:\n%s", w, text)
					}
				}
				if strings.Contains(text, "<no value>") || strings.Contains(text, "\n\n\n") {
					t.Errorf("text has a missing value or stray blank lines:\n%s", text)
				}
			})
		}
	}
}

// TestRenderRefuses checks the errors of Render.
func TestRenderRefuses(t *testing.T) {
	tests := []struct {
		name string
		p    Pending
	}{
		{"unknown kind", Pending{Notice: vigil.Notice{ID: "ntc_1", Kind: "gossip"}}},
		{"complaint without outcome", Pending{Notice: vigil.Notice{ID: "ntc_1", Kind: vigil.NoticeComplaint}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Render(tt.p, testInfo); err == nil {
				t.Error("rendered, want an error")
			}
		})
	}
}

// TestLanguage checks the choice of notice language from a BCP 47 tag.
func TestLanguage(t *testing.T) {
	tests := []struct{ tag, want string }{
		{"", "en"}, {"de", "de"}, {"de-AT", "de"}, {"FR_be", "fr"}, {" fr ", "fr"}, {"pt-BR", "en"}, {"-", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			if got := Language(tt.tag); got != tt.want {
				t.Errorf("Language(%q) = %q, want %q", tt.tag, got, tt.want)
			}
		})
	}
}

// FuzzLanguage checks that any tag gives a language notices are written in, and that Render
// never fails for it.
func FuzzLanguage(f *testing.F) {
	for _, s := range []string{"", "de-AT", "fr_BE", "x-\xff", "en-GB-oxendict"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		lang := Language(tag)
		if templates[lang] == nil {
			t.Fatalf("Language(%q) = %q, which has no templates", tag, lang)
		}
		p := Pending{Notice: vigil.Notice{ID: "ntc_1", Kind: vigil.NoticeRemoval, Language: tag, ContentID: "cnt_1"}}
		if _, err := Render(p, testInfo); err != nil {
			t.Fatal(err)
		}
	})
}
