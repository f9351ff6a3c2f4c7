package vault

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// Record is an evidence record as exports and the API show it: JSON, snake_case, times in
// RFC 3339 with milliseconds.
type Record struct {
	ID         string          `json:"id"`
	CaseID     string          `json:"case_id"`
	ContentID  string          `json:"content_id"`
	Service    string          `json:"service"`
	Purposes   []vigil.Purpose `json:"purposes"`
	Policy     string          `json:"policy"`
	Identified string          `json:"identified_at"`
	Deadline   string          `json:"deadline"`
	HeldUntil  string          `json:"held_until,omitempty"`
	Status     string          `json:"status"`
	Size       int64           `json:"size"`
	MediaType  string          `json:"media_type"`
	SHA256     string          `json:"sha256"`
	Created    string          `json:"created_at"`
	Deleted    string          `json:"deleted_at,omitempty"`
	Reason     string          `json:"reason,omitempty"`
}

// TimeFormat is how records show times.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// formatTime shows t in UTC, and the zero time as "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// RecordOf returns e as a Record.
func RecordOf(e vigil.Evidence) Record {
	return Record{ID: e.ID, CaseID: e.CaseID, ContentID: e.ContentID, Service: e.Service,
		Purposes: e.Purposes, Policy: e.Policy, Identified: formatTime(e.Identified),
		Deadline: formatTime(e.Deadline), HeldUntil: formatTime(e.HeldUntil), Status: string(e.Status),
		Size: e.Size, MediaType: e.MediaType, SHA256: e.SHA256, Created: formatTime(e.Created),
		Deleted: formatTime(e.Deleted), Reason: e.Reason}
}

// ManifestName is the export's manifest: one "<sha256>  <name>" line per other file, the
// format sha256sum -c checks.
const ManifestName = "SHA256SUMS"

// ExportFile is one file of an export archive.
type ExportFile struct {
	Name string
	Data []byte
}

// ExportObject returns the files of one object in an export: its decrypted bytes and its
// record as JSON, both named by its id.
func ExportObject(e vigil.Evidence, data []byte) ([]ExportFile, error) {
	meta, err := json.MarshalIndent(RecordOf(e), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", e.ID, err)
	}
	return []ExportFile{{Name: e.ID + extension(e.MediaType), Data: data}, {Name: e.ID + ".json", Data: append(meta, '\n')}}, nil
}

// extension returns the file name extension for a media type, ".bin" when unknown.
func extension(mediaType string) string {
	switch strings.ToLower(strings.TrimSpace(strings.Split(mediaType, ";")[0])) {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "image/bmp":
		return ".bmp"
	case "image/tiff":
		return ".tif"
	case "video/mp4":
		return ".mp4"
	}
	return ".bin"
}

// WriteArchive writes files as a tar archive to w, followed by the manifest of their SHA-256
// digests, every entry stamped with modTime and readable by its owner only.
func WriteArchive(w io.Writer, files []ExportFile, modTime time.Time) error {
	tw := tar.NewWriter(w)
	var manifest strings.Builder
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		fmt.Fprintf(&manifest, "%s  %s\n", hex.EncodeToString(sum[:]), f.Name)
		if err := writeEntry(tw, f, modTime); err != nil {
			return err
		}
	}
	if err := writeEntry(tw, ExportFile{Name: ManifestName, Data: []byte(manifest.String())}, modTime); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("export archive: %w", err)
	}
	return nil
}

func writeEntry(tw *tar.Writer, f ExportFile, modTime time.Time) error {
	hdr := &tar.Header{Name: f.Name, Mode: 0o600, Size: int64(len(f.Data)), ModTime: modTime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("export archive: %s: %w", f.Name, err)
	}
	if _, err := tw.Write(f.Data); err != nil {
		return fmt.Errorf("export archive: %s: %w", f.Name, err)
	}
	return nil
}
