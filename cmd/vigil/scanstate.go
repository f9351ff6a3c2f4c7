package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// scanState is the state file of "vigil scan --resume": the files finished so far, one
// JSON string (the absolute path) per line, appended as files finish. Appends are
// buffered and written with an fsync at checkpoints, after the scan's output has been
// flushed, so the file never claims a file whose output record could still be lost: a
// crash makes a resumed scan redo (and print again) at most the files since the last
// checkpoint.
type scanState struct {
	f        *os.File
	finished map[string]bool // absolute paths finished by earlier runs
	pending  []byte          // lines for files finished since the last checkpoint
	synced   time.Time       // when the last checkpoint was
}

// checkpointEvery is how often a scan with --resume saves its state.
const checkpointEvery = time.Second

// openScanState opens or creates the state file at path and reads the files it lists. A
// last line cut short by a crash is dropped; any other line that is not a JSON string is
// an error naming the line.
func openScanState(path string) (*scanState, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	finished, valid, err := readScanState(f, path)
	if err == nil {
		err = f.Truncate(valid) // drop a torn last line, so appends start on a fresh one
	}
	if err == nil {
		_, err = f.Seek(valid, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &scanState{f: f, finished: finished, synced: time.Now()}, nil
}

// readScanState reads the paths in a state file and returns them with the length of the
// file up to its last complete line.
func readScanState(r io.Reader, name string) (map[string]bool, int64, error) {
	finished := make(map[string]bool)
	br := bufio.NewReader(r)
	var valid int64
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return finished, valid, nil // a partial last line is the tail of an interrupted write
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read %s: %w", name, err)
		}
		var path string
		if err := json.Unmarshal(bytes.TrimSpace(line), &path); err != nil || path == "" {
			return nil, 0, fmt.Errorf("%s:%d: not a scan state line (a JSON string naming a file)", name, n)
		}
		finished[path] = true
		valid += int64(len(line))
	}
}

// key is how the state file names path: absolute, so that a scan resumed from another
// directory with the same paths still recognises its files.
func (s *scanState) key(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// done reports whether an earlier run finished path.
func (s *scanState) done(path string) bool {
	return s.finished[s.key(path)]
}

// record notes that path is finished; it is saved at the next checkpoint.
func (s *scanState) record(path string) {
	line, _ := json.Marshal(s.key(path)) // marshalling a string cannot fail
	s.pending = append(append(s.pending, line...), '\n')
}

// due reports whether it is time for a checkpoint.
func (s *scanState) due() bool {
	return len(s.pending) > 0 && time.Since(s.synced) >= checkpointEvery
}

// checkpoint calls flushOutput, then appends the recorded paths to the file and syncs it.
func (s *scanState) checkpoint(flushOutput func() error) error {
	s.synced = time.Now()
	if len(s.pending) == 0 {
		return nil
	}
	if err := flushOutput(); err != nil {
		return err
	}
	if _, err := s.f.Write(s.pending); err != nil {
		return fmt.Errorf("write %s: %w", s.f.Name(), err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", s.f.Name(), err)
	}
	s.pending = s.pending[:0]
	return nil
}

// close closes the file; call checkpoint first to save what is pending.
func (s *scanState) close() error {
	return s.f.Close()
}
