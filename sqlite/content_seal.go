package sqlite

import (
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// jobKeyName names the secret that seals job payloads.
const jobKeyName = "job_payload_key"

// sealJob encrypts a job payload with AES-256-GCM. The content id is the additional data, so a
// payload moved to another item's job fails to open.
func sealJob(aead cipher.AEAD, contentID string, payload []byte) (nonce, sealed []byte) {
	nonce = make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return nonce, aead.Seal(nil, nonce, payload, []byte(contentID))
}

// openJob decrypts a job payload that sealJob sealed; an empty nonce marks a payload written in
// the clear before payloads were sealed.
func (s *ContentStore) openJob(contentID string, nonce, sealed []byte) ([]byte, error) {
	if len(nonce) == 0 {
		return sealed, nil
	}
	_, aead, err := s.prepared()
	if err != nil {
		return nil, err
	}
	if len(nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("job of %s: nonce is %d bytes", contentID, len(nonce))
	}
	payload, err := aead.Open(nil, nonce, sealed, []byte(contentID))
	if err != nil {
		return nil, fmt.Errorf("decrypt job of %s: %w", contentID, err)
	}
	return payload, nil
}
