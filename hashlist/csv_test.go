package hashlist

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestEndsInQuote(t *testing.T) {
	tests := []struct {
		line    string
		inQuote bool
		want    bool
	}{
		{`a,b,c`, false, false},
		{`"a",b`, false, false},
		{`"a`, false, true},
		{`a,"b`, false, true},
		{`a,"b,c`, false, true},
		{`a,"b""`, false, true},
		{`a,"b"""`, false, false},
		{`a,"b",`, false, false},
		{`a,"b","`, false, true},
		{`a"b,"c`, false, false},  // bare quote: encoding/csv gives up on the line
		{`"a"x,"b`, false, false}, // text after a closing quote: likewise
		{`""`, false, false},
		{``, true, true},
		{`still inside`, true, true},
		{`end"`, true, false},
		{`end",next`, true, false},
		{`end","again`, true, true},
		{`x""y`, true, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%v", tt.line, tt.inQuote), func(t *testing.T) {
			if got := endsInQuote([]byte(tt.line), ',', tt.inQuote); got != tt.want {
				t.Errorf("endsInQuote(%q, inQuote=%v) = %v, want %v", tt.line, tt.inQuote, got, tt.want)
			}
		})
	}
}

// csvOutcome is one record's fields, or the line of its error.
type csvOutcome struct {
	fields  []string
	errLine int
}

func (o csvOutcome) String() string {
	if o.fields == nil {
		return fmt.Sprintf("error on line %d", o.errLine)
	}
	return fmt.Sprintf("%q", o.fields)
}

func outcomesEqual(a, b []csvOutcome) bool {
	return slices.EqualFunc(a, b, func(x, y csvOutcome) bool {
		return x.errLine == y.errLine && slices.Equal(x.fields, y.fields)
	})
}

// stdlibRecords splits in with encoding/csv, the reference for nextCSVRecord.
func stdlibRecords(in string, comma byte) ([]csvOutcome, error) {
	cr := csv.NewReader(strings.NewReader(in))
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = -1
	var out []csvOutcome
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			out = append(out, csvOutcome{errLine: pe.Line})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, csvOutcome{fields: fields})
	}
}

// ourRecords splits in with nextCSVRecord.
func ourRecords(in string, comma byte) ([]csvOutcome, error) {
	rd := &Reader{
		format: CSV,
		lines:  lineReader{br: bufio.NewReaderSize(strings.NewReader(in), MaxLine+2)},
		table:  &table{comma: comma},
	}
	var out []csvOutcome
	for {
		fields, _, err := rd.nextCSVRecord(false)
		if err == io.EOF {
			return out, nil
		}
		var le *LineError
		if errors.As(err, &le) {
			out = append(out, csvOutcome{errLine: le.Line})
			continue
		}
		if err != nil {
			return nil, err
		}
		if fields == nil {
			fields = []string{}
		}
		out = append(out, csvOutcome{fields: fields})
	}
}

// comparableCSV reports whether in avoids the two places where Read deliberately differs from
// encoding/csv: it skips lines of only white space, and drops a leading byte-order mark.
func comparableCSV(in string) bool {
	if strings.HasPrefix(in, "\ufeff") || len(in) > MaxLine {
		return false
	}
	for _, line := range strings.Split(in, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line != "" && len(bytes.TrimSpace([]byte(line))) == 0 {
			return false
		}
	}
	return true
}

var csvSeeds = []string{
	"a,b,c\n1,2,3\n",
	"a,\"b\nc\",d\ne,f\n",
	"\"a\"\"b\",c\r\n\"x\r\ny\",z",
	"a\"b,c\nd,e\n",
	"\"a\"x,b\nc,d\n",
	"\"open\nstill\n",
	"a,\"b\n\"c,d\ne\n",
	"\n\na\n\n",
	"\"\"\n\",\"\n",
	"x\r\n\"y\r\n\",z\r\n",
	"\t\"q\"\t\n",
}

func TestCSVRecordsMatchStdlib(t *testing.T) {
	for _, comma := range []byte{',', '\t'} {
		for _, in := range csvSeeds {
			t.Run(fmt.Sprintf("%q/%q", comma, in), func(t *testing.T) {
				checkCSVRecords(t, in, comma)
			})
		}
	}
}

func FuzzCSVRecords(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s, true)
		f.Add(strings.ReplaceAll(s, ",", "\t"), false)
	}
	f.Fuzz(func(t *testing.T, in string, commaSeparated bool) {
		comma := byte('\t')
		if commaSeparated {
			comma = ','
		}
		checkCSVRecords(t, in, comma)
	})
}

func checkCSVRecords(t *testing.T, in string, comma byte) {
	t.Helper()
	if !comparableCSV(in) {
		return
	}
	want, err := stdlibRecords(in, comma)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ourRecords(in, comma)
	if err != nil {
		t.Fatal(err)
	}
	if !outcomesEqual(got, want) {
		t.Errorf("input %q:\n got %v\nwant %v (encoding/csv)", in, got, want)
	}
}
