package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// PR-05: the keys that wrap kept evidence but are not loaded are named, so that a server with
// the wrong evidence key does not run on while nothing opens.
func TestUnloadedEvidenceKeys(t *testing.T) {
	db := openEvidence(t)
	original := reopenVault(t, db)
	confirmCase(t, db, "cnt_keys", []byte("benign payload under the original key"))
	tests := []struct {
		name string
		v    *vault.Vault
		want []string
	}{
		{"the key that wrapped it", original, nil},
		{"another key", otherVault(t), []string{original.KeyID()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.UseEvidence(tt.v, vigil.DefaultRetentionPolicy); err != nil {
				t.Fatal(err)
			}
			got, err := db.UnloadedEvidenceKeys(context.Background())
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("UnloadedEvidenceKeys = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// otherVault opens a vault with a key of its own in a directory of its own.
func otherVault(t *testing.T) *vault.Vault {
	t.Helper()
	dir := t.TempDir()
	v, err := vault.Open(vault.Config{Dir: filepath.Join(dir, "evidence"), KeyFile: filepath.Join(dir, "evidence.key")})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
