package password

import (
	"strings"
	"testing"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashAndCheck(t *testing.T) {
	phc := Hash("correct horse battery", cheap)
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("PHC string %q", phc)
	}
	if phc == Hash("correct horse battery", cheap) {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"right", "correct horse battery", true},
		{"wrong", "correct horse battery!", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := Check(tc.password, phc)
			if err != nil || ok != tc.ok {
				t.Fatalf("Check = %v, %v; want %v", ok, err, tc.ok)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	good := Hash("x", cheap)
	parts := strings.Split(good, "$")
	for _, tc := range []struct{ name, phc string }{
		{"empty", ""},
		{"bcrypt", "$2b$10$abcdefghijklmnopqrstuv"},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"old version", strings.Replace(good, "v=19", "v=16", 1)},
		{"huge memory", strings.Replace(good, "m=64", "m=4294967295", 1)},
		{"zero time", strings.Replace(good, "t=1", "t=0", 1)},
		{"missing parameter", strings.Replace(good, ",p=1", "", 1)},
		{"bad salt", strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$")},
		{"short key", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$")},
		{"extra field", good + "$x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := Parse(tc.phc); err == nil {
				t.Fatalf("Parse(%q) accepted", tc.phc)
			}
			if ok, err := Check("x", tc.phc); ok || err == nil {
				t.Fatalf("Check against %q = %v, %v", tc.phc, ok, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Hash("x", cheap))
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Fuzz(func(t *testing.T, phc string) {
		p, salt, key, err := Parse(phc)
		if err != nil {
			return
		}
		if p.Memory > maxMemory || p.Time > maxTime || len(salt) > maxSaltLen || len(key) > maxKeyLen {
			t.Fatalf("Parse(%q) accepted out-of-bounds %+v salt %d key %d", phc, p, len(salt), len(key))
		}
		if again := encode(p, salt, key); again != phc {
			if _, _, _, err := Parse(again); err != nil {
				t.Fatalf("re-encoded %q does not parse: %v", again, err)
			}
		}
	})
}
