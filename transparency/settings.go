package transparency

import (
	"context"
	"encoding/json"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// Statements are the items of the interim regulation's annual report that are the provider's
// own words rather than figures Vigil computes (Regulation 2021/1232 Art. 3(1)(h)(vii), IR-11):
// an admin writes them in the transparency settings. Empty until written.
type Statements struct {
	// GDPRGround is the ground for the processing under Regulation (EU) 2016/679 (IR-11 (2)).
	GDPRGround string `json:"gdpr_ground"`
	// TransferGround is the ground relied on for transfers of personal data outside the Union
	// under Chapter V of Regulation (EU) 2016/679, where applicable: to NCMEC, for instance
	// (IR-11 (3)).
	TransferGround string `json:"transfer_ground"`
	// ErrorMeasures are the measures that limit the error rate achieved (IR-11 (7)).
	ErrorMeasures string `json:"error_limiting_measures"`
}

// Settings are the transparency settings: the provider's statements and its retention policy,
// which replaces Vigil's own statement (RetentionPolicy) in the report when written (IR-11 (8)).
type Settings struct {
	Statements
	RetentionPolicy string
	Updated         time.Time
}

// MaxStatement bounds each text of the settings, in bytes: a few paragraphs.
const MaxStatement = 8000

// SettingsSource is a Source that also keeps the transparency settings; Compute writes them
// into the report when its source is one.
type SettingsSource interface {
	TransparencySettings(ctx context.Context) (Settings, error)
}

// SettingsStore also saves the settings, for admins.
type SettingsStore interface {
	SettingsSource
	// SaveTransparencySettings replaces the settings, trimmed, for an admin; it refuses what
	// Validate refuses and audits the change.
	SaveTransparencySettings(ctx context.Context, s Settings) (Settings, error)
}

// Validate refuses settings whose text is not valid UTF-8, is longer than MaxStatement, or looks
// like personal data (an email address, a phone number, an IP address): the text is published,
// and Check would refuse every report that carried it (PP-11, TR-06). The error names the field.
func (s Settings) Validate() error {
	for _, f := range []struct{ name, text string }{
		{"gdpr_ground", s.GDPRGround}, {"transfer_ground", s.TransferGround},
		{"error_limiting_measures", s.ErrorMeasures}, {"retention_policy", s.RetentionPolicy},
	} {
		switch {
		case !utf8.ValidString(f.text):
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "is not valid UTF-8")
		case len(f.text) > MaxStatement:
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "is longer than %d bytes", MaxStatement)
		}
		if err := checkPublished(f.text); err != nil {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "is published in the transparency report and must hold no personal data: %s",
				strings.TrimPrefix(err.Error(), ErrPersonalData.Error()+": "))
		}
	}
	return nil
}

// checkPublished runs Check on text as written and as each format escapes it: JSON writes "<"
// as \u003c, which turns "a<@b.example" into something shaped like an email address.
func checkPublished(text string) error {
	quoted, err := json.Marshal(text)
	if err != nil {
		return err
	}
	return Check([]byte(text+"\n"+string(quoted)+"\n"+html.EscapeString(text)), nil)
}

// Trimmed returns s with the surrounding space of its texts removed.
func (s Settings) Trimmed() Settings {
	s.GDPRGround, s.TransferGround = strings.TrimSpace(s.GDPRGround), strings.TrimSpace(s.TransferGround)
	s.ErrorMeasures, s.RetentionPolicy = strings.TrimSpace(s.ErrorMeasures), strings.TrimSpace(s.RetentionPolicy)
	return s
}

// fillSettings writes the provider's statements and retention policy into r when src keeps
// settings; Vigil's own retention statement stays when the provider wrote none.
func fillSettings(ctx context.Context, src Source, _ Period, r *Report) error {
	ss, ok := src.(SettingsSource)
	if !ok {
		return nil
	}
	s, err := ss.TransparencySettings(ctx)
	if err != nil {
		return err
	}
	r.Statements = s.Statements
	if s.RetentionPolicy != "" {
		r.Retention.Policy = s.RetentionPolicy
	}
	return nil
}

// errNoSettings is the answer of a service whose store keeps no settings.
var errNoSettings = vigil.Errorf(vigil.EUNAVAILABLE, "this server keeps no transparency settings")

// Settings returns the transparency settings to a caller who may read the report.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	if err := checkReader(ctx); err != nil {
		return Settings{}, err
	}
	ss, ok := s.Store.(SettingsSource)
	if !ok {
		return Settings{}, errNoSettings
	}
	return ss.TransparencySettings(ctx)
}

// SaveSettings replaces the transparency settings; the store checks that the caller is an
// admin, validates the text and audits the change.
func (s *Service) SaveSettings(ctx context.Context, st Settings) (Settings, error) {
	ss, ok := s.Store.(SettingsStore)
	if !ok {
		return Settings{}, errNoSettings
	}
	return ss.SaveTransparencySettings(ctx, st)
}
