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
}

// streamSource is an IngestSource that loads its rows a step at a time.
type streamSource struct {
	files    []SourceFile
	next     func(ctx context.Context) (LoadStep, error)
	current  IngestSource
	problems []Problem
}

// FromSteps makes an IngestSource that calls next for the rows of files, one step (a group of files) at a time,
// until next returns io.EOF; only one step's tables are held at once. The steps' problems are quarantined.
func FromSteps(files []SourceFile, next func(ctx context.Context) (LoadStep, error)) IngestSource {
	return &streamSource{files: files, next: next}
}

func (s *streamSource) Files() []SourceFile { return s.files }

func (s *streamSource) Next(ctx context.Context) (SourceBatch, error) {
	for {
		if s.current != nil {
			b, err := s.current.Next(ctx)
			if !errors.Is(err, io.EOF) {
				return b, err
			}
			s.current = nil
		}
		step, err := s.next(ctx)
		if errors.Is(err, io.EOF) {
			return SourceBatch{}, io.EOF
		}
		if err != nil {
			return SourceBatch{}, fmt.Errorf("loading: %w", err)
		}
		s.problems = append(s.problems, step.Problems...)
		if step.Catalog != nil {
			s.current = FromCatalog(step.Catalog, nil)
		}
	}
}

// sourceProblems is implemented by sources that find unreadable records while they are read.
type sourceProblems interface {
	Problems() []Problem
}

// Problems returns the problems of the steps read so far.
func (s *streamSource) Problems() []Problem { return s.problems }
