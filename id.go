package vigil

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// Public id prefixes: an id says what it names, and database row ids never leave the store.
const (
	PrefixContent = "cnt"
	PrefixCase    = "cas"
	PrefixUser    = "usr"
	PrefixKey     = "key"
	PrefixWebhook = "whk"
	PrefixEvent   = "evt"
	PrefixComment = "cmt"
	PrefixMessage = "msg"
)

// crockford is Crockford's base-32 alphabet: no I, L, O or U, so ids survive being read aloud.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewID returns prefix, an underscore and 26 characters: 48 bits of milliseconds since the Unix
// epoch followed by 80 random bits, in base 32. Ids made later sort later, so listings in id order
// are in creation order.
func NewID(prefix string, now time.Time) string {
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(now.UnixMilli())<<16)
	rand.Read(raw[6:])
	hi := binary.BigEndian.Uint64(raw[:8])
	lo := binary.BigEndian.Uint64(raw[8:])
	out := make([]byte, len(prefix)+1+26)
	copy(out, prefix)
	out[len(prefix)] = '_'
	digits := out[len(prefix)+1:]
	// 128 bits as 26 base-32 digits: the first digit carries the top 3 bits.
	for i := 25; i >= 0; i-- {
		digits[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}
