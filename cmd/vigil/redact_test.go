package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLoggerRedacts(t *testing.T) {
	var out bytes.Buffer
	log := newLogger(&out)
	secrets := map[string]string{
		"ip": "203.0.113.7", "remote_addr": "203.0.113.8:4711", "addr": "203.0.113.9:80", "client_ip": "198.51.100.1",
		"user": "alice", "user_id": "usr_01ABC", "uploader": "uploader-42",
		"signal": "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6339c4e9c9b22",
		"hash":   "d41d8cd98f00b204e9800998ecf8427e", "pdq": "e0f4a84f06370a22038f63f0b36e2ed5",
		"md5": "900150983cd24fb0d6963f7d28e17f72", "sha1": "a9993e364706816aba3e25717850c26c9cd0d89d",
		"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	}
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		for key, value := range secrets {
			t.Run(level.String()+" "+key, func(t *testing.T) {
				out.Reset()
				log.Log(t.Context(), level, "event", key, value, "bank", "ncmec", slog.Group("req", key, value))
				line := out.String()
				if strings.Contains(line, value) || strings.Count(line, `"`+key+`":"[redacted]"`) != 2 {
					t.Fatalf("%s", line)
				}
				if !strings.Contains(line, `"bank":"ncmec"`) {
					t.Fatalf("an ordinary attribute was redacted: %s", line)
				}
			})
		}
	}
}
