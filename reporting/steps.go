package reporting

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vigilproject/vigil"
)

// errDisabled is the failure of a destination the report was queued for but the settings no
// longer enable: final, since nothing will send it.
func errDisabled(d vigil.Destination) error {
	return Permanent(fmt.Errorf("%s is no longer enabled in the report settings", d))
}

// ncmec runs the CyberTipline flow from the step nd records: submit unless a report id is held,
// upload each item's file not yet uploaded, send the details of each file not yet described,
// finish. It returns the CyberTipline report id, also with an error once it has one.
func (f *flow) ncmec(ctx context.Context, nd vigil.ReportDelivery) (string, error) {
	n, ref := f.dests.NCMEC, nd.Reference
	if n == nil {
		return ref, errDisabled(vigil.DestNCMEC)
	}
	if ref == "" {
		var err error
		if ref, err = n.Submit(ctx, f.rep.Record); err != nil {
			return "", err
		}
		if err := f.w.Store.NCMECSubmitted(ctx, f.rep.ID, ref); err != nil {
			return ref, stored(err)
		}
		f.observe(vigil.DestNCMEC)
	}
	for _, item := range f.rep.Record.Content {
		if err := f.ncmecFile(ctx, n, ref, item); err != nil {
			return ref, err
		}
	}
	if err := n.Finish(ctx, ref); err != nil {
		return ref, err
	}
	return ref, stored(f.w.Store.NCMECFinished(ctx, f.rep.ID))
}

// ncmecFile uploads item's file unless the store records it uploaded, then describes it unless
// the store records that done.
func (f *flow) ncmecFile(ctx context.Context, n NCMEC, ref string, item vigil.ReportContent) error {
	i := slices.IndexFunc(f.rep.Files, func(rf vigil.ReportFile) bool { return rf.ContentID == item.ContentID })
	var file vigil.ReportFile
	if i >= 0 {
		file = f.rep.Files[i]
	} else {
		data, err := f.caseMedia(ctx)
		if err != nil {
			return err
		}
		fileID, md5, err := n.Upload(ctx, ref, fileName(item), data)
		if err != nil {
			return err
		}
		if err := f.w.Store.NCMECUploaded(ctx, f.rep.ID, item.ContentID, fileID, md5); err != nil {
			return stored(err)
		}
		file = vigil.ReportFile{ContentID: item.ContentID, FileID: fileID, MD5: md5}
	}
	if file.Described {
		return nil
	}
	if err := n.FileInfo(ctx, ref, file.FileID, item, f.rep.Record.Geo); err != nil {
		return err
	}
	return stored(f.w.Store.NCMECDescribed(ctx, f.rep.ID, item.ContentID))
}

// fileName is the name an item's file is uploaded under: its name as uploaded, else its id.
func fileName(item vigil.ReportContent) string {
	if item.FileName != "" {
		return item.FileName
	}
	return item.ContentID
}

// euCentre sends the record, stamped now and naming the CyberTipline report ncmecRef when there
// is one, with the content attached and the report id as idempotency key.
func (f *flow) euCentre(ctx context.Context, ncmecRef string) error {
	eu := f.dests.EUCentre
	if eu == nil {
		return errDisabled(vigil.DestEUCentre)
	}
	rec := f.rep.Record
	rec.Issued = f.now
	if ncmecRef != "" {
		rec.ThirdCountry = withNCMEC(rec.ThirdCountry, ncmecRef)
	}
	files := map[string][]byte{}
	for _, item := range rec.Content {
		data, err := f.caseMedia(ctx)
		if err != nil {
			return err
		}
		files[item.ContentID] = data
	}
	ref, err := eu.Send(ctx, rec, files, f.rep.ID)
	if err != nil {
		return err
	}
	if ref == "" {
		return errors.New("the EU Centre answered without a reference")
	}
	if err := f.w.Store.EUSent(ctx, f.rep.ID, ref); err != nil {
		return stored(err)
	}
	f.observe(vigil.DestEUCentre)
	return nil
}

// withNCMEC returns reports with the CyberTipline report ref, unless it is already there.
func withNCMEC(reports []vigil.ThirdCountryReport, ref string) []vigil.ThirdCountryReport {
	for _, r := range reports {
		if r.Entity == vigil.NCMECEntity && r.Reference == ref {
			return reports
		}
	}
	return append(slices.Clone(reports), vigil.ThirdCountryReport{Entity: vigil.NCMECEntity, Reference: ref})
}
