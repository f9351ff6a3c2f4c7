// Package vigil holds Vigil's domain: the types every part of the system talks about (content,
// verdicts, cases, decisions, users, API keys, audit events, webhooks) and the service interfaces
// that the storage, pipeline and HTTP packages implement or use. It depends on nothing but the
// algorithm packages (signal, match), so every adapter can import it and none imports another.
package vigil
