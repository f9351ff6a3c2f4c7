package eucentre

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/vigilproject/vigil"
)

// payloads are the benign stand-ins for content data the tests attach.
var payloads = map[string][]byte{
	"cnt_one": []byte("benign test payload one"),
	"cnt_two": []byte("benign test payload two <&>"),
}

func hexSum(sum []byte) string { return hex.EncodeToString(sum) }

// fullRecord returns a record with every field set, in a time zone other than UTC so that the
// conversion is exercised.
func fullRecord() vigil.ReportRecord {
	cet := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 27, 10, 30, 15, 123456789, cet)
	content := func(id string) vigil.ReportContent {
		data := payloads[id]
		m, s1, s256 := md5.Sum(data), sha1.Sum(data), sha256.Sum256(data)
		return vigil.ReportContent{
			ContentID:   id,
			FileName:    id + ".jpg",
			MediaType:   "image/jpeg",
			Uploaded:    at.Add(-time.Hour),
			MD5:         hexSum(m[:]),
			SHA1:        hexSum(s1[:]),
			SHA256:      hexSum(s256[:]),
			PDQ:         "F8F8F0CEE0F4A84F06370A32038F67F0B36E2ED596623E1D33E6339F60D8D0C4",
			Category:    "A1",
			Viewed:      true,
			ViewedEXIF:  false,
			Public:      true,
			Metadata:    map[string]string{"exif:DateTimeOriginal": "2026:11:27 09:00:00", "tz": "+01:00"},
			MatchedList: []string{"bank-a"},
		}
	}
	return vigil.ReportRecord{
		Provider: vigil.ReportProvider{
			Name:          "Example Hosting B.V.",
			LegalRep:      "Example Rep GmbH",
			ContactPoint:  "csar@example.com",
			ReporterEmail: "legal@example.com",
		},
		Issued:     at,
		Urgent:     true,
		UrgentWhy:  "ongoing abuse indicated",
		Type:       vigil.ReportKnown,
		Content:    []vigil.ReportContent{content("cnt_one"), content("cnt_two")},
		Incident:   at.Add(-2 * time.Hour),
		NonContent: map[string]string{"upload_client": "web"},
		Geo: vigil.ReportGeo{
			IP: "192.0.2.10", Port: 50123, At: at.Add(-2 * time.Hour),
			TimeZone: "Europe/Amsterdam", Postal: "1011", Country: "NL",
		},
		Users:        []vigil.ReportUser{{UniqueID: "u-1", Username: "someone", Email: "someone@example.net"}},
		Victims:      []string{"apparent minor, age unknown"},
		Service:      vigil.ReportService{Name: "Example Photos", Type: "hosting", URL: "https://photos.example.com/"},
		Awareness:    vigil.AwarenessOwnMotion,
		ThirdCountry: []vigil.ThirdCountryReport{{Entity: "NCMEC", Reference: "123456789"}},
		Removed:      true,
		RemovedAt:    at,
		Account:      "suspended",
		LegalBasis:   "Regulation (EU) 2026/1881, Art. 3(1)",
		Other:        "see <notes> & more",
	}
}

// minimalRecord returns a record with only what the schema requires.
func minimalRecord() vigil.ReportRecord {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return vigil.ReportRecord{
		Provider:   vigil.ReportProvider{Name: "P", ContactPoint: "c@example.com"},
		Issued:     at,
		Type:       vigil.ReportNew,
		Content:    []vigil.ReportContent{{ContentID: "cnt_one", Uploaded: at}},
		Incident:   at,
		Service:    vigil.ReportService{Name: "S", Type: "interpersonal"},
		Awareness:  vigil.AwarenessUserFlag,
		LegalBasis: "Art. 12 CSAR",
	}
}

// oneFile is the file set for minimalRecord.
func oneFile() map[string][]byte {
	return map[string][]byte{"cnt_one": payloads["cnt_one"]}
}

// twoFiles is the file set for fullRecord.
func twoFiles() map[string][]byte {
	return map[string][]byte{"cnt_one": payloads["cnt_one"], "cnt_two": payloads["cnt_two"]}
}
