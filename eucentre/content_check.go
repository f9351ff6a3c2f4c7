package eucentre

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/vigilproject/vigil"
)

// checkContent refuses a repeated content id, and a declared hash that is not the hash of the
// attached data: the EU Centre must receive the very bytes the hashes (and the provider's
// other reports, such as NCMEC's) describe.
func checkContent(items []Content) error {
	first := make(map[string]int, len(items))
	for i, c := range items {
		if j, ok := first[c.ContentID]; ok {
			return vigil.FieldErrorf(vigil.EINVALID, fmt.Sprintf("content[%d].content_id", i),
				"repeats the id of content[%d]", j)
		}
		first[c.ContentID] = i
		for _, h := range []struct {
			member   string
			declared string
			hash     func() hash.Hash
		}{
			{"md5", c.MD5, md5.New},
			{"sha1", c.SHA1, sha1.New},
			{"sha256", c.SHA256, sha256.New},
		} {
			if h.declared == "" {
				continue
			}
			sum := h.hash()
			sum.Write(c.Data)
			if hex.EncodeToString(sum.Sum(nil)) != h.declared {
				return vigil.FieldErrorf(vigil.EINVALID, fmt.Sprintf("content[%d].%s", i, h.member),
					"is not the %s of the item's data", h.member)
			}
		}
	}
	return nil
}
