package hashlist

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"github.com/vigilproject/vigil/signal"
)

// Write writes records in format f, each signal in canonical form and each text field cleaned as Read
// would clean it, so that reading the output back gives the same records (for lines, give Read the
// type when every record has the same one). Formats that cannot carry a field drop it: lines and tx
// hold only the signal. Lines are bare hashes when all records have one type, otherwise type:value.
// Duplicates are written as given. A record with an invalid signal is an error, and nothing after it
// is written.
func Write(w io.Writer, f Format, records []Record) error {
	bw := bufio.NewWriter(w)
	var err error
	switch f {
	case Lines:
		err = writeLines(bw, records)
	case TX:
		err = eachRecord(records, func(r Record) error {
			_, err := fmt.Fprintf(bw, "%s %s\n", r.Signal.Type, r.Signal.Value)
			return err
		})
	case CSV:
		err = writeTable(bw, ',', records)
	case TSV:
		err = writeTable(bw, '\t', records)
	case JSONL:
		err = writeJSONL(bw, records)
	default:
		return fmt.Errorf("hashlist: write: unknown format %q (want lines, csv, tsv, tx or jsonl)", f)
	}
	if err != nil {
		return fmt.Errorf("hashlist: write %s: %w", f, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("hashlist: write %s: %w", f, err)
	}
	return nil
}

// eachRecord calls write with every record in canonical form, stopping at the first error.
func eachRecord(records []Record, write func(Record) error) error {
	for i, r := range records {
		sig, err := signal.Parse(string(r.Signal.Type), r.Signal.Value)
		if err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
		canonical := Record{Signal: sig, ID: cleanText(r.ID), Category: cleanText(r.Category), Note: cleanText(r.Note)}
		if err := write(canonical); err != nil {
			return err
		}
	}
	return nil
}

func writeLines(bw *bufio.Writer, records []Record) error {
	bare := true
	var first signal.Type
	for i, r := range records {
		st, err := signal.Lookup(string(r.Signal.Type))
		if err != nil {
			break // eachRecord reports it
		}
		if i == 0 {
			first = st.Name()
		}
		bare = bare && st.Name() == first
	}
	return eachRecord(records, func(r Record) error {
		if !bare {
			bw.WriteString(string(r.Signal.Type) + ":")
		}
		_, err := bw.WriteString(r.Signal.Value + "\n")
		return err
	})
}

func writeTable(bw *bufio.Writer, comma rune, records []Record) error {
	cw := csv.NewWriter(bw)
	cw.Comma = comma
	if err := cw.Write(fieldTitles[:]); err != nil {
		return err
	}
	err := eachRecord(records, func(r Record) error {
		return cw.Write([]string{string(r.Signal.Type), r.Signal.Value, r.ID, r.Category, r.Note})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// jsonRecord is the JSON Lines form of a Record; empty text fields are left out.
type jsonRecord struct {
	SignalType signal.Type `json:"signal_type"`
	Signal     string      `json:"signal"`
	ID         string      `json:"id,omitempty"`
	Category   string      `json:"category,omitempty"`
	Note       string      `json:"note,omitempty"`
}

func writeJSONL(bw *bufio.Writer, records []Record) error {
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return eachRecord(records, func(r Record) error {
		return enc.Encode(jsonRecord{r.Signal.Type, r.Signal.Value, r.ID, r.Category, r.Note})
	})
}
