package ingest

import (
	"context"
	"io"
	"os"
)

// DefaultStreamGroupBytes is about how much input one step of a Stream loads (compressed files count at their
// size on disk): enough files for every core, few enough that a step's rows stay a small part of an ingest's memory.
const DefaultStreamGroupBytes = 32 << 20

// Stream loads files a group at a time, so that an ingest holds one group's rows instead of the whole data set
// and its progress starts with the first group.
type Stream struct {
	// GroupBytes is about how much input one step loads (at least one file); 0 means DefaultStreamGroupBytes.
	GroupBytes int64

	files []string
	opts  Options
	next  int
}

// NewStream returns a Stream over files (regular files, as listed by the caller; folders are walked by Load).
func NewStream(files []string, opts Options) *Stream {
	return &Stream{files: files, opts: opts}
}

// Next loads the next group of files and returns what it read, or io.EOF after the last group.
func (s *Stream) Next(ctx context.Context) (*Dataset, error) {
	if s.next >= len(s.files) {
		return nil, io.EOF
	}
	limit := s.GroupBytes
	if limit <= 0 {
		limit = DefaultStreamGroupBytes
	}
	var size int64
	end := s.next
	for end < len(s.files) && (end == s.next || size < limit) {
		if st, err := os.Stat(s.files[end]); err == nil {
			size += st.Size()
		}
		end++
	}
	group := s.files[s.next:end]
	s.next = end
	return Load(ctx, group, s.opts)
}
