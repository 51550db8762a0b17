package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

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

// StepSource is an IngestSource that loads its rows a step at a time, the next step loading in the background
// while the batches of the current one are stored. Close it when the ingest has returned: a failed ingest stops
// calling Next, and Close cancels the load still running in the background and waits for it.
type StepSource struct {
	files    []SourceFile
	next     func(ctx context.Context) (LoadStep, error)
	current  IngestSource
	problems []Problem
	hashes   map[string]SourceFile
	ahead    chan stepResult // the step loading in the background; nil before the first and after the last
	err      error           // what ended the steps: io.EOF after the last, or the error Next returned

	// The background loads run under loadCtx, made from the context of the first Next and cancelled when the
	// steps end (the last step, an error, the ingest's context ending) or by Close; loading counts them.
	loadCtx context.Context
	cancel  context.CancelFunc
	loading sync.WaitGroup
}

// stepResult is what a call of next returned.
type stepResult struct {
	step LoadStep
	err  error
}

// FromSteps makes an IngestSource that calls next for the rows of files, one step (a group of files) at a time,
// until next returns io.EOF. Calls of next never overlap, but the next step is loaded (on another goroutine)
// while the batches of the current one are taken, so that parsing and writing overlap; so at most two steps'
// tables are held at once. The steps' problems are quarantined. next's context is the ingest's, cancelled
// when Next returns an error or Close is called.
func FromSteps(files []SourceFile, next func(ctx context.Context) (LoadStep, error)) *StepSource {
	return &StepSource{files: files, next: next}
}

// Files returns the source files the steps cover.
func (s *StepSource) Files() []SourceFile { return s.files }

// loadAhead starts loading the next step in the background.
func (s *StepSource) loadAhead() {
	ch := make(chan stepResult, 1) // never blocks: the goroutine ends even when nobody takes its step
	s.ahead = ch
	s.loading.Add(1)
	go func() {
		defer s.loading.Done()
		step, err := s.next(s.loadCtx)
		ch <- stepResult{step, err}
	}()
}

// Next returns the next batch of the current step, loading steps as they are needed; io.EOF after the last.
// Once it has returned an error, a load in the background is cancelled and has ended, and Next returns that
// error again.
func (s *StepSource) Next(ctx context.Context) (SourceBatch, error) {
	if s.err != nil {
		return SourceBatch{}, s.err
	}
	if s.loadCtx == nil {
		s.loadCtx, s.cancel = context.WithCancel(ctx)
	}
	b, err := s.nextBatch(ctx)
	if err != nil {
		s.err = err
		s.stop()
	}
	return b, err
}

func (s *StepSource) nextBatch(ctx context.Context) (SourceBatch, error) {
	for {
		if s.current != nil {
			b, err := s.current.Next(ctx)
			if !errors.Is(err, io.EOF) {
				return b, err
			}
			s.current = nil
		}
		if s.ahead == nil {
			s.loadAhead()
		}
		var r stepResult
		select {
		case r = <-s.ahead:
		case <-ctx.Done():
			return SourceBatch{}, ctx.Err()
		}
		s.ahead = nil
		if errors.Is(r.err, io.EOF) {
			return SourceBatch{}, io.EOF
		}
		if r.err != nil {
			return SourceBatch{}, fmt.Errorf("loading: %w", r.err)
		}
		s.loadAhead()
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

// stop cancels the background load and waits for it to end.
func (s *StepSource) stop() {
	if s.cancel != nil {
		s.cancel()
	}
	s.loading.Wait()
	s.ahead = nil
}

// Close ends the steps: a load running in the background is cancelled and has ended when Close returns, and
// Next returns io.EOF from then on (or the error it returned before). It always returns nil.
func (s *StepSource) Close() error {
	if s.err == nil {
		s.err = io.EOF
	}
	s.stop()
	return nil
}

// sourceProblems is implemented by sources that find unreadable records while they are read.
type sourceProblems interface {
	Problems() []Problem
}

// Problems returns the problems of the steps read so far.
func (s *StepSource) Problems() []Problem { return s.problems }

// SourceHashes returns the digests the steps read so far made of their files.
func (s *StepSource) SourceHashes() map[string]SourceFile { return s.hashes }
