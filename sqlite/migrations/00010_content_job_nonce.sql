-- +goose Up
-- Job payloads (uploaded bytes, submitted signals) are sealed with AES-256-GCM under the secret
-- job_payload_key, the content id as additional data, so an upload waiting for a worker is never
-- on disk in the clear. nonce is the GCM nonce; it is empty only for jobs written before this
-- migration, whose payloads are still plaintext and are read as such.
ALTER TABLE content_jobs ADD COLUMN nonce BLOB NOT NULL DEFAULT x'';
