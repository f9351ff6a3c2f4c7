package sqlite

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// caseMediaKeyName names the secret that encrypts case media.
const caseMediaKeyName = "case_media_key"

// caseMediaKey returns the media encryption key, generating it on first use. It is kept wrapped
// under the master key (see Tx.Secret), so a copy of the database alone cannot decrypt media.
func (tx *Tx) caseMediaKey() ([]byte, error) {
	return tx.Secret(caseMediaKeyName, 32)
}

// newGCM returns AES-256-GCM under key: the cipher of every secret the database keeps sealed
// (case media, report records and supplements).
func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("media cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// storeCaseMedia encrypts media and stores it for caseID. The case id is the additional data, so
// a ciphertext moved to another case's row fails to decrypt.
func (tx *Tx) storeCaseMedia(caseID string, media []byte) error {
	key, err := tx.caseMediaKey()
	if err != nil {
		return err
	}
	aead, err := newGCM(key)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	sealed := aead.Seal(nil, nonce, media, []byte(caseID))
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO case_media (case_id, nonce, data) VALUES (?, ?, ?)`, caseID, nonce, sealed)
	if err != nil {
		return fmt.Errorf("store media of %s: %w", caseID, err)
	}
	return nil
}

// loadCaseMedia reads and decrypts a case's media; ok is false when the case keeps none.
func (tx *Tx) loadCaseMedia(caseID string) (media []byte, ok bool, err error) {
	var nonce, sealed []byte
	err = tx.QueryRowContext(tx.ctx, `SELECT nonce, data FROM case_media WHERE case_id = ?`, caseID).Scan(&nonce, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read media of %s: %w", caseID, err)
	}
	key, err := tx.caseMediaKey()
	if err != nil {
		return nil, false, fmt.Errorf("read media of %s: %w", caseID, err)
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, false, err
	}
	if len(nonce) != aead.NonceSize() {
		return nil, false, fmt.Errorf("media of %s: nonce is %d bytes", caseID, len(nonce))
	}
	media, err = aead.Open(nil, nonce, sealed, []byte(caseID))
	if err != nil {
		return nil, false, fmt.Errorf("decrypt media of %s: %w", caseID, err)
	}
	return media, true, nil
}

// deleteCaseMedia forgets a case's media: called when its review ends.
func (tx *Tx) deleteCaseMedia(caseID string) error {
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM case_media WHERE case_id = ?`, caseID); err != nil {
		return fmt.Errorf("delete media of %s: %w", caseID, err)
	}
	return nil
}
