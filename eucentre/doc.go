// Package eucentre renders Vigil's canonical report record (vigil.ReportRecord) as the document
// a provider sends to the EU Centre under Art. 12-13 and Annex III of the proposed Regulation,
// signs it, checks it against its JSON Schema and sends it.
//
// The document is JSON described by schema/report-v1.json, which is embedded and versioned with
// the code: every Annex III field (RP-02..RP-13) is a required property, and the content data
// travels inside the document as base64 (RP-04).
//
// # Canonical bytes
//
// The bytes Render returns are the canonical form of a document, and the bytes that are signed:
// encoding/json's encoding of the Document struct, so object members come in the struct's field
// order, map keys are sorted, there is no insignificant whitespace, strings use encoding/json's
// escaping (including \u003c, \u003e and \u0026 for <, > and &), times are UTC with exactly
// three fractional digits, and []byte is standard base64 with padding. Parse and Validate refuse
// a document that is not in this form, so a document that decodes and re-encodes to other bytes
// can never carry a signature that seems to vouch for a different reading of it.
//
// # Signature
//
// The provider signs the canonical bytes with Ed25519 (RP-03). The signature is detached: it
// travels in the SignatureHeader HTTP header as "ed25519=<base64>; key=<key id>", where the key
// id is KeyID of the provider's public key, so a receiver that knows several keys picks the
// right one. The document's "format" member names the kind of document, so a signature over a
// report cannot pass for one over another document signed with the same key.
//
// # Transport
//
// Client POSTs a signed document with an Idempotency-Key header and returns the EU Centre's
// reference. It does not retry: retries belong to the caller's outbox, which can ask Retryable
// whether an error is worth another attempt. Package eucentrefake is an endpoint for tests.
//
// # Supplements
//
// Information added to a report the EU Centre already took (the answer to its request for
// missing information, RP-17; a CyberTipline report id learnt after the report went out, RP-09)
// travels as a supplement: a small document (schema/supplement-v1.json, RenderSupplement,
// ParseSupplement) naming the report by the Centre's reference, canonical and signed like a
// report, POSTed by the same Client to SupplementURL: <reports URL>/<escaped reference>/supplements,
// with the supplement id as idempotency key.
package eucentre
