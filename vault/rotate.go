package vault

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigilproject/vigil/internal/atomicfile"
)

// A rotation replaces the evidence key in three steps, each safe to interrupt:
//
//  1. StartRotation writes a new key to KeyFile+".new" (or, resuming, keeps the one there).
//     From then on every Open loads both keys and wraps new data keys under the new one.
//  2. The caller re-wraps every data key still under the old key, one object per
//     transaction (Rewrap), so a crash loses at most the object in hand, whose old wrapping
//     is still stored and still opens.
//  3. FinishRotation, once no record uses the old key, renames the new file over the old
//     one: the single atomic step that retires the old key.
//
// The old key is thus kept until every object is re-wrapped, and a rotation interrupted at
// any point resumes by running it again.

// nextKeyFile is where a rotation keeps the new key until it finishes.
func (v *Vault) nextKeyFile() string { return v.keyFile + ".new" }

// Rotating reports whether a rotation is under way: a new key is current and the old one is
// still loaded.
func (v *Vault) Rotating() bool { return len(v.keys) > 1 }

// RetiringKeyIDs returns the ids of the loaded keys other than the current one: the records
// wrapped under them are what the rotation has still to re-wrap.
func (v *Vault) RetiringKeyIDs() []string {
	var ids []string
	for id := range v.keys {
		if id != v.current.ID() {
			ids = append(ids, id)
		}
	}
	return ids
}

// StartRotation begins a rotation, or resumes the one under way: it writes a new key file next
// to the current one and makes its key current. A vault whose key came from the environment
// cannot rotate: the operator replaces the variable instead.
func (v *Vault) StartRotation() error {
	if v.keyFile == "" {
		return errors.New("the evidence key comes from VIGIL_EVIDENCE_KEY: rotation needs a key file (--evidence-key-file)")
	}
	if v.Rotating() {
		return nil
	}
	next := GenerateKey()
	if err := writeKeyFile(v.nextKeyFile(), next); err != nil {
		return err
	}
	v.current = next
	v.keys[next.ID()] = next
	return nil
}

// FinishRotation retires the old key: the new key file replaces the old one. The caller must
// have checked that no record is wrapped under a retiring key any more.
func (v *Vault) FinishRotation() error {
	if !v.Rotating() {
		return nil
	}
	if err := os.Rename(v.nextKeyFile(), v.keyFile); err != nil {
		return fmt.Errorf("finish evidence key rotation: %w", err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(v.keyFile)); err != nil {
		return fmt.Errorf("finish evidence key rotation: %w", err)
	}
	v.keys = map[string]Key{v.current.ID(): v.current}
	return nil
}
