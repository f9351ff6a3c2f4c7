package main

import "log/slog"

// redactedKeys are the log attribute keys whose values identify people or content: IP
// addresses, user and uploader identifiers, and content hashes. The project's rule is that
// none of them is logged, so the one ReplaceAttr of the service's logger blanks them whatever
// the level and wherever they are nested, and a careless log call cannot leak them.
var redactedKeys = map[string]bool{
	"ip": true, "remote_addr": true, "addr": true, "client_ip": true,
	"user": true, "user_id": true, "uploader": true,
	"signal": true, "hash": true, "pdq": true, "md5": true, "sha1": true, "sha256": true,
}

// redacted replaces the value of a redacted attribute.
const redacted = "[redacted]"

// redact is the service logger's slog.HandlerOptions.ReplaceAttr.
func redact(groups []string, a slog.Attr) slog.Attr {
	if redactedKeys[a.Key] {
		return slog.String(a.Key, redacted)
	}
	return a
}
