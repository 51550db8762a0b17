package storage

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
)

// LoadStep is one step of a streamed load: the tables of a group of source files and the records of those
// files that could not be read.
type LoadStep struct {
	Catalog  catalog.Catalog
	Problems []Problem
	// Hashes holds, by path, the size and SHA-256 of the bytes the step's files were read from, when the load
	// made them; the ingest then does not read those files again to hash them.
	Hashes map[string]SourceFile
}

// streamSource is an IngestSource that loads its rows a step at a time, the next step loading in the
// background while the batches of the current one are stored.
type streamSource struct {
	files    []SourceFile
	next     func(ctx context.Context) (LoadStep, error)
	current  IngestSource
	problems []Problem
	hashes   map[string]SourceFile
	ahead    chan stepResult // the step loading in the background; nil before the first and after the last
	done     bool            // next returned io.EOF or an error
}

// stepResult is what a call of next returned.
type stepResult struct {
	step LoadStep
	err  error
}

// FromSteps makes an IngestSource that calls next for the rows of files, one step (a group of files) at a time,
// until next returns io.EOF. Calls of next never overlap, but the next step is loaded (on another goroutine)
// while the batches of the current one are taken, so that parsing and writing overlap; so at most two steps'
// tables are held at once. The steps' problems are quarantined.
func FromSteps(files []SourceFile, next func(ctx context.Context) (LoadStep, error)) IngestSource {
	return &streamSource{files: files, next: next}
}

func (s *streamSource) Files() []SourceFile { return s.files }

// loadAhead starts loading the next step in the background.
func (s *streamSource) loadAhead(ctx context.Context) {
	ch := make(chan stepResult, 1) // never blocks: the goroutine ends even when nobody takes its step
	s.ahead = ch
	go func() {
		step, err := s.next(ctx)
		ch <- stepResult{step, err}
	}()
}

func (s *streamSource) Next(ctx context.Context) (SourceBatch, error) {
	for {
		if s.current != nil {
			b, err := s.current.Next(ctx)
			if !errors.Is(err, io.EOF) {
				return b, err
			}
			s.current = nil
		}
		if s.done {
			return SourceBatch{}, io.EOF
		}
		if s.ahead == nil {
			s.loadAhead(ctx)
		}
		var r stepResult
		select {
		case r = <-s.ahead:
		case <-ctx.Done():
			return SourceBatch{}, ctx.Err()
		}
		s.ahead = nil
		if errors.Is(r.err, io.EOF) {
			s.done = true
			return SourceBatch{}, io.EOF
		}
		if r.err != nil {
			s.done = true
			return SourceBatch{}, fmt.Errorf("loading: %w", r.err)
		}
		s.loadAhead(ctx)
		s.problems = append(s.problems, r.step.Problems...)
		for path, h := range r.step.Hashes {
			if s.hashes == nil {
				s.hashes = map[string]SourceFile{}
			}
			s.hashes[path] = h
		}
		if r.step.Catalog != nil {
			s.current = FromCatalog(r.step.Catalog, nil)
		}
	}
}

// sourceProblems is implemented by sources that find unreadable records while they are read.
type sourceProblems interface {
	Problems() []Problem
}

// Problems returns the problems of the steps read so far.
func (s *streamSource) Problems() []Problem { return s.problems }

// SourceHashes returns the digests the steps read so far made of their files.
func (s *streamSource) SourceHashes() map[string]SourceFile { return s.hashes }
