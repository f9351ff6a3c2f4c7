package signal

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/pdq"
)

const (
	md5Empty  = "d41d8cd98f00b204e9800998ecf8427e"
	sha1Empty = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	sha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	pdqA      = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name    string
		want    Type
		wantErr string
	}{
		{"pdq", PDQ, ""},
		{" PDQ\t", PDQ, ""},
		{"PdqSignal", PDQ, ""},
		{"md5", MD5, ""},
		{"video_md5", MD5, ""},
		{"VideoMD5Signal", MD5, ""},
		{"sha1", SHA1, ""},
		{"SHA-1", SHA1, ""},
		{"sha256", SHA256, ""},
		{"sha-256", SHA256, ""},
		{"video_sha256", SHA256, ""},
		{"", "", `unknown signal type ""`},
		{"photodna", "", `unknown signal type "photodna" (want pdq, md5, sha1 or sha256)`},
		{"md 5", "", `unknown signal type "md 5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Lookup(tt.name)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Lookup(%q) error = %v, want it to contain %q", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Lookup(%q): %v", tt.name, err)
			}
			if st.Name() != tt.want {
				t.Errorf("Lookup(%q).Name() = %q, want %q", tt.name, st.Name(), tt.want)
			}
		})
	}
}

func TestAll(t *testing.T) {
	want := []Type{PDQ, MD5, SHA1, SHA256}
	all := All()
	if len(all) != len(want) {
		t.Fatalf("All() has %d types, want %d", len(all), len(want))
	}
	for i, st := range all {
		if st.Name() != want[i] {
			t.Errorf("All()[%d] = %q, want %q", i, st.Name(), want[i])
		}
		if got := st.Exact(); got != (st.Name() != PDQ) {
			t.Errorf("%s.Exact() = %v", st.Name(), got)
		}
	}
	all[0] = nil
	if All()[0] == nil {
		t.Error("All() returned the registry itself; callers can corrupt it")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, typ, value string
		want             Signal
		wantErr          string
	}{
		{"md5", "md5", md5Empty, Signal{MD5, md5Empty}, ""},
		{"md5 upper", "MD5", strings.ToUpper(md5Empty), Signal{MD5, md5Empty}, ""},
		{"md5 spaces", "md5", "  " + md5Empty + "\r\n", Signal{MD5, md5Empty}, ""},
		{"md5 short", "md5", "abc", Signal{}, `md5: "abc" has 3 characters, want 32 hex digits`},
		{"md5 empty", "md5", "", Signal{}, "md5: empty value, want 32 hex digits"},
		{"md5 non-hex", "md5", "g" + md5Empty[1:], Signal{}, `md5: "g` + md5Empty[1:] + `" has non-hex character 'g' at position 1`},
		{"md5 sha1 length", "md5", sha1Empty, Signal{}, "has 40 characters, want 32 hex digits"},
		{"sha1", "sha1", sha1Empty, Signal{SHA1, sha1Empty}, ""},
		{"sha1 inner space", "sha1", sha1Empty[:20] + " " + sha1Empty[21:], Signal{}, "non-hex character ' ' at position 21"},
		{"sha256", "sha256", sha256Abc, Signal{SHA256, sha256Abc}, ""},
		{"sha256 short", "sha256", sha256Abc[:63], Signal{}, "sha256: \"" + sha256Abc[:63] + "\" has 63 characters, want 64 hex digits"},
		{"pdq", "pdq", pdqA, Signal{PDQ, pdqA}, ""},
		{"pdq upper", "PdqSignal", strings.ToUpper(pdqA), Signal{PDQ, pdqA}, ""},
		{"pdq short", "pdq", pdqA[:10], Signal{}, "pdq: \"" + pdqA[:10] + "\" has 10 characters, want 64 hex digits"},
		{"pdq 0x", "pdq", "0x" + pdqA[2:], Signal{}, "pdq: \"0x" + pdqA[2:] + "\" has non-hex character 'x' at position 2"},
		{"long input truncated", "md5", strings.Repeat("a", 1000), Signal{}, `"` + strings.Repeat("a", 80) + `..." has 1000 characters`},
		{"unknown type", "tlsh", md5Empty, Signal{}, `unknown signal type "tlsh"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.typ, tt.value)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseTyped(t *testing.T) {
	tests := []struct {
		name, in string
		want     Signal
		wantErr  string
	}{
		{"bare pdq", pdqA, Signal{PDQ, pdqA}, ""},
		{"bare pdq upper with newline", strings.ToUpper(pdqA) + "\n", Signal{PDQ, pdqA}, ""},
		{"typed pdq", "pdq:" + pdqA, Signal{PDQ, pdqA}, ""},
		{"typed md5", "MD5:" + strings.ToUpper(md5Empty), Signal{MD5, md5Empty}, ""},
		{"typed sha1", "sha1:" + sha1Empty, Signal{SHA1, sha1Empty}, ""},
		{"typed sha256", "sha256:" + sha256Abc, Signal{SHA256, sha256Abc}, ""},
		{"pytx name", "video_md5:" + md5Empty, Signal{MD5, md5Empty}, ""},
		{"bare 64 hex is pdq not sha256", sha256Abc, Signal{PDQ, sha256Abc}, ""},
		{"bare md5", md5Empty, Signal{}, "no type prefix and 32 characters"},
		{"bare not hex", strings.Repeat("z", 64), Signal{}, "pdq: \"zzzz"},
		{"empty", "", Signal{}, "no type prefix and 0 characters"},
		{"empty value", "md5:", Signal{}, "md5: empty value"},
		{"empty type", ":" + md5Empty, Signal{}, `unknown signal type ""`},
		{"two colons", "md5:" + md5Empty + ":x", Signal{}, "has 34 characters, want 32"},
		{"bad value", "sha1:abc", Signal{}, `sha1: "abc" has 3 characters, want 40 hex digits`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTyped(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func checkParse(t *testing.T, got Signal, err error, want Signal, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want it to contain %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestSignalString(t *testing.T) {
	s := Signal{MD5, md5Empty}
	if got, want := s.String(), "md5:"+md5Empty; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	back, err := ParseTyped(s.String())
	if err != nil || back != s {
		t.Errorf("ParseTyped(String()) = %+v, %v; want %+v", back, err, s)
	}
}

func TestDistance(t *testing.T) {
	flipped := []byte(pdqA)
	flipped[0] = '0'  // f (1111) -> 0 (0000): 4 bits
	flipped[63] = '3' // 2 (0010) -> 3 (0011): 1 bit
	tests := []struct {
		name    string
		typ     Type
		a, b    string
		want    int
		wantErr string
	}{
		{"pdq same", PDQ, pdqA, strings.ToUpper(pdqA), 0, ""},
		{"pdq five bits", PDQ, pdqA, string(flipped), 5, ""},
		{"pdq all bits", PDQ, strings.Repeat("0", 64), strings.Repeat("f", 64), 256, ""},
		{"pdq bad a", PDQ, "xyz", pdqA, 0, `pdq: "xyz" has 3 characters`},
		{"pdq bad b", PDQ, pdqA, pdqA[1:], 0, "has 63 characters"},
		{"md5 equal", MD5, md5Empty, strings.ToUpper(md5Empty), 0, ""},
		{"md5 differ", MD5, md5Empty, "0" + md5Empty[1:], 1, ""},
		{"md5 bad", MD5, md5Empty, "", 0, "md5: empty value"},
		{"sha1 differ", SHA1, sha1Empty, strings.Repeat("0", 40), 1, ""},
		{"sha256 equal", SHA256, sha256Abc, sha256Abc, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Lookup(string(tt.typ))
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Distance(tt.a, tt.b)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Distance = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestPDQDistanceMatchesPackage checks the bit-loop oracle against pdq.Distance on random pairs,
// including pairs a few bits apart, where an index is most likely to be wrong.
func TestPDQDistanceMatchesPackage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	st, err := Lookup("pdq")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		a := pdq.Hash{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		b := a
		if i%2 == 0 {
			b = pdq.Hash{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		} else {
			for n := rng.IntN(40); n > 0; n-- {
				k := rng.IntN(256)
				b[k/64] ^= 1 << (k % 64)
			}
		}
		got, err := st.Distance(a.String(), b.String())
		if err != nil {
			t.Fatal(err)
		}
		if want := pdq.Distance(a, b); got != want {
			t.Fatalf("Distance(%s, %s) = %d, pdq.Distance = %d", a, b, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{pdqA, "md5:" + md5Empty, "SHA1:" + sha1Empty, "sha256:" + sha256Abc,
		"video_md5:" + strings.ToUpper(md5Empty), "", ":", "pdq:", "md5:abc", strings.Repeat("G", 64)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sig, err := ParseTyped(in)
		if err != nil {
			return
		}
		st, err := Lookup(string(sig.Type))
		if err != nil {
			t.Fatalf("ParseTyped(%q) gave unregistered type %q", in, sig.Type)
		}
		if strings.ToLower(sig.Value) != sig.Value || strings.TrimSpace(sig.Value) != sig.Value {
			t.Fatalf("ParseTyped(%q) value %q is not canonical", in, sig.Value)
		}
		again, err := ParseTyped(sig.String())
		if err != nil || again != sig {
			t.Fatalf("ParseTyped(%q) = %+v, %v; want %+v", sig.String(), again, err, sig)
		}
		if sig.Type == PDQ {
			if h, err := pdq.Parse(sig.Value); err != nil || h.String() != sig.Value {
				t.Fatalf("pdq value %q is not pdq.Hash's form: %v, %v", sig.Value, h, err)
			}
		}
		if d, err := st.Distance(sig.Value, in[strings.LastIndex(in, ":")+1:]); err != nil || d != 0 {
			t.Fatalf("Distance(canonical, input) = %d, %v; want 0", d, err)
		}
	})
}

// TestEveryNameIsRegistered guards against an alias pointing at a type that All does not list.
func TestEveryNameIsRegistered(t *testing.T) {
	registered := map[Type]bool{}
	for _, st := range All() {
		registered[st.Name()] = true
	}
	for name, st := range byName {
		t.Run(name, func(t *testing.T) {
			if !registered[st.Name()] {
				t.Errorf("%q maps to %q, which All does not list", name, st.Name())
			}
			if _, ok := byName[string(st.Name())]; !ok {
				t.Errorf("canonical name %q is not accepted by Lookup", st.Name())
			}
		})
	}
}
