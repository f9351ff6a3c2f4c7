package reporting

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/ncmec"
)

// CyberTipline is the NCMEC destination on an ncmec.Client: it renders the XML documents and
// marks the client's final errors Permanent.
type CyberTipline struct{ Client *ncmec.Client }

// ncmecErr marks err Permanent unless ncmec.Retryable says it may pass.
func ncmecErr(err error) error {
	if err == nil || ncmec.Retryable(err) {
		return err
	}
	return Permanent(err)
}

// hasCode reports whether err is the CyberTipline response code.
func hasCode(err error, code int) bool {
	e, ok := errors.AsType[*ncmec.Error](err)
	return ok && e.Code == code
}

// parseID reads a CyberTipline report id as the store keeps it.
func parseID(ref string) (int64, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return 0, Permanent(fmt.Errorf("stored CyberTipline report id %q is not a positive number", ref))
	}
	return id, nil
}

// Submit renders rec as a <report>, with the record's report annotations, and submits it.
func (c CyberTipline) Submit(ctx context.Context, rec vigil.ReportRecord) (string, error) {
	doc, err := ncmec.RenderReport(rec, Annotations(rec)...)
	if err != nil {
		return "", Permanent(err)
	}
	id, err := c.Client.Submit(ctx, doc)
	if err != nil {
		return "", ncmecErr(err)
	}
	return strconv.FormatInt(id, 10), nil
}

// Annotations returns the record's CyberTipline report annotations, as RenderReport takes them.
func Annotations(rec vigil.ReportRecord) []ncmec.Annotation {
	var out []ncmec.Annotation
	for _, a := range rec.Annotations {
		out = append(out, ncmec.Annotation(a))
	}
	return out
}

// Upload attaches data to report ref; an MD5 mismatch is retried (NC-04).
func (c CyberTipline) Upload(ctx context.Context, ref, name string, data []byte) (string, string, error) {
	id, err := parseID(ref)
	if err != nil {
		return "", "", err
	}
	fileID, md5, err := c.Client.Upload(ctx, id, name, data)
	return fileID, md5, ncmecErr(err)
}

// FileInfo sends the <fileDetails> of file fileID.
func (c CyberTipline) FileInfo(ctx context.Context, ref, fileID string, item vigil.ReportContent, geo vigil.ReportGeo) error {
	id, err := parseID(ref)
	if err != nil {
		return err
	}
	doc, err := ncmec.RenderFileDetails(id, fileID, item, geo)
	if err != nil {
		return Permanent(err)
	}
	return ncmecErr(c.Client.FileInfo(ctx, doc))
}

// Finish finishes report ref. "Already finished" means an earlier finish succeeded before the
// worker could record it: done.
func (c CyberTipline) Finish(ctx context.Context, ref string) error {
	id, err := parseID(ref)
	if err != nil {
		return err
	}
	if _, err := c.Client.Finish(ctx, id); err != nil && !hasCode(err, ncmec.CodeAlreadyFinished) {
		return ncmecErr(err)
	}
	return nil
}

// Retract retracts report ref; "already retracted" is done.
func (c CyberTipline) Retract(ctx context.Context, ref string) error {
	id, err := parseID(ref)
	if err != nil {
		return err
	}
	if err := c.Client.Retract(ctx, id); err != nil && !hasCode(err, ncmec.CodeAlreadyRetracted) {
		return ncmecErr(err)
	}
	return nil
}

// EUCentreSender is the EU Centre destination: it renders the record, signs the canonical bytes
// with the provider's key (RP-03) and sends them through Transport.
type EUCentreSender struct {
	Key       ed25519.PrivateKey
	Transport eucentre.Transport
}

// Send renders, signs and sends rec with its files.
func (s EUCentreSender) Send(ctx context.Context, rec vigil.ReportRecord, files map[string][]byte, key string) (string, error) {
	doc, err := eucentre.Render(rec, files)
	if err != nil {
		return "", Permanent(err)
	}
	sig, err := eucentre.Sign(s.Key, doc)
	if err != nil {
		return "", Permanent(err)
	}
	ref, err := s.Transport.Send(ctx, doc, sig, key)
	if err != nil && !eucentre.Retryable(err) {
		return "", Permanent(err)
	}
	return ref, err
}

// Connector returns a Worker.Connect that builds the real destinations the settings enable:
// the CyberTipline in the environment the settings name (test unless exactly "production",
// NC-01) or at their NCMEC URL, and the EU Centre at its URL, signing with key. hc is the HTTP
// client of both (nil: http.DefaultClient).
func Connector(key ed25519.PrivateKey, hc *http.Client) func(context.Context, vigil.ReportSettings) (Destinations, error) {
	return func(_ context.Context, s vigil.ReportSettings) (Destinations, error) {
		var d Destinations
		if s.NCMEC {
			url := s.NCMECURL
			if url == "" {
				url = ncmec.ResolveEnvironment(s.NCMECEnvironment).BaseURL()
			}
			d.NCMEC = CyberTipline{Client: &ncmec.Client{URL: url, Username: s.NCMECUser, Password: s.NCMECPassword, HTTP: hc}}
		}
		if s.EUCentre {
			d.EUCentre = EUCentreSender{Key: key, Transport: eucentre.Client{URL: s.EUCentreURL, HTTP: hc}}
			d.Supplements = EUSupplementSender{Key: key, URL: s.EUCentreURL, HTTP: hc}
		}
		return d, nil
	}
}
